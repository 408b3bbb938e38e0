//! `set-status`: a status code and a reason phrase.

use super::{Arg, OpData, Printer, Refs};
use crate::bundle::{put_arg, put_opt_arg, BundleError, ProgramReader};

/// `set-status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SetStatus {
    /// Status code.
    pub code: Arg,
    /// Reason phrase.
    pub reason: Option<Arg>,
}

impl OpData for SetStatus {
    fn write(&self, w: &mut Vec<u8>) {
        put_arg(w, self.code);
        put_opt_arg(w, self.reason);
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        Ok(SetStatus {
            code: r.arg("a status code")?,
            reason: r.opt_arg("a reason")?,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        format!(
            "{name} code={}{}",
            p.arg(self.code),
            p.opt("reason", self.reason)
        )
    }

    fn refs(&self, v: &mut dyn Refs) {
        v.arg(self.code);
        if let Some(r) = self.reason {
            v.arg(r);
        }
    }
}
