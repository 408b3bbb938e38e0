//! `send-request` through the in-process driver: the `Step::Send` effect, the stored
//! response, failures with and without `ignore-error`, and `mode="copy"`.

use super::*;
use crate::engine::Target;
use crate::program::{ReturnResponse, SendRequest};

fn send(b: &mut B, mode: &str, url: Option<&str>, ignore_error: bool) -> OpKind {
    OpKind::SendRequest(SendRequest {
        mode: Some(b.lit(mode)),
        variable: b.s("r"),
        timeout: None,
        ignore_error,
        url: url.map(|u| b.lit(u)),
        method: (mode == "new").then(|| b.lit("POST")),
        headers: Vec::new(),
        body: (mode == "new").then(|| b.lit("grant")),
        identity: None,
        certificate: None,
    })
}

fn relay(b: &mut B) -> OpKind {
    OpKind::ReturnResponse(ReturnResponse {
        variable: Some(b.s("r")),
        status: None,
        headers: Vec::new(),
        body: None,
    })
}

/// A mock failing every call to `http://x` and answering the others.
fn refusing(
    req: &BackendRequest,
    body: &Bytes,
) -> Result<(BackendResponse, Bytes), BackendFailure> {
    match &req.target {
        Target::Url(u) if u.starts_with("http://x") => Err(BackendFailure {
            reason: "BackendConnectionFailure",
            message: "connection refused".into(),
            retry_after: None,
            status: None,
        }),
        _ => ok(req, body),
    }
}

#[test]
fn the_call_is_an_effect_and_its_response_is_stored() {
    let mut b = B::new();
    let ops = vec![
        send(&mut b, "new", Some("http://token.example/t"), false),
        relay(&mut b),
    ];
    let p = b.pipeline(ops, None, vec![], vec![]);
    single(&mut b, p);
    let (gw, _) = b.gateway();
    let o = run(&gw, head("GET", "/orders/items/1", &[]), "");
    assert_eq!(o.effects, ["send"]);
    let sent = &o.forwarded[0];
    assert_eq!(sent.target, Target::Url("http://token.example/t".into()));
    assert_eq!((sent.method.as_str(), sent.timeout.as_secs()), ("POST", 60));
    assert_eq!(sent.body.as_deref(), Some(&b"grant"[..]));
    assert_eq!(o.response.status, StatusCode::OK);
    assert_eq!(
        (header(&o, "x-backend"), body(&o)),
        (Some("yes"), "backend-body")
    );
}

#[test]
fn a_failed_call_is_an_error_unless_ignored() {
    for ignore in [false, true] {
        let mut b = B::new();
        let op = send(&mut b, "new", Some("http://x"), ignore);
        let p = b.pipeline(vec![op], None, vec![], vec![]);
        single(&mut b, p);
        let (gw, _) = b.gateway();
        let h = head("GET", "/orders/items/1", &[]);
        let o = run_in_process(&gw, h, Bytes::new(), &mut refusing);
        if ignore {
            assert_eq!(o.effects, ["send", "forward"]);
            assert_eq!(o.exchange.variable_text("r").as_deref(), Some(""));
            assert_eq!(o.response.status, StatusCode::OK);
        } else {
            assert_eq!(o.effects, ["send"]);
            let e = o.exchange.last_error().unwrap();
            assert_eq!(
                (&*e.source, &*e.reason),
                ("send-request", "BackendConnectionFailure")
            );
            assert_eq!(o.response.status, StatusCode::INTERNAL_SERVER_ERROR);
        }
    }
}

#[test]
fn mode_copy_sends_the_current_request_with_its_body() {
    let mut b = B::new();
    let ops = vec![
        send(&mut b, "copy", Some("http://copy.example/c"), false),
        relay(&mut b),
    ];
    let p = b.pipeline(ops, None, vec![], vec![]);
    single(&mut b, p);
    let (gw, _) = b.gateway();
    let o = run(
        &gw,
        head("GET", "/orders/items/1", &[("x-in", "a")]),
        "payload",
    );
    assert_eq!(o.effects, ["request-body", "send"]);
    let sent = &o.forwarded[0];
    assert_eq!(sent.method, Method::GET);
    assert_eq!(sent.body.as_deref(), Some(&b"payload"[..]));
    assert_eq!(sent.headers.get("x-in").unwrap(), "a");
}

#[test]
fn the_certificate_child_goes_with_the_call() {
    let mut b = B::new();
    let mut op = send(&mut b, "new", Some("https://idp.test/token"), false);
    if let OpKind::SendRequest(s) = &mut op {
        s.certificate = Some(crate::program::AuthenticationCertificate {
            by_thumbprint: false,
            key: b.lit("token-client"),
        });
    }
    let p = b.pipeline(vec![op], None, vec![], vec![]);
    single(&mut b, p);
    let (gw, _) = b.gateway();
    let mut sent = Vec::new();
    let o = run_in_process(
        &gw,
        head("GET", "/orders/items/1", &[]),
        Bytes::new(),
        &mut |req: &BackendRequest, body: &Bytes| {
            sent.push(req.certificate.clone());
            ok(req, body)
        },
    );
    assert_eq!(o.response.status, StatusCode::OK);
    assert_eq!(
        sent.first().cloned().flatten(),
        Some(crate::engine::CertificateRef::Id("token-client".into()))
    );
}
