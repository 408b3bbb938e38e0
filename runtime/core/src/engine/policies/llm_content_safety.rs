//! `llm-content-safety`: the request's prompt text goes to the Azure AI Content Safety
//! backend — `text:shieldPrompt` when `shield-prompt` is true, then `text:analyze` with the
//! categories, output type and blocklists — and the request is refused with 403 when an
//! attack is detected, a blocklist matches, or a category's severity reaches its threshold.

use super::super::error::{self, LastError};
use super::super::exchange::{Body, Exchange, Reply};
use super::super::headers::Headers;
use super::super::run::Next;
use super::super::{BackendFailure, BackendRequest, BackendResponse};
use super::ai_call::{self, AiCall};
use crate::llm::prompt_text;
use crate::program::{BackendId, ContentSafety, HarmCategory, Op, OutputType, Program};
use bytes::Bytes;
use http::StatusCode;
use serde_json::{json, Value};

/// The Content Safety REST API version gatehouse speaks.
pub(crate) const API_VERSION: &str = "2024-09-01";

/// Longest text the service analyzes (characters); a longer prompt fails the request.
pub(crate) const MAX_TEXT_CHARS: usize = 10_000;

/// The message of the 403 a blocked request gets.
pub(crate) const BLOCKED: &str = "Request failed content safety check.";

/// `LastError.Reason` of a blocked request (APIM documents none).
pub(crate) const BLOCKED_REASON: &str = "ContentSafetyBlocked";

/// Which service call is in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Check {
    Shield,
    Analyze,
}

/// The policy waiting for the service.
#[derive(Debug)]
pub(crate) struct Checking {
    current: Check,
    /// The analysis still to ask for after the prompt shield.
    then: Option<BackendRequest>,
    categories: Vec<(HarmCategory, u8)>,
    loc: u32,
}

/// Sends the prompt to the Content Safety backend.
pub(super) fn content_safety(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    c: &ContentSafety,
) -> Next {
    match start(x, program, op, c) {
        Ok(next) => next,
        Err(e) => Next::Error(e),
    }
}

fn start(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    c: &ContentSafety,
) -> Result<Next, LastError> {
    let backend = ai_call::backend_named(x, program, op, &c.backend_id)?;
    let shield = match &c.shield_prompt {
        None => false,
        Some(a) => {
            super::cache_lookup::flag(x, program, a).map_err(|f| x.fault_at(program, op, &f))?
        }
    };
    let mut blocklists = Vec::with_capacity(c.blocklists.len());
    for a in &c.blocklists {
        let id = x
            .arg_text(program, a)
            .map_err(|f| x.fault_at(program, op, &f))?;
        if !id.trim().is_empty() {
            blocklists.push(id.trim().to_string());
        }
    }
    let body = match &x.ctx.req.body {
        Body::Held(b) => b.clone(),
        _ => Bytes::new(),
    };
    let text = prompt_text(&body, false)
        .map(|p| p.text)
        .unwrap_or_default();
    if text.trim().is_empty() {
        return Ok(Next::Go);
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        let msg = format!(
            "The prompt is longer than the {MAX_TEXT_CHARS} characters Azure AI Content Safety analyzes."
        );
        return Err(x.error_at(program, op, "", msg));
    }
    let analyze = (!c.categories.is_empty() || !blocklists.is_empty())
        .then(|| analyze_request(x, backend, c, &text, &blocklists));
    let checking = |current, then| Checking {
        current,
        then,
        categories: c.categories.clone(),
        loc: op.loc,
    };
    Ok(if shield {
        let body = json!({ "userPrompt": text, "documents": [] }).to_string();
        let path = format!("/contentsafety/text:shieldPrompt?api-version={API_VERSION}");
        let req = ai_call::post_json(x, backend, &path, body);
        ai_call::send(x, AiCall::Safety(checking(Check::Shield, analyze)), req)
    } else {
        match analyze {
            Some(req) => ai_call::send(x, AiCall::Safety(checking(Check::Analyze, None)), req),
            None => Next::Go,
        }
    })
}

