//! `validate-azure-ad-token`: the tenant, the authority host, client and backend
//! application ids, and what it shares with `validate-jwt` (token place, failure, output,
//! audiences, required claims). `decryption-keys` is refused as for `validate-jwt`.

use super::validate_jwt::{rules, texts};
use super::{Lowering, Reported};
use crate::program::{Builder, ScopeEnv, Site};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{OpKind, ValidateAzureAdToken};

/// `validate-azure-ad-token`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "validate-azure-ad-token",
    attributes: &[
        "tenant-id",
        "header-name",
        "query-parameter-name",
        "token-value",
        "authentication-endpoint",
        "failed-validation-httpcode",
        "failed-validation-error-message",
        "output-token-variable-name",
    ],
    lower: |b, env, site, e| {
        validate_azure_ad_token(b, env, site, e).map(OpKind::ValidateAzureAdToken)
    },
};

fn validate_azure_ad_token(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<ValidateAzureAdToken, Reported> {
    let rules = rules(b, env, site, e, Some("Authorization"))?;
    // The tenant and authority are read at load (the key cache fetches their OpenID
    // configurations), so they must be literal: `lit` reports an expression.
    let tenant = b.text_attr(env, site, e, "tenant-id")?.ok_or(Reported)?;
    let authority = b.text_attr(env, site, e, "authentication-endpoint")?;
    Ok(ValidateAzureAdToken {
        rules,
        tenant_id: b.intern(tenant.trim()),
        authentication_endpoint: authority.map(|a| b.intern(a.trim())),
        client_application_ids: texts(b, env, site, e, "client-application-ids", "application-id")?,
        backend_application_ids: texts(
            b,
            env,
            site,
            e,
            "backend-application-ids",
            "application-id",
        )?,
    })
}
