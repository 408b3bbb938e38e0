//! `rate-limit-by-key` with an injected clock.

use super::*;
use crate::program::{OpKind, RateLimitByKey};
use crate::value::{HostObj, Msg};

fn limit(b: &mut B, condition: Option<u32>) -> OpKind {
    let (calls, period) = (b.lit("2"), b.lit("10"));
    let key = b.lookup(HostObj::Headers(Msg::Request), "X-Client");
    OpKind::RateLimitByKey(RateLimitByKey {
        calls,
        renewal_period: period,
        counter_key: key,
        increment_condition: condition,
        increment_count: None,
        report: crate::program::CallsReport {
            retry_after_header_name: None,
            retry_after_variable_name: Some(b.s("retry")),
            remaining_calls_header_name: Some(b.s("X-Remaining")),
            remaining_calls_variable_name: None,
            total_calls_header_name: Some(b.s("X-Total")),
        },
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
fn the_third_call_in_a_window_is_429_until_it_renews() {
    let mut b = B::new();
    let op = limit(&mut b, None);
    let p = b.pipeline(vec![op], None, vec![], vec![]);
    single(&mut b, p);
    let (gw, clock) = b.gateway();
    let first = call(&gw, "a");
    assert_eq!(first.response.status, StatusCode::OK);
    assert_eq!(header(&first, "x-remaining"), Some("1"));
    assert_eq!(header(&first, "x-total"), Some("2"));
    assert_eq!(call(&gw, "a").response.status, StatusCode::OK);
    clock.advance(3_000);
    let third = call(&gw, "a");
    assert_eq!(third.response.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header(&third, "retry-after"), Some("7"));
    assert_eq!(
        body(&third),
        r#"{ "statusCode": 429, "message": "Rate limit is exceeded. Try again in 7 seconds." }"#
    );
    assert_eq!(
        &*third.exchange.last_error().unwrap().reason,
        "RateLimitExceeded"
    );
    assert_eq!(third.exchange.variable_text("retry").as_deref(), Some("7"));
    assert!(third.forwarded.is_empty());
    assert_eq!(
        call(&gw, "b").response.status,
        StatusCode::OK,
        "keys count apart"
    );
    clock.advance(7_000);
    assert_eq!(call(&gw, "a").response.status, StatusCode::OK);
}

#[test]
fn increment_condition_counts_after_the_response() {
    let mut b = B::new();
    // Count only responses with status 500 (`context.Response.StatusCode == 500`).
    let status = name_id("StatusCode").unwrap();
    let cond = b.code(
        vec![
            Instr::Host(HostObj::Message(Msg::Response)),
            Instr::Get(status),
            Instr::Const(0),
            Instr::Binary(crate::bytecode::BinOp::Eq),
            Instr::Return,
        ],
        &[],
    );
    b.p.codes[cond as usize]
        .code
        .consts
        .push(crate::bytecode::Const::Int(500));
    let op = limit(&mut b, Some(cond));
    let p = b.pipeline(vec![op], None, vec![], vec![]);
    single(&mut b, p);
    let (gw, _) = b.gateway();
    for _ in 0..5 {
        assert_eq!(
            call(&gw, "a").response.status,
            StatusCode::OK,
            "200s do not count"
        );
    }
    let mut failing = |_: &BackendRequest, _: &Bytes| {
        Ok((
            BackendResponse {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                headers: HeaderMap::new(),
            },
            Bytes::new(),
        ))
    };
    let h = || head("GET", "/orders/items/1", &[("X-Client", "a")]);
    for _ in 0..2 {
        let o = run_in_process(&gw, h(), Bytes::new(), &mut failing);
        assert_eq!(o.response.status, StatusCode::INTERNAL_SERVER_ERROR);
    }
    let o = run_in_process(&gw, h(), Bytes::new(), &mut failing);
    assert_eq!(o.response.status, StatusCode::TOO_MANY_REQUESTS);
}

#[test]
fn increment_count_weighs_each_call() {
    let mut b = B::new();
    let mut op = limit(&mut b, None);
    if let OpKind::RateLimitByKey(r) = &mut op {
        r.calls = b.lit("3");
        r.increment_count = Some(b.text("2"));
    }
    let p = b.pipeline(vec![op], None, vec![], vec![]);
    single(&mut b, p);
    let (gw, _) = b.gateway();
    assert_eq!(call(&gw, "a").response.status, StatusCode::OK);
    assert_eq!(
        call(&gw, "a").response.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[test]
fn a_failing_increment_condition_does_not_count_and_is_traced() {
    let mut b = B::new();
    let bad = b.failing();
    let op = limit(&mut b, Some(bad));
    let p = b.pipeline(vec![op], None, vec![], vec![]);
    single(&mut b, p);
    let (gw, _) = b.gateway();
    for _ in 0..3 {
        let o = call(&gw, "a");
        assert_eq!(o.response.status, StatusCode::OK);
        let t = &o.exchange.traces()[0];
        assert_eq!(&*t.source, "rate-limit-by-key");
        assert!(
            t.message.contains("increment-condition failed"),
            "{}",
            t.message
        );
    }
}

#[test]
fn two_hundred_thousand_keys_keep_the_counters_under_their_cap() {
    use crate::state::{CounterLimits, LocalRates};
    let mut b = B::new();
    let op = limit(&mut b, None);
    let p = b.pipeline(vec![op], None, vec![], vec![]);
    single(&mut b, p);
    let limits = CounterLimits {
        max_entries: usize::MAX,
        max_bytes: 2 << 20,
        max_key_bytes: 64,
    };
    let rates = Arc::new(LocalRates::new(limits));
    let gw = Gateway::with_state(
        Arc::new(b.p),
        EngineConfig::default(),
        Arc::new(ManualClock::new(1_700_000_000_000)),
        rates.clone(),
    );
    assert_eq!(call(&gw, "busy").response.status, StatusCode::OK);
    assert_eq!(call(&gw, "busy").response.status, StatusCode::OK);
    let pad = "p".repeat(200);
    let mut most = 0;
    for i in 0..200_000 {
        let key = if i % 2 == 0 {
            format!("c{i}")
        } else {
            format!("c{i}{pad}")
        };
        assert_eq!(call(&gw, &key).response.status, StatusCode::OK);
        if i % 1000 == 0 {
            most = most.max(rates.bytes());
        }
    }
    most = most.max(rates.bytes());
    assert!(most <= limits.max_bytes, "{most} > {}", limits.max_bytes);
    assert!(rates.len() > 5_000, "{}", rates.len());
    assert_eq!(
        call(&gw, "busy").response.status,
        StatusCode::TOO_MANY_REQUESTS,
        "a counter at its limit outlives the flood"
    );
}
