//! Transformation policies end to end: a compiled project whose operations rewrite bodies
//! on their way to the echo backend and back.

use super::harness::{send, start_loaded, Running};
use super::project;
use crate::support::TempDir;
use bytes::Bytes;
use gatehouse_runtime::engine::Gateway;
use gatehouse_server::echo;
use gatehouse_server::shutdown::Shutdown;
use gatehouse_server::ServerConfig;
use http::{HeaderMap, Request, StatusCode};
use http_body_util::Full;
use tokio::net::TcpListener;

/// The operations: id, method, template, policy (inside `<policies>`).
const OPS: &[(&str, &str, &str, &str)] = &[(
    "replace",
    "post",
    "/replace",
    r#"<inbound><base /><find-and-replace from="cat" to="dog" /></inbound>
       <backend><base /></backend>
       <outbound><base /><find-and-replace from="dog" to="@(&quot;bird&quot;)" /></outbound>
       <on-error><base /></on-error>"#,
)];

/// Writes an API `t` forwarding to `echo` with [`OPS`], compiles and serves it.
async fn gateway() -> (Running<Gateway>, TempDir) {
    let l = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let echo_url = format!("http://{}", l.local_addr().expect("addr"));
    tokio::spawn(echo::serve(l, Shutdown::new()));
    let dir = TempDir::new(&format!(
        "transform-{}",
        echo_url.replace([':', '/', '.'], "_")
    ));
    dir.write(
        "apis/t/apiInformation.json",
        &format!(
            r#"{{"properties":{{"displayName":"t","path":"t","serviceUrl":"{echo_url}","protocols":["http"],"subscriptionRequired":false,"apiRevision":"1","isCurrent":true}}}}"#
        ),
    );
    dir.write(
        "apis/t/policy.xml",
        "<policies><inbound /><backend><forward-request /></backend><outbound /><on-error /></policies>",
    );
    let mut spec = String::from("openapi: 3.0.1\ninfo: { title: T, version: '1' }\npaths:\n");
    for (id, method, template, policy) in OPS {
        spec.push_str(&format!(
            "  '{template}':\n    {method}:\n      operationId: {id}\n      responses:\n        '200':\n          description: ok\n"
        ));
        let doc = format!("<policies>{policy}</policies>");
        dir.write(&format!("apis/t/operations/{id}/policy.xml"), &doc);
    }
    dir.write("apis/t/specification.yaml", &spec);
    let loaded = project::load(&dir.0).unwrap_or_else(|e| panic!("does not build:\n{e}"));
    (start_loaded(loaded, ServerConfig::default()).await, dir)
}

async fn post(
    gw: &Running<Gateway>,
    path: &str,
    headers: &[(&str, &str)],
    body: &'static str,
) -> (StatusCode, HeaderMap, Bytes) {
    let mut req = Request::post(path);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = req.body(Full::new(Bytes::from_static(body.as_bytes())));
    send(gw.addr, req.expect("request")).await
}

#[tokio::test]
async fn find_and_replace_rewrites_the_request_and_the_response() {
    let (gw, _dir) = gateway().await;
    let (status, headers, body) = post(&gw, "/t/replace", &[], "a cat and a catalogue").await;
    let text = String::from_utf8_lossy(&body);
    assert_eq!(status, 200, "{text}");
    // The echo backend saw `dog`; the response's `dog`s became `bird`s.
    assert!(
        text.contains(r#""body":"a bird and a birdalogue""#),
        "{text}"
    );
    let length = headers["content-length"]
        .to_str()
        .ok()
        .and_then(|v| v.parse().ok());
    assert_eq!(length, Some(body.len()));
}
