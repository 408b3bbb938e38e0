//! `check-header`: the header's name, the failure's status and message, `ignore-case`, and
//! the allowed `<value>`s.

use super::{children, Lowering, Reported};
use crate::program::{Builder, ScopeEnv, Site};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{CheckHeader, OpKind};

/// `check-header`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "check-header",
    attributes: &[
        "name",
        "failed-check-httpcode",
        "failed-check-error-message",
        "ignore-case",
    ],
    lower: |b, env, site, e| check_header(b, env, site, e).map(OpKind::CheckHeader),
};

fn check_header(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<CheckHeader, Reported> {
    // All four attributes are required: a missing one is reported by the checks.
    let mut required = |name: &str| b.attr(env, site, e, name)?.ok_or(Reported);
    let [name, code, message, ignore_case] = [
        "name",
        "failed-check-httpcode",
        "failed-check-error-message",
        "ignore-case",
    ]
    .map(&mut required);
    let mut values = Vec::new();
    for (inner, v) in children(site, e, "value") {
        values.push(b.content(env, &inner, v).ok_or(Reported)?);
    }
    Ok(CheckHeader {
        values,
        ignore_case: ignore_case?,
        failed_check_error_message: message?,
        failed_check_httpcode: code?,
        name: name?,
    })
}
