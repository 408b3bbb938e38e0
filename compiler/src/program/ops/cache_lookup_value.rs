//! `cache-lookup-value`: key, variable, default value and caching type.

use super::{Lowering, Reported};
use crate::program::{Builder, ScopeEnv, Site};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{CacheLookupValue, CachingType, OpKind};

/// `cache-lookup-value`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "cache-lookup-value",
    attributes: &["key", "variable-name", "default-value", "caching-type"],
    lower: |b, env, site, e| {
        let variable = b
            .text_attr(env, site, e, "variable-name")?
            .ok_or(Reported)?;
        Ok(OpKind::CacheLookupValue(CacheLookupValue {
            key: b.attr(env, site, e, "key")?.ok_or(Reported)?,
            variable: b.intern(&variable),
            default_value: b.attr(env, site, e, "default-value")?,
            caching_type: caching_type(b, env, site, e)?,
        }))
    },
};

/// `caching-type` (default `prefer-external`); a value outside the enumeration is
/// reported by the checks.
pub(super) fn caching_type(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<CachingType, Reported> {
    match b.text_attr(env, site, e, "caching-type")? {
        None => Ok(CachingType::PreferExternal),
        Some(t) => CachingType::parse(&t).ok_or(Reported),
    }
}
