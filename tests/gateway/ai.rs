//! The AI-gateway policies end to end: a local server speaking the OpenAI chat-completions
//! API (JSON and streamed), token limits on its reported usage, token metrics and
//! `emit-metric` on the admin listener's `/metrics`.

use super::harness::{backend, boxed, get, send, start_loaded_on, Running};
use crate::support::TempDir;
use bytes::Bytes;
use gatehouse_compiler::diagnostic::{render_human, Style};
use gatehouse_compiler::{build_project, CheckOptions};
use gatehouse_runtime::engine::{EngineConfig, Gateway};
use gatehouse_server::backend::client::ClientSettings;
use gatehouse_server::handler::RespBody;
use gatehouse_server::{Loaded, ServerConfig};
use http::{HeaderMap, Request, Response, StatusCode};
use http_body_util::channel::Channel;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// What the fake model does after its first streamed event.
#[derive(Clone)]
pub struct Model {
    /// Released by the test before the rest of a stream is sent.
    pub release: Arc<Notify>,
}

/// A chat completion: 10 prompt + 5 completion tokens.
const COMPLETION: &str = r#"{"id":"c1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Hello world"},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}}"#;

fn event(content: &str) -> Bytes {
    Bytes::from(format!(
        "data: {{\"object\":\"chat.completion.chunk\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{content}\"}}}}]}}\n\n"
    ))
}

