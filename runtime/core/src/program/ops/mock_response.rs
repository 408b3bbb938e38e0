//! `mock-response`: which declared example to answer with.

use super::{OpData, Printer, Refs};
use crate::bundle::{put_opt, put_var, BundleError, ProgramReader};
use crate::program::StrId;

/// `mock-response`: answer from the operation's declared example.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MockResponse {
    /// Status code to pick (default 200).
    pub status: u16,
    /// Content type to pick, if given.
    pub content_type: Option<StrId>,
}

impl OpData for MockResponse {
    fn write(&self, w: &mut Vec<u8>) {
        put_var(w, self.status);
        put_opt(w, self.content_type);
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        Ok(MockResponse {
            status: r.r.var_u16("a status code")?,
            content_type: r.opt_str("a content type")?,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        format!(
            "{name} status={}{}",
            self.status,
            p.name("content-type", self.content_type)
        )
    }

    fn refs(&self, v: &mut dyn Refs) {
        if let Some(s) = self.content_type {
            v.string(s);
        }
    }
}
