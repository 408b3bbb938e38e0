//! `check-header`: a header that must be present, optionally with one of listed values.

use super::{Arg, OpData, Printer, Refs};
use crate::bundle::{many, put_arg, put_len, BundleError, ProgramReader};

/// `check-header`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckHeader {
    /// The header's name.
    pub name: Arg,
    /// The status answered when the check fails.
    pub failed_check_httpcode: Arg,
    /// The error message answered (and in `context.LastError.Message`) when it fails.
    pub failed_check_error_message: Arg,
    /// Whether values compare without regard to case (`true`/`false`).
    pub ignore_case: Arg,
    /// The allowed values; none: only presence is checked.
    pub values: Vec<Arg>,
}

impl OpData for CheckHeader {
    fn write(&self, w: &mut Vec<u8>) {
        put_arg(w, self.name);
        put_arg(w, self.failed_check_httpcode);
        put_arg(w, self.failed_check_error_message);
        put_arg(w, self.ignore_case);
        put_len(w, self.values.len());
        self.values.iter().for_each(|v| put_arg(w, *v));
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        let name = r.arg("a header name")?;
        let failed_check_httpcode = r.arg("a status code")?;
        let failed_check_error_message = r.arg("an error message")?;
        let ignore_case = r.arg("ignore-case")?;
        let n = r.list("values", 1)?;
        let values = many(n, || r.arg("a value"))?;
        Ok(CheckHeader {
            name,
            failed_check_httpcode,
            failed_check_error_message,
            ignore_case,
            values,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        let values: Vec<String> = self.values.iter().map(|&v| p.arg(v)).collect();
        format!(
            "{name} name={} code={} message={} ignore-case={} values=[{}]",
            p.arg(self.name),
            p.arg(self.failed_check_httpcode),
            p.arg(self.failed_check_error_message),
            p.arg(self.ignore_case),
            values.join(", ")
        )
    }

    fn refs(&self, v: &mut dyn Refs) {
        v.arg(self.name);
        v.arg(self.failed_check_httpcode);
        v.arg(self.failed_check_error_message);
        v.arg(self.ignore_case);
        self.values.iter().for_each(|a| v.arg(*a));
    }
}
