//! `rate-limit`: fixed-window counters per subscription and definition (and per `api` /
//! `operation` child), checked together: a call is counted by every limit that applies
//! only when none of them is exhausted; 429 with `Retry-After` as `rate-limit-by-key`.

use super::super::exchange::Exchange;
use super::super::run::Next;
use super::rate_limit_by_key::{add_header, refuse, set_var};
use crate::program::{Limit, Op, Program, RateLimit, Target};
use crate::state::{Period, RateCheck};
use crate::value::Value;

/// Whether `t` selects the API (`op` `None`) or operation with these identifier and
/// display name.
fn selects(program: &Program, t: Option<Target>, id: u32, display: u32) -> bool {
    match t {
        None => true,
        Some(t) if t.by_id => program.str(t.name) == program.str(id),
        Some(t) => program.str(t.name) == program.str(display),
    }
}

/// The limits of `r` that apply to the routed call, with their indexes.
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
    // Check them all first, so that a call refused by one limit is counted by none.
    let mut checks: Vec<RateCheck> = counters
        .iter()
        .map(|(key, calls, period)| sh.rates.hit(key, *calls, *period, 0, now))
        .collect();
    if checks.iter().all(|c| c.allowed) {
        checks = counters
            .iter()
            .map(|(key, calls, period)| sh.rates.hit(key, *calls, *period, 1, now))
            .collect();
    }
    // Report the tightest limit: the fewest calls remaining.
    let tightest = checks
        .iter()
        .zip(&counters)
        .min_by_key(|(c, _)| c.remaining)
        .map(|(c, (_, calls, _))| (c.remaining, *calls));
    if let Some((remaining, calls)) = tightest {
        if let Some(v) = r.remaining_calls_variable_name {
            set_var(
                x,
                program,
                v,
                Value::Long(remaining.min(i64::MAX as u64) as i64),
            );
        }
        add_header(x, program, r.remaining_calls_header_name, remaining);
        add_header(x, program, r.total_calls_header_name, calls);
    }
    let refused = checks
        .iter()
        .filter(|c| !c.allowed)
        .map(|c| c.retry_after)
        .max();
    match refused {
        None => Next::Go,
        Some(retry_after) => refuse(
            x,
            program,
            op,
            r.retry_after_header_name,
            r.retry_after_variable_name,
            retry_after,
        ),
    }
}
