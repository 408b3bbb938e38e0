//! `validate-status-code`: the response's status checked against the operation's declared
//! responses.

use super::{Arg, OpData, Printer, Refs};
use crate::bundle::{many, put_arg, put_len, put_opt, put_var, BundleError, ProgramReader};
use crate::program::StrId;

/// `validate-status-code`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidateStatusCode {
    /// `unspecified-status-code-action`.
    pub unspecified_status_code_action: Arg,
    /// `errors-variable-name`.
    pub errors_variable_name: Option<StrId>,
    /// `status-code` overrides: code and action.
    pub codes: Vec<(u16, Arg)>,
}

impl OpData for ValidateStatusCode {
    fn write(&self, w: &mut Vec<u8>) {
        put_arg(w, self.unspecified_status_code_action);
        put_opt(w, self.errors_variable_name);
        put_len(w, self.codes.len());
        for (code, action) in &self.codes {
            put_var(w, *code);
            put_arg(w, *action);
        }
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        let unspecified_status_code_action = r.arg("unspecified-status-code-action")?;
        let errors_variable_name = r.opt_str("errors-variable-name")?;
        let n = r.list("status-code overrides", 2)?;
        let codes = many(n, || {
            Ok((
                r.r.var_u16("a status code")?,
                r.arg("a status code's action")?,
            ))
        })?;
        Ok(ValidateStatusCode {
            unspecified_status_code_action,
            errors_variable_name,
            codes,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        let mut s = format!(
            "{name} unspecified={}",
            p.arg(self.unspecified_status_code_action)
        );
        if let Some(v) = self.errors_variable_name {
            s.push_str(&format!(" errors-variable={}", p.s(v)));
        }
        for (code, action) in &self.codes {
            s.push_str(&format!(" {code}={}", p.arg(*action)));
        }
        s
    }

    fn refs(&self, v: &mut dyn Refs) {
        v.arg(self.unspecified_status_code_action);
        self.codes.iter().for_each(|(_, a)| v.arg(*a));
    }
}
