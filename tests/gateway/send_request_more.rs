//! `send-request` cases the first tests left out: `mode="copy"` in outbound (no body, as
//! APIM documents), the 60 s default timeout, and TLS validated fully (an untrusted
//! certificate fails the call).

use super::harness::send;
use super::project;
use super::retry::{gateway_doc, project_dir, run, status, text};
use super::tls::tls_backend;
use bytes::Bytes;
use http::Request;
use http_body_util::Full;
use std::time::Duration;

#[test]
fn mode_copy_in_outbound_copies_the_request_without_its_body() {
    let doc = r#"<policies><inbound><base /></inbound><backend><forward-request /></backend>
        <outbound><base /><send-request mode="copy" response-variable-name="c"><set-url>http://copy.example/c</set-url></send-request></outbound>
        <on-error><base /></on-error></policies>"#;
    let gw = gateway_doc("copy-outbound", doc);
    let o = run(&gw, "the body", &[|| status(200)]);
    let copy = o.forwarded.last().expect("the copy was sent");
    assert_eq!(copy.method.as_str(), "POST");
    assert_eq!(copy.body.as_deref(), Some(&b""[..]), "no body in outbound");
    assert_eq!(copy.timeout, Duration::from_secs(60), "the default timeout");
}

#[tokio::test]
async fn an_untrusted_certificate_fails_the_call() {
    let origin = tls_backend().await;
    let section = format!(
        r#"<send-request response-variable-name="r" timeout="5"><set-url>https://localhost:{}/</set-url><set-method>GET</set-method></send-request>"#,
        origin.port()
    );
    let dir = project_dir("send-tls", "http://unused.example", &section);
    let gw = project::serve(&dir).await;
    let req = Request::post("/r/x")
        .body(Full::new(Bytes::new()))
        .expect("request");
    let (status, _, body) = send(gw.addr, req).await;
    assert_eq!(status.as_u16(), 599, "{}", text(&body));
    assert_eq!(text(&body), "send-request/BackendConnectionFailure");
}
