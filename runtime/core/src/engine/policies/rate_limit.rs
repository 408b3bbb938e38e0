//! `rate-limit`: fixed-window counters per subscription and definition (and per `api` /
//! `operation` child), checked together: a call is counted by every limit that applies
//! only when none of them is exhausted; 429 with `Retry-After` as `rate-limit-by-key`.

use super::super::exchange::Exchange;
use super::super::run::Next;
use super::limits::{applicable, counter_key, hit_all, report_calls, too_many_calls};
use crate::program::{Op, Program, RateLimit};
use crate::state::Period;

/// Checks and counts the call against every limit that applies (only with a subscription).
pub(super) fn rate_limit(x: &mut Exchange, program: &Program, op: &Op, r: &RateLimit) -> Next {
    let Some(sub) = x.ctx.sub.as_ref().map(|s| s.sub) else {
        return Next::Go;
    };
    let sh = x.ctx.sh.clone();
    let now = sh.clock.now_ms();
    let limits = applicable(x, program, &r.limits);
    let counters: Vec<(String, u64, Period)> = limits
        .iter()
        .map(|(i, l)| {
            let key = counter_key("rate-limit", program, op, sub, *i);
            let period = Period::from_first_call(l.period.max(1).saturating_mul(1000));
            (key, l.calls.unwrap_or(0), period)
        })
        .collect();
    let checks = hit_all(&*sh.rates, &counters, now);
    // Report the tightest limit: the fewest calls remaining.
    let tightest = checks
        .iter()
        .zip(&counters)
        .min_by_key(|(c, _)| c.remaining)
        .map(|(c, (_, calls, _))| (c.remaining, *calls));
    if let Some((remaining, calls)) = tightest {
        report_calls(x, program, &r.report, remaining, calls);
    }
    let refused = checks
        .iter()
        .filter(|c| !c.allowed)
        .map(|c| c.retry_after)
        .max();
    match refused {
        None => Next::Go,
        Some(retry_after) => too_many_calls(x, program, op, &r.report, retry_after),
    }
}
