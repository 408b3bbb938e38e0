//! `quota-by-key`: calls per key in fixed windows aligned on `first-period-start` (`0`:
//! one window that never ends); a key is counted once per request however many scopes
//! name it; 403 `QuotaExceeded` with `Retry-After` when it is used up. Counts with an
//! `increment-condition` are settled after the response.

use super::super::exchange::{Deferred, Exchange};
use super::super::run::Next;
use super::quota::refuse;
use crate::program::{Op, Program, QuotaByKey};
use crate::state::Period;

/// Checks (and counts) the call against its key's window.
pub(super) fn quota_by_key(x: &mut Exchange, program: &Program, op: &Op, q: &QuotaByKey) -> Next {
    let args = (|| {
        let key = x.arg_text(program, &q.counter_key)?;
        let count = match &q.increment_count {
            Some(a) => x.arg_int(program, a)?,
            None => 1,
        };
        Ok::<_, crate::vm::Fault>((key, count))
    })();
    let (key, count) = match args {
        Ok(a) => a,
        Err(f) => return Next::Error(x.fault_at(program, op, &f)),
    };
    let stored = format!("quota-by-key\0{key}");
    if x.counted.contains(&stored) {
        return Next::Go;
    }
    x.counted.push(stored.clone());
    let count = count.max(0) as u64;
    let period = Period::aligned(q.renewal_period.saturating_mul(1000), q.anchor_ms);
    let sh = x.ctx.sh.clone();
    let now = sh.clock.now_ms();
    let check = match q.increment_condition {
        Some(condition) => {
            x.deferred.push(Deferred {
                policy: "quota-by-key",
                condition,
                key: stored.as_str().into(),
                period,
                count,
                section: x.section,
                loc: op.loc,
            });
            sh.rates.hit(&stored, q.calls, period, 0, now)
        }
        None => sh.rates.hit(&stored, q.calls, period, count, now),
    };
    if check.allowed {
        return Next::Go;
    }
    x.deferred.retain(|d| d.loc != op.loc);
    refuse(x, program, op, check.retry_after)
}
