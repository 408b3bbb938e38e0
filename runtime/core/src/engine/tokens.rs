//! Token accounting of the AI-gateway policies: what `llm-token-limit` charged and which
//! token metrics wait, settled once the backend's usage is known — from a JSON body before
//! `outbound` runs, or from an event stream as it passes through ([`StreamTap`]), when it
//! ends or the client goes away.

use super::exchange::Exchange;
use super::request_response::Body;
use super::Shared;
use super::Target;
use crate::llm::{self, RequestInfo, SseUsage, Usage};
use crate::program::{DefaultDimension, OpKind, QuotaPeriod, StrId};
use crate::state::Period;
use std::sync::Arc;

/// One minute, the window of `tokens-per-minute`.
pub(crate) const MINUTE: Period = Period {
    ms: 60_000,
    anchor: None,
};

/// A dimension as evaluated in `inbound`: its value, or a default filled in at settlement.
pub(crate) type PendingDimension = (Arc<str>, Result<Arc<str>, DefaultDimension>);

/// A token limit that charged its key.
#[derive(Debug, Clone)]
pub(crate) struct Charge {
    pub key: Arc<str>,
    pub tpm: Option<u64>,
    pub quota: Option<(u64, QuotaPeriod)>,
    /// Tokens charged before the call (the prompt estimate).
    pub charged: u64,
    pub consumed_header: Option<StrId>,
    pub consumed_variable: Option<StrId>,
    pub remaining_header: Option<StrId>,
    pub remaining_variable: Option<StrId>,
    pub quota_header: Option<StrId>,
    pub quota_variable: Option<StrId>,
}

/// Token metrics waiting for the usage.
#[derive(Debug, Clone)]
pub(crate) struct Metric {
    pub namespace: Arc<str>,
    pub dimensions: Vec<PendingDimension>,
}

/// What an exchange owes once the usage is known.
#[derive(Debug, Default)]
pub(crate) struct Pending {
    pub charges: Vec<Charge>,
    pub metrics: Vec<Metric>,
    /// The request as the token policies read it (once).
    pub info: Option<RequestInfo>,
    /// A content-safety or embeddings call in flight.
    pub ai: Option<super::policies::AiCall>,
    /// What the semantic-cache lookup found, for the store policy.
    pub semantic: Option<super::policies::Semantic>,
}

impl Pending {
    fn is_empty(&self) -> bool {
        self.charges.is_empty() && self.metrics.is_empty()
    }
}

/// Whether operation `kind` reads the request body (to estimate prompt tokens and to see
/// whether the answer streams).
pub(crate) fn reads_request(kind: &OpKind) -> bool {
    matches!(
        kind,
        OpKind::LlmTokenLimit(_)
            | OpKind::AzureOpenAiTokenLimit(_)
            | OpKind::LlmEmitTokenMetric(_)
            | OpKind::AzureOpenAiEmitTokenMetric(_)
    )
}

/// Whether `program` has a token policy (its tokenizers are loaded with it).
pub(crate) fn uses_tokens(program: &crate::program::Program) -> bool {
    program
        .blocks
        .iter()
        .any(|b| b.ops.iter().any(|o| reads_request(&o.kind)))
}

/// The request as the token policies read it, read once from the buffered body.
pub(crate) fn request_info(x: &mut Exchange) -> RequestInfo {
    if let Some(info) = &x.llm.info {
        return info.clone();
    }
    let limits = x.ctx.sh.config.llm;
    let info = match &x.ctx.req.body {
        Body::Held(b) => llm::read_request(b, &limits),
        _ => RequestInfo::default(),
    };
    x.llm.info = Some(info.clone());
    info
}

/// The counter key of a token limit's tokens per minute.
pub(crate) fn tpm_key(key: &str) -> String {
    format!("llm-tpm\u{1f}{key}")
}

/// The counter key of a token quota.
pub(crate) fn quota_key(key: &str) -> String {
    format!("llm-quota\u{1f}{key}")
}

