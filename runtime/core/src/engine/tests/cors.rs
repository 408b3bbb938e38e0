//! `cors`: preflights answered before the pipeline, actual requests with CORS headers,
//! unmatched origins, and only the first `cors` deciding.

use super::*;
use crate::program::{Cors, IpFilter};

fn cors(b: &mut B, origins: &[&str], terminate: Option<&str>, credentials: bool) -> OpKind {
    let origins = origins.iter().map(|o| b.s(o)).collect();
    let methods = vec![b.lit("GET"), b.text("PUT")];
    let headers = vec![b.s("Content-Type"), b.s("X-Trace")];
    let expose = vec![b.s("X-Total"), b.s("X-Page")];
    OpKind::Cors(Cors {
        allow_credentials: credentials.then(|| b.lit("true")),
        terminate_unmatched: terminate.map(|t| b.lit(t)),
        origins,
        methods,
        max_age: Some(b.lit("300")),
        headers,
        expose,
    })
}

/// An `ip-filter` refusing everyone: proves what runs after it does not.
fn deny_all(b: &mut B) -> OpKind {
    let action = b.lit("allow");
    let only = b.lit("192.0.2.1");
    OpKind::IpFilter(IpFilter {
        action,
        addresses: vec![only],
        ranges: vec![],
    })
}

fn gateway_with(mut b: B, inbound: Vec<OpKind>) -> Gateway {
    let p = b.pipeline(inbound, None, vec![], vec![]);
    single(&mut b, p);
    b.gateway().0
}

/// An actual (non-preflight) `GET` from `origin`.
fn actual(gw: &Gateway, origin: &str) -> Outcome {
    run(
        gw,
        head("GET", "/orders/items/7", &[("Origin", origin)]),
        "",
    )
}

fn preflight(gw: &Gateway, origin: &str, method: &str, headers: &str) -> Outcome {
    let mut h = vec![
        ("Origin", origin),
        ("Access-Control-Request-Method", method),
    ];
    if !headers.is_empty() {
        h.push(("Access-Control-Request-Headers", headers));
    }
    run(gw, head("OPTIONS", "/orders/items/7", &h), "")
}

#[test]
fn a_preflight_is_answered_before_any_policy_runs() {
    let mut b = B::new();
    let c = cors(&mut b, &["https://app.example"], None, true);
    let deny = deny_all(&mut b);
    let gw = gateway_with(b, vec![deny, c]);
    let o = preflight(&gw, "https://app.example", "PUT", "content-type, x-trace");
    assert_eq!(o.response.status, StatusCode::OK);
    assert!(o.forwarded.is_empty());
    assert_eq!(
        header(&o, "access-control-allow-origin"),
        Some("https://app.example")
    );
    assert_eq!(header(&o, "access-control-allow-credentials"), Some("true"));
    assert_eq!(header(&o, "access-control-allow-methods"), Some("PUT"));
    assert_eq!(
        header(&o, "access-control-allow-headers"),
        Some("content-type, x-trace")
    );
    assert_eq!(header(&o, "access-control-max-age"), Some("300"));
    assert!(body(&o).is_empty());
}

#[test]
fn a_refused_preflight_is_an_empty_200_without_cors_headers() {
    let mut b = B::new();
    let c = cors(&mut b, &["https://app.example"], None, false);
    let gw = gateway_with(b, vec![c]);
    for (origin, method, headers) in [
        ("https://evil.example", "GET", ""),
        ("https://app.example", "DELETE", ""),
        ("https://app.example", "GET", "X-Other"),
        ("http://app.example", "GET", ""),
    ] {
        let o = preflight(&gw, origin, method, headers);
        assert_eq!(o.response.status, StatusCode::OK, "{origin} {method}");
        assert!(
            header(&o, "access-control-allow-origin").is_none(),
            "{origin} {method} {headers}"
        );
        assert!(o.forwarded.is_empty());
    }
}

