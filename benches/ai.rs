//! The AI-gateway policies' cost: `llm-token-limit` estimating the prompt of a 2 KiB chat
//! request (`policies/bench/ai`) against the pass-through pipeline
//! (`policies/bench/passthrough`), measured in the same run; report the ratio. And the
//! streaming pass-through's added cost per server-sent event: what the stream tap does
//! with each event (`SseUsage::feed`, plus the completion estimate at the end of a
//! 100-event stream), against the same pass-through pipeline.

#![allow(missing_docs)] // criterion_group! generates undocumented items

#[path = "common/mod.rs"]
mod common;

use criterion::{criterion_group, criterion_main, Criterion};
use gatehouse_compiler::{build_project, CheckOptions};
use gatehouse_runtime::engine::http::{HeaderMap, HeaderValue, StatusCode};
use gatehouse_runtime::engine::{EngineConfig, Gateway, RequestHead};
use std::sync::Arc;

/// A chat-completions request of about 2 KiB: a system prompt and a few turns.
fn chat_2k() -> bytes::Bytes {
    let turn = "Summarise the quarterly report for the northern region, listing revenue, costs and the three largest risks, in plain words.";
    let messages: Vec<String> = (0..15)
        .map(|i| {
            let role = if i % 2 == 0 { "user" } else { "assistant" };
            format!(r#"{{"role":"{role}","content":"{turn}"}}"#)
        })
        .collect();
    let body = format!(
        r#"{{"model":"gpt-4o","messages":[{{"role":"system","content":"You are a helpful assistant."}},{}]}}"#,
        messages.join(",")
    );
    assert!((1800..2600).contains(&body.len()), "{}", body.len());
    bytes::Bytes::from(body)
}

const USAGE: &[u8] =
    br#"{"choices":[{"message":{"content":"ok"}}],"usage":{"prompt_tokens":400,"completion_tokens":20,"total_tokens":420}}"#;

fn head() -> RequestHead {
    let mut headers = HeaderMap::new();
    headers.insert("host", HeaderValue::from_static("127.0.0.1:8080"));
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    common::head(headers)
}

/// One request with `body`; the backend answers a JSON completion with its usage.
fn exchange(gw: &Gateway, head: RequestHead, body: &bytes::Bytes) -> StatusCode {
    let usage = bytes::Bytes::from_static(USAGE);
    let answers = common::Answers {
        request_body: body,
        json: true,
        response_body: &usage,
        sent_body: &usage,
    };
    common::drive(gw, head, &answers)
}

fn gateway(name: &str) -> Gateway {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("policies/bench")
        .join(name);
    let program = build_project(&root, &CheckOptions::default())
        .program
        .expect("the bench project builds");
    Gateway::new(Arc::new(program), EngineConfig::default())
}

fn token_limit(c: &mut Criterion) {
    let body = chat_2k();
    for name in ["passthrough", "ai"] {
        let gw = gateway(name);
        assert_eq!(exchange(&gw, head(), &body), StatusCode::OK);
        c.bench_function(&format!("ai/{name}"), |b| {
            b.iter_batched(
                head,
                |h| exchange(&gw, h, &body),
                criterion::BatchSize::SmallInput,
            )
        });
    }
}

/// One chat-completion chunk as a model streams it (about 180 bytes).
fn event(i: usize) -> Vec<u8> {
    format!(
        "data: {{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\" word{i}\"}}}}]}}\n\n"
    )
    .into_bytes()
}

fn stream_events(c: &mut Criterion) {
    let limits = gatehouse_runtime::llm::LlmLimits::default();
    let events: Vec<Vec<u8>> = (0..100).map(event).collect();
    // Per event: the tap reads the event (no usage chunk: its text is kept for the estimate).
    c.bench_function("ai/stream-event", |b| {
        let mut sse = gatehouse_runtime::llm::SseUsage::new(Some("gpt-4o".into()), &limits);
        let mut i = 0;
        b.iter(|| {
            sse.feed(&events[i % events.len()]);
            i += 1;
        })
    });
    // A whole 100-event stream without a usage chunk, estimated at its end.
    c.bench_function("ai/stream-100-events-estimated", |b| {
        b.iter(|| {
            let mut sse = gatehouse_runtime::llm::SseUsage::new(Some("gpt-4o".into()), &limits);
            for e in &events {
                sse.feed(e);
            }
            sse.estimated_completion()
        })
    });
}

criterion_group!(benches, token_limit, stream_events);
criterion_main!(benches);
