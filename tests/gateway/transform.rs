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
const OPS: &[(&str, &str, &str, &str)] = &[
    (
        "replace",
        "post",
        "/replace",
        r#"<inbound><base /><find-and-replace from="cat" to="dog" /></inbound>
       <backend><base /></backend>
       <outbound><base /><find-and-replace from="dog" to="@(&quot;bird&quot;)" /></outbound>
       <on-error><base /></on-error>"#,
    ),
    (
        "convert",
        "post",
        "/convert",
        r#"<inbound><base /><json-to-xml apply="content-type-json" consider-accept-header="false" /></inbound>
       <backend><base /></backend>
       <outbound><base /><json-to-xml apply="content-type-json" /></outbound>
       <on-error><base /></on-error>"#,
    ),
    (
        "tojson",
        "post",
        "/tojson",
        r#"<inbound><base /><xml-to-json kind="direct" apply="content-type-xml" consider-accept-header="false" /></inbound>
       <backend><base /></backend>
       <outbound><base /></outbound>
       <on-error><base /></on-error>"#,
    ),
];

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

#[tokio::test]
async fn json_to_xml_converts_the_request_and_for_an_xml_accept_the_response() {
    let (gw, _dir) = gateway().await;
    let json = [("content-type", "application/json")];
    let (status, headers, body) = post(&gw, "/t/convert", &json, r#"{"order":{"id":1}}"#).await;
    let text = String::from_utf8_lossy(&body);
    assert_eq!(status, 200, "{text}");
    // No XML asked for: the echo's JSON comes back, showing the XML the backend received.
    assert_eq!(headers["content-type"], "application/json", "{text}");
    assert!(
        text.contains(r#""body":"<order>\r\n  <id>1</id>\r\n</order>""#),
        "{text}"
    );
    assert!(
        text.contains(r#""content-type":["application/xml"]"#),
        "{text}"
    );
    let accept = [
        ("content-type", "application/json"),
        ("accept", "application/xml"),
    ];
    let (status, headers, body) = post(&gw, "/t/convert", &accept, r#"{"a":"b"}"#).await;
    let text = String::from_utf8_lossy(&body);
    assert_eq!(status, 200, "{text}");
    assert_eq!(headers["content-type"], "application/xml");
    assert!(
        text.starts_with("<Document>\r\n  <method>POST</method>"),
        "{text}"
    );
    assert!(text.contains("<body>&lt;a&gt;b&lt;/a&gt;</body>"), "{text}");
    let length = headers["content-length"]
        .to_str()
        .ok()
        .and_then(|v| v.parse().ok());
    assert_eq!(length, Some(body.len()));
}

#[tokio::test]
async fn xml_to_json_converts_the_request_and_refuses_entity_expansion() {
    let (gw, _dir) = gateway().await;
    let xml = [("content-type", "text/xml")];
    let (status, _, body) = post(&gw, "/t/tojson", &xml, r#"<a x="1"><b>t</b></a>"#).await;
    let text = String::from_utf8_lossy(&body);
    assert_eq!(status, 200, "{text}");
    assert!(
        text.contains(
            r#""body":"{\r\n  \"a\": {\r\n    \"@x\": \"1\",\r\n    \"b\": \"t\"\r\n  }\r\n}""#
        ),
        "{text}"
    );
    let laughs = r#"<!DOCTYPE l [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><l>&b;</l>"#;
    let (status, _, body) = post(&gw, "/t/tojson", &xml, laughs).await;
    assert_eq!(status, 500, "{}", String::from_utf8_lossy(&body));
    // Plain JSON passes through untouched (`apply="content-type-xml"`).
    let json = [("content-type", "application/json")];
    let (status, _, body) = post(&gw, "/t/tojson", &json, r#"{"k":1}"#).await;
    let text = String::from_utf8_lossy(&body);
    assert_eq!(status, 200, "{text}");
    assert!(text.contains(r#""body":"{\"k\":1}""#), "{text}");
}
