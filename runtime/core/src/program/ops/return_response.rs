//! `return-response`: a response built from a variable, a status, headers and a body.

use super::{Arg, HeaderOp, OpData, Printer, Refs};
use crate::bundle::{many, put_len, put_opt, put_opt_arg, BundleError, ProgramReader};
use crate::program::StrId;

/// `return-response`.
#[derive(Clone, Debug, PartialEq)]
pub struct ReturnResponse {
    /// `response-variable-name`: start from a response object stored in a variable.
    pub variable: Option<StrId>,
    /// `<set-status code reason>`.
    pub status: Option<(Arg, Option<Arg>)>,
    /// `<set-header>` children.
    pub headers: Vec<HeaderOp>,
    /// `<set-body>` child.
    pub body: Option<Arg>,
}

impl OpData for ReturnResponse {
    fn write(&self, w: &mut Vec<u8>) {
        put_opt(w, self.variable);
        put_opt_arg(w, self.status.map(|(code, _)| code));
        if let Some((_, reason)) = self.status {
            put_opt_arg(w, reason);
        }
        put_len(w, self.headers.len());
        self.headers.iter().for_each(|h| h.write(w));
        put_opt_arg(w, self.body);
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        let variable = r.opt_str("a response variable")?;
        let status = match r.opt_arg("a status code")? {
            None => None,
            Some(code) => Some((code, r.opt_arg("a reason")?)),
        };
        let n = r.list("headers", 3)?;
        let headers = many(n, || HeaderOp::read(r))?;
        Ok(ReturnResponse {
            variable,
            status,
            headers,
            body: r.opt_arg("a body")?,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        let mut s = format!("{name}{}", p.name("variable", self.variable));
        if let Some((code, reason)) = self.status {
            s.push_str(&format!(
                " status={}{}",
                p.arg(code),
                p.opt("reason", reason)
            ));
        }
        for h in &self.headers {
            s.push_str(&format!(" header({})", h.describe(p)));
        }
        s.push_str(&p.opt("body", self.body));
        s
    }

    fn refs(&self, v: &mut dyn Refs) {
        if let Some(s) = self.variable {
            v.string(s);
        }
        if let Some((code, reason)) = self.status {
            v.arg(code);
            reason.into_iter().for_each(|a| v.arg(a));
        }
        self.headers.iter().for_each(|h| h.refs(v));
        self.body.into_iter().for_each(|a| v.arg(a));
    }
}