/// Whether the backend's answer is an event stream.
fn streams(x: &Exchange) -> bool {
    x.ctx
        .resp
        .headers
        .map()
        .get(http::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"))
}

/// Whether the engine must read the backend's body to settle tokens (a JSON answer; an
/// event stream is counted as it passes through).
pub(crate) fn wants_response_body(x: &Exchange) -> bool {
    !x.llm.is_empty() && !streams(x)
}

/// The backend's body is here (before `outbound`): settles from its `usage`.
pub(crate) fn on_response_body(x: &mut Exchange) {
    if x.llm.is_empty() {
        return;
    }
    let usage = match &x.ctx.resp.body {
        Body::Held(b) => llm::from_json(b),
        _ => None,
    };
    settle_exchange(x, usage);
}

/// The response is final: an event stream gets its tap; anything else settles now.
pub(crate) fn on_finish(x: &mut Exchange, streamed: bool) {
    if x.llm.is_empty() {
        return;
    }
    if streamed && x.forwarded && streams(x) {
        let pending = resolved(x);
        let sh = x.ctx.sh.clone();
        let model = pending.info.as_ref().and_then(|i| i.model.clone());
        let sse = SseUsage::new(model, &sh.config.llm);
        x.tap = Some(StreamTap { sh, pending, sse });
        return;
    }
    settle_exchange(x, None);
}

/// The pending accounting with its default dimensions filled in (taken from `x`).
fn resolved(x: &mut Exchange) -> Pending {
    let mut p = std::mem::take(&mut x.llm);
    // The semantic cache's and the service calls' state stay with the exchange.
    x.llm.semantic = p.semantic.take();
    x.llm.ai = p.ai.take();
    for m in &mut p.metrics {
        for (_, v) in &mut m.dimensions {
            if let Err(d) = v {
                *v = Ok(default_value(x, *d));
            }
        }
    }
    p
}

/// The value APIM gives a default dimension.
pub(crate) fn default_value(x: &Exchange, d: DefaultDimension) -> Arc<str> {
    use crate::value::{Entity, Value};
    let (entity, prop) = match d {
        DefaultDimension::ApiId => (Entity::Api, "Id"),
        DefaultDimension::OperationId => (Entity::Operation, "Id"),
        DefaultDimension::ProductId => (Entity::Product, "Id"),
        DefaultDimension::UserId => (Entity::User, "Id"),
        DefaultDimension::SubscriptionId => (Entity::Subscription, "Id"),
        DefaultDimension::Location => (Entity::Deployment, "Region"),
        DefaultDimension::GatewayId => (Entity::Deployment, "GatewayId"),
        DefaultDimension::BackendId => {
            let program = &x.ctx.sh.program;
            return match &x.ctx.req.target {
                Some(Target::Backend(id)) => program
                    .backends
                    .get(*id as usize)
                    .map_or_else(|| "".into(), |b| program.str(b.name).into()),
                _ => "".into(),
            };
        }
    };
    match x.ctx.entity(entity, prop) {
        Value::Str(s) => s,
        _ => "".into(),
    }
}

/// Settles `x`'s accounting with `usage` (or its estimates), setting the consumed and
/// remaining variables and headers.
fn settle_exchange(x: &mut Exchange, usage: Option<Usage>) {
    let pending = resolved(x);
    let sh = x.ctx.sh.clone();
    let outcomes = settle(&sh, &pending, usage, None);
    let program = &*sh.program;
    for (c, o) in pending.charges.iter().zip(outcomes) {
        if let Some(v) = c.consumed_variable {
            x.set_variable_named(program, v, crate::value::Value::Int(clamp(o.consumed)));
        }
        x.add_final_header(program, c.consumed_header, o.consumed);
        if let Some(r) = o.remaining {
            if let Some(v) = c.remaining_variable {
                x.set_variable_named(program, v, crate::value::Value::Int(clamp(r)));
            }
            x.add_final_header(program, c.remaining_header, r);
        }
        if let Some(r) = o.remaining_quota {
            if let Some(v) = c.quota_variable {
                x.set_variable_named(program, v, crate::value::Value::Int(clamp(r)));
            }
            x.add_final_header(program, c.quota_header, r);
        }
    }
}

/// An `int` variable's value.
pub(crate) fn clamp(n: u64) -> i32 {
    n.min(i32::MAX as u64) as i32
}

/// What one charge came to.
#[derive(Debug)]
struct Outcome {
    consumed: u64,
    remaining: Option<u64>,
    remaining_quota: Option<u64>,
}

/// Adds what the call consumed beyond its charge to each counter and emits the token
/// metrics. `stream`: the stream's reported usage and estimated completion.
fn settle(
    sh: &Shared,
    pending: &Pending,
    usage: Option<Usage>,
    stream: Option<&SseUsage>,
) -> Vec<Outcome> {
    let prompt_estimate = pending.info.as_ref().map_or(0, |i| i.prompt_tokens);
    let usage = usage.or_else(|| {
        let s = stream?;
        s.reported().or(Some(Usage {
            prompt: prompt_estimate,
            completion: s.estimated_completion(),
            total: prompt_estimate + s.estimated_completion(),
        }))
    });
    let now = sh.clock.now_ms();
    let mut out = Vec::with_capacity(pending.charges.len());
    for c in &pending.charges {
        let consumed = usage.map_or(c.charged, |u| u.total);
        let extra = consumed.saturating_sub(c.charged);
        let mut o = Outcome {
            consumed,
            remaining: None,
            remaining_quota: None,
        };
        if let Some(limit) = c.tpm {
            let k = tpm_key(&c.key);
            if extra > 0 {
                sh.rates.add(&k, MINUTE, extra, now);
            }
            o.remaining = Some(sh.rates.hit(&k, limit, MINUTE, 0, now).remaining);
        }
        if let Some((limit, period)) = c.quota {
            let (k, p) = (quota_key(&c.key), quota_period(period, now));
            if extra > 0 {
                sh.rates.add(&k, p, extra, now);
            }
            o.remaining_quota = Some(sh.rates.hit(&k, limit, p, 0, now).remaining);
        }
        out.push(o);
    }
    if let Some(u) = usage {
        for m in &pending.metrics {
            let dims: Vec<(Arc<str>, Arc<str>)> = m
                .dimensions
                .iter()
                .map(|(k, v)| (k.clone(), v.clone().unwrap_or_default()))
                .collect();
            let t = &sh.config.telemetry;
            t.record(&m.namespace, "Total Tokens", u.total as f64, &dims);
            t.record(&m.namespace, "Prompt Tokens", u.prompt as f64, &dims);
            t.record(
                &m.namespace,
                "Completion Tokens",
                u.completion as f64,
                &dims,
            );
        }
    }
    out
}

/// Milliseconds in a day.
const DAY: u64 = 86_400_000;

/// The quota window of `period` holding `now` (UTC): hours and days on the epoch's grid,
/// weeks from Monday, months and years on the calendar.
pub(crate) fn quota_period(period: QuotaPeriod, now: u64) -> Period {
    match period {
        QuotaPeriod::Hourly => Period::aligned(3_600_000, 0),
        QuotaPeriod::Daily => Period::aligned(DAY, 0),
        // 1970-01-05 was a Monday.
        QuotaPeriod::Weekly => Period::aligned(7 * DAY, 4 * DAY),
        QuotaPeriod::Monthly | QuotaPeriod::Yearly => {
            let days = (now / DAY) as i64;
            let (y, m, _) = civil_from_days(days);
            let (start, end) = if period == QuotaPeriod::Monthly {
                let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
                (days_from_civil(y, m, 1), days_from_civil(ny, nm, 1))
            } else {
                (days_from_civil(y, 1, 1), days_from_civil(y + 1, 1, 1))
            };
            let (start, end) = (start.max(0) as u64 * DAY, end.max(0) as u64 * DAY);
            Period::aligned(end.saturating_sub(start).max(1), start)
        }
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number (inverse of [`days_from_civil`]).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Counts the tokens of a streamed completion as its events pass to the client, and
/// settles the limits and metrics of its exchange when dropped: at the stream's end, or
/// when the client goes away.
#[derive(Debug)]
pub struct StreamTap {
    sh: Arc<Shared>,
    pending: Pending,
    sse: SseUsage,
}

impl StreamTap {
    /// Reads the next piece of the stream (as sent to the client).
    pub fn observe(&mut self, data: &[u8]) {
        self.sse.feed(data);
    }
}

impl Drop for StreamTap {
    fn drop(&mut self) {
        let _ = settle(&self.sh, &self.pending, None, Some(&self.sse));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_quota_windows() {
        // 2026-02-14T12:00:00Z
        let now = (days_from_civil(2026, 2, 14) as u64) * DAY + DAY / 2;
        let p = quota_period(QuotaPeriod::Monthly, now);
        let feb = days_from_civil(2026, 2, 1) as u64 * DAY;
        assert_eq!(p.window_at(now), (feb, feb + 28 * DAY));
        let y = quota_period(QuotaPeriod::Yearly, now);
        assert_eq!(y.window_at(now).0, days_from_civil(2026, 1, 1) as u64 * DAY);
        assert_eq!(
            civil_from_days(days_from_civil(2024, 12, 31)),
            (2024, 12, 31)
        );
        let w = quota_period(QuotaPeriod::Weekly, now);
        // 2026-02-09 is a Monday.
        assert_eq!(w.window_at(now).0, days_from_civil(2026, 2, 9) as u64 * DAY);
    }
}
