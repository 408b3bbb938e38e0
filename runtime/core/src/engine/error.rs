//! `context.LastError` and the responses the gateway itself answers with (APIM's bodies).

use crate::program::Program;
use crate::program::{LocId, SECTION_NAMES};
use bytes::Bytes;
use http::header::{HeaderValue, CONTENT_TYPE};
use http::{HeaderMap, StatusCode};
use std::sync::Arc;

/// APIM's reason for a failed expression.
pub(crate) const EXPRESSION_FAILURE: &str = "ExpressionValueEvaluationFailure";

/// `context.LastError`: what went wrong, where.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LastError {
    /// The policy (`set-header`) or built-in step (`authorization`, `forward-request`).
    pub source: Arc<str>,
    /// APIM's machine-readable reason (`ExpressionValueEvaluationFailure`, …), or empty.
    pub reason: Arc<str>,
    /// A human-readable message.
    pub message: Arc<str>,
    /// The scope of the failing policy (`global`, `product`, `api`, `operation`, …).
    pub scope: Arc<str>,
    /// The section (`inbound`, `backend`, `outbound`, `on-error`).
    pub section: Arc<str>,
    /// The policy's path in its document (`inbound/choose[1]/when[1]/set-header[1]`).
    pub path: Arc<str>,
    /// The failing element's `id` attribute (the program keeps none: always empty).
    pub policy_id: Arc<str>,
}

impl LastError {
    /// An error of policy `source` at `loc` in section `section`.
    pub(crate) fn at(
        program: &Program,
        source: &str,
        reason: &str,
        message: String,
        section: usize,
        loc: LocId,
    ) -> LastError {
        let (scope, path) = program
            .loc(loc)
            .map_or(("", ""), |l| (l.scope.name(), program.str(l.path)));
        LastError {
            source: source.into(),
            reason: reason.into(),
            message: program.redact(&message).into(),
            scope: scope.into(),
            section: SECTION_NAMES.get(section).copied().unwrap_or("").into(),
            path: path.into(),
            policy_id: "".into(),
        }
    }

    /// A built-in step's error (no policy, no location).
    pub(crate) fn step(source: &str, reason: &str, message: &str, section: &str) -> LastError {
        LastError {
            source: source.into(),
            reason: reason.into(),
            message: message.into(),
            section: section.into(),
            ..LastError::default()
        }
    }

    /// The property `name` as `context.LastError.name` reads it.
    pub(crate) fn property(&self, name: &str) -> Option<&Arc<str>> {
        Some(match name {
            "Source" => &self.source,
            "Reason" => &self.reason,
            "Message" => &self.message,
            "Scope" => &self.scope,
            "Section" => &self.section,
            "Path" => &self.path,
            "PolicyId" => &self.policy_id,
            _ => return None,
        })
    }
}

/// APIM's JSON error body `{ "statusCode": N, "message": "…" }`.
pub(crate) fn json_body(status: StatusCode, message: &str) -> Bytes {
    let msg = gatehouse_dotnet::json::JToken::String(message.to_string())
        .to_json(gatehouse_dotnet::jsonwrite::Formatting::None);
    Bytes::from(format!(
        "{{ \"statusCode\": {}, \"message\": {msg} }}",
        status.as_u16()
    ))
}

/// Headers of a JSON error body.
pub(crate) fn json_headers() -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    h
}

/// The status the gateway answers with for an error of `reason`, before `on-error` runs.
pub(crate) fn status_for(reason: &str) -> StatusCode {
    match reason {
        "SubscriptionKeyNotFound" | "SubscriptionKeyInvalid" => StatusCode::UNAUTHORIZED,
        "OperationNotFound" => StatusCode::NOT_FOUND,
        "RateLimitExceeded" => StatusCode::TOO_MANY_REQUESTS,
        "Timeout" => StatusCode::GATEWAY_TIMEOUT,
        "BackendUnavailable" => StatusCode::SERVICE_UNAVAILABLE,
        "RequestEntityTooLarge" => StatusCode::PAYLOAD_TOO_LARGE,
        "ResponseTooLarge" => StatusCode::BAD_GATEWAY,
        "ClientConnectionFailure" => StatusCode::BAD_REQUEST,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The message of the gateway's body for an error of `reason` (the 401s and the 429 use
/// their own, more specific messages).
pub(crate) fn message_for(reason: &str) -> &'static str {
    match reason {
        "OperationNotFound" => "Resource not found",
        "Timeout" => "Gateway timeout",
        "BackendUnavailable" => "Service unavailable",
        "RequestEntityTooLarge" => "Request entity too large",
        "ResponseTooLarge" => "Bad gateway",
        "ClientConnectionFailure" => "Bad request",
        _ => "Internal server error",
    }
}
