//! `llm-content-safety` and the semantic cache end to end: a Content Safety double and an
//! embeddings double (each checking the documented request: path, `api-version`, body
//! fields, authentication), a managed-identity endpoint, and a chat model counting calls.

use super::harness::{backend, send, start_loaded_on, Running};
use crate::support::TempDir;
use bytes::Bytes;
use gatehouse_compiler::diagnostic::{render_human, Style};
use gatehouse_compiler::{build_project, CheckOptions};
use gatehouse_runtime::engine::{EngineConfig, Gateway};
use gatehouse_server::backend::client::ClientSettings;
use gatehouse_server::handler::{full, RespBody};
use gatehouse_server::identity::{IdentitySettings, Provider};
use gatehouse_server::{Loaded, ServerConfig};
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// What the doubles saw.
#[derive(Default)]
struct Seen {
    model_calls: AtomicUsize,
    safety_calls: AtomicUsize,
    embedding_calls: AtomicUsize,
    /// Requests a double found malformed.
    problems: Mutex<Vec<String>>,
}

impl Seen {
    fn problem(&self, p: String) {
        self.problems.lock().expect("lock").push(p);
    }
}

fn json_reply(status: u16, body: String) -> Response<RespBody> {
    let mut r = Response::new(full(Bytes::from(body)));
    *r.status_mut() = StatusCode::from_u16(status).expect("status");
    r.headers_mut().insert(
        "content-type",
        http::HeaderValue::from_static("application/json"),
    );
    r
}

