//! `validate-azure-ad-token`: the token engine of `validate-jwt` with a Microsoft Entra
//! tenant's keys and issuers (its v1 and v2 OpenID configurations under the authority
//! host), its client applications (`azp`/`appid`) and backend applications (audiences).

use super::super::exchange::Exchange;
use super::super::run::Next;
use super::token::{self, Failure, Token};
use super::validate_jwt::{texts, validate, Checks, Stop};
use crate::program::{Op, Program, ValidateAzureAdToken};
use crate::vm::Fault;

/// The OpenID configuration URLs of `tenant` under `authority` (v2, then v1).
pub(crate) fn entra_urls(authority: &str, tenant: &str) -> [String; 2] {
    let base = authority.trim_end_matches('/');
    let tenant = tenant.trim().trim_matches('/');
    [
        format!("{base}/{tenant}/v2.0/.well-known/openid-configuration"),
        format!("{base}/{tenant}/.well-known/openid-configuration"),
    ]
}

/// The authority host of `v`: its `authentication-endpoint`, else the operator's.
pub(crate) fn authority<'p>(
    program: &'p Program,
    v: &ValidateAzureAdToken,
    default: &'p str,
) -> &'p str {
    v.authentication_endpoint
        .map_or(default, |a| program.str(a))
}

/// `validate-azure-ad-token`.
pub(super) fn validate_azure_ad_token(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    v: &ValidateAzureAdToken,
) -> Next {
    validate(x, program, op, &v.rules, v)
}

impl Checks for ValidateAzureAdToken {
    fn check(&self, x: &mut Exchange, program: &Program, t: &Token<'_>) -> Result<(), Stop> {
        let sh = x.ctx.sh.clone();
        let host = authority(program, self, &sh.config.jwt.entra_authority);
        let urls = entra_urls(host, program.str(self.tenant_id));
        let sets: Vec<_> = urls
            .iter()
            .filter_map(|u| sh.keys.get(u).map(|s| (u, s)))
            .collect();
        let keys: Vec<_> = sets
            .iter()
            .flat_map(|(_, s)| s.keys.iter().cloned())
            .collect();
        if let Err(f) = token::verify(t, &keys, true) {
            if f == Failure::KeyNotFound {
                let now = sh.clock.now_ms();
                urls.iter().for_each(|u| sh.keys.want_refresh(u, now));
            }
            return Err(f.into());
        }
        token::lifetime(&t.claims, sh.clock.now_ms(), 0, true)?;
        let issuers: Vec<String> = sets.iter().filter_map(|(_, s)| s.issuer.clone()).collect();
        // Without a fetched configuration no issuer is known: refuse rather than accept any.
        if issuers.is_empty() {
            return Err(Failure::IssuerNotAllowed.into());
        }
        token::issuer(&t.claims, &issuers)?;
        let clients = texts(x, program, &self.client_application_ids)?;
        if !clients.is_empty() {
            let app = ["azp", "appid"]
                .iter()
                .find_map(|c| t.claims.get(*c).and_then(|v| v.as_str()));
            if !app.is_some_and(|a| clients.iter().any(|c| c == a)) {
                return Err(Failure::ClaimValueNotAllowed.into());
            }
        }
        Ok(())
    }

    /// The backend applications are audiences too (as their id or `api://` URI).
    fn audiences(
        &self,
        x: &mut Exchange,
        program: &Program,
        mut configured: Vec<String>,
    ) -> Result<Vec<String>, Fault> {
        for b in texts(x, program, &self.backend_application_ids)? {
            configured.push(format!("api://{b}"));
            configured.push(b);
        }
        Ok(configured)
    }
}
