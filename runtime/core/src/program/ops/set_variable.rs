//! `set-variable`: a variable name and its value.

use super::{Arg, OpData, Printer, Refs};
use crate::bundle::{put_arg, put_var, BundleError, ProgramReader};
use crate::program::StrId;

/// `set-variable`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SetVariable {
    /// Variable name.
    pub name: StrId,
    /// Its value (an expression keeps its type; literal text is a string).
    pub value: Arg,
}

impl OpData for SetVariable {
    fn write(&self, w: &mut Vec<u8>) {
        put_var(w, self.name);
        put_arg(w, self.value);
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        Ok(SetVariable {
            name: r.str_id("a variable name")?,
            value: r.arg("a value")?,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        format!(
            "{name} name={:?} value={}",
            p.s(self.name),
            p.arg(self.value)
        )
    }

    fn refs(&self, v: &mut dyn Refs) {
        v.string(self.name);
        v.arg(self.value);
    }
}
