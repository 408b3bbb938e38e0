//! `cache-store`: duration and `cache-response`.

use super::{Lowering, Reported};
use gatehouse_runtime::program::{CacheStore, OpKind};

/// `cache-store`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "cache-store",
    attributes: &["duration", "cache-response"],
    lower: |b, env, site, e| {
        Ok(OpKind::CacheStore(CacheStore {
            duration: b.attr(env, site, e, "duration")?.ok_or(Reported)?,
            cache_response: b.attr(env, site, e, "cache-response")?,
        }))
    },
};
