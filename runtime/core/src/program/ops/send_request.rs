//! `send-request`: an outbound call whose response is stored in a variable.

use super::{
    Arg, AuthenticationCertificate, AuthenticationManagedIdentity, HeaderOp, OpData, Printer, Refs,
};
use crate::bundle::{many, put_flags, put_len, put_opt_arg, put_var, BundleError, ProgramReader};
use crate::program::StrId;

/// `send-request`.
#[derive(Clone, Debug, PartialEq)]
pub struct SendRequest {
    /// `mode`: `new` (default) or `copy` (start from the current request).
    pub mode: Option<Arg>,
    /// `response-variable-name`: receives the `IResponse`.
    pub variable: StrId,
    /// `timeout` in seconds (default 60).
    pub timeout: Option<Arg>,
    /// `ignore-error`: a failed call leaves the variable `null` instead of an error.
    pub ignore_error: bool,
    /// `<set-url>`.
    pub url: Option<Arg>,
    /// `<set-method>`.
    pub method: Option<Arg>,
    /// `<set-header>` children, in order.
    pub headers: Vec<HeaderOp>,
    /// `<set-body>`.
    pub body: Option<Arg>,
    /// `<authentication-managed-identity>`: a token for the call.
    pub identity: Option<AuthenticationManagedIdentity>,
    /// `<authentication-certificate>`: the certificate the call presents.
    pub certificate: Option<AuthenticationCertificate>,
}

impl SendRequest {
    /// The default `timeout`, seconds.
    pub const DEFAULT_TIMEOUT_SECS: i64 = 60;
}

impl OpData for SendRequest {
    fn write(&self, w: &mut Vec<u8>) {
        put_var(w, self.variable);
        put_flags(w, &[self.ignore_error]);
        put_opt_arg(w, self.mode);
        put_opt_arg(w, self.timeout);
        put_opt_arg(w, self.url);
        put_opt_arg(w, self.method);
        put_len(w, self.headers.len());
        self.headers.iter().for_each(|h| h.write(w));
        put_opt_arg(w, self.body);
        put_flags(w, &[self.identity.is_some()]);
        if let Some(i) = &self.identity {
            i.write(w);
        }
        put_flags(w, &[self.certificate.is_some()]);
        if let Some(c) = &self.certificate {
            c.write(w);
        }
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        let variable = r.str_id("a response variable")?;
        let [ignore_error] = r.flags::<1>("send-request flags")?;
        let mode = r.opt_arg("a mode")?;
        let timeout = r.opt_arg("a timeout")?;
        let url = r.opt_arg("a URL")?;
        let method = r.opt_arg("a method")?;
        let n = r.list("headers", 3)?;
        let headers = many(n, || HeaderOp::read(r))?;
        Ok(SendRequest {
            mode,
            variable,
            timeout,
            ignore_error,
            url,
            method,
            headers,
            body: r.opt_arg("a body")?,
            identity: match r.flags::<1>("send-request identity flag")? {
                [true] => Some(AuthenticationManagedIdentity::read(r)?),
                [false] => None,
            },
            certificate: match r.flags::<1>("send-request certificate")? {
                [true] => Some(AuthenticationCertificate::read(r)?),
                [false] => None,
            },
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        let mut s = format!("{name} variable={:?}", p.s(self.variable));
        s.push_str(&p.opt("mode", self.mode));
        s.push_str(&p.opt("timeout", self.timeout));
        if self.ignore_error {
            s.push_str(" ignore-error");
        }
        s.push_str(&p.opt("url", self.url));
        s.push_str(&p.opt("method", self.method));
        for h in &self.headers {
            s.push_str(&format!(" header({})", h.describe(p)));
        }
        s.push_str(&p.opt("body", self.body));
        if let Some(i) = &self.identity {
            s.push_str(&format!(
                " ({})",
                i.print(p, "authentication-managed-identity")
            ));
        }
        if let Some(c) = &self.certificate {
            s.push_str(&format!(" ({})", c.print(p, "authentication-certificate")));
        }
        s
    }

    fn refs(&self, v: &mut dyn Refs) {
        v.string(self.variable);
        for a in [self.mode, self.timeout, self.url, self.method]
            .into_iter()
            .flatten()
        {
            v.arg(a);
        }
        self.headers.iter().for_each(|h| h.refs(v));
        self.body.into_iter().for_each(|a| v.arg(a));
        if let Some(i) = &self.identity {
            i.refs(v);
        }
        if let Some(c) = &self.certificate {
            c.refs(v);
        }
    }
}
