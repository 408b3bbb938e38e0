//! `rate-limit-by-key`: counters, increments and the headers and variables it reports to.

use super::rate_limit::calls_report;
use super::{Lowering, Reported};
use crate::program::{Builder, ScopeEnv, Site};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{CallsReport, OpKind, RateLimitByKey};

/// `rate-limit-by-key`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "rate-limit-by-key",
    attributes: &[
        "calls",
        "renewal-period",
        "counter-key",
        "increment-condition",
        "increment-count",
        CallsReport::ATTRIBUTES[0],
        CallsReport::ATTRIBUTES[1],
        CallsReport::ATTRIBUTES[2],
        CallsReport::ATTRIBUTES[3],
        CallsReport::ATTRIBUTES[4],
    ],
    lower: |b, env, site, e| rate_limit_by_key(b, env, site, e).map(OpKind::RateLimitByKey),
};

fn rate_limit_by_key(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<RateLimitByKey, Reported> {
    Ok(RateLimitByKey {
        calls: b.attr(env, site, e, "calls")?.ok_or(Reported)?,
        renewal_period: b.attr(env, site, e, "renewal-period")?.ok_or(Reported)?,
        counter_key: b.attr(env, site, e, "counter-key")?.ok_or(Reported)?,
        increment_condition: b.condition(env, site, e, "increment-condition")?,
        increment_count: b.attr(env, site, e, "increment-count")?,
        report: calls_report(b, env, site, e)?,
    })
}
