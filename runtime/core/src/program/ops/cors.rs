//! `cors`: allowed origins, methods and headers, exposed headers, and how unmatched
//! cross-origin requests are treated.

use super::{Arg, OpData, Printer, Refs};
use crate::bundle::{many, put_arg, put_len, put_opt_arg, put_var, BundleError, ProgramReader};
use crate::program::StrId;

/// `cors`.
#[derive(Clone, Debug, PartialEq)]
pub struct Cors {
    /// `allow-credentials` (default `false`).
    pub allow_credentials: Option<Arg>,
    /// `terminate-unmatched-request` (default `true`, see docs/gateway.md).
    pub terminate_unmatched: Option<Arg>,
    /// `allowed-origins/origin`: `*` or `scheme://host[:port]`.
    pub origins: Vec<StrId>,
    /// `allowed-methods/method` (none: `GET`, `POST`; `*`: any).
    pub methods: Vec<Arg>,
    /// `allowed-methods preflight-result-max-age` in seconds.
    pub max_age: Option<Arg>,
    /// `allowed-headers/header` (`*`: any).
    pub headers: Vec<StrId>,
    /// `expose-headers/header`.
    pub expose: Vec<StrId>,
}

fn put_strs(w: &mut Vec<u8>, ids: &[StrId]) {
    put_len(w, ids.len());
    ids.iter().for_each(|i| put_var(w, *i));
}

impl OpData for Cors {
    fn write(&self, w: &mut Vec<u8>) {
        put_opt_arg(w, self.allow_credentials);
        put_opt_arg(w, self.terminate_unmatched);
        put_strs(w, &self.origins);
        put_len(w, self.methods.len());
        self.methods.iter().for_each(|m| put_arg(w, *m));
        put_opt_arg(w, self.max_age);
        put_strs(w, &self.headers);
        put_strs(w, &self.expose);
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        let allow_credentials = r.opt_arg("allow-credentials")?;
        let terminate_unmatched = r.opt_arg("terminate-unmatched-request")?;
        let origins = r.str_ids("origins")?;
        let n = r.list("methods", 1)?;
        let methods = many(n, || r.arg("a method"))?;
        Ok(Cors {
            allow_credentials,
            terminate_unmatched,
            origins,
            methods,
            max_age: r.opt_arg("a preflight max age")?,
            headers: r.str_ids("allowed headers")?,
            expose: r.str_ids("exposed headers")?,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        let list = |ids: &[StrId]| ids.iter().map(|i| p.s(*i)).collect::<Vec<_>>().join(",");
        let methods: Vec<String> = self.methods.iter().map(|m| p.arg(*m)).collect();
        format!(
            "{name}{}{} origins={} methods=[{}]{} headers={} expose={}",
            p.opt("allow-credentials", self.allow_credentials),
            p.opt("terminate-unmatched-request", self.terminate_unmatched),
            list(&self.origins),
            methods.join(","),
            p.opt("max-age", self.max_age),
            list(&self.headers),
            list(&self.expose)
        )
    }

    fn refs(&self, v: &mut dyn Refs) {
        self.allow_credentials.into_iter().for_each(|a| v.arg(a));
        self.terminate_unmatched.into_iter().for_each(|a| v.arg(a));
        self.origins.iter().for_each(|s| v.string(*s));
        self.methods.iter().for_each(|m| v.arg(*m));
        self.max_age.into_iter().for_each(|a| v.arg(a));
        self.headers.iter().for_each(|s| v.string(*s));
        self.expose.iter().for_each(|s| v.string(*s));
    }
}
