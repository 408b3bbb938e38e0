//! `quota`: calls per renewal period, for the policy and its `api` / `operation` children.
//! `bandwidth` is not executed: `build` refuses it, on the policy and on its children.

use super::rate_limit::{count, target};
use super::{children, Lowering, Reported};
use crate::program::{Builder, ScopeEnv, Site, NOT_EXECUTED};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{Limit, OpKind, Quota, Target};

/// `quota`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "quota",
    attributes: &["calls", "renewal-period"],
    lower: |b, env, site, e| quota(b, env, site, e).map(|q| OpKind::Quota(Quota { limits: q })),
};

/// The quota written on `e`; a child without `renewal-period` takes `inherited`.
fn limit(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
    scope: (Option<Target>, Option<Target>),
    inherited: Option<u64>,
) -> Result<Limit, Reported> {
    if let Some(a) = e.attributes.iter().find(|a| &*a.name.text == "bandwidth") {
        let message = format!(
            "gatehouse does not execute the `bandwidth` attribute of `{}`",
            e.name.text
        );
        b.error(site.file, NOT_EXECUTED, message, a.span, "not executed");
        return Err(Reported);
    }
    let period = count(b, env, site, e, "renewal-period")?.or(inherited);
    Ok(Limit {
        api: scope.0,
        operation: scope.1,
        calls: count(b, env, site, e, "calls")?,
        kilobytes: None,
        period: period.ok_or(Reported)?,
    })
}

fn quota(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<Vec<Limit>, Reported> {
    let top = limit(b, env, site, e, (None, None), None)?;
    let period = Some(top.period);
    let mut limits = vec![top];
    for (api_site, a) in children(site, e, "api") {
        let api = Some(target(b, env, &api_site, a)?);
        let l = limit(b, env, &api_site, a, (api, None), period)?;
        let api_period = Some(l.period);
        limits.push(l);
        for (op_site, o) in children(&api_site, a, "operation") {
            let operation = Some(target(b, env, &op_site, o)?);
            limits.push(limit(b, env, &op_site, o, (api, operation), api_period)?);
        }
    }
    Ok(limits)
}
