//! `set-method`: the new method.

use super::{Arg, OpData, Printer, Refs};
use crate::bundle::{put_arg, BundleError, ProgramReader};

/// `set-method`: the method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SetMethod(pub Arg);

impl OpData for SetMethod {
    fn write(&self, w: &mut Vec<u8>) {
        put_arg(w, self.0);
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        Ok(SetMethod(r.arg("a method")?))
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        format!("{name} {}", p.arg(self.0))
    }

    fn refs(&self, v: &mut dyn Refs) {
        v.arg(self.0);
    }
}
