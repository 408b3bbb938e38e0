//! `quota`: calls per subscription in fixed windows aligned on the Unix epoch (`0`: one
//! window that never ends), with `api`/`operation` quotas; 403 `QuotaExceeded` with
//! `Retry-After` when one is used up.

use super::super::exchange::Exchange;
use super::super::run::Next;
use super::limits::{applicable, counter_key, hit_all, Refusal};
use crate::program::{Op, Program, Quota};
use crate::state::Period;
use http::StatusCode;

/// Checks and counts the call against every quota that applies (only with a subscription).
pub(super) fn quota(x: &mut Exchange, program: &Program, op: &Op, q: &Quota) -> Next {
    let Some(sub) = x.ctx.sub.as_ref().map(|s| s.sub) else {
        return Next::Go;
    };
    let sh = x.ctx.sh.clone();
    let now = sh.clock.now_ms();
    let counters: Vec<(String, u64, Period)> = applicable(x, program, &q.limits)
        .into_iter()
        .filter_map(|(i, l)| {
            let key = counter_key("quota", program, op, sub, i);
            let period = Period::aligned(l.period.saturating_mul(1000), 0);
            Some((key, l.calls?, period))
        })
        .collect();
    let checks = hit_all(&*sh.rates, &counters, now);
    match checks
        .iter()
        .filter(|c| !c.allowed)
        .map(|c| c.retry_after)
        .max()
    {
        None => Next::Go,
        Some(retry_after) => refuse(x, program, op, retry_after),
    }
}

/// Seconds as .NET prints a `TimeSpan`: `hh:mm:ss`, with `d.` before it past a day.
pub(super) fn time_span(secs: u64) -> String {
    let (d, h, m, s) = (secs / 86_400, secs / 3_600 % 24, secs / 60 % 60, secs % 60);
    if d > 0 {
        format!("{d}.{h:02}:{m:02}:{s:02}")
    } else {
        format!("{h:02}:{m:02}:{s:02}")
    }
}

/// Answers 403 with `Retry-After` and fails with `QuotaExceeded`.
pub(super) fn refuse(x: &mut Exchange, program: &Program, op: &Op, retry_after: u64) -> Next {
    let message = format!(
        "Call volume quota is exceeded. Quota will be replenished in {}.",
        time_span(retry_after)
    );
    let refusal = Refusal {
        status: StatusCode::FORBIDDEN,
        reason: "QuotaExceeded",
        header: None,
        retry_after,
    };
    refusal.answer(x, program, op, message)
}

#[cfg(test)]
mod tests {
    #[test]
    fn time_spans_print_as_dotnet() {
        assert_eq!(super::time_span(59), "00:00:59");
        assert_eq!(super::time_span(3_661), "01:01:01");
        assert_eq!(super::time_span(90_061), "1.01:01:01");
    }
}
