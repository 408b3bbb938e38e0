//! `validate-azure-ad-token`: a Microsoft Entra token of a tenant, its client and backend
//! applications, audiences and required claims; the keys and issuers come from the tenant's
//! OpenID configurations in the gateway's key cache.

use super::validate_jwt::JwtRules;
use super::{Arg, OpData, Printer, Refs};
use crate::bundle::{many, put_arg, put_len, put_opt, put_var, BundleError, ProgramReader};
use crate::program::StrId;

/// `validate-azure-ad-token`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidateAzureAdToken {
    /// Token place, failure, output, audiences, required claims.
    pub rules: JwtRules,
    /// `tenant-id`: a tenant id or domain.
    pub tenant_id: StrId,
    /// `authentication-endpoint`: the authority host (default: the operator's setting, else
    /// `https://login.microsoftonline.com`).
    pub authentication_endpoint: Option<StrId>,
    /// `client-application-ids/application-id`: the token's `appid`/`azp` must be one.
    pub client_application_ids: Vec<Arg>,
    /// `backend-application-ids/application-id`: audiences the token may be for.
    pub backend_application_ids: Vec<Arg>,
}

fn read_args(r: &mut ProgramReader<'_, '_>, what: &str) -> Result<Vec<Arg>, BundleError> {
    let n = r.list(what, 1)?;
    many(n, || r.arg(what))
}

impl OpData for ValidateAzureAdToken {
    fn write(&self, w: &mut Vec<u8>) {
        self.rules.write(w);
        put_var(w, self.tenant_id);
        put_opt(w, self.authentication_endpoint);
        for list in [&self.client_application_ids, &self.backend_application_ids] {
            put_len(w, list.len());
            list.iter().for_each(|a| put_arg(w, *a));
        }
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        Ok(ValidateAzureAdToken {
            rules: JwtRules::read(r)?,
            tenant_id: r.str_id("a tenant id")?,
            authentication_endpoint: r.opt_str("an authentication endpoint")?,
            client_application_ids: read_args(r, "client application ids")?,
            backend_application_ids: read_args(r, "backend application ids")?,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        let list = |xs: &[Arg]| xs.iter().map(|a| p.arg(*a)).collect::<Vec<_>>().join(",");
        format!(
            "{name} tenant={:?}{} {} clients=[{}] backends=[{}]",
            p.s(self.tenant_id),
            p.name("authority", self.authentication_endpoint),
            self.rules.print(p),
            list(&self.client_application_ids),
            list(&self.backend_application_ids)
        )
    }

    fn refs(&self, v: &mut dyn Refs) {
        v.string(self.tenant_id);
        self.authentication_endpoint
            .into_iter()
            .for_each(|s| v.string(s));
        self.rules.refs(v);
        self.client_application_ids.iter().for_each(|a| v.arg(*a));
        self.backend_application_ids.iter().for_each(|a| v.arg(*a));
    }
}
