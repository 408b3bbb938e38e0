//! `limit-concurrency`: slots held across the backend call, released on every path.

use super::*;
use crate::engine::{Exchange, Resume, Step};
use crate::program::{LimitConcurrency, OpKind};

/// The backend section holds one slot of key `k` around `forward-request`.
fn gateway() -> Gateway {
    let mut b = B::new();
    let nested = b.block(
        "backend/limit-concurrency[1]",
        vec![OpKind::ForwardRequest(Default::default())],
    );
    let key = b.lit("k");
    let limit = OpKind::LimitConcurrency(LimitConcurrency {
        key,
        max_count: 1,
        block: nested,
    });
    let p = b.pipeline(vec![], Some(vec![limit]), vec![], vec![]);
    single(&mut b, p);
    b.gateway().0
}

fn start(gw: &Gateway) -> (Exchange, Step) {
    let mut x = gw.start(head("GET", "/orders/items/1", &[]));
    let step = x.resume(Resume::Start);
    (x, step)
}

fn holding(gw: &Gateway) -> u64 {
    gw.shared.stores.concurrency.holding("k")
}

fn answer(x: &mut Exchange, r: Result<BackendResponse, BackendFailure>) -> StatusCode {
    match x.resume(Resume::Backend(r)) {
        Step::Respond(resp) => resp.status,
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_second_request_is_refused_while_the_first_holds_the_key() {
    let gw = gateway();
    let (mut first, step) = start(&gw);
    assert!(matches!(step, Step::Forward(_)));
    assert_eq!(holding(&gw), 1);
    let (second, step) = start(&gw);
    let Step::Respond(r) = step else {
        panic!("{step:?}")
    };
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let e = second.last_error().unwrap();
    assert_eq!(
        (&*e.source, &*e.reason),
        ("limit-concurrency", "ConcurrencyLimitExceeded")
    );
    let ok = BackendResponse {
        status: StatusCode::OK,
        headers: HeaderMap::new(),
    };
    assert_eq!(answer(&mut first, Ok(ok)), StatusCode::OK);
    assert_eq!(holding(&gw), 0, "released when the response is ready");
    let (_third, step) = start(&gw);
    assert!(matches!(step, Step::Forward(_)));
}

#[test]
fn the_key_is_released_on_a_backend_error_and_on_a_client_abort() {
    let gw = gateway();
    let (mut first, _) = start(&gw);
    let failure = BackendFailure {
        reason: "Timeout",
        message: "timed out".into(),
        retry_after: None,
        status: None,
    };
    assert_eq!(
        answer(&mut first, Err(failure)),
        StatusCode::GATEWAY_TIMEOUT
    );
    assert_eq!(holding(&gw), 0);
    let (aborted, step) = start(&gw);
    assert!(matches!(step, Step::Forward(_)));
    assert_eq!(holding(&gw), 1);
    drop(aborted);
    assert_eq!(holding(&gw), 0, "dropping the exchange gives the slot back");
}
