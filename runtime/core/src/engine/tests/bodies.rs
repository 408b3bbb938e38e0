//! Body buffering: asked for only when a policy reads it; consumed unless preserved.

use super::*;
use crate::program::{ExistsAction, HeaderOp, OpKind, SetBody};
use crate::value::Msg;

fn echo(b: &mut B, header: &str, value: Arg) -> OpKind {
    let name = b.lit(header);
    OpKind::SetHeader(HeaderOp {
        name,
        action: ExistsAction::Override,
        values: vec![value],
    })
}

#[test]
fn untouched_bodies_stream_both_ways() {
    let mut b = B::new();
    let p = b.pipeline(vec![], None, vec![], vec![]);
    single(&mut b, p);
    let (gw, _) = b.gateway();
    let o = run(&gw, head("GET", "/orders/items/1", &[]), "client-body");
    assert_eq!(o.effects, vec!["forward"]);
    assert!(o.forwarded[0].body.is_none());
    assert!(matches!(
        o.response.body,
        crate::engine::ResponseBody::Backend
    ));
}

#[test]
fn reading_the_request_body_buffers_and_consumes_it() {
    for (preserve, forwarded) in [(false, ""), (true, "client-body")] {
        let mut b = B::new();
        let read = read_body(&mut b, Msg::Request, preserve);
        let op = echo(&mut b, "X-Body", read);
        let p = b.pipeline(vec![op], None, vec![], vec![]);
        single(&mut b, p);
        let (gw, _) = b.gateway();
        let o = run(&gw, head("GET", "/orders/items/1", &[]), "client-body");
        assert_eq!(o.effects, vec!["request-body", "forward"]);
        let f = &o.forwarded[0];
        assert_eq!(f.headers.get("x-body").unwrap(), "client-body");
        assert_eq!(
            f.body.as_deref(),
            Some(forwarded.as_bytes()),
            "preserve {preserve}"
        );
    }
}

#[test]
fn reading_the_response_body_buffers_it() {
    let mut b = B::new();
    let read = read_body(&mut b, Msg::Response, true);
    let op = echo(&mut b, "X-Body", read);
    let p = b.pipeline(vec![], None, vec![op], vec![]);
    single(&mut b, p);
    let (gw, _) = b.gateway();
    let o = run(&gw, head("GET", "/orders/items/1", &[]), "");
    assert_eq!(o.effects, vec!["forward", "response-body"]);
    assert!(o.forwarded[0].buffer_response);
    assert_eq!(header(&o, "x-body"), Some("backend-body"));
    assert_eq!(body(&o), "backend-body");
}

#[test]
fn set_body_replaces_without_reading() {
    let mut b = B::new();
    let (req, resp) = (b.lit("to-backend"), b.text("to-client"));
    let p = b.pipeline(
        vec![OpKind::SetBody(SetBody {
            value: req,
            liquid: None,
        })],
        None,
        vec![OpKind::SetBody(SetBody {
            value: resp,
            liquid: None,
        })],
        vec![],
    );
    single(&mut b, p);
    let (gw, _) = b.gateway();
    let o = run(
        &gw,
        head("GET", "/orders/items/1", &[("Content-Length", "3")]),
        "abc",
    );
    assert_eq!(o.effects, vec!["forward"]);
    assert_eq!(o.forwarded[0].body.as_deref(), Some(&b"to-backend"[..]));
    assert!(o.forwarded[0].headers.get("content-length").is_none());
    assert_eq!(body(&o), "to-client");
}

#[test]
fn oversized_request_bodies_are_413() {
    let mut b = B::new();
    let read = read_body(&mut b, Msg::Request, false);
    let op = echo(&mut b, "X-Body", read);
    let p = b.pipeline(vec![op], None, vec![], vec![]);
    single(&mut b, p);
    let program = Arc::new(b.p);
    let config = EngineConfig {
        max_body: 4,
        ..EngineConfig::default()
    };
    let gw = Gateway::new(program, config);
    let o = run(&gw, head("GET", "/orders/items/1", &[]), "too long");
    assert_eq!(o.response.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(o.forwarded.is_empty());
}
