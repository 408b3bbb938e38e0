//! `authentication-managed-identity`: a token for `resource` from the operator's token
//! providers (see `docs/gateway.md`), as a policy or as a child of `send-request`.

use super::{Lowering, Reported};
use crate::program::{Builder, ScopeEnv, Site};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{AuthenticationManagedIdentity, OpKind};

/// The attributes gatehouse executes.
pub(super) const ATTRIBUTES: &[&str] = &[
    "resource",
    "client-id",
    "output-token-variable-name",
    "ignore-error",
];

/// `authentication-managed-identity`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "authentication-managed-identity",
    attributes: ATTRIBUTES,
    lower: |b, env, site, e| identity(b, env, site, e).map(OpKind::AuthenticationManagedIdentity),
};

/// The element's payload (the policy's, or `send-request`'s child's).
pub(super) fn identity(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<AuthenticationManagedIdentity, Reported> {
    // Required: its absence is reported by the checks.
    let resource = b.attr(env, site, e, "resource")?.ok_or(Reported)?;
    let client_id = b.text_attr(env, site, e, "client-id")?;
    let output = b.text_attr(env, site, e, "output-token-variable-name")?;
    Ok(AuthenticationManagedIdentity {
        resource,
        client_id: client_id.map(|c| b.intern(&c)),
        output_variable: output.map(|v| b.intern(&v)),
        ignore_error: b.attr(env, site, e, "ignore-error")?,
    })
}