fn analyze_request(
    x: &Exchange,
    backend: BackendId,
    c: &ContentSafety,
    text: &str,
    blocklists: &[String],
) -> BackendRequest {
    let categories: Vec<&str> = c.categories.iter().map(|(c, _)| c.name()).collect();
    let output = match c.output_type {
        OutputType::FourSeverityLevels => "FourSeverityLevels",
        OutputType::EightSeverityLevels => "EightSeverityLevels",
    };
    let mut body = json!({ "text": text, "outputType": output });
    if !categories.is_empty() {
        body["categories"] = json!(categories);
    }
    if !blocklists.is_empty() {
        body["blocklistNames"] = json!(blocklists);
        body["haltOnBlocklistHit"] = json!(false);
    }
    let path = format!("/contentsafety/text:analyze?api-version={API_VERSION}");
    ai_call::post_json(x, backend, &path, body.to_string())
}

/// The service's answer: the next call, the request blocked, or on with the pipeline.
pub(super) fn answered(
    x: &mut Exchange,
    mut c: Checking,
    r: Result<(BackendResponse, Bytes), BackendFailure>,
) -> Next {
    let fail = |x: &Exchange, reason: &str, message: String| {
        let program = &x.ctx.sh.program;
        let source = "llm-content-safety";
        Next::Error(LastError::at(
            program, source, reason, message, x.section, c.loc,
        ))
    };
    let (head, body) = match r {
        Ok(a) => a,
        Err(f) => {
            let msg = format!(
                "The Content Safety backend could not be called: {}",
                f.message
            );
            return fail(x, f.reason, msg);
        }
    };
    if !head.status.is_success() {
        let msg = format!(
            "The Content Safety backend answered {}.",
            head.status.as_u16()
        );
        return fail(x, "", msg);
    }
    let Ok(v) = serde_json::from_slice::<Value>(&body) else {
        return fail(
            x,
            "",
            "The Content Safety backend's answer is not JSON.".to_string(),
        );
    };
    if blocks(&c, &v) {
        return block(x, c.loc);
    }
    match c.then.take() {
        Some(req) => {
            c.current = Check::Analyze;
            ai_call::send(x, AiCall::Safety(c), req)
        }
        None => Next::Go,
    }
}

/// Whether the answer `v` to the current call blocks the request.
fn blocks(c: &Checking, v: &Value) -> bool {
    match c.current {
        Check::Shield => {
            v["userPromptAnalysis"]["attackDetected"] == true
                || v["documentsAnalysis"]
                    .as_array()
                    .is_some_and(|d| d.iter().any(|d| d["attackDetected"] == true))
        }
        Check::Analyze => {
            let listed = v["blocklistsMatch"]
                .as_array()
                .is_some_and(|m| !m.is_empty());
            let severe = v["categoriesAnalysis"].as_array().is_some_and(|a| {
                a.iter().any(|r| {
                    let severity = r["severity"].as_i64().unwrap_or(0);
                    c.categories.iter().any(|(cat, threshold)| {
                        r["category"] == cat.name() && severity >= i64::from(*threshold)
                    })
                })
            });
            listed || severe
        }
    }
}

/// Answers 403 and runs `on-error` with the response already set.
fn block(x: &mut Exchange, loc: u32) -> Next {
    let status = StatusCode::FORBIDDEN;
    x.ctx.resp = Reply {
        status,
        reason: None,
        headers: Headers::new(error::json_headers()),
        body: Body::Held(error::json_body(status, BLOCKED)),
    };
    let program = &x.ctx.sh.program;
    let e = LastError::at(
        program,
        "llm-content-safety",
        BLOCKED_REASON,
        BLOCKED.to_string(),
        x.section,
        loc,
    );
    Next::Fail(e)
}
