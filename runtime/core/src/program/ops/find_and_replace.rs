//! `find-and-replace`: replaces every occurrence of one text by another in a body.

use super::{Arg, OpData, Printer, Refs};
use crate::bundle::{put_arg, BundleError, ProgramReader};

/// `find-and-replace` on the section's message body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FindAndReplace {
    /// The text to find (`from`).
    pub from: Arg,
    /// Its replacement (`to`; empty removes it).
    pub to: Arg,
}

impl OpData for FindAndReplace {
    fn write(&self, w: &mut Vec<u8>) {
        put_arg(w, self.from);
        put_arg(w, self.to);
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        Ok(FindAndReplace {
            from: r.arg("the text to find")?,
            to: r.arg("the replacement")?,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        format!("{name} from={} to={}", p.arg(self.from), p.arg(self.to))
    }

    fn refs(&self, v: &mut dyn Refs) {
        v.arg(self.from);
        v.arg(self.to);
    }
}
