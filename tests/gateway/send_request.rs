//! `send-request` end to end: calls to real loopback servers, the stored `IResponse` read
//! by expressions, timeouts, refused connections with and without `ignore-error`, and
//! `mode="copy"`.

use super::harness::{backend, dead_addr, get, reply, send};
use super::project;
use crate::support::TempDir;
use bytes::Bytes;
use gatehouse_server::echo;
use gatehouse_server::shutdown::Shutdown;
use http::{Request, StatusCode};
use http_body_util::Full;
use std::time::{Duration, Instant};
use tokio::net::TcpListener;

/// On failure, `on-error` answers with `LastError`'s source and reason.
const ON_ERROR: &str = r#"<on-error><return-response><set-status code="599" />
    <set-body>@(context.LastError.Source + "/" + context.LastError.Reason + "/" + context.Response.StatusCode)</set-body>
    </return-response></on-error>"#;

/// Operations of the `out` API: id, method, template, inbound section.
const OPS: &[(&str, &str, &str, &str)] = &[
    (
        "ok",
        "get",
        "/ok",
        r#"<send-request mode="new" response-variable-name="r" timeout="5">
            <set-url>@("{echo}/token?x=" + "1")</set-url>
            <set-method>POST</set-method>
            <set-header name="X-Sent" exists-action="override"><value>yes</value></set-header>
            <set-body>@("grant=" + "client")</set-body>
        </send-request>
        <return-response><set-body>@{
            var r = (IResponse)context.Variables["r"];
            var again = context.Variables.GetValueOrDefault<IResponse>("r");
            var echoed = r.Body.As<JObject>(preserveContent: true);
            var text = again.Body.As<string>();
            return r.StatusCode + "|" + again.StatusReason + "|"
                + r.Headers.GetValueOrDefault("Content-Type", "none") + "|"
                + (string)echoed["method"] + "|" + (string)echoed["path"] + "|"
                + (string)echoed["body"] + "|" + (string)echoed["headers"]["x-sent"][0] + "|"
                + (text.Length > 0) + "|" + (again.Body.As<string>() == null);
        }</set-body></return-response>"#,
    ),
    (
        "timeout",
        "get",
        "/timeout",
        r#"<send-request response-variable-name="r" timeout="1">
            <set-url>{slow}</set-url><set-method>GET</set-method>
        </send-request>"#,
    ),
    (
        "refused",
        "get",
        "/refused",
        r#"<send-request response-variable-name="r">
            <set-url>{dead}/x</set-url><set-method>GET</set-method>
        </send-request>"#,
    ),
    (
        "ignored",
        "get",
        "/ignored",
        r#"<send-request response-variable-name="r" ignore-error="true">
            <set-url>{dead}/x</set-url><set-method>GET</set-method>
        </send-request>
        <return-response><set-body>@(context.Variables.ContainsKey("r") + "/" + (context.Variables["r"] == null))</set-body></return-response>"#,
    ),
    (
        "copy",
        "post",
        "/copy",
        r#"<set-variable name="seen" value="@(context.Request.Body.As<string>(preserveContent: true))" />
        <send-request mode="copy" response-variable-name="r">
            <set-url>{echo}/copied</set-url>
        </send-request>
        <return-response><set-body>@(((IResponse)context.Variables["r"]).Body.As<string>())</set-body></return-response>"#,
    ),
    (
        "relay",
        "get",
        "/relay",
        r#"<send-request response-variable-name="r">
            <set-url>{echo}/relayed</set-url><set-method>DELETE</set-method>
        </send-request>
        <return-response response-variable-name="r">
            <set-header name="X-Relayed" exists-action="override"><value>yes</value></set-header>
        </return-response>"#,
    ),
];

