//! `emit-metric`, the token metrics and the token limits: usage from JSON bodies and event
//! streams, prompt estimates, minute windows and quotas on an injected clock.

use super::*;
use crate::engine::{BackendMock, Resume, Step};
use crate::program::{
    DefaultDimension, Dimension, DimensionValue, EmitMetric, QuotaPeriod, TokenLimit, TokenMetric,
};

const CHAT: &str = r#"{"messages":[{"role":"user","content":"Hello, how are you?"}]}"#;
/// [`CHAT`]'s prompt estimate: 3 per message, 1 role, 6 text, 3 priming.
const CHAT_PROMPT: u64 = 13;

/// A backend answering `content_type` `body`.
fn answering(
    content_type: &'static str,
    body: &'static str,
) -> impl FnMut(&BackendRequest, &Bytes) -> Result<(BackendResponse, Bytes), BackendFailure> {
    move |_, _| {
        let mut headers = HeaderMap::new();
        headers.insert("content-type", HeaderValue::from_static(content_type));
        Ok((
            BackendResponse {
                status: StatusCode::OK,
                headers,
            },
            Bytes::from_static(body.as_bytes()),
        ))
    }
}

/// A chat completion that used `total` tokens (10 prompt).
fn usage_body(total: u64) -> &'static str {
    let body = format!(
        r#"{{"choices":[{{"message":{{"content":"hi"}}}}],"usage":{{"prompt_tokens":10,"completion_tokens":{},"total_tokens":{total}}}}}"#,
        total - 10
    );
    Box::leak(body.into_boxed_str())
}

fn dims(b: &mut B) -> Vec<Dimension> {
    vec![
        Dimension {
            name: b.lit("API ID"),
            value: DimensionValue::Default(DefaultDimension::ApiId),
        },
        Dimension {
            name: b.lit("Client"),
            value: DimensionValue::Given(b.text("c1")),
        },
    ]
}

/// `inbound` running `ops` on `POST /orders/items/1`.
fn build(mut b: B, inbound: Vec<OpKind>, outbound: Vec<OpKind>) -> (Gateway, Arc<ManualClock>) {
    let p = b.pipeline(inbound, None, outbound, vec![]);
    let api = b.api("orders", "orders", false);
    b.op(api, "chat", "POST", "/items/{id}", vec![(u32::MAX, p)]);
    b.gateway()
}

fn post(gw: &Gateway, body: &str, backend: &mut BackendMock<'_>) -> Outcome {
    run_in_process(
        gw,
        head("POST", "/orders/items/1", &[]),
        Bytes::from(body.to_string()),
        backend,
    )
}

fn rendered(gw: &Gateway) -> String {
    let mut out = String::new();
    gw.config.telemetry.render(&mut out);
    out
}

#[test]
fn emit_metric_records_value_and_dimensions() {
    let mut b = B::new();
    let dimensions = dims(&mut b);
    let m = OpKind::EmitMetric(EmitMetric {
        name: b.s("Requests"),
        namespace: b.s("my-metrics"),
        value: Some(b.text("2.5")),
        dimensions,
    });
    let (gw, _) = build(b, vec![m], vec![]);
    for _ in 0..2 {
        assert_eq!(
            run(&gw, head("POST", "/orders/items/1", &[]), "")
                .response
                .status,
            StatusCode::OK
        );
    }
    assert_eq!(gw.config.telemetry.total("Requests"), 5.0);
    let text = rendered(&gw);
    assert!(
        text.contains("gatehouse_custom_metric_count{namespace=\"my-metrics\",name=\"Requests\",dim_api_id=\"orders\",dim_client=\"c1\"} 2"),
        "{text}"
    );
}

