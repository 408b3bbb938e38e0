//! Transformation policies on bodies: `find-and-replace`.

use super::*;
use crate::program::FindAndReplace;

fn far(b: &mut B, from: &str, to: &str) -> OpKind {
    let (from, to) = (b.lit(from), b.lit(to));
    OpKind::FindAndReplace(FindAndReplace { from, to })
}

#[test]
fn find_and_replace_inbound_rewrites_the_request_body() {
    let mut b = B::new();
    let op = far(&mut b, "cat", "dog");
    let p = b.pipeline(vec![op], None, vec![], vec![]);
    single(&mut b, p);
    let (gw, _) = b.gateway();
    let h = head("GET", "/orders/items/1", &[("Content-Length", "15")]);
    let o = run(&gw, h, "cat, Cat, catcat");
    assert_eq!(o.effects, vec!["request-body", "forward"]);
    let f = &o.forwarded[0];
    assert_eq!(f.body.as_deref(), Some(&b"dog, Cat, dogdog"[..]));
    assert!(f.headers.get("content-length").is_none());
}

#[test]
fn find_and_replace_outbound_rewrites_the_response_and_empty_to_removes() {
    let mut b = B::new();
    let (one, two) = (far(&mut b, "backend", "gateway"), far(&mut b, "-", ""));
    let p = b.pipeline(vec![], None, vec![one, two], vec![]);
    single(&mut b, p);
    let (gw, _) = b.gateway();
    let o = run(&gw, head("GET", "/orders/items/1", &[]), "");
    assert_eq!(o.effects, vec!["forward", "response-body"]);
    assert_eq!(body(&o), "gatewaybody");
}

#[test]
fn find_and_replace_without_a_match_or_with_an_empty_from_changes_nothing() {
    let mut b = B::new();
    let (none, empty) = (far(&mut b, "zzz", "y"), far(&mut b, "", "y"));
    let p = b.pipeline(vec![], None, vec![none, empty], vec![]);
    single(&mut b, p);
    let (gw, _) = b.gateway();
    let o = run(&gw, head("GET", "/orders/items/1", &[]), "");
    assert_eq!(body(&o), "backend-body");
}

#[test]
fn find_and_replace_with_an_expression_and_non_utf8_bodies() {
    let mut b = B::new();
    let to = b.text("é");
    let from = b.lit("x");
    let op = OpKind::FindAndReplace(FindAndReplace { from, to });
    let p = b.pipeline(vec![op], None, vec![], vec![]);
    single(&mut b, p);
    let (gw, _) = b.gateway();
    let h = head("GET", "/orders/items/1", &[]);
    let o = run_in_process(&gw, h, Bytes::from_static(b"\xffx\xfe"), &mut ok);
    assert_eq!(
        o.forwarded[0].body.as_deref(),
        Some(&b"\xff\xc3\xa9\xfe"[..])
    );
}

#[test]
fn find_and_replace_past_the_body_limit_is_an_error_without_allocating_it() {
    let mut b = B::new();
    let op = far(&mut b, "e", &"E".repeat(5000));
    let p = b.pipeline(vec![], None, vec![op], vec![]);
    single(&mut b, p);
    let config = EngineConfig {
        max_body: 4096,
        ..EngineConfig::default()
    };
    let gw = Gateway::new(Arc::new(b.p), config);
    let o = run(&gw, head("GET", "/orders/items/1", &[]), "");
    assert_eq!(o.response.status, StatusCode::INTERNAL_SERVER_ERROR);
    let e = o.exchange.last_error().unwrap();
    assert_eq!((&*e.source, &*e.section), ("find-and-replace", "outbound"));
    assert!(
        e.message.contains("more than the limit of 4096"),
        "{}",
        e.message
    );
}
