//! `quota-by-key` with an injected clock: windows from `first-period-start`, once per
//! request per key, 403 with `Retry-After`.

use super::*;
use crate::program::{OpKind, QuotaByKey};
use crate::value::{HostObj, Msg};

/// The gateway clock starts at 1_700_000_000_000 ms; an anchor 1_000 s before it.
fn quota(b: &mut B, calls: u64, anchor_ms: u64) -> OpKind {
    OpKind::QuotaByKey(QuotaByKey {
        calls,
        renewal_period: 3_600,
        anchor_ms,
        counter_key: b.lookup(HostObj::Headers(Msg::Request), "X-Client"),
        increment_condition: None,
        increment_count: None,
    })
}

fn call(gw: &Gateway, client: &str) -> Outcome {
    run(
        gw,
        head("GET", "/orders/items/1", &[("X-Client", client)]),
        "",
    )
}

#[test]
fn windows_start_on_first_period_start_and_answer_403() {
    let mut b = B::new();
    // 1_700_000_000 s is 1_000 s past an hour boundary of this anchor's grid.
    let anchor = (1_700_000_000_000u64 - 1_000_000) % 3_600_000;
    let op = quota(&mut b, 2, anchor);
    let p = b.pipeline(vec![op], None, vec![], vec![]);
    single(&mut b, p);
    let (gw, clock) = b.gateway();
    assert_eq!(call(&gw, "a").response.status, StatusCode::OK);
    assert_eq!(call(&gw, "a").response.status, StatusCode::OK);
    let third = call(&gw, "a");
    assert_eq!(third.response.status, StatusCode::FORBIDDEN);
    assert_eq!(header(&third, "retry-after"), Some("2600"));
    assert_eq!(
        &*third.exchange.last_error().unwrap().reason,
        "QuotaExceeded"
    );
    assert_eq!(
        body(&third),
        r#"{ "statusCode": 403, "message": "Call volume quota is exceeded. Quota will be replenished in 00:43:20." }"#
    );
    assert_eq!(call(&gw, "b").response.status, StatusCode::OK, "keys apart");
    clock.advance(2_600_000);
    assert_eq!(
        call(&gw, "a").response.status,
        StatusCode::OK,
        "renewed on the grid"
    );
}

#[test]
fn a_key_named_by_two_scopes_counts_once_per_request() {
    let mut b = B::new();
    let (first, second) = (quota(&mut b, 2, 0), quota(&mut b, 2, 0));
    let p = b.pipeline(vec![first, second], None, vec![], vec![]);
    single(&mut b, p);
    let (gw, _clock) = b.gateway();
    assert_eq!(call(&gw, "a").response.status, StatusCode::OK);
    assert_eq!(call(&gw, "a").response.status, StatusCode::OK);
    assert_eq!(call(&gw, "a").response.status, StatusCode::FORBIDDEN);
}

#[test]
fn increment_condition_counts_after_the_response() {
    let mut b = B::new();
    let never = b.code(vec![Instr::Const(0), Instr::Return], &[]);
    let no = crate::bytecode::Const::Bool(false);
    b.p.codes[never as usize].code.consts.push(no);
    let mut op = quota(&mut b, 1, 0);
    if let OpKind::QuotaByKey(q) = &mut op {
        q.increment_condition = Some(never);
    }
    let p = b.pipeline(vec![op], None, vec![], vec![]);
    single(&mut b, p);
    let (gw, _clock) = b.gateway();
    for _ in 0..3 {
        assert_eq!(
            call(&gw, "a").response.status,
            StatusCode::OK,
            "never counted"
        );
    }
}
