//! A fake model backend speaking the OpenAI chat-completions API, for trying the AI-gateway
//! policies without a cloud account (`gatehouse run --fake-model ADDR`): every
//! `POST …/chat/completions` gets the same short answer, as JSON with its `usage`, or as
//! server-sent events (one per word, then a usage chunk when the request asks for
//! `stream_options.include_usage`) for `"stream": true`. Token counts use the gateway's
//! own estimates. `x-fake-status: 429` makes it answer 429 with `Retry-After: 10` (to see a
//! pool's circuit breaker move traffic). It also answers the services the AI policies call
//! (`fake_model/services.rs`): OpenAI embeddings, Azure AI Content Safety, and an IMDS
//! token endpoint for the managed identity.

mod services;

use super::shutdown::Shutdown;
use crate::handler::{full, RespBody};
use bytes::Bytes;
use gatehouse_runtime::llm::{read_request, text_tokens, LlmLimits};
use http::{header, HeaderValue, Request, Response, StatusCode};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use tokio::net::TcpListener;

/// Largest request body the fake model reads.
pub const MAX_BODY: usize = 1 << 20;

/// What the fake model always answers.
pub const ANSWER: &str = "This is a fake completion from the gatehouse model backend.";

/// Serves the fake model on `listener` until `shutdown`.
pub async fn serve(listener: TcpListener, shutdown: Shutdown) {
    crate::echo::serve_with(listener, shutdown, answer).await
}

pub(crate) fn json_response(
    status: StatusCode,
    body: String,
    content_type: &'static str,
) -> Response<RespBody> {
    let mut r = Response::new(full(Bytes::from(body)));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

/// The fake model's answer to `req`.
pub async fn answer(req: Request<Incoming>) -> Response<RespBody> {
    let (parts, body) = req.into_parts();
    if parts
        .headers
        .get("x-fake-status")
        .is_some_and(|v| v == "429")
    {
        let mut r = json_response(
            StatusCode::TOO_MANY_REQUESTS,
            r#"{"error":{"code":"429","message":"Rate limit reached (fake)."}}"#.into(),
            "application/json",
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("10"));
        return r;
    }
    let body = Limited::new(body, MAX_BODY)
        .collect()
        .await
        .map(|c| c.to_bytes());
    let Ok(body) = body else {
        let msg = r#"{"error":{"message":"body too large or broken"}}"#;
        return json_response(
            StatusCode::PAYLOAD_TOO_LARGE,
            msg.into(),
            "application/json",
        );
    };
    let request: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    if let Some(r) = services::answer(&parts, &request) {
        return r;
    }
    if !parts.uri.path().ends_with("/chat/completions") || !request["messages"].is_array() {
        let msg = r#"{"error":{"message":"the fake model answers POST .../chat/completions with messages"}}"#;
        return json_response(StatusCode::BAD_REQUEST, msg.into(), "application/json");
    }
    let info = read_request(&body, &LlmLimits::default());
    let model = info.model.clone().unwrap_or_else(|| "fake".into());
    let prompt = info.prompt_tokens;
    let completion = text_tokens(info.model.as_deref(), ANSWER);
    let usage = serde_json::json!({
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    });
    if !info.stream {
        let out = serde_json::json!({
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": ANSWER}, "finish_reason": "stop"}],
            "usage": usage,
        });
        return json_response(StatusCode::OK, out.to_string(), "application/json");
    }
    let mut events = String::new();
    for (i, word) in ANSWER.split(' ').enumerate() {
        let text = if i == 0 {
            word.to_string()
        } else {
            format!(" {word}")
        };
        let chunk = serde_json::json!({
            "id": "chatcmpl-fake",
            "object": "chat.completion.chunk",
            "model": model,
            "choices": [{"index": 0, "delta": {"content": text}}],
        });
        events.push_str(&format!("data: {chunk}\n\n"));
    }
    if request["stream_options"]["include_usage"] == true {
        let chunk = serde_json::json!({"id": "chatcmpl-fake", "object": "chat.completion.chunk", "choices": [], "usage": usage});
        events.push_str(&format!("data: {chunk}\n\n"));
    }
    events.push_str("data: [DONE]\n\n");
    json_response(StatusCode::OK, events, "text/event-stream")
}
