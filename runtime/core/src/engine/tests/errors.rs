//! Errors: `on-error` with `context.LastError` for each reason, and the gateway's responses.

use super::*;
use crate::program::{Choose, ExistsAction, ForwardRequest, HeaderOp, OpKind, ReturnResponse};
use crate::value::Entity;

/// `set-header X-<prop>: @(context.LastError.<prop>)` for each property, in on-error.
fn report(b: &mut B) -> Vec<OpKind> {
    ["Source", "Reason", "Message", "Scope", "Section", "Path"]
        .iter()
        .map(|prop| set_entity_header(b, &format!("X-{prop}"), Entity::LastError, prop))
        .collect()
}

fn failing_header(b: &mut B) -> OpKind {
    let name = b.lit("X-Fail");
    let bad = b.failing();
    OpKind::SetHeader(HeaderOp {
        name,
        action: ExistsAction::Override,
        values: vec![Arg::Expr(bad)],
    })
}

#[test]
fn expression_failure_runs_on_error_with_last_error() {
    let mut b = B::new();
    let fail = failing_header(&mut b);
    let on_error = report(&mut b);
    let p = b.pipeline(vec![fail], None, vec![], on_error);
    single(&mut b, p);
    let (gw, _) = b.gateway();
    let o = run(&gw, head("GET", "/orders/items/1", &[]), "");
    assert_eq!(o.response.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        body(&o),
        r#"{ "statusCode": 500, "message": "Internal server error" }"#
    );
    assert_eq!(header(&o, "x-source"), Some("set-header"));
    assert_eq!(
        header(&o, "x-reason"),
        Some("ExpressionValueEvaluationFailure")
    );
    assert!(header(&o, "x-message")
        .unwrap()
        .starts_with("Expression evaluation failed."));
    assert_eq!(header(&o, "x-scope"), Some("operation"));
    assert_eq!(header(&o, "x-section"), Some("inbound"));
    assert_eq!(header(&o, "x-path"), Some("inbound/set-header[1]"));
    assert!(o.forwarded.is_empty());
}

#[test]
fn on_error_may_answer_its_own_way() {
    let mut b = B::new();
    let fail = failing_header(&mut b);
    let (code, text) = (b.lit("503"), b.lit("sorry"));
    let rr = OpKind::ReturnResponse(ReturnResponse {
        variable: None,
        status: Some((code, None)),
        headers: Vec::new(),
        body: Some(text),
    });
    let p = b.pipeline(vec![], None, vec![fail], vec![rr]);
    single(&mut b, p);
    let (gw, _) = b.gateway();
    let o = run(&gw, head("GET", "/orders/items/1", &[]), "");
    assert_eq!(o.response.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body(&o), "sorry");
    assert_eq!(&*o.exchange.last_error().unwrap().section, "outbound");
}

fn failing_backend(
    reason: &'static str,
) -> impl FnMut(&BackendRequest, &Bytes) -> Result<(BackendResponse, Bytes), BackendFailure> {
    move |_, _| {
        Err(BackendFailure {
            reason,
            message: format!("{reason} happened"),
            retry_after: (reason == "BackendUnavailable").then_some(7),
            status: None,
        })
    }
}

#[test]
fn backend_failures_carry_their_reason_and_status() {
    for (reason, status) in [
        ("BackendConnectionFailure", 500),
        ("Timeout", 504),
        ("BackendUnavailable", 503),
        ("ClientConnectionFailure", 400),
    ] {
        let mut b = B::new();
        let on_error = report(&mut b);
        let p = b.pipeline(vec![], None, vec![], on_error);
        single(&mut b, p);
        let (gw, _) = b.gateway();
        let o = run_in_process(
            &gw,
            head("GET", "/orders/items/1", &[]),
            Bytes::new(),
            &mut failing_backend(reason),
        );
        assert_eq!(o.response.status.as_u16(), status, "{reason}");
        assert_eq!(header(&o, "x-reason"), Some(reason));
        assert_eq!(header(&o, "x-source"), Some("forward-request"));
        assert_eq!(header(&o, "x-section"), Some("backend"));
        assert_eq!(header(&o, "x-path"), Some("backend/forward-request[1]"));
        let retry = header(&o, "retry-after");
        assert_eq!(retry, (reason == "BackendUnavailable").then_some("7"));
    }
}

#[test]
fn a_backend_failure_may_name_its_status() {
    let mut b = B::new();
    let on_error = report(&mut b);
    let p = b.pipeline(vec![], None, vec![], on_error);
    single(&mut b, p);
    let (gw, _) = b.gateway();
    let o = run_in_process(
        &gw,
        head("GET", "/orders/items/1", &[]),
        Bytes::new(),
        &mut |_, _| {
            Err(BackendFailure {
                reason: "BackendConnectionFailure",
                message: "101 to a plain request".into(),
                retry_after: None,
                status: Some(StatusCode::BAD_GATEWAY),
            })
        },
    );
    assert_eq!(o.response.status, StatusCode::BAD_GATEWAY);
    assert_eq!(header(&o, "x-reason"), Some("BackendConnectionFailure"));
    assert_eq!(
        body(&o),
        r#"{ "statusCode": 502, "message": "Bad gateway" }"#
    );
}

