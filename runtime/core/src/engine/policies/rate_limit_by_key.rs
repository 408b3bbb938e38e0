//! `rate-limit-by-key`: fixed-window counters in the gateway's [`crate::state::RateStore`];
//! 429 with `Retry-After` when exceeded; counts with an `increment-condition` are settled
//! after the response.

use super::super::error;
use super::super::exchange::{Deferred, Exchange};
use super::super::run::Next;
use super::limits::{report_calls, too_many_calls};
use crate::program::{Op, Program, RateLimitByKey};
use crate::state::Period;

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
                policy: "rate-limit-by-key",
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
    report_calls(x, program, &r.report, check.remaining, calls);
    if check.allowed {
        return Next::Go;
    }
    x.deferred.retain(|d| d.loc != op.loc);
    too_many_calls(x, program, op, &r.report, check.retry_after)
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
                    d.policy,
                    error::EXPRESSION_FAILURE,
                    f.message,
                    d.section,
                    d.loc,
                );
                x.ctx.traces.push(super::super::exchange::Trace {
                    source: d.policy.into(),
                    severity: crate::program::Severity::Error,
                    message: format!("increment-condition failed at {}: {}", e.path, e.message)
                        .into(),
                    metadata: Vec::new(),
                });
            }
        }
    }
}
