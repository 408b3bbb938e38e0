//! `llm-semantic-cache-lookup` / `-store` (and the `azure-openai-` twins): the prompt's
//! embedding is fetched from the embeddings backend (OpenAI's embeddings API, with the
//! gateway's managed identity as `embeddings-backend-auth="system-assigned"` says); a
//! cached answer to a prompt within `score-threshold` (a cosine distance) in the same
//! partition (API, operation, `vary-by` values, streamed or not) is returned, and outbound
//! continues after the store policy. On a miss, the store policy keeps a `200` answer for
//! `duration` seconds. A prompt that cannot be embedded (the backend or identity failing)
//! is a miss.

use super::super::exchange::{Body, Exchange, Reply, Stage};
use super::super::headers::Headers;
use super::super::run::Next;
use super::super::{AccessToken, BackendFailure, BackendResponse, Step, TokenFailure};
use super::super::{BackendRequest, TokenRequest};
use super::ai_call::{self, AiCall};
use super::cache_lookup::ResponseCache;
use crate::llm::prompt_text;
use crate::program::{CachingType, Op, Program, SemanticCacheLookup, SemanticCacheStore};
use crate::state::{decode_response, encode_response, semantic};
use bytes::Bytes;
use http::header::{HeaderValue, AUTHORIZATION};
use http::StatusCode;
use serde_json::{json, Value};

/// The resource the managed identity's token is asked for (Azure AI services).
pub(crate) const EMBEDDINGS_RESOURCE: &str = "https://cognitiveservices.azure.com";

/// The lookup's outcome, for the store policy.
#[derive(Debug, Clone)]
pub(crate) struct Semantic {
    partition: String,
    vector: Vec<f32>,
    hit: bool,
}

/// The lookup waiting for the prompt's embedding.
#[derive(Debug)]
pub(crate) struct Embedding {
    partition: String,
    threshold: f64,
    request: BackendRequest,
}

/// Evaluates the attributes, reads the prompt and asks for a token for the embeddings call.
pub(super) fn lookup(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    s: &SemanticCacheLookup,
) -> Next {
    let backend = match ai_call::backend_named(x, program, op, &s.embeddings_backend_id) {
        Ok(b) => b,
        Err(e) => return Next::Error(e),
    };
    let threshold = match x.arg_text(program, &s.score_threshold) {
        Ok(t) => t,
        Err(f) => return Next::Error(x.fault_at(program, op, &f)),
    };
    let threshold = match threshold.trim().parse::<f64>() {
        Ok(t) if (0.0..=1.0).contains(&t) => t,
        _ => {
            let msg = format!(
                "'{}' is not a score threshold (0.0 to 1.0).",
                threshold.trim()
            );
            return Next::Error(x.error_at(program, op, "", msg));
        }
    };
    let mut partition = format!(
        "{}\u{1f}{}",
        x.ctx.api.map_or(-1, i64::from),
        x.ctx.op.map_or(-1, i64::from)
    );
    for a in &s.vary_by {
        match x.arg_text(program, a) {
            Ok(v) => {
                partition.push('\u{1f}');
                partition.push_str(&v);
            }
            Err(f) => return Next::Error(x.fault_at(program, op, &f)),
        }
    }
    let body = match &x.ctx.req.body {
        Body::Held(b) => b.clone(),
        _ => Bytes::new(),
    };
    let Some(prompt) = prompt_text(&body, s.ignore_system_messages) else {
        return Next::Go;
    };
    if prompt.text.trim().is_empty()
        || s.max_message_count
            .is_some_and(|n| prompt.messages > n as usize)
    {
        return Next::Go;
    }
    // A streamed answer is not a JSON one: they are cached apart.
    if prompt.stream {
        partition.push_str("\u{1f}stream");
    }
    let input = json!({ "input": prompt.text }).to_string();
    let request = ai_call::post_json(x, backend, "", input);
    x.llm.ai = Some(AiCall::Semantic(Embedding {
        partition,
        threshold,
        request,
    }));
    x.stage = Stage::Token;
    Next::Effect(Step::Token(TokenRequest {
        resource: EMBEDDINGS_RESOURCE.to_string(),
        client_id: None,
    }))
}

