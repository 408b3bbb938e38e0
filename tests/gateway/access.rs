//! Access policies end to end (`ip-filter`, `cors`, `authentication-basic`): a one-API
//! project whose API policy is the test's, an echo backend, and a client on loopback.

use super::harness::{send, start_loaded_on, Running};
use crate::support::TempDir;
use bytes::Bytes;
use gatehouse_compiler::diagnostic::{render_human, Style};
use gatehouse_compiler::{build_project, CheckOptions};
use gatehouse_runtime::engine::{EngineConfig, Gateway};
use gatehouse_server::backend::client::ClientSettings;
use gatehouse_server::echo;
use gatehouse_server::shutdown::Shutdown;
use gatehouse_server::Loaded;
use gatehouse_server::ServerConfig;
use http::{HeaderMap, Request, StatusCode};
use http_body_util::Full;
use std::sync::Arc;
use tokio::net::TcpListener;

/// The value of the secret named value `pw`.
pub const SECRET: &str = "s3cret:pa$$";

/// Serves API `acc` (`GET`/`POST /ping`, no subscription) with `inbound` before
/// `<base/>`-less forwarding to an echo backend, on the gateway address `bind`.
pub async fn serve(name: &str, inbound: &str, bind: &str) -> (Running<Gateway>, TempDir) {
    let l = TcpListener::bind("127.0.0.1:0").await.expect("bind echo");
    let echo_url = format!("http://{}", l.local_addr().expect("addr"));
    tokio::spawn(echo::serve(l, Shutdown::new()));
    let dir = TempDir::new(&format!("access-{name}"));
    let info = format!(
        r#"{{"properties":{{"displayName":"acc","path":"acc","serviceUrl":"{echo_url}","protocols":["http"],"subscriptionRequired":false,"apiRevision":"1","isCurrent":true}}}}"#
    );
    dir.write("apis/acc/apiInformation.json", &info);
    dir.write(
        "apis/acc/specification.yaml",
        "openapi: 3.0.1\ninfo: { title: Acc, version: '1' }\npaths:\n  /ping:\n    get:\n      operationId: get-ping\n      responses:\n        '200':\n          description: ok\n    post:\n      operationId: post-ping\n      responses:\n        '200':\n          description: ok\n",
    );
    let policy = format!(
        "<policies><inbound>{inbound}</inbound><backend><forward-request /></backend><outbound /><on-error><set-header name=\"X-Reason\" exists-action=\"override\"><value>@(context.LastError.Reason)</value></set-header></on-error></policies>"
    );
    dir.write("apis/acc/policy.xml", &policy);
    dir.write(
        "named values/pw/namedValueInformation.json",
        r#"{"properties":{"displayName":"pw","value":"","secret":true}}"#,
    );
    let report = build_project(&dir.0, &CheckOptions::default());
    let Some(mut program) = report.program else {
        let text = render_human(&report.diagnostics, Style::Plain);
        panic!("the access project does not build:\n{text}");
    };
    program
        .resolve_secrets(&|n| (n == "pw").then(|| SECRET.to_string()))
        .expect("secrets");
    let gateway = Gateway::new(Arc::new(program), EngineConfig::default());
    let loaded = Loaded::new(gateway, &ClientSettings::default()).expect("load");
    (
        start_loaded_on(loaded, ServerConfig::default(), bind).await,
        dir,
    )
}

/// Sends `method path` with `headers` to `gw`.
pub async fn call(
    gw: &Running<Gateway>,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, HeaderMap, Bytes) {
    let mut r = Request::builder().method(method).uri(path);
    for (k, v) in headers {
        r = r.header(*k, *v);
    }
    send(gw.addr, r.body(Full::default()).expect("request")).await
}

/// The echo backend's JSON.
pub fn echoed(body: &Bytes) -> serde_json::Value {
    serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(body)))
}

#[tokio::test]
async fn ip_filter_allows_and_refuses_ipv4_callers() {
    let allow = r#"<ip-filter action="allow"><address>10.9.9.9</address><address-range from="127.0.0.0" to="127.255.255.255" /></ip-filter>"#;
    let (gw, _d) = serve("ip4-allow", allow, "127.0.0.1:0").await;
    let (status, _, body) = call(&gw, "GET", "/acc/ping", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body:?}");
    assert_eq!(echoed(&body)["path"], "/ping");
    let forbid = r#"<ip-filter action="forbid"><address>127.0.0.1</address></ip-filter>"#;
    let (gw, _d) = serve("ip4-forbid", forbid, "127.0.0.1:0").await;
    let (status, headers, body) = call(&gw, "GET", "/acc/ping", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        &body[..],
        br#"{ "statusCode": 403, "message": "Forbidden" }"#
    );
    assert_eq!(headers["x-reason"], "CallerIpBlocked");
}