#[test]
fn emit_metric_value_that_is_not_a_number_fails_the_request() {
    let mut b = B::new();
    let m = OpKind::EmitMetric(EmitMetric {
        name: b.s("Requests"),
        namespace: b.s("ns"),
        value: Some(b.text("many")),
        dimensions: vec![],
    });
    let (gw, _) = build(b, vec![m], vec![]);
    let o = run(&gw, head("POST", "/orders/items/1", &[]), "");
    assert_eq!(o.response.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(gw.config.telemetry.series(), 0);
}

fn token_metric(b: &mut B) -> OpKind {
    let dimensions = dims(b);
    OpKind::AzureOpenAiEmitTokenMetric(TokenMetric {
        namespace: b.s("openai"),
        dimensions,
    })
}

#[test]
fn token_metrics_come_from_the_json_usage() {
    let mut b = B::new();
    let m = token_metric(&mut b);
    let (gw, _) = build(b, vec![m], vec![]);
    let o = post(
        &gw,
        CHAT,
        &mut answering("application/json", usage_body(15)),
    );
    assert_eq!(o.response.status, StatusCode::OK);
    assert!(o.effects.contains(&"response-body"), "{:?}", o.effects);
    let t = &gw.config.telemetry;
    assert_eq!(
        (
            t.total("Total Tokens"),
            t.total("Prompt Tokens"),
            t.total("Completion Tokens")
        ),
        (15.0, 10.0, 5.0)
    );
    assert!(
        rendered(&gw).contains("namespace=\"openai\",name=\"Total Tokens\",dim_api_id=\"orders\"")
    );
}

const STREAM_WITH_USAGE: &str = "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n\
    data: {\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":30,\"total_tokens\":42}}\n\n\
    data: [DONE]\n\n";
const STREAM_WITHOUT_USAGE: &str = "data: {\"choices\":[{\"delta\":{\"content\":\"Hello\"}}]}\n\n\
    data: {\"choices\":[{\"delta\":{\"content\":\" world\"}}]}\n\n\
    data: [DONE]\n\n";
const STREAMED_CHAT: &str =
    r#"{"stream":true,"messages":[{"role":"user","content":"Hello, how are you?"}]}"#;

#[test]
fn streamed_token_metrics_use_the_usage_chunk_or_estimates() {
    let mut b = B::new();
    let m = token_metric(&mut b);
    let (gw, _) = build(b, vec![m], vec![]);
    let o = post(
        &gw,
        STREAMED_CHAT,
        &mut answering("text/event-stream", STREAM_WITH_USAGE),
    );
    assert!(
        !o.effects.contains(&"response-body"),
        "streamed through: {:?}",
        o.effects
    );
    assert_eq!(o.body, STREAM_WITH_USAGE.as_bytes());
    assert_eq!(gw.config.telemetry.total("Total Tokens"), 42.0);
    post(
        &gw,
        STREAMED_CHAT,
        &mut answering("text/event-stream", STREAM_WITHOUT_USAGE),
    );
    let t = &gw.config.telemetry;
    assert_eq!(t.total("Prompt Tokens"), 12.0 + CHAT_PROMPT as f64);
    assert_eq!(t.total("Completion Tokens"), 30.0 + 2.0);
}

fn limit(b: &mut B, tpm: Option<u64>, quota: Option<u64>, estimate: bool) -> TokenLimit {
    TokenLimit {
        counter_key: b.text("caller-1"),
        tokens_per_minute: tpm.map(|n| b.lit(&n.to_string())),
        token_quota: quota.map(|n| b.lit(&n.to_string())),
        token_quota_period: quota.map(|_| QuotaPeriod::Hourly),
        estimate_prompt_tokens: b.lit(if estimate { "true" } else { "false" }),
        retry_after_header_name: Some(b.s("Retry-After")),
        retry_after_variable_name: Some(b.s("retry")),
        remaining_quota_tokens_header_name: Some(b.s("x-quota-left")),
        remaining_quota_tokens_variable_name: Some(b.s("quotaLeft")),
        remaining_tokens_header_name: Some(b.s("x-tokens-left")),
        remaining_tokens_variable_name: Some(b.s("tokensLeft")),
        tokens_consumed_header_name: Some(b.s("x-consumed")),
        tokens_consumed_variable_name: Some(b.s("consumed")),
    }
}

/// `set-header x-consumed-seen: @(context.Variables["consumed"])` in `outbound`.
fn echo_consumed(b: &mut B) -> OpKind {
    let v = b.var("consumed");
    OpKind::SetHeader(crate::program::HeaderOp {
        name: b.lit("x-consumed-seen"),
        action: crate::program::ExistsAction::Override,
        values: vec![v],
    })
}

#[test]
fn tokens_per_minute_counts_reported_usage_and_renews() {
    let mut b = B::new();
    let t = OpKind::LlmTokenLimit(limit(&mut b, Some(40), None, false));
    let seen = echo_consumed(&mut b);
    let (gw, clock) = build(b, vec![t], vec![seen]);
    let mut backend = answering("application/json", usage_body(25));
    let first = post(&gw, CHAT, &mut backend);
    assert_eq!(first.response.status, StatusCode::OK);
    assert_eq!(header(&first, "x-consumed"), Some("25"));
    assert_eq!(
        header(&first, "x-consumed-seen"),
        Some("25"),
        "set before outbound"
    );
    assert_eq!(header(&first, "x-tokens-left"), Some("15"));
    let second = post(&gw, CHAT, &mut backend);
    assert_eq!(
        second.response.status,
        StatusCode::OK,
        "15 left: not exceeded yet"
    );
    assert_eq!(header(&second, "x-tokens-left"), Some("0"));
    clock.advance(20_000);
    let third = post(&gw, CHAT, &mut backend);
    assert_eq!(third.response.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(third.forwarded.is_empty());
    assert_eq!(header(&third, "retry-after"), Some("40"));
    assert_eq!(third.exchange.variable_text("retry").as_deref(), Some("40"));
    assert_eq!(
        &*third.exchange.last_error().unwrap().reason,
        "RateLimitExceeded"
    );
    assert!(
        body(&third).contains("Token limit is exceeded. Try again in 40 seconds."),
        "{}",
        body(&third)
    );
    clock.advance(40_000);
    assert_eq!(
        post(&gw, CHAT, &mut backend).response.status,
        StatusCode::OK
    );
}

#[test]
fn estimated_prompts_are_refused_before_the_backend() {
    let mut b = B::new();
    let t = OpKind::AzureOpenAiTokenLimit(limit(&mut b, Some(CHAT_PROMPT + 5), None, true));
    let (gw, _) = build(b, vec![t], vec![]);
    // The backend reports no usage: the estimate is what counts.
    let mut backend = answering("application/json", "{}");
    let first = post(&gw, CHAT, &mut backend);
    assert_eq!(first.response.status, StatusCode::OK);
    assert_eq!(header(&first, "x-tokens-left"), Some("5"));
    assert_eq!(
        header(&first, "x-consumed"),
        Some(&*CHAT_PROMPT.to_string())
    );
    let second = post(&gw, CHAT, &mut backend);
    assert_eq!(second.response.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(second.forwarded.is_empty(), "refused before the backend");
}

#[test]
fn token_quota_answers_403_until_the_period_renews() {
    let mut b = B::new();
    let t = OpKind::LlmTokenLimit(limit(&mut b, None, Some(30), false));
    let (gw, clock) = build(b, vec![t], vec![]);
    let mut backend = answering("application/json", usage_body(20));
    let first = post(&gw, CHAT, &mut backend);
    assert_eq!(header(&first, "x-quota-left"), Some("10"));
    assert_eq!(
        first.exchange.variable_text("quotaLeft").as_deref(),
        Some("10")
    );
    assert_eq!(
        post(&gw, CHAT, &mut backend).response.status,
        StatusCode::OK
    );
    let over = post(&gw, CHAT, &mut backend);
    assert_eq!(over.response.status, StatusCode::FORBIDDEN);
    assert_eq!(
        &*over.exchange.last_error().unwrap().reason,
        "QuotaExceeded"
    );
    let wait: u64 = header(&over, "retry-after").unwrap().parse().unwrap();
    assert!(wait > 0 && wait <= 3600, "{wait}");
    clock.advance(wait * 1000);
    assert_eq!(
        post(&gw, CHAT, &mut backend).response.status,
        StatusCode::OK
    );
}

#[test]
fn a_stream_cut_by_the_client_settles_what_it_saw() {
    let mut b = B::new();
    let t = OpKind::LlmTokenLimit(limit(&mut b, Some(1000), None, false));
    let (gw, _) = build(b, vec![t], vec![]);
    let mut x = gw.start(head("POST", "/orders/items/1", &[]));
    let mut input = Resume::Start;
    for _ in 0..8 {
        match x.resume(input) {
            Step::NeedRequestBody => input = Resume::RequestBody(Bytes::from(STREAMED_CHAT)),
            Step::Forward(_) => {
                let mut headers = HeaderMap::new();
                headers.insert(
                    "content-type",
                    HeaderValue::from_static("text/event-stream"),
                );
                input = Resume::Backend(Ok(BackendResponse {
                    status: StatusCode::OK,
                    headers,
                }));
            }
            Step::Respond(_) => break,
            other => panic!("unexpected {other:?}"),
        }
    }
    let mut tap = x
        .take_stream_tap()
        .expect("a streamed completion is tapped");
    // The client goes away after the first event.
    tap.observe(b"data: {\"choices\":[{\"delta\":{\"content\":\"Hello\"}}]}\n\n");
    drop(tap);
    drop(x);
    // Streaming requests are estimated: 13 prompt + 1 completion token.
    let next = post(&gw, CHAT, &mut answering("application/json", "{}"));
    assert_eq!(
        header(&next, "x-tokens-left"),
        Some(&*(1000 - CHAT_PROMPT - 1).to_string())
    );
}

#[test]
fn a_failed_backend_call_keeps_the_gateway_error() {
    let mut b = B::new();
    let t = OpKind::LlmTokenLimit(limit(&mut b, Some(1000), None, true));
    let m = token_metric(&mut b);
    let (gw, _) = build(b, vec![t, m], vec![]);
    let mut down =
        |_: &BackendRequest, _: &Bytes| -> Result<(BackendResponse, Bytes), BackendFailure> {
            Err(BackendFailure {
                reason: "BackendConnectionFailure",
                message: "refused".into(),
                retry_after: None,
                status: None,
            })
        };
    let o = post(&gw, CHAT, &mut down);
    assert_eq!(
        o.response.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{:?}",
        o.effects
    );
    assert_eq!(header(&o, "x-consumed"), Some(&*CHAT_PROMPT.to_string()));
    assert_eq!(
        gw.config.telemetry.series(),
        0,
        "no usage, no token metrics"
    );
}
