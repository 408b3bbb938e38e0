//! `cache-lookup-value`: the cached value into the variable; on a miss the variable gets
//! `default-value` when one is written, and is left unset otherwise.

use super::super::exchange::Exchange;
use super::super::run::Next;
use super::cache_store_value::value_key;
use crate::program::{CacheLookupValue, Op, Program};
use crate::state::decode_value;

/// Looks the key up.
pub(super) fn cache_lookup_value(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    c: &CacheLookupValue,
) -> Next {
    let key = match x.arg_text(program, &c.key) {
        Ok(k) => k,
        Err(f) => return Next::Error(x.fault_at(program, op, &f)),
    };
    let sh = x.ctx.sh.clone();
    let now = sh.clock.now_ms();
    let found = sh
        .stores
        .cache_for(c.caching_type)
        .get(&value_key(&key), now)
        .and_then(|b| decode_value(&b));
    let value = match (found, &c.default_value) {
        (Some(v), _) => v,
        (None, None) => return Next::Go,
        (None, Some(d)) => match x.arg_value(program, d) {
            Ok(v) => v,
            Err(f) => return Next::Error(x.fault_at(program, op, &f)),
        },
    };
    x.set_variable_named(program, c.variable, value);
    Next::Go
}