/// Writes the project: API `out` served from the echo backend.
fn write(echo: &str, slow: &str, dead: &str) -> TempDir {
    let dir = TempDir::new(&format!(
        "send-request-{}",
        echo.replace([':', '/', '.'], "_")
    ));
    dir.write(
        "policy.xml",
        "<policies><inbound /><backend><forward-request /></backend><outbound /><on-error /></policies>",
    );
    let info = format!(
        r#"{{"properties":{{"displayName":"out","path":"out","serviceUrl":"{echo}","protocols":["http"],"subscriptionRequired":false,"apiRevision":"1","isCurrent":true}}}}"#
    );
    dir.write("apis/out/apiInformation.json", &info);
    let mut spec = String::from("openapi: 3.0.1\ninfo: { title: Out, version: '1' }\npaths:\n");
    for (id, method, template, inbound) in OPS {
        spec.push_str(&format!(
            "  '{template}':\n    {method}:\n      operationId: {id}\n      responses:\n        '200':\n          description: ok\n"
        ));
        let inbound = inbound
            .replace("{echo}", echo)
            .replace("{slow}", slow)
            .replace("{dead}", dead);
        let doc = format!("<policies><inbound><base />{inbound}</inbound>{ON_ERROR}</policies>");
        dir.write(&format!("apis/out/operations/{id}/policy.xml"), &doc);
    }
    dir.write("apis/out/specification.yaml", &spec);
    dir
}

async fn served() -> (
    super::harness::Running<gatehouse_runtime::engine::Gateway>,
    TempDir,
) {
    let echo_l = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let echo_url = format!("http://{}", echo_l.local_addr().expect("addr"));
    tokio::spawn(echo::serve(echo_l, Shutdown::new()));
    let slow = backend(|_| async {
        tokio::time::sleep(Duration::from_secs(5)).await;
        reply(200, "late")
    })
    .await;
    let dead = dead_addr().await;
    let dir = write(
        &echo_url,
        &format!("http://{slow}"),
        &format!("http://{dead}"),
    );
    (project::serve(&dir).await, dir)
}

fn text(b: &Bytes) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[tokio::test]
async fn send_request_stores_a_response_expressions_read() {
    let (gw, _dir) = served().await;
    let (status, _, body) = get(gw.addr, "/out/ok").await;
    assert_eq!(status, StatusCode::OK, "{}", text(&body));
    let parts: Vec<String> = text(&body).split('|').map(str::to_string).collect();
    assert_eq!(parts[..3], ["200", "OK", "application/json"], "{parts:?}");
    assert_eq!(
        parts[3..7],
        ["POST", "/token", "grant=client", "yes"],
        "{parts:?}"
    );
    // preserveContent kept the body for the second read, which consumed it.
    assert_eq!(parts[7..], ["True", "True"], "{parts:?}");
}

#[tokio::test]
async fn a_send_request_timeout_runs_on_error_with_timeout() {
    let (gw, _dir) = served().await;
    let started = Instant::now();
    let (status, _, body) = get(gw.addr, "/out/timeout").await;
    let took = started.elapsed();
    assert_eq!(status.as_u16(), 599);
    assert_eq!(text(&body), "send-request/Timeout/504");
    assert!(took >= Duration::from_millis(900), "{took:?}");
    assert!(took < Duration::from_secs(4), "{took:?}");
}

#[tokio::test]
async fn a_refused_connection_fails_unless_errors_are_ignored() {
    let (gw, _dir) = served().await;
    let (status, _, body) = get(gw.addr, "/out/refused").await;
    assert_eq!(status.as_u16(), 599);
    assert_eq!(text(&body), "send-request/BackendConnectionFailure/500");
    let (status, _, body) = get(gw.addr, "/out/ignored").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(text(&body), "True/True");
}

#[tokio::test]
async fn mode_copy_sends_the_current_request() {
    let (gw, _dir) = served().await;
    let req = Request::post("/out/copy")
        .header("X-In", "client")
        .body(Full::new(Bytes::from_static(b"payload")))
        .expect("request");
    let (status, _, body) = send(gw.addr, req).await;
    assert_eq!(status, StatusCode::OK, "{}", text(&body));
    let v: serde_json::Value = serde_json::from_slice(&body).expect("echo JSON");
    assert_eq!(v["method"], "POST");
    assert_eq!(v["path"], "/copied");
    assert_eq!(v["body"], "payload");
    assert_eq!(v["headers"]["x-in"][0], "client");
}

#[tokio::test]
async fn return_response_answers_with_the_stored_response() {
    let (gw, _dir) = served().await;
    let (status, headers, body) = get(gw.addr, "/out/relay").await;
    assert_eq!(status, StatusCode::OK, "{}", text(&body));
    assert_eq!(headers["x-relayed"], "yes");
    let v: serde_json::Value = serde_json::from_slice(&body).expect("echo JSON");
    assert_eq!(
        (&v["method"], &v["path"]),
        (&"DELETE".into(), &"/relayed".into())
    );
}
