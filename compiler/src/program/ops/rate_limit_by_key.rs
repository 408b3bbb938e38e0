//! `rate-limit-by-key`: counters, increments and the headers and variables it reports to.

use super::{Lowering, Reported};
use crate::program::{Builder, ScopeEnv, Site};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{OpKind, RateLimitByKey, StrId};

/// `rate-limit-by-key`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "rate-limit-by-key",
    attributes: &[
        "calls",
        "renewal-period",
        "counter-key",
        "increment-condition",
        "increment-count",
        "retry-after-header-name",
        "retry-after-variable-name",
        "remaining-calls-header-name",
        "remaining-calls-variable-name",
        "total-calls-header-name",
    ],
    lower: |b, env, site, e| rate_limit_by_key(b, env, site, e).map(OpKind::RateLimitByKey),
};

/// The header APIM sends the retry delay in when `retry-after-header-name` is not given.
const RETRY_AFTER: &str = "Retry-After";

fn rate_limit_by_key(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<RateLimitByKey, Reported> {
    let mut name = |attr: &str| -> Result<Option<StrId>, Reported> {
        Ok(b.text_attr(env, site, e, attr)?.map(|text| b.intern(&text)))
    };
    let retry_after_header_name = name("retry-after-header-name")?;
    let retry_after_variable_name = name("retry-after-variable-name")?;
    let remaining_calls_header_name = name("remaining-calls-header-name")?;
    let remaining_calls_variable_name = name("remaining-calls-variable-name")?;
    let total_calls_header_name = name("total-calls-header-name")?;
    Ok(RateLimitByKey {
        calls: b.attr(env, site, e, "calls")?.ok_or(Reported)?,
        renewal_period: b.attr(env, site, e, "renewal-period")?.ok_or(Reported)?,
        counter_key: b.attr(env, site, e, "counter-key")?.ok_or(Reported)?,
        increment_condition: b.condition(env, site, e, "increment-condition")?,
        increment_count: b.attr(env, site, e, "increment-count")?,
        retry_after_header_name: retry_after_header_name.or_else(|| Some(b.intern(RETRY_AFTER))),
        retry_after_variable_name,
        remaining_calls_header_name,
        remaining_calls_variable_name,
        total_calls_header_name,
    })
}