/// The managed identity's token: the embeddings call goes with it (without one, a miss).
pub(super) fn authorized(
    x: &mut Exchange,
    mut e: Embedding,
    r: Result<AccessToken, TokenFailure>,
) -> Next {
    let Ok(token) = r else {
        return Next::Go;
    };
    let Ok(mut v) = HeaderValue::from_str(&format!("Bearer {}", token.secret())) else {
        return Next::Go;
    };
    v.set_sensitive(true);
    e.request.headers.insert(AUTHORIZATION, v);
    let req = e.request.clone();
    ai_call::send(x, AiCall::Semantic(e), req)
}

/// The embedding: the nearest cached answer within the threshold, or a miss.
pub(super) fn embedded(
    x: &mut Exchange,
    e: Embedding,
    r: Result<(BackendResponse, Bytes), BackendFailure>,
) -> Next {
    let max_dims = x.ctx.sh.config.llm.max_embedding_dims;
    let vector = match r {
        Ok((head, body)) if head.status.is_success() => embedding(&body, max_dims),
        _ => None,
    };
    let Some(vector) = vector else {
        return Next::Go;
    };
    let sh = x.ctx.sh.clone();
    let now = sh.clock.now_ms();
    let found = semantic::nearest(&*sh.stores.cache, &e.partition, &vector, e.threshold, now)
        .and_then(|(_, stored)| decode_response(&stored));
    x.llm.semantic = Some(Semantic {
        partition: e.partition,
        vector,
        hit: found.is_some(),
    });
    let Some(r) = found else {
        return Next::Go;
    };
    x.ctx.resp = Reply {
        status: r.status,
        reason: None,
        headers: Headers::new(r.headers),
        body: Body::Held(r.body),
    };
    // Outbound continues after the store policy, as after `cache-lookup`'s hit.
    x.response_cache = Some(ResponseCache::semantic_hit());
    x.enter(2);
    Next::Go
}

/// `data[0].embedding` of an embeddings answer, within `max_dims` numbers.
fn embedding(body: &[u8], max_dims: usize) -> Option<Vec<f32>> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let numbers = v["data"][0]["embedding"].as_array()?;
    if numbers.is_empty() || numbers.len() > max_dims {
        return None;
    }
    numbers
        .iter()
        .map(|n| n.as_f64().map(|f| f as f32))
        .collect()
}

/// Keeps a `200` answer to the looked-up prompt for `duration` seconds.
pub(super) fn store(x: &mut Exchange, program: &Program, op: &Op, s: &SemanticCacheStore) -> Next {
    if let Some(c) = x.response_cache.as_mut().filter(|c| c.skipping) {
        c.skipping = false;
    }
    let secs = match x.arg_int(program, &s.duration) {
        Ok(n) => n.max(0) as u64,
        Err(f) => return Next::Error(x.fault_at(program, op, &f)),
    };
    let Some(state) = x.llm.semantic.take().filter(|s| !s.hit) else {
        return Next::Go;
    };
    let resp = &x.ctx.resp;
    let Body::Held(body) = &resp.body else {
        return Next::Go;
    };
    if resp.status != StatusCode::OK || secs == 0 {
        return Next::Go;
    }
    let sh = x.ctx.sh.clone();
    let now = sh.clock.now_ms();
    let ttl = secs.saturating_mul(1000);
    let bytes = encode_response(
        now.saturating_add(ttl),
        resp.status,
        resp.headers.map(),
        body,
    );
    let entries = sh.config.llm.semantic_entries;
    semantic::insert(
        &*sh.stores.cache,
        &state.partition,
        state.vector,
        bytes,
        ttl,
        now,
        entries,
    );
    Next::Go
}

impl ResponseCache {
    /// A semantic-cache hit: outbound skips to the store policy.
    fn semantic_hit() -> ResponseCache {
        ResponseCache {
            key: String::new(),
            caching_type: CachingType::Internal,
            downstream: super::cache_lookup::Downstream::None,
            must_revalidate: false,
            hit: true,
            skipping: true,
        }
    }
}