#[test]
fn origins_compare_with_default_ports_and_case() {
    let mut b = B::new();
    let c = cors(
        &mut b,
        &["https://App.Example", "http://localhost:3000"],
        None,
        false,
    );
    let gw = gateway_with(b, vec![c]);
    for origin in [
        "https://app.example:443",
        "HTTPS://app.example",
        "http://localhost:3000",
    ] {
        let o = preflight(&gw, origin, "GET", "");
        assert_eq!(
            header(&o, "access-control-allow-origin"),
            Some(origin),
            "{origin}"
        );
    }
    let o = preflight(&gw, "http://localhost:3001", "GET", "");
    assert!(header(&o, "access-control-allow-origin").is_none());
}

#[test]
fn an_unmatched_preflight_tries_the_next_cors_when_not_terminating() {
    let mut b = B::new();
    let first = cors(&mut b, &["https://one.example"], Some("false"), false);
    let second = cors(&mut b, &["https://two.example"], None, false);
    let gw = gateway_with(b, vec![first, second]);
    let o = preflight(&gw, "https://two.example", "GET", "");
    assert_eq!(
        header(&o, "access-control-allow-origin"),
        Some("https://two.example")
    );
    let mut b = B::new();
    let first = cors(&mut b, &["https://one.example"], Some("true"), false);
    let second = cors(&mut b, &["https://two.example"], None, false);
    let gw = gateway_with(b, vec![first, second]);
    let o = preflight(&gw, "https://two.example", "GET", "");
    assert!(header(&o, "access-control-allow-origin").is_none());
}

#[test]
fn actual_requests_get_cors_headers_and_unmatched_simple_ones_are_terminated() {
    let mut b = B::new();
    let c = cors(&mut b, &["https://app.example"], None, true);
    let gw = gateway_with(b, vec![c]);
    let o = actual(&gw, "https://app.example");
    assert_eq!(o.forwarded.len(), 1);
    assert_eq!(
        header(&o, "access-control-allow-origin"),
        Some("https://app.example")
    );
    assert_eq!(header(&o, "access-control-allow-credentials"), Some("true"));
    assert_eq!(
        header(&o, "access-control-expose-headers"),
        Some("X-Total, X-Page")
    );
    assert_eq!(header(&o, "vary"), Some("Origin"));
    // No Origin: not a cross-origin request, nothing added.
    let o = run(&gw, head("GET", "/orders/items/7", &[]), "");
    assert_eq!(o.forwarded.len(), 1);
    assert!(header(&o, "access-control-allow-origin").is_none());
    // An unmatched GET is answered with an empty 200 (the default `true`).
    let o = actual(&gw, "https://evil.example");
    assert_eq!(o.response.status, StatusCode::OK);
    assert!(o.forwarded.is_empty() && body(&o).is_empty());
}

#[test]
fn unmatched_requests_go_on_without_headers_when_not_terminating() {
    let mut b = B::new();
    let c = cors(&mut b, &["https://app.example"], Some("false"), false);
    let gw = gateway_with(b, vec![c]);
    let o = actual(&gw, "https://evil.example");
    assert_eq!(o.forwarded.len(), 1);
    assert!(header(&o, "access-control-allow-origin").is_none());
}

#[test]
fn only_the_first_cors_decides_an_actual_request() {
    let mut b = B::new();
    let first = cors(&mut b, &["https://one.example"], Some("false"), false);
    let second = cors(&mut b, &["https://two.example"], None, false);
    let gw = gateway_with(b, vec![first, second]);
    let o = actual(&gw, "https://two.example");
    assert_eq!(o.forwarded.len(), 1);
    assert!(header(&o, "access-control-allow-origin").is_none());
}

#[test]
fn a_wildcard_origin_echoes_the_callers_origin() {
    let mut b = B::new();
    let c = cors(&mut b, &["*"], None, false);
    let gw = gateway_with(b, vec![c]);
    let o = preflight(&gw, "https://any.example", "GET", "");
    assert_eq!(
        header(&o, "access-control-allow-origin"),
        Some("https://any.example")
    );
}
