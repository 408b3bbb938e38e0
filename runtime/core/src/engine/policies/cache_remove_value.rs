//! `cache-remove-value`: the key out of the cache.

use super::super::exchange::Exchange;
use super::super::run::Next;
use super::cache_store_value::value_key;
use crate::program::{CacheRemoveValue, Op, Program};

/// Removes the key.
pub(super) fn cache_remove_value(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    c: &CacheRemoveValue,
) -> Next {
    let key = match x.arg_text(program, &c.key) {
        Ok(k) => k,
        Err(f) => return Next::Error(x.fault_at(program, op, &f)),
    };
    let sh = x.ctx.sh.clone();
    sh.stores.cache_for(c.caching_type).remove(&value_key(&key));
    Next::Go
}
