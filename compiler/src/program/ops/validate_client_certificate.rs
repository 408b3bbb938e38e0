//! `validate-client-certificate`: the five checks (literal booleans) and the claims of each
//! `<identities>/<identity>` (literal text).

use super::{children, Lowering, Reported};
use crate::program::{Builder, ScopeEnv, Site};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{CertIdentity, OpKind, ValidateClientCertificate};

/// `validate-client-certificate`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "validate-client-certificate",
    attributes: &[
        "validate-revocation",
        "validate-trust",
        "validate-not-before",
        "validate-not-after",
        "ignore-error",
    ],
    lower: |b, env, site, e| validate(b, env, site, e).map(OpKind::ValidateClientCertificate),
};

fn validate(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<ValidateClientCertificate, Reported> {
    let mut flag = |name: &str, default: bool| b.flag(env, site, e, name, default);
    let validate_revocation = flag("validate-revocation", true)?;
    let validate_trust = flag("validate-trust", true)?;
    let validate_not_before = flag("validate-not-before", true)?;
    let validate_not_after = flag("validate-not-after", true)?;
    let ignore_error = flag("ignore-error", false)?;
    let mut identities = Vec::new();
    for (list_site, list) in children(site, e, "identities") {
        for (inner, identity) in children(&list_site, list, "identity") {
            let mut claims = [None; 8];
            for (claim, name) in claims.iter_mut().zip(CertIdentity::NAMES) {
                if let Some(text) = b.text_attr(env, &inner, identity, name)? {
                    *claim = Some(b.intern(&text));
                }
            }
            identities.push(CertIdentity { claims });
        }
    }
    Ok(ValidateClientCertificate {
        validate_revocation,
        validate_trust,
        validate_not_before,
        validate_not_after,
        ignore_error,
        identities,
    })
}
