//! `quota`: calls per subscription in epoch-aligned windows, 403 with `Retry-After`.

use super::*;
use crate::program::{Limit, OpKind, Quota, SubscriptionScope, Target};

fn limit(api: Option<Target>, calls: u64, period: u64) -> Limit {
    Limit {
        api,
        operation: None,
        calls: Some(calls),
        kilobytes: None,
        period,
    }
}

/// Orders API (`get-item`) under `limits`; subscription keys `k-a`, `k-b`.
fn build(mut b: B, limits: Vec<Limit>) -> (Gateway, Arc<ManualClock>) {
    let p = b.pipeline(vec![OpKind::Quota(Quota { limits })], None, vec![], vec![]);
    let api = b.api("orders", "orders", false);
    b.op(api, "get-item", "GET", "/items/{id}", vec![(u32::MAX, p)]);
    b.subscription("a", SubscriptionScope::AllApis, &["k-a"], true);
    b.subscription("b", SubscriptionScope::AllApis, &["k-b"], true);
    b.gateway()
}

fn call(gw: &Gateway, key: &str) -> Outcome {
    let h = [("Ocp-Apim-Subscription-Key", key)];
    run(gw, head("GET", "/orders/items/1", &h), "")
}

#[test]
fn windows_are_fixed_on_the_epoch_grid_and_answer_403() {
    // The clock starts at 1_700_000_000_000 ms: 800 s into an hour of the epoch grid.
    let (gw, clock) = build(B::new(), vec![limit(None, 2, 3_600)]);
    assert_eq!(call(&gw, "k-a").response.status, StatusCode::OK);
    clock.advance(1_000);
    assert_eq!(call(&gw, "k-a").response.status, StatusCode::OK);
    let over = call(&gw, "k-a");
    assert_eq!(over.response.status, StatusCode::FORBIDDEN);
    assert_eq!(header(&over, "retry-after"), Some("2799"));
    assert_eq!(
        body(&over),
        r#"{ "statusCode": 403, "message": "Call volume quota is exceeded. Quota will be replenished in 00:46:39." }"#
    );
    assert_eq!(
        &*over.exchange.last_error().unwrap().reason,
        "QuotaExceeded"
    );
    assert_eq!(
        call(&gw, "k-b").response.status,
        StatusCode::OK,
        "per subscription"
    );
    assert_eq!(
        run(&gw, head("GET", "/orders/items/1", &[]), "")
            .response
            .status,
        StatusCode::OK,
        "no subscription, no quota"
    );
    clock.advance(2_799_000);
    assert_eq!(call(&gw, "k-a").response.status, StatusCode::OK, "renewed");
}

#[test]
fn a_zero_period_never_renews_and_children_apply_to_their_api() {
    let mut b = B::new();
    let billing = Some(Target {
        by_id: true,
        name: b.s("billing"),
    });
    let orders = Some(Target {
        by_id: true,
        name: b.s("orders"),
    });
    let (gw, clock) = build(
        b,
        vec![
            limit(None, 100, 0),
            limit(billing, 0, 0),
            limit(orders, 1, 0),
        ],
    );
    assert_eq!(call(&gw, "k-a").response.status, StatusCode::OK);
    clock.advance(10 * 365 * 86_400_000);
    let over = call(&gw, "k-a");
    assert_eq!(over.response.status, StatusCode::FORBIDDEN, "never renews");
    assert!(header(&over, "retry-after").is_some());
}
