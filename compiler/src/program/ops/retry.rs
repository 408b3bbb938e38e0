//! `retry`: the condition, count and wait attributes (each literal or an expression
//! evaluated per request) and the child policies as a block.

use super::{Lowering, Reported};
use crate::program::{Builder, ScopeEnv, Site};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{OpKind, Retry};

/// `retry`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "retry",
    attributes: &[
        "condition",
        "count",
        "interval",
        "max-interval",
        "delta",
        "first-fast-retry",
    ],
    lower: |b, env, site, e| retry(b, env, site, e).map(OpKind::Retry),
};

fn retry(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<Retry, Reported> {
    // The required attributes' absence is reported by the checks.
    let condition = b.condition(env, site, e, "condition")?.ok_or(Reported)?;
    let count = b.attr(env, site, e, "count")?.ok_or(Reported)?;
    let interval = b.attr(env, site, e, "interval")?.ok_or(Reported)?;
    let max_interval = b.attr(env, site, e, "max-interval")?;
    let delta = b.attr(env, site, e, "delta")?;
    let first_fast_retry = b.attr(env, site, e, "first-fast-retry")?;
    let ops = b.statements(env, site, e, None);
    let body = b.block(ops);
    Ok(Retry {
        condition,
        count,
        interval,
        max_interval,
        delta,
        first_fast_retry,
        body,
    })
}
