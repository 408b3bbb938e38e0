//! `limit-concurrency`: key, `max-count` and the nested policies (lowered to a block).

use super::{Lowering, Reported};
use gatehouse_runtime::program::{LimitConcurrency, OpKind};

/// `limit-concurrency`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "limit-concurrency",
    attributes: &["key", "max-count"],
    lower: |b, env, site, e| {
        let key = b.attr(env, site, e, "key")?.ok_or(Reported)?;
        let max_count = b.int_attr(env, site, e, "max-count")?.ok_or(Reported)?;
        let max_count = u64::try_from(max_count).map_err(|_| Reported)?;
        let ops = b.statements(env, site, e, None);
        Ok(OpKind::LimitConcurrency(LimitConcurrency {
            key,
            max_count,
            block: b.block(ops),
        }))
    },
};
