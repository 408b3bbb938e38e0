//! `validate-headers`: the specified and unspecified header actions,
//! `errors-variable-name` and each `header name action` override.

use super::{children, Lowering, Reported};
use crate::program::{Builder, ScopeEnv, Site};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{Arg, OpKind, StrId, ValidateHeaders};

/// `validate-headers`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "validate-headers",
    attributes: &[
        "specified-header-action",
        "unspecified-header-action",
        "errors-variable-name",
    ],
    lower: |b, env, site, e| validate_headers(b, env, site, e).map(OpKind::ValidateHeaders),
};

fn validate_headers(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<ValidateHeaders, Reported> {
    let mut required = |name: &str| b.attr(env, site, e, name)?.ok_or(Reported);
    let specified = required("specified-header-action");
    let unspecified = required("unspecified-header-action");
    let errors_variable_name = b
        .text_attr(env, site, e, "errors-variable-name")?
        .map(|n| b.intern(&n));
    Ok(ValidateHeaders {
        specified_header_action: specified?,
        unspecified_header_action: unspecified?,
        errors_variable_name,
        headers: overrides(b, env, site, e, "header")?,
    })
}

/// The `name action` overrides of `e`'s `child` elements.
pub(super) fn overrides(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
    child: &'static str,
) -> Result<Vec<(StrId, Arg)>, Reported> {
    let mut out = Vec::new();
    for (inner, c) in children(site, e, child) {
        let name = b.text_attr(env, &inner, c, "name")?.ok_or(Reported)?;
        let name = b.intern(&name);
        let action = b.attr(env, &inner, c, "action")?.ok_or(Reported)?;
        out.push((name, action));
    }
    Ok(out)
}