/// Answers `POST .../chat/completions` as OpenAI does: JSON, or server-sent events when
/// the body asks for `"stream": true` (with a usage chunk when it asks for
/// `stream_options.include_usage`). A stream sends its first event, then waits for
/// [`Model::release`] (bounded) before the rest.
async fn answer(model: Model, req: Request<Incoming>) -> Response<RespBody> {
    let path = req.uri().path().to_string();
    let body = req
        .into_body()
        .collect()
        .await
        .map(|c| c.to_bytes())
        .unwrap_or_default();
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    if !path.ends_with("/chat/completions") || json["messages"].as_array().is_none() {
        return super::harness::reply(400, r#"{"error":{"message":"not a chat request"}}"#);
    }
    if json["stream"] != true {
        let mut r = super::harness::reply(200, COMPLETION);
        r.headers_mut().insert(
            "content-type",
            http::HeaderValue::from_static("application/json"),
        );
        return r;
    }
    let usage = json["stream_options"]["include_usage"] == true;
    let (mut tx, body) = Channel::<Bytes, std::convert::Infallible>::new(4);
    tokio::spawn(async move {
        let _ = tx.send_data(event("Hello")).await;
        let _ = tokio::time::timeout(Duration::from_secs(20), model.release.notified()).await;
        let _ = tx.send_data(event(" world")).await;
        if usage {
            let u = r#"data: {"object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":11,"completion_tokens":2,"total_tokens":13}}"#;
            let _ = tx.send_data(Bytes::from(format!("{u}\n\n"))).await;
        }
        let _ = tx.send_data(Bytes::from_static(b"data: [DONE]\n\n")).await;
    });
    let mut r = Response::new(body.map_err(boxed).boxed_unsync());
    r.headers_mut().insert(
        "content-type",
        http::HeaderValue::from_static("text/event-stream"),
    );
    r
}

/// Serves API `chat` (`POST /openai/deployments/{deployment-id}/chat/completions`) with
/// `inbound` in front of the fake model.
async fn serve(name: &str, inbound: &str, model: Model) -> (Running<Gateway>, TempDir) {
    let origin = backend(move |req| answer(model.clone(), req)).await;
    let dir = TempDir::new(&format!("ai-{name}"));
    let info = format!(
        r#"{{"properties":{{"displayName":"chat","path":"openai","serviceUrl":"http://{origin}/openai","protocols":["http"],"subscriptionRequired":false,"apiRevision":"1","isCurrent":true}}}}"#
    );
    dir.write("apis/chat/apiInformation.json", &info);
    dir.write(
        "apis/chat/specification.yaml",
        "openapi: 3.0.1\ninfo: { title: Chat, version: '1' }\npaths:\n  /deployments/{deployment-id}/chat/completions:\n    post:\n      operationId: chat-completions\n      parameters:\n        - { name: deployment-id, in: path, required: true, schema: { type: string } }\n      responses:\n        '200':\n          description: ok\n",
    );
    let policy = format!(
        "<policies><inbound>{inbound}</inbound><backend><forward-request /></backend><outbound /><on-error /></policies>"
    );
    dir.write("apis/chat/policy.xml", &policy);
    let report = build_project(&dir.0, &CheckOptions::default());
    let Some(program) = report.program else {
        let text = render_human(&report.diagnostics, Style::Plain);
        panic!("the AI project does not build:\n{text}");
    };
    let gateway = Gateway::new(Arc::new(program), EngineConfig::default());
    let loaded = Loaded::new(gateway, &ClientSettings::default()).expect("load");
    let gw = start_loaded_on(loaded, ServerConfig::default(), "127.0.0.1:0").await;
    (gw, dir)
}

const PATH: &str = "/openai/deployments/gpt-4o/chat/completions";

async fn chat(gw: &Running<Gateway>, body: &str) -> (StatusCode, HeaderMap, Bytes) {
    let req = Request::post(PATH)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .expect("request");
    send(gw.addr, req).await
}

async fn metrics(gw: &Running<Gateway>) -> String {
    let (_, _, body) = get(gw.admin, "/metrics").await;
    String::from_utf8_lossy(&body).into_owned()
}

/// Polls `/metrics` (bounded) until it holds `line`.
async fn wait_for_metric(gw: &Running<Gateway>, line: &str) -> String {
    let mut text = String::new();
    for _ in 0..100 {
        text = metrics(gw).await;
        if text.contains(line) {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("/metrics never showed {line}:\n{text}");
}

const CHAT: &str = r#"{"messages":[{"role":"user","content":"Hello, how are you?"}]}"#;

const POLICIES: &str = r#"<llm-token-limit counter-key="team-a" tokens-per-minute="40" estimate-prompt-tokens="false" remaining-tokens-header-name="x-remaining-tokens" tokens-consumed-header-name="x-tokens-consumed" retry-after-header-name="x-retry-after" />
<azure-openai-emit-token-metric namespace="openai"><dimension name="API ID" /><dimension name="Client IP" value="@(context.Request.IpAddress)" /></azure-openai-emit-token-metric>
<emit-metric name="Requests" namespace="gateway" value="@(1.5)"><dimension name="Operation ID" /></emit-metric>"#;

#[tokio::test]
async fn token_limit_and_metrics_follow_the_reported_usage() {
    let model = Model {
        release: Arc::new(Notify::new()),
    };
    let (gw, _d) = serve("json", POLICIES, model).await;
    let mut left = Vec::new();
    for _ in 0..3 {
        let (status, headers, body) = chat(&gw, CHAT).await;
        assert_eq!(status, StatusCode::OK, "{body:?}");
        assert_eq!(
            &body[..],
            COMPLETION.as_bytes(),
            "the body passes unchanged"
        );
        assert_eq!(headers["x-tokens-consumed"], "15");
        left.push(
            headers["x-remaining-tokens"]
                .to_str()
                .expect("text")
                .to_string(),
        );
    }
    assert_eq!(left, ["25", "10", "0"]);
    let (status, headers, body) = chat(&gw, CHAT).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = headers["x-retry-after"]
        .to_str()
        .ok()
        .and_then(|s| s.parse().ok())
        .expect("seconds");
    assert!((1..=60).contains(&wait), "{wait}");
    assert!(String::from_utf8_lossy(&body).contains("Token limit is exceeded"));
    let text = metrics(&gw).await;
    let dims =
        r#"namespace="openai",name="Total Tokens",dim_api_id="chat",dim_client_ip="127.0.0.1""#;
    assert!(
        text.contains(&format!("gatehouse_custom_metric_sum{{{dims}}} 45\n")),
        "{text}"
    );
    assert!(text.contains(r#"gatehouse_custom_metric_sum{namespace="openai",name="Completion Tokens",dim_api_id="chat",dim_client_ip="127.0.0.1"} 15"#));
    // emit-metric stands after the limit: the refused call never reaches it.
    assert!(text.contains(r#"gatehouse_custom_metric_sum{namespace="gateway",name="Requests",dim_operation_id="chat-completions"} 4.5"#), "{text}");
    assert!(text.contains("gatehouse_custom_metric_dropped_total 0"));
}

const STREAMED: &str = r#"{"stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hello, how are you?"}]}"#;

#[tokio::test]
async fn a_streamed_completion_passes_through_unbuffered_and_is_counted() {
    let release = Arc::new(Notify::new());
    let model = Model {
        release: release.clone(),
    };
    let (gw, _d) = serve("stream", POLICIES, model).await;
    let req = Request::post(format!("http://{}{PATH}", gw.addr))
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(STREAMED)))
        .expect("request");
    let resp = super::harness::client()
        .request(req)
        .await
        .expect("answers");
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "text/event-stream");
    let mut body = resp.into_body();
    // The first event arrives while the model still holds the rest: no buffering.
    let first = tokio::time::timeout(Duration::from_secs(10), body.frame())
        .await
        .expect("the first event is not held back")
        .expect("a frame")
        .expect("data");
    assert_eq!(first.into_data().expect("data"), event("Hello"));
    release.notify_one();
    let rest = body.collect().await.expect("the rest").to_bytes();
    assert!(String::from_utf8_lossy(&rest).ends_with("data: [DONE]\n\n"));
    let text = wait_for_metric(
        &gw,
        r#"name="Total Tokens",dim_api_id="chat",dim_client_ip="127.0.0.1"} 13"#,
    )
    .await;
    assert!(
        text.contains(r#"name="Prompt Tokens",dim_api_id="chat",dim_client_ip="127.0.0.1"} 11"#),
        "{text}"
    );
    // The limit settled too: the next call (15 tokens) leaves 40 - 13 - 15.
    let (_, headers, _) = chat(&gw, CHAT).await;
    assert_eq!(headers["x-remaining-tokens"], "12");
}

#[tokio::test]
async fn a_stream_the_client_abandons_settles_its_estimate() {
    let model = Model {
        release: Arc::new(Notify::new()),
    };
    let (gw, _d) = serve("cut", POLICIES, model).await;
    let no_usage =
        r#"{"stream":true,"messages":[{"role":"user","content":"Hello, how are you?"}]}"#;
    let req = Request::post(format!("http://{}{PATH}", gw.addr))
        .body(Full::new(Bytes::from(no_usage)))
        .expect("request");
    let resp = super::harness::client()
        .request(req)
        .await
        .expect("answers");
    let mut body = resp.into_body();
    let first = tokio::time::timeout(Duration::from_secs(10), body.frame()).await;
    assert!(first.is_ok(), "the first event arrives");
    drop(body); // the client goes away while the model still streams
                // 13 prompt tokens estimated (the stream reports none) and 1 completion token seen.
    let text = wait_for_metric(
        &gw,
        r#"name="Total Tokens",dim_api_id="chat",dim_client_ip="127.0.0.1"} 14"#,
    )
    .await;
    assert!(
        text.contains(r#"name="Completion Tokens",dim_api_id="chat",dim_client_ip="127.0.0.1"} 1"#),
        "{text}"
    );
    let (_, headers, _) = chat(&gw, CHAT).await;
    assert_eq!(headers["x-remaining-tokens"], "11", "40 - 14 - 15");
}

#[tokio::test]
async fn the_fake_model_answers_json_and_streams_with_usage() {
    use gatehouse_server::fake_model;
    let l = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = l.local_addr().expect("addr");
    tokio::spawn(fake_model::serve(
        l,
        gatehouse_server::shutdown::Shutdown::new(),
    ));
    let post = |body: &'static str| {
        Request::post("/openai/deployments/d/chat/completions")
            .body(Full::new(Bytes::from_static(body.as_bytes())))
            .expect("request")
    };
    let (status, headers, body) = send(addr, post(CHAT)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/json");
    let json: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(json["choices"][0]["message"]["content"], fake_model::ANSWER);
    assert_eq!(json["usage"]["prompt_tokens"], 13);
    let total = json["usage"]["total_tokens"].as_u64().expect("total");
    let (_, headers, body) = send(addr, post(STREAMED)).await;
    assert_eq!(headers["content-type"], "text/event-stream");
    let text = String::from_utf8_lossy(&body);
    assert!(text.ends_with("data: [DONE]\n\n"), "{text}");
    assert!(
        text.contains(&format!("\"total_tokens\":{total}")),
        "{text}"
    );
    let (status, _, _) = send(addr, post(r#"{"prompt":"x"}"#)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
