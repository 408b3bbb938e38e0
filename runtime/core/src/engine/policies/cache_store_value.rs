//! `cache-store-value`: the value, with its .NET type, into the cache under its key for
//! `duration` seconds. A reference object (`JObject`, an array …) is stored as its
//! `ToString()` text (docs/gateway.md, **Differs**).

use super::super::exchange::Exchange;
use super::super::run::Next;
use crate::program::{Arg, CacheStoreValue, Op, Program};
use crate::state::encode_value;
use crate::value::Value;
use crate::vm::Fault;

pub(super) use crate::state::value_key;

/// Stores the value.
pub(super) fn cache_store_value(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    c: &CacheStoreValue,
) -> Next {
    let args = (|| {
        let key = x.arg_text(program, &c.key)?;
        let value = stored_value(x, program, &c.value)?;
        let duration = x.arg_int(program, &c.duration)?;
        Ok::<_, Fault>((key, value, duration))
    })();
    let (key, value, duration) = match args {
        Ok(a) => a,
        Err(f) => return Next::Error(x.fault_at(program, op, &f)),
    };
    let Some(bytes) = encode_value(&value) else {
        return Next::Go;
    };
    let sh = x.ctx.sh.clone();
    let ttl_ms = (duration.max(0) as u64).saturating_mul(1000);
    let now = sh.clock.now_ms();
    sh.stores
        .cache_for(c.caching_type)
        .put(&value_key(&key), bytes, ttl_ms, now);
    Next::Go
}

/// The value to store: literal text is a string; an expression's value keeps its type,
/// except objects, which become their text.
fn stored_value(x: &mut Exchange, program: &Program, a: &Arg) -> Result<Value, Fault> {
    let Arg::Expr(code) = a else {
        return x.arg_text(program, a).map(Value::Str);
    };
    let e = x.eval(program, *code)?;
    let v = match &e.value {
        Value::Ref(_) | Value::Host(_) => Value::str(e.text()),
        v => v.clone(),
    };
    x.done(e);
    Ok(v)
}
