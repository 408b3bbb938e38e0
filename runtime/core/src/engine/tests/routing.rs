//! Routing: API prefix, host, templates, most specific match, `*` methods, 404.

use super::*;
use crate::program::OpKind;
use crate::value::HostObj;

/// A pipeline answering `return-response` with body `tag`.
fn answering(b: &mut B, tag: &str) -> u32 {
    let body = b.lit(tag);
    let rr = crate::program::ReturnResponse {
        variable: None,
        status: None,
        headers: Vec::new(),
        body: Some(body),
    };
    b.pipeline(vec![OpKind::ReturnResponse(rr)], None, vec![], vec![])
}

#[test]
fn longest_prefix_then_template_with_parameters() {
    let mut b = B::new();
    let (short, long, item, special) = (
        answering(&mut b, "short"),
        answering(&mut b, "long"),
        answering(&mut b, "item"),
        answering(&mut b, "special"),
    );
    let a = b.api("a", "shop", false);
    b.op(a, "any", "GET", "/{*rest}", vec![(u32::MAX, short)]);
    let o = b.api("o", "shop/orders", false);
    b.op(o, "list", "GET", "/", vec![(u32::MAX, long)]);
    b.op(o, "item", "GET", "/{id}", vec![(u32::MAX, item)]);
    b.op(o, "special", "GET", "/special", vec![(u32::MAX, special)]);
    let (gw, _) = b.gateway();
    let hit = |p: &str| body(&run(&gw, head("GET", p, &[]), "")).to_string();
    assert_eq!(hit("/shop/orders"), "long");
    assert_eq!(hit("/shop/orders/"), "long");
    assert_eq!(hit("/shop/orders/42?x=1"), "item");
    assert_eq!(hit("/shop/orders/special"), "special");
    assert_eq!(hit("/shop/ordersx/1"), "short");
    assert_eq!(hit("/shop/other"), "short");
}

/// The single `orders/get-item` operation answering its `id` parameter in `X-Id`.
fn id_echo() -> Gateway {
    let mut b = B::new();
    let value = b.lookup(HostObj::MatchedParameters, "id");
    let name = b.lit("X-Id");
    let set = OpKind::SetHeader(crate::program::HeaderOp {
        name,
        action: crate::program::ExistsAction::Override,
        values: vec![value],
    });
    let p = b.pipeline(vec![], None, vec![set], vec![]);
    single(&mut b, p);
    b.gateway().0
}

#[test]
fn matched_parameters_reach_expressions() {
    let gw = id_echo();
    let o = run(&gw, head("GET", "/orders/items/a%20b", &[]), "");
    assert_eq!(header(&o, "x-id"), Some("a b"));
    assert_eq!(o.exchange.api_name(), Some("orders"));
    assert_eq!(o.exchange.operation_name(), Some("get-item"));
}

#[test]
fn unknown_path_or_method_is_apim_404() {
    let mut b = B::new();
    let p = answering(&mut b, "x");
    single(&mut b, p);
    let (gw, _) = b.gateway();
    for (m, path) in [
        ("GET", "/nope"),
        ("POST", "/orders/items/1"),
        ("GET", "/orders/x/y"),
    ] {
        let o = run(&gw, head(m, path, &[]), "");
        assert_eq!(o.response.status, StatusCode::NOT_FOUND, "{m} {path}");
        assert_eq!(
            body(&o),
            r#"{ "statusCode": 404, "message": "Resource not found" }"#
        );
        let e = o.exchange.last_error().unwrap();
        assert_eq!(
            (&*e.source, &*e.reason),
            ("configuration", "OperationNotFound")
        );
        assert!(o.forwarded.is_empty());
    }
}

#[test]
fn star_method_matches_any_after_specific_methods() {
    let mut b = B::new();
    let (get, any) = (answering(&mut b, "get"), answering(&mut b, "any"));
    let a = b.api("a", "", false);
    b.op(a, "get", "GET", "/x", vec![(u32::MAX, get)]);
    b.op(a, "all", "*", "/x", vec![(u32::MAX, any)]);
    let (gw, _) = b.gateway();
    assert_eq!(body(&run(&gw, head("GET", "/x", &[]), "")), "get");
    assert_eq!(body(&run(&gw, head("DELETE", "/x", &[]), "")), "any");
}

#[test]
fn hosts_restrict_an_api_and_old_revisions_are_not_routed() {
    let mut b = B::new();
    let (pub_, internal, old) = (
        answering(&mut b, "public"),
        answering(&mut b, "internal"),
        answering(&mut b, "old"),
    );
    let a = b.api("public", "svc", false);
    b.op(a, "x", "GET", "/x", vec![(u32::MAX, pub_)]);
    let i = b.api("internal", "svc", false);
    let host = b.s("gw.example");
    b.p.apis[i as usize].hosts.push(host);
    b.op(i, "x", "GET", "/x", vec![(u32::MAX, internal)]);
    let r = b.api("old", "svc/x", false);
    b.p.apis[r as usize].is_current = false;
    b.op(r, "x", "GET", "/", vec![(u32::MAX, old)]);
    let (gw, _) = b.gateway();
    assert_eq!(body(&run(&gw, head("GET", "/svc/x", &[]), "")), "internal");
    let mut other = head("GET", "/svc/x", &[]);
    other.host = "elsewhere.example".into();
    assert_eq!(body(&run(&gw, other, "")), "public");
}

#[test]
fn conflicting_templates_are_reported_not_fatal() {
    let mut b = B::new();
    let p = answering(&mut b, "x");
    let a = b.api("a", "", false);
    b.op(a, "one", "GET", "/x/{id}", vec![(u32::MAX, p)]);
    b.op(a, "two", "GET", "/x/{name}", vec![(u32::MAX, p)]);
    let (gw, _) = b.gateway();
    assert_eq!(gw.route_warnings().len(), 1);
    assert_eq!(body(&run(&gw, head("GET", "/x/1", &[]), "")), "x");
}

#[test]
fn query_template_parameters_are_matched() {
    let mut b = B::new();
    let value = b.lookup(HostObj::MatchedParameters, "b");
    let name = b.lit("X-B");
    let set = OpKind::SetHeader(crate::program::HeaderOp {
        name,
        action: crate::program::ExistsAction::Override,
        values: vec![value],
    });
    let p = b.pipeline(vec![], None, vec![set], vec![]);
    let a = b.api("a", "", false);
    b.op(a, "get", "GET", "/get?a={b}", vec![(u32::MAX, p)]);
    let (gw, _) = b.gateway();
    let o = run(&gw, head("GET", "/get?a=hello&c=d", &[]), "");
    assert_eq!(header(&o, "x-b"), Some("hello"));
}

/// Issue 19, item 16: operation templates match without regard to case, as API prefixes
/// do; a parameter keeps the request's own spelling.
#[test]
fn templates_match_without_case_like_prefixes() {
    let gw = id_echo();
    let o = run(&gw, head("GET", "/ORDERS/Items/AbC", &[]), "");
    assert_eq!(o.response.status, StatusCode::OK);
    assert_eq!(o.exchange.operation_name(), Some("get-item"));
    assert_eq!(header(&o, "x-id"), Some("AbC"));
}
