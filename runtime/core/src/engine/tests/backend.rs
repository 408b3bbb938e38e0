//! `set-backend-service` and `forward-request`: targets, paths, headers, no forwarding.

use super::*;
use crate::bytecode::Instr;
use crate::library::name_id;
use crate::program::{
    Arg, Backend, BackendKind, ExistsAction, HeaderOp, OpKind, SetBackendService, SetStatus,
};
use crate::value::{HostObj, Msg};

fn go(b: B, headers: &[(&str, &str)]) -> Outcome {
    let (gw, _) = b.gateway();
    run(&gw, head("GET", "/orders/items/7?q=1&r=2", headers), "")
}

#[test]
fn set_backend_service_targets_backends_and_urls() {
    let mut b = B::new();
    let (bname, burl) = (b.s("pool-a"), b.s("https://a.example"));
    b.p.backends.push(Backend {
        name: bname,
        url: Some(burl),
        kind: BackendKind::Single,
        credentials: Default::default(),
        tls: Default::default(),
        breakers: Vec::new(),
    });
    let by_id = b.text("pool-a");
    let missing = b.text("nope");
    let url = b.lit("https://other.example/base");
    let sbs = |id, url| {
        OpKind::SetBackendService(SetBackendService {
            backend_id: id,
            base_url: url,
        })
    };
    let p1 = b.pipeline(vec![sbs(Some(by_id), None)], None, vec![], vec![]);
    let p2 = b.pipeline(vec![sbs(None, Some(url))], None, vec![], vec![]);
    let p3 = b.pipeline(vec![sbs(Some(missing), None)], None, vec![], vec![]);
    let api = b.api("a", "", false);
    b.op(api, "one", "GET", "/one", vec![(u32::MAX, p1)]);
    b.op(api, "two", "GET", "/two", vec![(u32::MAX, p2)]);
    b.op(api, "three", "GET", "/three", vec![(u32::MAX, p3)]);
    let (gw, _) = b.gateway();
    let o = run(&gw, head("GET", "/one", &[]), "");
    assert_eq!(o.forwarded[0].target, crate::engine::Target::Backend(0));
    let o = run(&gw, head("GET", "/two?x=1", &[]), "");
    let f = &o.forwarded[0];
    assert_eq!(
        f.target,
        crate::engine::Target::Url("https://other.example/base".into())
    );
    assert_eq!(f.path_and_query, "/two?x=1");
    let o = run(&gw, head("GET", "/three", &[]), "");
    assert_eq!(o.response.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(&*o.exchange.last_error().unwrap().reason, "BackendNotFound");
}

#[test]
fn forward_request_defaults_and_hop_by_hop_headers() {
    let mut b = B::new();
    let fr = crate::program::ForwardRequest {
        timeout_ms: 1500,
        ..Default::default()
    };
    let p = b.pipeline(
        vec![],
        Some(vec![OpKind::ForwardRequest(fr)]),
        vec![],
        vec![],
    );
    single(&mut b, p);
    let o = go(
        b,
        &[
            ("Connection", "x-hop"),
            ("X-Hop", "1"),
            ("Keep-Alive", "5"),
            ("X-Keep", "1"),
        ],
    );
    let f = &o.forwarded[0];
    assert_eq!(
        f.target,
        crate::engine::Target::Url("https://backend.example/svc".into())
    );
    assert_eq!(f.path_and_query, "/items/7?q=1&r=2");
    assert_eq!(f.timeout, std::time::Duration::from_millis(1500));
    for h in ["connection", "x-hop", "keep-alive", "host"] {
        assert!(f.headers.get(h).is_none(), "{h}");
    }
    assert_eq!(f.headers.get("x-keep").unwrap(), "1");
    assert!(f.body.is_none(), "the client's body streams through");
    assert_eq!(body(&o), "backend-body");
}

#[test]
fn no_forward_request_means_no_backend_call() {
    let mut b = B::new();
    let p = b.pipeline(vec![], Some(vec![]), vec![], vec![]);
    single(&mut b, p);
    let o = go(b, &[]);
    assert!(o.forwarded.is_empty());
    assert_eq!(o.response.status, StatusCode::OK);
    assert!(o.body.is_empty());
}

#[test]
fn hop_by_hop_headers_of_the_backend_response_are_dropped() {
    let mut b = B::new();
    let p = b.pipeline(vec![], None, vec![], vec![]);
    single(&mut b, p);
    let (gw, _) = b.gateway();
    let mut backend = |_: &BackendRequest, _: &Bytes| {
        let mut headers = HeaderMap::new();
        for (k, v) in [("connection", "close"), ("keep-alive", "5"), ("x-ok", "1")] {
            headers.insert(k, HeaderValue::from_static(v));
        }
        Ok((
            BackendResponse {
                status: StatusCode::OK,
                headers,
            },
            Bytes::new(),
        ))
    };
    let o = run_in_process(
        &gw,
        head("GET", "/orders/items/1", &[]),
        Bytes::new(),
        &mut backend,
    );
    assert!(header(&o, "connection").is_none());
    assert!(header(&o, "keep-alive").is_none());
    assert_eq!(header(&o, "x-ok"), Some("1"));
}

/// `set-header name` to the value of request header `from` (`@(context.Request.Headers…)`).
fn copy_request_header(b: &mut B, name: &str, from: &str) -> OpKind {
    let value = b.lookup(HostObj::Headers(Msg::Request), from);
    OpKind::SetHeader(HeaderOp {
        name: b.lit(name),
        action: ExistsAction::Override,
        values: vec![value],
    })
}

#[test]
fn request_headers_forwarded_whether_moved_or_copied() {
    let mut b = B::new();
    let fr = || OpKind::ForwardRequest(Default::default());
    // Nothing reads the request headers after forwarding: they are moved.
    let moved = b.pipeline(vec![], None, vec![], vec![]);
    // Outbound reads them: they are copied and still readable.
    let read = copy_request_header(&mut b, "x-seen", "x-keep");
    let copied = b.pipeline(vec![], None, vec![read], vec![]);
    // Two forwards: the second sends the same headers.
    let twice = b.pipeline(vec![], Some(vec![fr(), fr()]), vec![], vec![]);
    let api = b.api("a", "", false);
    b.op(api, "moved", "GET", "/moved", vec![(u32::MAX, moved)]);
    b.op(api, "copied", "GET", "/copied", vec![(u32::MAX, copied)]);
    b.op(api, "twice", "GET", "/twice", vec![(u32::MAX, twice)]);
    let (gw, _) = b.gateway();
    let needs = |p: u32| gw.shared.bodies[p as usize].move_headers;
    assert!(needs(moved));
    assert!(!needs(copied));
    assert!(!needs(twice));
    let o = run(&gw, head("GET", "/moved", &[("X-Keep", "1")]), "");
    assert_eq!(o.forwarded[0].headers.get("x-keep").unwrap(), "1");
    let o = run(&gw, head("GET", "/copied", &[("X-Keep", "2")]), "");
    assert_eq!(o.forwarded[0].headers.get("x-keep").unwrap(), "2");
    assert_eq!(header(&o, "x-seen"), Some("2"));
    let o = run(&gw, head("GET", "/twice", &[("X-Keep", "3")]), "");
    assert_eq!(o.forwarded.len(), 2);
    for f in &o.forwarded {
        assert_eq!(f.headers.get("x-keep").unwrap(), "3");
    }
}

#[test]
fn request_headers_copied_when_a_variable_or_context_may_hold_them() {
    let mut b = B::new();
    let var = b.var("v");
    let set_from_var = OpKind::SetHeader(HeaderOp {
        name: b.lit("x-v"),
        action: ExistsAction::Override,
        values: vec![var],
    });
    let ctx = Arg::Expr(b.code(vec![Instr::Context, Instr::Return], &[]));
    let set_from_ctx = OpKind::SetHeader(HeaderOp {
        name: b.lit("x-c"),
        action: ExistsAction::Override,
        values: vec![ctx],
    });
    let on_var = b.pipeline(vec![], None, vec![set_from_var], vec![]);
    let on_ctx = b.pipeline(vec![], None, vec![], vec![set_from_ctx]);
    let (gw, _) = b.gateway();
    assert!(!gw.shared.bodies[on_var as usize].move_headers);
    assert!(!gw.shared.bodies[on_ctx as usize].move_headers);
}

#[test]
fn status_reason_follows_the_status_unless_a_policy_sets_it() {
    let mut b = B::new();
    let get = name_id("StatusReason").unwrap();
    let reason = Arg::Expr(b.code(
        vec![
            Instr::Host(HostObj::Message(Msg::Response)),
            Instr::Get(get),
            Instr::Return,
        ],
        &[],
    ));
    let copy = |b: &mut B| {
        OpKind::SetHeader(HeaderOp {
            name: b.lit("x-reason"),
            action: ExistsAction::Override,
            values: vec![reason],
        })
    };
    let status = |b: &mut B, reason: Option<&str>| {
        OpKind::SetStatus(SetStatus {
            code: b.lit("404"),
            reason: reason.map(|r| b.lit(r)),
        })
    };
    let (c1, c2, c3) = (copy(&mut b), copy(&mut b), copy(&mut b));
    let standard = status(&mut b, None);
    let own = status(&mut b, Some("Nope"));
    let backend = b.pipeline(vec![], None, vec![c1], vec![]);
    let set = b.pipeline(vec![], None, vec![standard, c2], vec![]);
    let named = b.pipeline(vec![], None, vec![own, c3], vec![]);
    let api = b.api("a", "", false);
    b.op(api, "backend", "GET", "/backend", vec![(u32::MAX, backend)]);
    b.op(api, "set", "GET", "/set", vec![(u32::MAX, set)]);
    b.op(api, "named", "GET", "/named", vec![(u32::MAX, named)]);
    let (gw, _) = b.gateway();
    let reason_of = |path: &str| {
        let o = run(&gw, head("GET", path, &[]), "");
        header(&o, "x-reason").map(str::to_string)
    };
    assert_eq!(reason_of("/backend").as_deref(), Some("OK"));
    assert_eq!(reason_of("/set").as_deref(), Some("Not Found"));
    assert_eq!(reason_of("/named").as_deref(), Some("Nope"));
}
