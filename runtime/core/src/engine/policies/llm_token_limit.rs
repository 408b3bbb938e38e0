//! `llm-token-limit` and `azure-openai-token-limit`: tokens per minute (429) and token
//! quotas (403) per counter key, charged the prompt estimate before the call and the rest
//! of the reported usage after it (`engine/tokens.rs`).

use super::super::error;
use super::super::exchange::{Body, Exchange, Reply};
use super::super::headers::Headers;
use super::super::run::Next;
use super::super::tokens::{clamp, quota_key, quota_period, request_info, tpm_key, Charge, MINUTE};
use crate::program::{Arg, Op, Program, QuotaPeriod, StrId, TokenLimit};
use crate::state::RateCheck;
use crate::value::Value;
use crate::vm::Fault;
use http::header::{HeaderName, HeaderValue};
use http::StatusCode;
use std::sync::Arc;

/// The policy's arguments as evaluated for this request.
struct Args {
    key: Arc<str>,
    tpm: Option<u64>,
    quota: Option<(u64, QuotaPeriod)>,
    estimate: bool,
}

fn args(x: &mut Exchange, program: &Program, t: &TokenLimit) -> Result<Args, Fault> {
    let key = x.arg_text(program, &t.counter_key)?;
    let count = |a: &Option<Arg>, x: &mut Exchange| -> Result<Option<u64>, Fault> {
        a.as_ref()
            .map(|a| x.arg_int(program, a).map(|n| n.max(0) as u64))
            .transpose()
    };
    let tpm = count(&t.tokens_per_minute, x)?;
    let quota = count(&t.token_quota, x)?.zip(t.token_quota_period);
    let estimate = match &t.estimate_prompt_tokens {
        Arg::Lit(s) => program.str(*s).trim().eq_ignore_ascii_case("true"),
        Arg::Expr(c) => x.eval_bool(program, *c)?,
    };
    Ok(Args {
        key,
        tpm,
        quota,
        estimate,
    })
}

/// Whether `prompt` more tokens fit: with no estimate, while the counter is under the limit.
fn fits(check: &RateCheck, prompt: u64) -> bool {
    if prompt == 0 {
        check.allowed
    } else {
        prompt <= check.remaining
    }
}

/// Checks the key's minute and quota windows, charging the prompt estimate.
pub(super) fn token_limit(x: &mut Exchange, program: &Program, op: &Op, t: &TokenLimit) -> Next {
    let a = match args(x, program, t) {
        Ok(a) => a,
        Err(f) => return Next::Error(x.fault_at(program, op, &f)),
    };
    let info = request_info(x);
    // Streaming requests are always estimated, as APIM does.
    let prompt = if a.estimate || info.stream {
        info.prompt_tokens
    } else {
        0
    };
    let sh = x.ctx.sh.clone();
    let now = sh.clock.now_ms();
    let (tk, qk) = (tpm_key(&a.key), quota_key(&a.key));
    let minute = a.tpm.map(|limit| sh.rates.hit(&tk, limit, MINUTE, 0, now));
    let quota = a.quota.map(|(limit, p)| {
        let period = quota_period(p, now);
        (sh.rates.hit(&qk, limit, period, 0, now), period)
    });
    let left = |c: &RateCheck| c.remaining.saturating_sub(prompt);
    report(
        x,
        program,
        t.remaining_tokens_variable_name,
        t.remaining_tokens_header_name,
        minute.as_ref().map(left),
    );
    report(
        x,
        program,
        t.remaining_quota_tokens_variable_name,
        t.remaining_quota_tokens_header_name,
        quota.as_ref().map(|q| left(&q.0)),
    );
    if let Some(m) = minute.filter(|m| !fits(m, prompt)) {
        let msg = format!(
            "Token limit is exceeded. Try again in {} seconds.",
            m.retry_after
        );
        return refuse(
            x,
            program,
            op,
            t,
            StatusCode::TOO_MANY_REQUESTS,
            m.retry_after,
            msg,
        );
    }
    if let Some((q, _)) = quota.filter(|q| !fits(&q.0, prompt)) {
        let msg = format!(
            "Token quota is exceeded. Quota will be replenished in {}.",
            super::quota::time_span(q.retry_after)
        );
        return refuse(x, program, op, t, StatusCode::FORBIDDEN, q.retry_after, msg);
    }
    if prompt > 0 {
        if minute.is_some() {
            sh.rates.add(&tk, MINUTE, prompt, now);
        }
        if let Some((_, period)) = quota {
            sh.rates.add(&qk, period, prompt, now);
        }
    }
    if let Some(v) = t.tokens_consumed_variable_name {
        x.set_variable_named(program, v, Value::Int(clamp(prompt)));
    }
    x.llm.charges.push(Charge {
        key: a.key,
        tpm: a.tpm,
        quota: a.quota,
        charged: prompt,
        consumed_header: t.tokens_consumed_header_name,
        consumed_variable: t.tokens_consumed_variable_name,
        remaining_header: t.remaining_tokens_header_name,
        remaining_variable: t.remaining_tokens_variable_name,
        quota_header: t.remaining_quota_tokens_header_name,
        quota_variable: t.remaining_quota_tokens_variable_name,
    });
    Next::Go
}

/// Sets a remaining-tokens variable and header, when the limit is configured.
fn report(
    x: &mut Exchange,
    program: &Program,
    var: Option<StrId>,
    header: Option<StrId>,
    n: Option<u64>,
) {
    let Some(n) = n else { return };
    if let Some(v) = var {
        x.set_variable_named(program, v, Value::Int(clamp(n)));
    }
    x.add_final_header(program, header, n);
}

/// Answers `status` with the retry delay in the retry-after header and variable.
fn refuse(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    t: &TokenLimit,
    status: StatusCode,
    retry_after: u64,
    message: String,
) -> Next {
    if let Some(v) = t.retry_after_variable_name {
        x.set_variable_named(program, v, Value::Int(clamp(retry_after)));
    }
    let mut headers = Headers::new(error::json_headers());
    let name = t
        .retry_after_header_name
        .and_then(|n| HeaderName::from_bytes(program.str(n).as_bytes()).ok())
        .unwrap_or(http::header::RETRY_AFTER);
    headers
        .map_mut()
        .insert(name, HeaderValue::from(retry_after));
    x.ctx.resp = Reply {
        status,
        reason: None,
        headers,
        body: Body::Held(error::json_body(status, &message)),
    };
    let reason = if status == StatusCode::FORBIDDEN {
        "QuotaExceeded"
    } else {
        "RateLimitExceeded"
    };
    Next::Fail(x.error_at(program, op, reason, message))
}
