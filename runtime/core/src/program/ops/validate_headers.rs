//! `validate-headers`: the response's headers checked against the headers the operation
//! declares for the response's status.

use super::{Arg, OpData, Printer, Refs};
use crate::bundle::{many, put_arg, put_len, put_opt, put_var, BundleError, ProgramReader};
use crate::program::StrId;

/// `validate-headers`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidateHeaders {
    /// `specified-header-action`.
    pub specified_header_action: Arg,
    /// `unspecified-header-action`.
    pub unspecified_header_action: Arg,
    /// `errors-variable-name`.
    pub errors_variable_name: Option<StrId>,
    /// `header` overrides: name and action.
    pub headers: Vec<(StrId, Arg)>,
}

/// Writes named overrides (`header`, `parameter`).
pub(super) fn put_named(w: &mut Vec<u8>, list: &[(StrId, Arg)]) {
    put_len(w, list.len());
    for (name, action) in list {
        put_var(w, *name);
        put_arg(w, *action);
    }
}

/// Reads named overrides back.
pub(super) fn read_named(
    r: &mut ProgramReader<'_, '_>,
    what: &str,
) -> Result<Vec<(StrId, Arg)>, BundleError> {
    let n = r.list(what, 2)?;
    many(n, || {
        Ok((
            r.str_id("an override's name")?,
            r.arg("an override's action")?,
        ))
    })
}

/// Prints named overrides.
pub(super) fn print_named(p: &Printer<'_>, list: &[(StrId, Arg)]) -> String {
    list.iter()
        .map(|(n, a)| format!(" {}={}", p.s(*n), p.arg(*a)))
        .collect()
}

impl OpData for ValidateHeaders {
    fn write(&self, w: &mut Vec<u8>) {
        put_arg(w, self.specified_header_action);
        put_arg(w, self.unspecified_header_action);
        put_opt(w, self.errors_variable_name);
        put_named(w, &self.headers);
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        Ok(ValidateHeaders {
            specified_header_action: r.arg("specified-header-action")?,
            unspecified_header_action: r.arg("unspecified-header-action")?,
            errors_variable_name: r.opt_str("errors-variable-name")?,
            headers: read_named(r, "header overrides")?,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        let mut s = format!(
            "{name} specified={} unspecified={}",
            p.arg(self.specified_header_action),
            p.arg(self.unspecified_header_action)
        );
        if let Some(v) = self.errors_variable_name {
            s.push_str(&format!(" errors-variable={}", p.s(v)));
        }
        s.push_str(&print_named(p, &self.headers));
        s
    }

    fn refs(&self, v: &mut dyn Refs) {
        v.arg(self.specified_header_action);
        v.arg(self.unspecified_header_action);
        self.headers.iter().for_each(|(_, a)| v.arg(*a));
    }
}