#[tokio::test]
async fn ip_filter_ipv6_ranges_over_an_ipv6_listener() {
    let inside = r#"<ip-filter action="allow"><address-range from="::" to="::ffff" /></ip-filter>"#;
    let (gw, _d) = serve("ip6-in", inside, "[::1]:0").await;
    let (status, _, _) = call(&gw, "GET", "/acc/ping", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let outside = r#"<ip-filter action="allow"><address-range from="::2" to="::ffff" /><address>127.0.0.1</address></ip-filter>"#;
    let (gw, _d) = serve("ip6-out", outside, "[::1]:0").await;
    let (status, headers, _) = call(&gw, "GET", "/acc/ping", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(headers["x-reason"], "CallerIpNotAllowed");
}

const CORS: &str = r#"<cors allow-credentials="true"><allowed-origins><origin>https://app.example</origin></allowed-origins><allowed-methods preflight-result-max-age="600"><method>GET</method><method>POST</method></allowed-methods><allowed-headers><header>content-type</header></allowed-headers><expose-headers><header>x-echo</header></expose-headers></cors>"#;

#[tokio::test]
async fn cors_preflight_is_answered_before_ip_filter_and_actual_calls_get_headers() {
    // The ip-filter refuses 127.0.0.1: a preflight still gets its answer, as cors goes first.
    let inbound =
        format!(r#"<ip-filter action="forbid"><address>127.0.0.1</address></ip-filter>{CORS}"#);
    let (gw, _d) = serve("cors-pre", &inbound, "127.0.0.1:0").await;
    let pre = [
        ("Origin", "https://app.example"),
        ("Access-Control-Request-Method", "POST"),
        ("Access-Control-Request-Headers", "Content-Type"),
    ];
    let (status, headers, body) = call(&gw, "OPTIONS", "/acc/ping", &pre).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.is_empty());
    assert_eq!(
        headers["access-control-allow-origin"],
        "https://app.example"
    );
    assert_eq!(headers["access-control-allow-credentials"], "true");
    assert_eq!(headers["access-control-allow-methods"], "POST");
    assert_eq!(headers["access-control-allow-headers"], "Content-Type");
    assert_eq!(headers["access-control-max-age"], "600");
    let refused = [
        ("Origin", "https://evil.example"),
        ("Access-Control-Request-Method", "GET"),
    ];
    let (status, headers, _) = call(&gw, "OPTIONS", "/acc/ping", &refused).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers.get("access-control-allow-origin").is_none());
    let (gw, _d) = serve("cors-actual", CORS, "127.0.0.1:0").await;
    let (status, headers, body) = call(
        &gw,
        "POST",
        "/acc/ping",
        &[("Origin", "https://app.example:443")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(echoed(&body)["method"], "POST");
    assert_eq!(
        headers["access-control-allow-origin"],
        "https://app.example:443"
    );
    assert_eq!(headers["access-control-expose-headers"], "x-echo");
    let (status, headers, body) = call(
        &gw,
        "GET",
        "/acc/ping",
        &[("Origin", "https://evil.example")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.is_empty(), "an unmatched GET is not forwarded");
    assert!(headers.get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn authentication_basic_sends_secret_credentials_to_the_backend() {
    let inbound = r#"<authentication-basic username="@(&quot;ali&quot; + &quot;ce&quot;)" password="{{pw}}" />"#;
    let (gw, _d) = serve("basic", inbound, "127.0.0.1:0").await;
    let (status, _, body) = call(
        &gw,
        "GET",
        "/acc/ping",
        &[("Authorization", "Bearer from-client")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // base64("alice:" + SECRET)
    let expected = "Basic YWxpY2U6czNjcmV0OnBhJCQ=";
    let sent = &echoed(&body)["headers"]["authorization"];
    assert_eq!(sent, &serde_json::json!([expected]), "{sent}");
}
