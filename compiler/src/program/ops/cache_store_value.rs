//! `cache-store-value`: key, value, duration and caching type.

use super::cache_lookup_value::caching_type;
use super::{Lowering, Reported};
use gatehouse_runtime::program::{CacheStoreValue, OpKind};

/// `cache-store-value`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "cache-store-value",
    attributes: &["key", "value", "duration", "caching-type"],
    lower: |b, env, site, e| {
        Ok(OpKind::CacheStoreValue(CacheStoreValue {
            key: b.attr(env, site, e, "key")?.ok_or(Reported)?,
            value: b.attr(env, site, e, "value")?.ok_or(Reported)?,
            duration: b.attr(env, site, e, "duration")?.ok_or(Reported)?,
            caching_type: caching_type(b, env, site, e)?,
        }))
    },
};