#[test]
fn fail_on_error_status_code_keeps_the_backend_response_for_on_error() {
    let mut b = B::new();
    let fr = ForwardRequest {
        fail_on_error_status_code: true,
        ..Default::default()
    };
    let on_error = report(&mut b);
    let p = b.pipeline(
        vec![],
        Some(vec![OpKind::ForwardRequest(fr)]),
        vec![],
        on_error,
    );
    single(&mut b, p);
    let (gw, _) = b.gateway();
    let o = backend_answers(&gw, StatusCode::BAD_REQUEST, b"bad");
    assert_eq!(o.response.status, StatusCode::BAD_REQUEST);
    assert_eq!(header(&o, "x-source"), Some("forward-request"));
    assert_eq!(body(&o), "bad");
}

#[test]
fn an_error_inside_on_error_answers_500() {
    let mut b = B::new();
    let (f1, f2) = (failing_header(&mut b), failing_header(&mut b));
    let p = b.pipeline(vec![f1], None, vec![], vec![f2]);
    single(&mut b, p);
    let (gw, _) = b.gateway();
    let o = run(&gw, head("GET", "/orders/items/1", &[]), "");
    assert_eq!(o.response.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(&*o.exchange.last_error().unwrap().section, "on-error");
}

#[test]
fn missing_key_runs_on_error_with_authorization_source() {
    let mut b = B::new();
    let on_error = report(&mut b);
    let p = b.pipeline(vec![], None, vec![], on_error);
    let api = single(&mut b, p);
    b.p.apis[api as usize].subscription_required = true;
    let (gw, _) = b.gateway();
    let o = run(&gw, head("GET", "/orders/items/1", &[]), "");
    assert_eq!(o.response.status, StatusCode::UNAUTHORIZED);
    assert_eq!(header(&o, "x-source"), Some("authorization"));
    assert_eq!(header(&o, "x-reason"), Some("SubscriptionKeyNotFound"));
}

#[test]
fn block_nesting_is_bounded() {
    let mut b = B::new();
    // Block 0 calls itself: a cycle only a broken program has; the depth bound stops it.
    let looping = b.block("inbound", vec![OpKind::Call(0)]);
    assert_eq!(looping, 0);
    let p = b.pipeline(vec![OpKind::Call(0)], None, vec![], vec![]);
    single(&mut b, p);
    let (gw, _) = b.gateway();
    let o = run(&gw, head("GET", "/orders/items/1", &[]), "");
    assert_eq!(o.response.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(o
        .exchange
        .last_error()
        .unwrap()
        .message
        .contains("nest deeper"));
}

#[test]
fn resuming_out_of_order_answers_500_without_panicking() {
    let mut b = B::new();
    let p = b.pipeline(vec![], None, vec![], vec![]);
    single(&mut b, p);
    let (gw, _) = b.gateway();
    let mut x = gw.start(head("GET", "/orders/items/1", &[]));
    match x.resume(crate::engine::Resume::ResponseBody(Bytes::new())) {
        crate::engine::Step::Respond(r) => assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR),
        other => panic!("{other:?}"),
    }
}

#[test]
fn on_error_can_read_the_failed_backend_body() {
    let mut b = B::new();
    let fr = ForwardRequest {
        fail_on_error_status_code: true,
        ..Default::default()
    };
    let read = read_body(&mut b, crate::value::Msg::Response, true);
    let name = b.lit("X-Body");
    let echo = OpKind::SetHeader(HeaderOp {
        name,
        action: ExistsAction::Override,
        values: vec![read],
    });
    let p = b.pipeline(
        vec![],
        Some(vec![OpKind::ForwardRequest(fr)]),
        vec![],
        vec![echo],
    );
    single(&mut b, p);
    let (gw, _) = b.gateway();
    let o = backend_answers(&gw, StatusCode::CONFLICT, b"conflict");
    assert_eq!(o.effects, vec!["forward", "response-body"]);
    assert_eq!(o.response.status, StatusCode::CONFLICT);
    assert_eq!(header(&o, "x-body"), Some("conflict"));
    assert_eq!(body(&o), "conflict");
}

#[test]
fn a_failing_choose_condition_runs_on_error() {
    let mut b = B::new();
    let bad = b.failing();
    let then = b.block("inbound/choose", vec![]);
    let choose = OpKind::Choose(Choose {
        branches: vec![(bad, then)],
        otherwise: None,
    });
    let on_error = report(&mut b);
    let p = b.pipeline(vec![choose], None, vec![], on_error);
    single(&mut b, p);
    let (gw, _) = b.gateway();
    let o = run(&gw, head("GET", "/orders/items/1", &[]), "");
    assert_eq!(o.response.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(header(&o, "x-source"), Some("choose"));
    assert_eq!(header(&o, "x-path"), Some("inbound/choose[1]"));
}

/// Runs `GET /orders/items/1` against a backend answering `status` with `body`.
fn backend_answers(gw: &Gateway, status: StatusCode, body: &'static [u8]) -> Outcome {
    let mut backend = |_: &BackendRequest, _: &Bytes| {
        Ok((
            BackendResponse {
                status,
                headers: HeaderMap::new(),
            },
            Bytes::from_static(body),
        ))
    };
    run_in_process(
        gw,
        head("GET", "/orders/items/1", &[]),
        Bytes::new(),
        &mut backend,
    )
}
