//! Calls the AI-gateway policies make to their services on the request's path: the Content
//! Safety backend (`llm-content-safety`) and the embeddings backend (the semantic cache).
//! A policy leaves what it waits for in [`AiCall`] (on the exchange's token accounting) and
//! asks the driver for [`Step::Send`] (or [`Step::Token`] first); the answer comes back
//! here and to the policy's own `answered`.

use super::super::error::LastError;
use super::super::exchange::{Exchange, Stage};
use super::super::run::Next;
use super::super::BackendRequest;
use super::super::{AccessToken, BackendFailure, BackendResponse, Step, Target, TokenFailure};
use super::{llm_content_safety, llm_semantic_cache};
use crate::program::{Arg, BackendId, HttpVersion, Op, Program};
use bytes::Bytes;
use http::header::{HeaderValue, CONTENT_TYPE};
use http::{HeaderMap, Method};
use std::time::Duration;

/// A policy waiting for its service.
#[derive(Debug)]
pub(crate) enum AiCall {
    /// `llm-content-safety`.
    Safety(llm_content_safety::Checking),
    /// `llm-semantic-cache-lookup` (and its twin) waiting for the prompt's embedding.
    Semantic(llm_semantic_cache::Embedding),
}

/// The backend an attribute names (an expression is evaluated): `BackendNotFound` when
/// the program declares none by that name.
pub(super) fn backend_named(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    a: &Arg,
) -> Result<BackendId, LastError> {
    let name = x
        .arg_text(program, a)
        .map_err(|f| x.fault_at(program, op, &f))?;
    program.backend_by_name(name.trim()).ok_or_else(|| {
        let msg = format!("Backend with id '{}' could not be found.", name.trim());
        x.error_at(program, op, "BackendNotFound", msg)
    })
}

/// A JSON `POST` to `backend` at `path_and_query`, its answer buffered.
pub(super) fn post_json(
    x: &Exchange,
    backend: BackendId,
    path_and_query: &str,
    body: String,
) -> BackendRequest {
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    BackendRequest {
        target: Target::Backend(backend),
        path_and_query: path_and_query.to_string(),
        method: Method::POST,
        headers,
        body: Some(Bytes::from(body)),
        timeout: Duration::from_secs(x.ctx.sh.config.llm.service_timeout_secs.max(1)),
        follow_redirects: false,
        http_version: HttpVersion::Http1,
        buffer_response: true,
        certificate: None,
    }
}

/// Waits for `call` to answer `req`.
pub(super) fn send(x: &mut Exchange, call: AiCall, req: BackendRequest) -> Next {
    x.llm.ai = Some(call);
    x.stage = Stage::Sending;
    Next::Effect(Step::Send(req))
}

/// The driver's answer to a service call.
pub(crate) fn ai_sent(
    x: &mut Exchange,
    r: Result<(BackendResponse, Bytes), BackendFailure>,
) -> Next {
    x.stage = Stage::Running;
    match x.llm.ai.take() {
        Some(AiCall::Safety(c)) => llm_content_safety::answered(x, c, r),
        Some(AiCall::Semantic(e)) => llm_semantic_cache::embedded(x, e, r),
        None => Next::Go,
    }
}

/// The driver's answer to a token a service call waits for.
pub(crate) fn ai_token(x: &mut Exchange, r: Result<AccessToken, TokenFailure>) -> Next {
    x.stage = Stage::Running;
    match x.llm.ai.take() {
        Some(AiCall::Semantic(e)) => llm_semantic_cache::authorized(x, e, r),
        Some(other) => {
            x.llm.ai = Some(other);
            Next::Go
        }
        None => Next::Go,
    }
}

/// Whether operation `kind` reads the request's prompt (its body is buffered).
pub(crate) fn reads_prompt(kind: &crate::program::OpKind) -> bool {
    use crate::program::OpKind::*;
    matches!(
        kind,
        LlmContentSafety(_) | LlmSemanticCacheLookup(_) | AzureOpenAiSemanticCacheLookup(_)
    )
}

/// Whether the exchange waits for a service call (not a `send-request`).
pub(crate) fn waiting(x: &Exchange) -> bool {
    x.llm.ai.is_some()
}
