//! `set-body`: the new body of the section's message.

use super::{Arg, OpData, Printer, Refs};
use crate::bundle::{put_arg, BundleError, ProgramReader};

/// `set-body` on the section's message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SetBody {
    /// The new body.
    pub value: Arg,
}

impl OpData for SetBody {
    fn write(&self, w: &mut Vec<u8>) {
        put_arg(w, self.value);
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        Ok(SetBody {
            value: r.arg("a body")?,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        format!("{name} {}", p.arg(self.value))
    }

    fn refs(&self, v: &mut dyn Refs) {
        v.arg(self.value);
    }
}
