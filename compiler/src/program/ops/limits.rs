//! `rate-limit-by-key`: counters, increments and the headers and variables it reports to.

use super::super::{Builder, ScopeEnv, Site};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{RateLimitByKey, StrId};

/// The attributes gatehouse executes.
pub(super) const ATTRIBUTES: &[&str] = &[
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
];

/// The header APIM sends the retry delay in when `retry-after-header-name` is not given.
const RETRY_AFTER: &str = "Retry-After";

/// Lowers `rate-limit-by-key`.
pub(super) fn rate_limit_by_key(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Option<RateLimitByKey> {
    let calls = b.attr(env, site, e, "calls")?;
    let renewal_period = b.attr(env, site, e, "renewal-period")?;
    let counter_key = b.attr(env, site, e, "counter-key")?;
    let increment_condition = match e.attribute("increment-condition") {
        Some(a) => Some(b.condition(env, site, &a.value, a.span)?),
        None => None,
    };
    let increment_count = match e.attribute("increment-count") {
        Some(a) => Some(b.arg(env, site, &a.value)?),
        None => None,
    };
    let mut name = |attr: &str| -> Result<Option<StrId>, ()> {
        match (e.attribute(attr), b.literal_attr(env, site, e, attr)) {
            (None, _) => Ok(None),
            (Some(_), Some(text)) => Ok(Some(b.intern(&text))),
            (Some(_), None) => Err(()),
        }
    };
    let retry_after_header_name = name("retry-after-header-name").ok()?;
    let retry_after_variable_name = name("retry-after-variable-name").ok()?;
    let remaining_calls_header_name = name("remaining-calls-header-name").ok()?;
    let remaining_calls_variable_name = name("remaining-calls-variable-name").ok()?;
    let total_calls_header_name = name("total-calls-header-name").ok()?;
    let retry_after_header_name = retry_after_header_name.or_else(|| Some(b.intern(RETRY_AFTER)));
    Some(RateLimitByKey {
        calls,
        renewal_period,
        counter_key,
        increment_condition,
        increment_count,
        retry_after_header_name,
        retry_after_variable_name,
        remaining_calls_header_name,
        remaining_calls_variable_name,
        total_calls_header_name,
    })
}
