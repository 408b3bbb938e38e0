//! The engine answers odd requests and broken programs without panicking.

use super::*;
use crate::program::{Arg, ExistsAction, HeaderOp, OpKind};

#[test]
fn odd_requests_get_answers() {
    let mut b = B::new();
    let p = b.pipeline(vec![], None, vec![], vec![]);
    single(&mut b, p);
    let (gw, _) = b.gateway();
    let paths = [
        "",
        "?",
        "/",
        "//",
        "/%",
        "/%FF",
        "/orders",
        "/orders/",
        "/orders/items/%zz",
        "/orders/items/é?ü=1",
        "/orders/items/1?a&b=&=c&&",
        "/orders/items/1?subscription-key=",
        "/ORDERS/items/1",
    ];
    for path in paths {
        for host in ["", ":", "[::1]:8080", "gw.example:notaport"] {
            let mut h = head("GET", path, &[]);
            h.host = host.into();
            let o = run(&gw, h, "");
            assert!(o.response.status.as_u16() >= 200, "{path} on {host}");
        }
    }
    let long = format!("/orders/items/{}", "x".repeat(100_000));
    assert_eq!(
        run(&gw, head("GET", &long, &[]), "").response.status,
        StatusCode::OK
    );
    let o = run(&gw, head("FOO", "/orders/items/1", &[]), "");
    assert_eq!(o.response.status, StatusCode::NOT_FOUND);
}

#[test]
fn dangling_references_are_errors_not_panics() {
    let mut b = B::new();
    let name = b.lit("X-A");
    let bad_value = HeaderOp {
        name,
        action: ExistsAction::Override,
        values: vec![Arg::Expr(9_999), Arg::Lit(9_999)],
    };
    let p = b.pipeline(
        vec![OpKind::Call(9_999), OpKind::SetHeader(bad_value)],
        None,
        vec![],
        vec![],
    );
    single(&mut b, p);
    b.p.pipelines.push(crate::program::Pipeline {
        sections: [9_999; 4],
    });
    let api = b.api("broken", "broken", false);
    b.op(api, "x", "GET", "/x", vec![(u32::MAX, 9_998), (7, 1)]);
    let (gw, _) = b.gateway();
    let o = run(&gw, head("GET", "/orders/items/1", &[]), "");
    assert_eq!(o.response.status, StatusCode::INTERNAL_SERVER_ERROR);
    let o = run(&gw, head("GET", "/broken/x", &[]), "");
    assert!(o.response.status.as_u16() >= 200);
}

#[test]
fn invalid_header_names_and_values_from_expressions_are_errors() {
    for (name, value) in [("X-A", "bad\r\nvalue"), ("bad name", "v")] {
        let mut b = B::new();
        let (name, value) = (b.text(name), b.text(value));
        let set = OpKind::SetHeader(HeaderOp {
            name,
            action: ExistsAction::Override,
            values: vec![value],
        });
        let p = b.pipeline(vec![set], None, vec![], vec![]);
        single(&mut b, p);
        let (gw, _) = b.gateway();
        let o = run(&gw, head("GET", "/orders/items/1", &[]), "");
        assert_eq!(o.response.status, StatusCode::INTERNAL_SERVER_ERROR);
        let e = o.exchange.last_error().unwrap();
        assert_eq!((&*e.source, &*e.reason), ("set-header", ""));
        assert!(e.message.contains("not a valid"), "{}", e.message);
    }
}

#[test]
fn the_server_can_share_gateways_and_move_exchanges() {
    fn send<T: Send>() {}
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Gateway>();
    send::<crate::engine::Exchange>();
    send::<crate::engine::Step>();
}
