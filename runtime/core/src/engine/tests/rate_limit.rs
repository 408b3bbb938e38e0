//! `rate-limit`: per subscription, `api` / `operation` sub-limits, with an injected clock.

use super::*;
use crate::program::{Limit, OpKind, RateLimit, SubscriptionScope, Target};

fn limit(api: Option<Target>, operation: Option<Target>, calls: u64, period: u64) -> Limit {
    Limit {
        api,
        operation,
        calls: Some(calls),
        kilobytes: None,
        period,
    }
}

/// A `rate-limit` of `limits` reporting to `X-Remaining` and `X-Total`.
fn policy(b: &mut B, limits: Vec<Limit>) -> OpKind {
    OpKind::RateLimit(RateLimit {
        limits,
        report: crate::program::CallsReport {
            retry_after_header_name: None,
            retry_after_variable_name: None,
            remaining_calls_header_name: Some(b.s("X-Remaining")),
            remaining_calls_variable_name: None,
            total_calls_header_name: Some(b.s("X-Total")),
        },
    })
}

/// Orders API (`get-item`, `list`) running `op`; subscription keys `k-a`, `k-b`.
fn build(mut b: B, op: OpKind) -> (Gateway, Arc<ManualClock>) {
    let p = b.pipeline(vec![op], None, vec![], vec![]);
    let api = b.api("orders", "orders", false);
    b.op(api, "get-item", "GET", "/items/{id}", vec![(u32::MAX, p)]);
    b.op(api, "list", "GET", "/items", vec![(u32::MAX, p)]);
    b.subscription("a", SubscriptionScope::AllApis, &["k-a"], true);
    b.subscription("b", SubscriptionScope::AllApis, &["k-b"], true);
    b.gateway()
}

fn call(gw: &Gateway, path: &str, key: Option<&str>) -> Outcome {
    let headers: Vec<(&str, &str)> = key
        .map(|k| ("Ocp-Apim-Subscription-Key", k))
        .into_iter()
        .collect();
    run(gw, head("GET", path, &headers), "")
}

#[test]
fn counts_per_subscription_and_only_with_one() {
    let mut b = B::new();
    let op = policy(&mut b, vec![limit(None, None, 2, 10)]);
    let (gw, clock) = build(b, op);
    let first = call(&gw, "/orders/items/1", Some("k-a"));
    assert_eq!(header(&first, "x-remaining"), Some("1"));
    assert_eq!(header(&first, "x-total"), Some("2"));
    assert_eq!(
        call(&gw, "/orders/items/1", Some("k-a")).response.status,
        StatusCode::OK
    );
    clock.advance(4_000);
    let third = call(&gw, "/orders/items/1", Some("k-a"));
    assert_eq!(third.response.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header(&third, "retry-after"), Some("6"));
    assert_eq!(
        &*third.exchange.last_error().unwrap().reason,
        "RateLimitExceeded"
    );
    assert_eq!(
        call(&gw, "/orders/items/1", Some("k-b")).response.status,
        StatusCode::OK
    );
    for _ in 0..5 {
        let o = call(&gw, "/orders/items/1", None);
        assert_eq!(
            o.response.status,
            StatusCode::OK,
            "no subscription, no limit"
        );
        assert_eq!(header(&o, "x-remaining"), None);
    }
    clock.advance(6_000);
    assert_eq!(
        call(&gw, "/orders/items/1", Some("k-a")).response.status,
        StatusCode::OK
    );
}

#[test]
fn api_and_operation_children_limit_independently() {
    let mut b = B::new();
    let api = Some(Target {
        by_id: false,
        name: b.s("orders API"),
    });
    let get = Some(Target {
        by_id: true,
        name: b.s("get-item"),
    });
    let limits = vec![
        limit(None, None, 10, 60),
        limit(api, None, 3, 60),
        limit(api, get, 1, 30),
    ];
    let op = policy(&mut b, limits);
    let (gw, _) = build(b, op);
    let one = call(&gw, "/orders/items/1", Some("k-a"));
    assert_eq!(one.response.status, StatusCode::OK);
    assert_eq!(header(&one, "x-remaining"), Some("0"), "the tightest limit");
    assert_eq!(header(&one, "x-total"), Some("1"));
    let two = call(&gw, "/orders/items/1", Some("k-a"));
    assert_eq!(two.response.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header(&two, "retry-after"), Some("30"));
    // The refused call counted nowhere: `list` still has the API's two calls left.
    assert_eq!(
        call(&gw, "/orders/items", Some("k-a")).response.status,
        StatusCode::OK
    );
    assert_eq!(
        call(&gw, "/orders/items", Some("k-a")).response.status,
        StatusCode::OK
    );
    let over = call(&gw, "/orders/items", Some("k-a"));
    assert_eq!(over.response.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header(&over, "retry-after"), Some("60"));
}