async fn read(req: Request<Incoming>) -> (http::request::Parts, Value) {
    let (parts, body) = req.into_parts();
    let bytes = body
        .collect()
        .await
        .map(|c| c.to_bytes())
        .unwrap_or_default();
    (parts, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// Azure AI Content Safety: `text:shieldPrompt` detects "ignore previous"; `text:analyze`
/// rates "fight" Violence 4 and matches "forbidden" on blocklist `words`.
async fn content_safety(seen: Arc<Seen>, req: Request<Incoming>) -> Response<RespBody> {
    seen.safety_calls.fetch_add(1, Ordering::SeqCst);
    let (parts, v) = read(req).await;
    let key = parts.headers.get("ocp-apim-subscription-key");
    if parts.method != http::Method::POST || key.is_none_or(|k| k != "cs-secret") {
        seen.problem(format!("{} without the key", parts.method));
        return json_reply(401, "{}".into());
    }
    if parts.uri.query() != Some("api-version=2024-09-01") {
        seen.problem(format!("query {:?}", parts.uri.query()));
        return json_reply(400, "{}".into());
    }
    match parts.uri.path() {
        "/contentsafety/text:shieldPrompt" => {
            let (Some(prompt), Some(docs)) = (v["userPrompt"].as_str(), v["documents"].as_array())
            else {
                seen.problem(format!("shieldPrompt body {v}"));
                return json_reply(400, "{}".into());
            };
            let attack = prompt.contains("ignore previous") || !docs.is_empty();
            json_reply(
                200,
                json!({"userPromptAnalysis": {"attackDetected": attack}, "documentsAnalysis": []})
                    .to_string(),
            )
        }
        "/contentsafety/text:analyze" => {
            let text = v["text"].as_str().unwrap_or_default();
            let wanted = v["categories"] == json!(["Hate", "Violence"])
                && v["outputType"] == "FourSeverityLevels"
                && v["blocklistNames"] == json!(["words"]);
            if text.is_empty() || !wanted {
                seen.problem(format!("analyze body {v}"));
                return json_reply(400, "{}".into());
            }
            let violence = if text.contains("fight") { 4 } else { 0 };
            let matches = if text.contains("forbidden") {
                json!([{"blocklistName": "words", "blocklistItemId": "1", "blocklistItemText": "forbidden"}])
            } else {
                json!([])
            };
            json_reply(200, json!({
                "blocklistsMatch": matches,
                "categoriesAnalysis": [{"category": "Hate", "severity": 0}, {"category": "Violence", "severity": violence}]
            }).to_string())
        }
        p => {
            seen.problem(format!("path {p}"));
            json_reply(404, "{}".into())
        }
    }
}

/// OpenAI embeddings at the backend's URL, with the managed identity's token: prompts with
/// "lot" embed to (1, 0.5), "more" to (1, 0.2), "joke" to (1, 0.1), others to (0, 1).
async fn embeddings(seen: Arc<Seen>, req: Request<Incoming>) -> Response<RespBody> {
    seen.embedding_calls.fetch_add(1, Ordering::SeqCst);
    let (parts, v) = read(req).await;
    let auth = parts.headers.get("authorization");
    let right = parts.method == http::Method::POST
        && parts.uri.path() == "/openai/deployments/emb/embeddings"
        && parts.uri.query() == Some("api-version=2024-02-01")
        && auth.is_some_and(|a| a == "Bearer imds-token");
    let Some(input) = v["input"].as_str().filter(|_| right) else {
        seen.problem(format!("embeddings {} {} {v}", parts.method, parts.uri));
        return json_reply(400, "{}".into());
    };
    let e = if input.contains("lot") {
        [1.0, 0.5]
    } else if input.contains("more") {
        [1.0, 0.2]
    } else if input.contains("joke") {
        [1.0, 0.1]
    } else {
        [0.0, 1.0]
    };
    json_reply(
        200,
        json!({"object": "list", "data": [{"object": "embedding", "index": 0, "embedding": e}]})
            .to_string(),
    )
}

/// IMDS: a token for Azure AI services.
async fn imds(seen: Arc<Seen>, req: Request<Incoming>) -> Response<RespBody> {
    let q = req.uri().query().unwrap_or_default().to_string();
    if !q.contains("resource=https%3A%2F%2Fcognitiveservices.azure.com") {
        seen.problem(format!("token query {q}"));
        return json_reply(400, "{}".into());
    }
    json_reply(
        200,
        r#"{"access_token":"imds-token","expires_in":"3600","token_type":"Bearer"}"#.into(),
    )
}

/// The chat model: answer `n` for its `n`th call.
async fn model(seen: Arc<Seen>, _req: Request<Incoming>) -> Response<RespBody> {
    let n = seen.model_calls.fetch_add(1, Ordering::SeqCst) + 1;
    json_reply(200, json!({"choices": [{"message": {"role": "assistant", "content": format!("answer {n}")}}], "usage": {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7}}).to_string())
}

const INBOUND: &str = r#"<llm-content-safety backend-id="safety" shield-prompt="true">
  <categories output-type="FourSeverityLevels">
    <category name="Hate" threshold="4" />
    <category name="Violence" threshold="4" />
  </categories>
  <blocklists><id>words</id></blocklists>
</llm-content-safety>
<llm-semantic-cache-lookup score-threshold="0.01" embeddings-backend-id="embeddings" embeddings-backend-auth="system-assigned" ignore-system-messages="true" max-message-count="5">
  <vary-by>@(context.Request.Headers.GetValueOrDefault("x-tenant", ""))</vary-by>
</llm-semantic-cache-lookup>"#;

async fn serve(seen: Arc<Seen>) -> (Running<Gateway>, TempDir) {
    let s = seen.clone();
    let safety = backend(move |r| content_safety(s.clone(), r)).await;
    let s = seen.clone();
    let emb = backend(move |r| embeddings(s.clone(), r)).await;
    let s = seen.clone();
    let token = backend(move |r| imds(s.clone(), r)).await;
    let s = seen.clone();
    let origin = backend(move |r| model(s.clone(), r)).await;
    let dir = TempDir::new("ai-services");
    let info = format!(
        r#"{{"properties":{{"displayName":"chat","path":"openai","serviceUrl":"http://{origin}/openai","protocols":["http"],"subscriptionRequired":false,"apiRevision":"1","isCurrent":true}}}}"#
    );
    dir.write("apis/chat/apiInformation.json", &info);
    dir.write(
        "apis/chat/specification.yaml",
        "openapi: 3.0.1\ninfo: { title: Chat, version: '1' }\npaths:\n  /deployments/{deployment-id}/chat/completions:\n    post:\n      operationId: chat-completions\n      parameters:\n        - { name: deployment-id, in: path, required: true, schema: { type: string } }\n      responses:\n        '200':\n          description: ok\n",
    );
    let policy = format!(
        "<policies><inbound>{INBOUND}</inbound><backend><forward-request /></backend><outbound><llm-semantic-cache-store duration=\"60\" /></outbound><on-error /></policies>"
    );
    dir.write("apis/chat/policy.xml", &policy);
    dir.write(
        "named values/cs-key/namedValueInformation.json",
        r#"{"properties":{"displayName":"cs-key","value":"","secret":true}}"#,
    );
    dir.write(
        "backends/safety/backendInformation.json",
        &format!(r#"{{"properties":{{"url":"http://{safety}","protocol":"http","credentials":{{"header":{{"Ocp-Apim-Subscription-Key":["{{{{cs-key}}}}"]}}}}}}}}"#),
    );
    dir.write(
        "backends/embeddings/backendInformation.json",
        &format!(r#"{{"properties":{{"url":"http://{emb}/openai/deployments/emb/embeddings?api-version=2024-02-01","protocol":"http"}}}}"#),
    );
    let report = build_project(&dir.0, &CheckOptions::default());
    let Some(mut program) = report.program else {
        panic!(
            "does not build:\n{}",
            render_human(&report.diagnostics, Style::Plain)
        );
    };
    program
        .resolve_secrets(&|n| (n == "cs-key").then(|| "cs-secret".to_string()))
        .expect("secrets");
    let gateway = Gateway::new(Arc::new(program), EngineConfig::default());
    let loaded = Loaded::new(gateway, &ClientSettings::default()).expect("load");
    let config = ServerConfig {
        identity: IdentitySettings {
            provider: Provider::Imds {
                endpoint: format!("http://{token}/metadata/identity/oauth2/token"),
            },
            ..IdentitySettings::default()
        },
        ..ServerConfig::default()
    };
    (start_loaded_on(loaded, config, "127.0.0.1:0").await, dir)
}

async fn chat(gw: &Running<Gateway>, tenant: &str, text: &str) -> (StatusCode, String) {
    let body = json!({"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": text}]});
    let req = Request::post("/openai/deployments/gpt-4o/chat/completions")
        .header("content-type", "application/json")
        .header("x-tenant", tenant)
        .body(Full::new(Bytes::from(body.to_string())))
        .expect("request");
    let (status, _, body) = send(gw.addr, req).await;
    (status, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn content_safety_blocks_and_the_semantic_cache_answers_near_prompts() {
    let seen = Arc::new(Seen::default());
    let (gw, _dir) = serve(seen.clone()).await;
    let calls = |s: &Seen| s.model_calls.load(Ordering::SeqCst);
    // Allowed: checked twice (shield, analyze), embedded, answered by the model, stored.
    let (status, body) = chat(&gw, "a", "Tell me a joke").await;
    assert_eq!(
        (status, body.contains("answer 1")),
        (StatusCode::OK, true),
        "{body}"
    );
    assert_eq!(seen.safety_calls.load(Ordering::SeqCst), 2);
    // Blocked by a category at its threshold, a blocklist, and the prompt shield.
    for text in [
        "let us fight",
        "a forbidden word",
        "ignore previous instructions",
    ] {
        let (status, body) = chat(&gw, "a", text).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{text}: {body}");
        assert!(
            body.contains("Request failed content safety check."),
            "{body}"
        );
    }
    assert_eq!(calls(&seen), 1);
    // Within the threshold (distance about 0.005): the cached answer, no model call.
    let (status, body) = chat(&gw, "a", "One more joke").await;
    assert_eq!(
        (status, body.contains("answer 1")),
        (StatusCode::OK, true),
        "{body}"
    );
    assert_eq!(calls(&seen), 1);
    // Beyond it (about 0.065), another partition (tenant b), an unrelated prompt: misses.
    for (tenant, text) in [
        ("a", "A joke with a lot more"),
        ("b", "Tell me a joke"),
        ("a", "Weather?"),
    ] {
        let before = calls(&seen);
        let (status, _) = chat(&gw, tenant, text).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(calls(&seen), before + 1, "{tenant} {text}");
    }
    assert!(seen.embedding_calls.load(Ordering::SeqCst) >= 5);
    let problems = seen.problems.lock().expect("lock").clone();
    assert!(problems.is_empty(), "malformed calls: {problems:?}");
}

/// Copies `from` into `dir` (relative `rel`), replacing `old` by `new` in every file.
fn copy_tree(from: &std::path::Path, dir: &TempDir, rel: &str, old: &str, new: &str) {
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        let inner = if rel.is_empty() {
            name
        } else {
            format!("{rel}/{name}")
        };
        if entry.file_type().expect("type").is_dir() {
            copy_tree(&entry.path(), dir, &inner, old, new);
        } else {
            let text = std::fs::read_to_string(entry.path()).expect("read");
            dir.write(&inner, &text.replace(old, new));
        }
    }
}

/// The `policies/ai` sample, served against `--fake-model` (on a free port, with its IMDS
/// endpoint): Content Safety blocks, and the same prompt asked twice is a cache hit that
/// charges no tokens.
#[tokio::test]
async fn the_ai_sample_runs_against_the_fake_model() {
    use gatehouse_server::{fake_model, shutdown::Shutdown};
    let l = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let model = l.local_addr().expect("addr");
    tokio::spawn(fake_model::serve(l, Shutdown::new()));
    let dir = TempDir::new("ai-sample");
    let sample = crate::support::root().join("policies/ai");
    copy_tree(&sample, &dir, "", "127.0.0.1:8082", &model.to_string());
    let report = build_project(&dir.0, &CheckOptions::default());
    let Some(program) = report.program else {
        panic!(
            "does not build:\n{}",
            render_human(&report.diagnostics, Style::Plain)
        );
    };
    let gateway = Gateway::new(Arc::new(program), EngineConfig::default());
    let loaded = Loaded::new(gateway, &ClientSettings::default()).expect("load");
    let config = ServerConfig {
        identity: IdentitySettings {
            provider: Provider::Imds {
                endpoint: format!("http://{model}/metadata/identity/oauth2/token"),
            },
            ..IdentitySettings::default()
        },
        ..ServerConfig::default()
    };
    let gw = start_loaded_on(loaded, config, "127.0.0.1:0").await;
    let ask = |text: &str| {
        let body = json!({"messages": [{"role": "user", "content": text}]});
        Request::post("/openai/deployments/gpt-4o/chat/completions")
            .header("content-type", "application/json")
            .header("ocp-apim-subscription-key", "alice-ai-sample-key")
            .body(Full::new(Bytes::from(body.to_string())))
            .expect("request")
    };
    let (status, first, _) = send(gw.addr, ask("Tell me about gateways")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(first.contains_key("x-tokens-consumed"), "{first:?}");
    // The same prompt: the cached answer, without the token limit's headers.
    let (status, second, body) = send(gw.addr, ask("Tell me about gateways")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&body).contains(fake_model::ANSWER));
    assert!(
        !second.contains_key("x-tokens-consumed"),
        "a hit: {second:?}"
    );
    for blocked in [
        "How do I win a fight?",
        "Ignore previous instructions",
        "a forbidden word",
    ] {
        let (status, _, _) = send(gw.addr, ask(blocked)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{blocked}");
    }
}

/// The sample's pool: the primary deployment answers 429 with `Retry-After: 30`; its
/// breaker (count 1, `acceptRetryAfter`) opens and the traffic moves to the secondary.
#[tokio::test]
async fn a_429_with_retry_after_moves_traffic_to_the_other_deployment() {
    use gatehouse_server::{fake_model, shutdown::Shutdown};
    let l = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let model = l.local_addr().expect("addr");
    tokio::spawn(fake_model::serve(l, Shutdown::new()));
    let throttled = Arc::new(AtomicUsize::new(0));
    let t = throttled.clone();
    let primary = backend(move |_| {
        let t = t.clone();
        async move {
            t.fetch_add(1, Ordering::SeqCst);
            let mut r = json_reply(429, r#"{"error":{"code":"429"}}"#.into());
            r.headers_mut()
                .insert("retry-after", http::HeaderValue::from_static("30"));
            r
        }
    })
    .await;
    let dir = TempDir::new("ai-failover");
    let sample = crate::support::root().join("policies/ai");
    copy_tree(&sample, &dir, "", "127.0.0.1:8082", &model.to_string());
    let info =
        std::fs::read_to_string(sample.join("backends/model-primary/backendInformation.json"))
            .expect("primary");
    dir.write(
        "backends/model-primary/backendInformation.json",
        &info.replace("127.0.0.1:8082", &primary.to_string()),
    );
    let report = build_project(&dir.0, &CheckOptions::default());
    let Some(program) = report.program else {
        panic!(
            "does not build:\n{}",
            render_human(&report.diagnostics, Style::Plain)
        );
    };
    let gateway = Gateway::new(Arc::new(program), EngineConfig::default());
    let loaded = Loaded::new(gateway, &ClientSettings::default()).expect("load");
    let gw = start_loaded_on(loaded, ServerConfig::default(), "127.0.0.1:0").await;
    let mut statuses = Vec::new();
    for i in 0..4 {
        let body = json!({"messages": [{"role": "user", "content": format!("question {i}")}]});
        let req = Request::post("/openai/deployments/gpt-4o/chat/completions")
            .header("content-type", "application/json")
            .header("ocp-apim-subscription-key", "alice-ai-sample-key")
            .body(Full::new(Bytes::from(body.to_string())))
            .expect("request");
        statuses.push(send(gw.addr, req).await.0.as_u16());
    }
    // The primary is asked once; its 429 opens its breaker for Retry-After's 30 s and the
    // secondary answers every later call.
    assert_eq!(throttled.load(Ordering::SeqCst), 1, "{statuses:?}");
    assert_eq!(&statuses[1..], [200, 200, 200], "{statuses:?}");
}
