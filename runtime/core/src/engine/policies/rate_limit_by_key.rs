//! `rate-limit-by-key`: fixed-window counters in the gateway's [`crate::state::RateStore`];
//! 429 with `Retry-After` when exceeded; counts with an `increment-condition` are settled
//! after the response.

use super::super::error;
use super::super::exchange::{Body, Deferred, Exchange, Reply};
use super::super::headers::Headers;
use super::super::run::Next;
use crate::program::Program;
use crate::program::{Op, RateLimitByKey, StrId};
use crate::state::Period;
use crate::value::Value;
use http::header::{HeaderName, HeaderValue};
use http::StatusCode;
use std::sync::Arc;

/// Checks (and counts) the call against its key's window.
pub(super) fn rate_limit_by_key(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    r: &RateLimitByKey,
) -> Next {
    let args = (|| {
        let calls = x.arg_int(program, &r.calls)?;
        let period = x.arg_int(program, &r.renewal_period)?;
        let key = x.arg_text(program, &r.counter_key)?;
        let count = match &r.increment_count {
            Some(a) => x.arg_int(program, a)?,
            None => 1,
        };
        Ok::<_, crate::vm::Fault>((calls, period, key, count))
    })();
    let (calls, period, key, count) = match args {
        Ok(a) => a,
        Err(f) => return Next::Error(x.fault_at(program, op, &f)),
    };
    let (calls, count) = (calls.max(0) as u64, count.max(0) as u64);
    let period = Period::from_first_call((period.max(1) as u64).saturating_mul(1000));
    let sh = x.ctx.sh.clone();
    let now = sh.clock.now_ms();
    let check = match r.increment_condition {
        Some(condition) => {
            x.deferred.push(Deferred {
                condition,
                key: key.clone(),
                period,
                count,
                section: x.section,
                loc: op.loc,
            });
            sh.rates.hit(&key, calls, period, 0, now)
        }
        None => sh.rates.hit(&key, calls, period, count, now),
    };
    if let Some(v) = r.remaining_calls_variable_name {
        set_var(x, program, v, Value::Long(check.remaining as i64));
    }
    add_header(x, program, r.remaining_calls_header_name, check.remaining);
    add_header(x, program, r.total_calls_header_name, calls);
    if check.allowed {
        return Next::Go;
    }
    x.deferred.retain(|d| d.loc != op.loc);
    refuse(
        x,
        program,
        op,
        r.retry_after_header_name,
        r.retry_after_variable_name,
        check.retry_after,
    )
}

/// Answers 429 with the retry delay in `header` (default `Retry-After`) and `variable`, and
/// fails with `RateLimitExceeded`.
pub(super) fn refuse(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    header: Option<StrId>,
    variable: Option<StrId>,
    retry_after: u64,
) -> Next {
    if let Some(v) = variable {
        set_var(
            x,
            program,
            v,
            Value::Int(retry_after.min(i32::MAX as u64) as i32),
        );
    }
    let status = StatusCode::TOO_MANY_REQUESTS;
    let message = format!("Rate limit is exceeded. Try again in {retry_after} seconds.");
    let mut headers = Headers::new(error::json_headers());
    let retry_name = header
        .and_then(|n| HeaderName::from_bytes(program.str(n).as_bytes()).ok())
        .unwrap_or(http::header::RETRY_AFTER);
    headers
        .map_mut()
        .insert(retry_name, HeaderValue::from(retry_after));
    x.ctx.resp = Reply {
        status,
        reason: None,
        headers,
        body: Body::Held(error::json_body(status, &message)),
    };
    Next::Fail(x.error_at(program, op, "RateLimitExceeded", message))
}

pub(crate) fn set_var(x: &mut Exchange, program: &Program, name: StrId, v: Value) {
    let name: Arc<str> = program
        .strings
        .get(name as usize)
        .cloned()
        .unwrap_or_default();
    match x.ctx.vars.iter_mut().find(|(k, _)| *k == name) {
        Some((_, slot)) => *slot = v,
        None => x.ctx.vars.push((name, v)),
    }
}

pub(crate) fn add_header(x: &mut Exchange, program: &Program, name: Option<StrId>, n: u64) {
    let Some(name) = name.and_then(|n| HeaderName::from_bytes(program.str(n).as_bytes()).ok())
    else {
        return;
    };
    x.extra.retain(|(k, _)| *k != name);
    x.extra.push((name, HeaderValue::from(n)));
}

/// Evaluates each deferred `increment-condition` against the final response and counts
/// the calls it accepts. A failing condition does not count (and is traced).
pub(crate) fn settle_deferred(x: &mut Exchange) {
    if x.deferred.is_empty() {
        return;
    }
    let sh = x.ctx.sh.clone();
    let program = &*sh.program;
    let now = sh.clock.now_ms();
    for d in std::mem::take(&mut x.deferred) {
        match x.eval_bool(program, d.condition) {
            Ok(true) => sh.rates.add(&d.key, d.period, d.count, now),
            Ok(false) => {}
            Err(f) => {
                let e = error::LastError::at(
                    program,
                    "rate-limit-by-key",
                    error::EXPRESSION_FAILURE,
                    f.message,
                    d.section,
                    d.loc,
                );
                x.ctx.traces.push(super::super::exchange::Trace {
                    source: "rate-limit-by-key".into(),
                    severity: crate::program::Severity::Error,
                    message: format!("increment-condition failed at {}: {}", e.path, e.message)
                        .into(),
                    metadata: Vec::new(),
                });
            }
        }
    }
}
