//! `cache-store-value` / `cache-lookup-value` / `cache-remove-value` with an injected clock.

use super::*;
use crate::bytecode::Const;
use crate::program::{CacheLookupValue, CacheRemoveValue, CacheStoreValue, CachingType, OpKind};
use crate::value::{HostObj, Msg, Value};

/// `@(<constant>)`.
fn constant(b: &mut B, c: Const) -> Arg {
    let code = b.code(vec![Instr::Const(0), Instr::Return], &[]);
    b.p.codes[code as usize].code.consts.push(c);
    Arg::Expr(code)
}

fn lookup(b: &mut B, variable: &str, default_value: Option<Arg>) -> OpKind {
    OpKind::CacheLookupValue(CacheLookupValue {
        key: b.lookup(HostObj::Headers(Msg::Request), "X-Key"),
        variable: b.s(variable),
        default_value,
        caching_type: CachingType::PreferExternal,
    })
}

fn store(b: &mut B, value: Arg, seconds: &str, caching_type: CachingType) -> OpKind {
    OpKind::CacheStoreValue(CacheStoreValue {
        key: b.lookup(HostObj::Headers(Msg::Request), "X-Key"),
        value,
        duration: b.lit(seconds),
        caching_type,
    })
}

fn remove(b: &mut B) -> OpKind {
    OpKind::CacheRemoveValue(CacheRemoveValue {
        key: b.lookup(HostObj::Headers(Msg::Request), "X-Key"),
        caching_type: CachingType::Internal,
    })
}

fn call(gw: &Gateway, key: &str, value: &str) -> Outcome {
    let headers = [("X-Key", key), ("X-Val", value)];
    run(gw, head("GET", "/orders/items/1", &headers), "")
}

fn var(o: &Outcome, name: &str) -> Option<Value> {
    let vars = &o.exchange.ctx.vars;
    vars.iter()
        .find(|(k, _)| &**k == name)
        .map(|(_, v)| v.clone())
}

#[test]
fn a_stored_value_is_read_back_until_its_duration_ends() {
    let mut b = B::new();
    let value = b.lookup(HostObj::Headers(Msg::Request), "X-Val");
    let ops = vec![
        lookup(&mut b, "seen", None),
        store(&mut b, value, "10", CachingType::PreferExternal),
    ];
    let p = b.pipeline(ops, None, vec![], vec![]);
    single(&mut b, p);
    let (gw, clock) = b.gateway();
    let first = call(&gw, "k", "one");
    assert!(
        var(&first, "seen").is_none(),
        "a miss leaves the variable unset"
    );
    clock.advance(9_999);
    let second = call(&gw, "k", "two");
    assert_eq!(
        second.exchange.variable_text("seen").as_deref(),
        Some("one")
    );
    assert!(
        var(&call(&gw, "other", "x"), "seen").is_none(),
        "keys apart"
    );
    clock.advance(9_000);
    let third = call(&gw, "k", "three");
    assert_eq!(third.exchange.variable_text("seen").as_deref(), Some("two"));
    clock.advance(10_000);
    assert!(var(&call(&gw, "k", "four"), "seen").is_none(), "expired");
}

#[test]
fn values_keep_their_type_and_a_miss_takes_the_default() {
    let mut b = B::new();
    let forty_two = constant(&mut b, Const::Int(42));
    let default = constant(&mut b, Const::Bool(false));
    let ops = vec![
        lookup(&mut b, "before", Some(default)),
        store(&mut b, forty_two, "60", CachingType::Internal),
        lookup(&mut b, "after", None),
    ];
    let p = b.pipeline(ops, None, vec![], vec![]);
    single(&mut b, p);
    let (gw, _clock) = b.gateway();
    let o = call(&gw, "n", "");
    assert!(matches!(var(&o, "before"), Some(Value::Bool(false))));
    assert!(matches!(var(&o, "after"), Some(Value::Int(42))));
}

#[test]
fn a_removed_value_is_gone_and_a_zero_duration_stores_nothing() {
    let mut b = B::new();
    let value = b.lit("v");
    let zero = b.lit("z");
    let ops = vec![
        store(&mut b, value, "60", CachingType::External),
        remove(&mut b),
        lookup(&mut b, "removed", None),
        store(&mut b, zero, "0", CachingType::Internal),
        lookup(&mut b, "zero", None),
    ];
    let p = b.pipeline(ops, None, vec![], vec![]);
    single(&mut b, p);
    let (gw, _clock) = b.gateway();
    let o = call(&gw, "r", "");
    assert!(var(&o, "removed").is_none());
    assert!(var(&o, "zero").is_none());
}

#[test]
fn a_failing_key_is_an_expression_error() {
    let mut b = B::new();
    let failing = b.failing();
    let op = OpKind::CacheLookupValue(CacheLookupValue {
        key: Arg::Expr(failing),
        variable: b.s("v"),
        default_value: None,
        caching_type: CachingType::Internal,
    });
    let p = b.pipeline(vec![op], None, vec![], vec![]);
    single(&mut b, p);
    let (gw, _clock) = b.gateway();
    let o = call(&gw, "k", "");
    assert_eq!(o.response.status, StatusCode::INTERNAL_SERVER_ERROR);
    let e = o.exchange.last_error().unwrap();
    assert_eq!(
        (&*e.source, &*e.reason),
        ("cache-lookup-value", "ExpressionValueEvaluationFailure")
    );
}
