//! `cache-remove-value`: key and caching type.

use super::cache_lookup_value::caching_type;
use super::{Lowering, Reported};
use gatehouse_runtime::program::{CacheRemoveValue, OpKind};

/// `cache-remove-value`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "cache-remove-value",
    attributes: &["key", "caching-type"],
    lower: |b, env, site, e| {
        Ok(OpKind::CacheRemoveValue(CacheRemoveValue {
            key: b.attr(env, site, e, "key")?.ok_or(Reported)?,
            caching_type: caching_type(b, env, site, e)?,
        }))
    },
};
