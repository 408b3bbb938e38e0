//! `authentication-managed-identity`: the resource a token is asked for, the identity, and
//! where the token goes (the `Authorization` header or a variable).

use super::{Arg, OpData, Printer, Refs};
use crate::bundle::{put_arg, put_opt, put_opt_arg, BundleError, ProgramReader};
use crate::program::StrId;

/// `authentication-managed-identity` (a policy, or a child of `send-request`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AuthenticationManagedIdentity {
    /// `resource`: the token's audience (an application ID URI or `https://...`).
    pub resource: Arg,
    /// `client-id`: a user-assigned identity; `None` for the system-assigned one.
    pub client_id: Option<StrId>,
    /// `output-token-variable-name`: the token goes to this variable instead of the
    /// `Authorization` header.
    pub output_variable: Option<StrId>,
    /// `ignore-error` (default `false`): a failure leaves the request without a token.
    pub ignore_error: Option<Arg>,
}

impl OpData for AuthenticationManagedIdentity {
    fn write(&self, w: &mut Vec<u8>) {
        put_arg(w, self.resource);
        put_opt(w, self.client_id);
        put_opt(w, self.output_variable);
        put_opt_arg(w, self.ignore_error);
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        Ok(AuthenticationManagedIdentity {
            resource: r.arg("a resource")?,
            client_id: r.opt_str("a client id")?,
            output_variable: r.opt_str("a token variable")?,
            ignore_error: r.opt_arg("ignore-error")?,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        format!(
            "{name} resource={}{}{}{}",
            p.arg(self.resource),
            p.name("client-id", self.client_id),
            p.name("output-token-variable-name", self.output_variable),
            p.opt("ignore-error", self.ignore_error)
        )
    }

    fn refs(&self, v: &mut dyn Refs) {
        v.arg(self.resource);
        for s in [self.client_id, self.output_variable].into_iter().flatten() {
            v.string(s);
        }
        if let Some(a) = self.ignore_error {
            v.arg(a);
        }
    }
}
