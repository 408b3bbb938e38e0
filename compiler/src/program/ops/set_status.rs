//! `set-status`: a code and an optional reason (also inside `return-response`).

use super::{Lowering, Reported};
use crate::program::{Builder, ScopeEnv, Site};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{Arg, OpKind, SetStatus};

/// `set-status`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "set-status",
    attributes: &["code", "reason"],
    lower: |b, env, site, e| {
        let (code, reason) = status(b, env, site, e)?;
        Ok(OpKind::SetStatus(SetStatus { code, reason }))
    },
};

/// The code and reason of a `set-status`.
pub(in crate::program) fn status(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<(Arg, Option<Arg>), Reported> {
    let code = b.attr(env, site, e, "code")?.ok_or(Reported)?;
    let reason = b.attr(env, site, e, "reason")?;
    Ok((code, reason))
}
