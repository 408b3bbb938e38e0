//! What `rate-limit`, `rate-limit-by-key` and `quota` share: which `api`/`operation`
//! limits apply, their counter keys, reporting the counts, and the refusal (429 or 403 with
//! `Retry-After`).

use super::super::error;
use super::super::exchange::{Body, Exchange, Reply};
use super::super::headers::Headers;
use super::super::run::Next;
use crate::program::{CallsReport, Limit, Op, Program, StrId, Target};
use crate::value::Value;
use http::header::{HeaderName, HeaderValue};
use http::StatusCode;

/// Whether `t` selects the API (`op` `None`) or operation with these identifier and
/// display name.
fn selects(program: &Program, t: Option<Target>, id: u32, display: u32) -> bool {
    match t {
        None => true,
        Some(t) if t.by_id => program.str(t.name) == program.str(id),
        Some(t) => program.str(t.name) == program.str(display),
    }
}

/// The limits of `limits` that apply to the routed call, with their indexes.
pub(super) fn applicable<'l>(
    x: &Exchange,
    program: &Program,
    limits: &'l [Limit],
) -> Vec<(usize, &'l Limit)> {
    let api = x.ctx.api.and_then(|a| program.apis.get(a as usize));
    let operation = api.and_then(|a| a.operations.get(x.ctx.op? as usize));
    limits
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            let api_ok = l.api.is_none()
                || api.is_some_and(|a| selects(program, l.api, a.name, a.display_name));
            let op_ok = l.operation.is_none()
                || operation.is_some_and(|o| selects(program, l.operation, o.name, o.display_name));
            api_ok && op_ok
        })
        .collect()
}

/// The counter key of limit `i` of the definition at `op` for subscription `sub`.
pub(super) fn counter_key(family: &str, program: &Program, op: &Op, sub: u32, i: usize) -> String {
    match program.locs.get(op.loc as usize) {
        Some(l) => format!("{family}\0{sub}\0{}:{}:{}\0{i}", l.file, l.line, l.column),
        None => format!("{family}\0{sub}\0{}\0{i}", op.loc),
    }
}

/// Reports `remaining` of `calls` to the variable and headers `report` names.
pub(super) fn report_calls(
    x: &mut Exchange,
    program: &Program,
    report: &CallsReport,
    remaining: u64,
    calls: u64,
) {
    if let Some(v) = report.remaining_calls_variable_name {
        let n = Value::Long(remaining.min(i64::MAX as u64) as i64);
        x.set_variable_named(program, v, n);
    }
    x.add_final_header(program, report.remaining_calls_header_name, remaining);
    x.add_final_header(program, report.total_calls_header_name, calls);
}

/// Answers 429 `RateLimitExceeded` with the retry delay in the header `report` names
/// (default `Retry-After`) and its variable.
pub(super) fn too_many_calls(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    report: &CallsReport,
    retry_after: u64,
) -> Next {
    if let Some(v) = report.retry_after_variable_name {
        let n = Value::Int(retry_after.min(i32::MAX as u64) as i32);
        x.set_variable_named(program, v, n);
    }
    let message = format!("Rate limit is exceeded. Try again in {retry_after} seconds.");
    let refusal = Refusal {
        status: StatusCode::TOO_MANY_REQUESTS,
        reason: "RateLimitExceeded",
        header: report.retry_after_header_name,
        retry_after,
    };
    refusal.answer(x, program, op, message)
}

/// A refusal by a limit: 429 for rate limits, 403 for quotas.
pub(super) struct Refusal {
    /// The status answered.
    pub status: StatusCode,
    /// `context.LastError.Reason`.
    pub reason: &'static str,
    /// The header carrying the delay (`None`: `Retry-After`).
    pub header: Option<StrId>,
    /// Seconds until the limit lets calls through again.
    pub retry_after: u64,
}

impl Refusal {
    /// Answers with APIM's JSON error body and the delay header, and fails with `reason`.
    pub(super) fn answer(
        self,
        x: &mut Exchange,
        program: &Program,
        op: &Op,
        message: String,
    ) -> Next {
        let mut headers = Headers::new(error::json_headers());
        let retry_name = self
            .header
            .and_then(|n| HeaderName::from_bytes(program.str(n).as_bytes()).ok())
            .unwrap_or(http::header::RETRY_AFTER);
        headers
            .map_mut()
            .insert(retry_name, HeaderValue::from(self.retry_after));
        x.ctx.resp = Reply {
            status: self.status,
            reason: None,
            headers,
            body: Body::Held(error::json_body(self.status, &message)),
        };
        Next::Fail(x.error_at(program, op, self.reason, message))
    }
}

/// Checks every counter first and counts the call in all of them only if each allows it,
/// so a call refused by one limit is counted by none.
pub(super) fn hit_all(
    rates: &dyn crate::state::RateStore,
    counters: &[(String, u64, crate::state::Period)],
    now: u64,
) -> Vec<crate::state::RateCheck> {
    let hit = |count| {
        counters
            .iter()
            .map(|(key, calls, period)| rates.hit(key, *calls, *period, count, now))
            .collect::<Vec<_>>()
    };
    let checks = hit(0);
    if checks.iter().all(|c| c.allowed) {
        hit(1)
    } else {
        checks
    }
}
