//! `cache-lookup`: what the key varies by (attributes and `vary-by-header` /
//! `vary-by-query-parameter` children), which cache, downstream caching.

use super::cache_lookup_value::caching_type;
use super::{children, Lowering, Reported};
use crate::program::{Builder, ScopeEnv, Site};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{Arg, CacheLookup, OpKind};

/// `cache-lookup`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "cache-lookup",
    attributes: &[
        "vary-by-developer",
        "vary-by-developer-groups",
        "caching-type",
        "downstream-caching-type",
        "must-revalidate",
        "allow-private-response-caching",
    ],
    lower: |b, env, site, e| cache_lookup(b, env, site, e).map(OpKind::CacheLookup),
};

/// The text of each `name` child.
fn names(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
    name: &'static str,
) -> Result<Vec<Arg>, Reported> {
    children(site, e, name)
        .map(|(inner, c)| b.content(env, &inner, c).ok_or(Reported))
        .collect()
}

fn cache_lookup(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<CacheLookup, Reported> {
    Ok(CacheLookup {
        vary_by_developer: b.attr(env, site, e, "vary-by-developer")?.ok_or(Reported)?,
        vary_by_developer_groups: b
            .attr(env, site, e, "vary-by-developer-groups")?
            .ok_or(Reported)?,
        caching_type: caching_type(b, env, site, e)?,
        downstream_caching_type: b.attr(env, site, e, "downstream-caching-type")?,
        must_revalidate: b.attr(env, site, e, "must-revalidate")?,
        allow_private_response_caching: b.attr(env, site, e, "allow-private-response-caching")?,
        vary_by_header: names(b, env, site, e, "vary-by-header")?,
        vary_by_query_parameter: names(b, env, site, e, "vary-by-query-parameter")?,
    })
}
