//! `rewrite-uri`: a new URL template.

use super::{Arg, OpData, Printer, Refs};
use crate::bundle::{put_arg, put_flags, BundleError, ProgramReader};

/// `rewrite-uri`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RewriteUri {
    /// The new URL template (relative to the backend base URL).
    pub template: Arg,
    /// Keep query parameters the template does not mention.
    pub copy_unmatched_params: bool,
}

impl OpData for RewriteUri {
    fn write(&self, w: &mut Vec<u8>) {
        put_arg(w, self.template);
        put_flags(w, &[self.copy_unmatched_params]);
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        Ok(RewriteUri {
            template: r.arg("a template")?,
            copy_unmatched_params: r.flags::<1>("rewrite-uri flags")?[0],
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        format!(
            "{name} template={} copy-unmatched-params={}",
            p.arg(self.template),
            self.copy_unmatched_params
        )
    }

    fn refs(&self, v: &mut dyn Refs) {
        v.arg(self.template);
    }
}
