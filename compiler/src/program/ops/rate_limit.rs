//! `rate-limit`: the policy's limit and its `api` / `operation` children's, and where it
//! reports the counts. No attribute takes an expression.

use super::{children, Lowering, Reported};
use crate::program::{Builder, ScopeEnv, Site};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{CallsReport, Limit, OpKind, RateLimit, StrId, Target};

/// `rate-limit`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "rate-limit",
    attributes: &[
        "calls",
        "renewal-period",
        CallsReport::ATTRIBUTES[0],
        CallsReport::ATTRIBUTES[1],
        CallsReport::ATTRIBUTES[2],
        CallsReport::ATTRIBUTES[3],
        CallsReport::ATTRIBUTES[4],
    ],
    lower: |b, env, site, e| rate_limit(b, env, site, e).map(OpKind::RateLimit),
};

/// The header APIM sends the retry delay in when `retry-after-header-name` is not given.
const RETRY_AFTER: &str = "Retry-After";

/// A child's selector: `id` wins over `name`.
pub(super) fn target(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<Target, Reported> {
    if let Some(id) = b.text_attr(env, site, e, "id")? {
        return Ok(Target {
            by_id: true,
            name: b.intern(&id),
        });
    }
    let name = b.text_attr(env, site, e, "name")?.ok_or(Reported)?;
    Ok(Target {
        by_id: false,
        name: b.intern(&name),
    })
}

/// A non-negative literal whole number.
pub(super) fn count(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
    name: &str,
) -> Result<Option<u64>, Reported> {
    match b.int_attr(env, site, e, name)? {
        None => Ok(None),
        Some(n) => u64::try_from(n).map(Some).map_err(|_| Reported),
    }
}

/// The limit written on `e` (the policy or a child).
fn limit(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
    api: Option<Target>,
    operation: Option<Target>,
) -> Result<Limit, Reported> {
    Ok(Limit {
        api,
        operation,
        calls: Some(count(b, env, site, e, "calls")?.ok_or(Reported)?),
        kilobytes: None,
        period: count(b, env, site, e, "renewal-period")?.ok_or(Reported)?,
    })
}

fn rate_limit(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<RateLimit, Reported> {
    let mut limits = vec![limit(b, env, site, e, None, None)?];
    for (api_site, a) in children(site, e, "api") {
        let api = Some(target(b, env, &api_site, a)?);
        limits.push(limit(b, env, &api_site, a, api, None)?);
        for (op_site, o) in children(&api_site, a, "operation") {
            let operation = Some(target(b, env, &op_site, o)?);
            limits.push(limit(b, env, &op_site, o, api, operation)?);
        }
    }
    Ok(RateLimit {
        limits,
        report: calls_report(b, env, site, e)?,
    })
}

/// Where `rate-limit` or `rate-limit-by-key` reports its counts (the retry header defaults
/// to `Retry-After`).
pub(super) fn calls_report(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<CallsReport, Reported> {
    let mut name = |attr: &str| -> Result<Option<StrId>, Reported> {
        Ok(b.text_attr(env, site, e, attr)?.map(|text| b.intern(&text)))
    };
    let [retry_header, retry_variable, remaining_header, remaining_variable, total_header] =
        CallsReport::ATTRIBUTES;
    let retry_after_header_name = name(retry_header)?;
    Ok(CallsReport {
        retry_after_variable_name: name(retry_variable)?,
        remaining_calls_header_name: name(remaining_header)?,
        remaining_calls_variable_name: name(remaining_variable)?,
        total_calls_header_name: name(total_header)?,
        retry_after_header_name: retry_after_header_name.or_else(|| Some(b.intern(RETRY_AFTER))),
    })
}
