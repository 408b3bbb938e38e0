//! `validate-status-code`: `unspecified-status-code-action`, `errors-variable-name` and
//! each `status-code code action` override.

use super::{children, Lowering, Reported};
use crate::program::{Builder, ScopeEnv, Site};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{OpKind, ValidateStatusCode};

/// `validate-status-code`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "validate-status-code",
    attributes: &["unspecified-status-code-action", "errors-variable-name"],
    lower: |b, env, site, e| validate_status_code(b, env, site, e).map(OpKind::ValidateStatusCode),
};

fn validate_status_code(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<ValidateStatusCode, Reported> {
    let unspecified = b
        .attr(env, site, e, "unspecified-status-code-action")?
        .ok_or(Reported)?;
    let errors_variable_name = b
        .text_attr(env, site, e, "errors-variable-name")?
        .map(|n| b.intern(&n));
    let mut codes = Vec::new();
    for (inner, c) in children(site, e, "status-code") {
        let code = b.int_attr(env, &inner, c, "code")?.ok_or(Reported)?;
        // Out of 100..=599: reported by the checks.
        let code = u16::try_from(code).map_err(|_| Reported)?;
        let action = b.attr(env, &inner, c, "action")?.ok_or(Reported)?;
        codes.push((code, action));
    }
    Ok(ValidateStatusCode {
        unspecified_status_code_action: unspecified,
        errors_variable_name,
        codes,
    })
}
