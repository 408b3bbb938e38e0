//! `retry`: runs its policies once, then again while `condition` holds and retries are
//! left, waiting APIM's schedule (fixed, linear or exponential) between runs.
//!
//! An error raised inside the block (a failed `forward-request`, say) ends that run:
//! `context.LastError` and the gateway's error response are set, and the condition decides
//! as after any run. When no retry follows, the last run's error goes on to `on-error`.

use super::super::error::LastError;
use super::super::exchange::{Exchange, Stage};
use super::super::run::Next;
use super::super::Step;
use crate::program::{Arg, BlockId, CodeId, Op, Program, Retry};
use crate::vm::Fault;
use std::time::Duration;

/// How long to wait before each retry, from the attributes given (APIM's reading):
/// `interval` alone is fixed; with `delta` linear; with `delta` and `max-interval`
/// exponential.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Schedule {
    /// `interval` every time.
    Fixed { interval: f64 },
    /// `interval + n * delta` before retry `n` (0-based).
    Linear { interval: f64, delta: f64 },
    /// `interval + (2^n - 1) * delta * jitter`, at most `max`, before retry `n` (0-based);
    /// `jitter` is drawn in `[0.8, 1.2)`.
    Exponential { interval: f64, delta: f64, max: f64 },
}

impl Schedule {
    /// The wait in seconds before retry `n` (0-based), with exponential `jitter`.
    pub(crate) fn seconds(&self, n: u32, jitter: f64) -> f64 {
        match *self {
            Schedule::Fixed { interval } => interval,
            Schedule::Linear { interval, delta } => interval + f64::from(n) * delta,
            Schedule::Exponential {
                interval,
                delta,
                max,
            } => {
                let grow = 2f64.powi(n.min(62) as i32) - 1.0;
                (interval + grow * delta * jitter).min(max)
            }
        }
    }

    /// Whether the wait is drawn at random.
    fn jittered(&self) -> bool {
        matches!(self, Schedule::Exponential { .. })
    }
}

/// A `retry` running: where its block's frame is and what is left.
#[derive(Debug)]
pub(crate) struct RetryLoop {
    /// Index in `Exchange::frames` of the block's frame.
    pub frame: usize,
    body: BlockId,
    condition: CodeId,
    loc: u32,
    count: u32,
    done: u32,
    schedule: Schedule,
    fast_first: bool,
    /// The error that ended the last run, if one did.
    failed: Option<LastError>,
}

/// `retry`: reads its attributes for this request and enters its block.
pub(super) fn retry(x: &mut Exchange, program: &Program, op: &Op, r: &Retry) -> Next {
    let l = match settings(x, program, op, r) {
        Ok(l) => l,
        Err(e) => return Next::Error(e),
    };
    x.loops.push(l);
    Next::Enter(r.body)
}

fn settings(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    r: &Retry,
) -> Result<RetryLoop, LastError> {
    let fault = |x: &mut Exchange, f: Fault| x.fault_at(program, op, &f);
    let count = x.arg_int(program, &r.count).map_err(|f| fault(x, f))?;
    if !(Retry::MIN_COUNT..=Retry::MAX_COUNT).contains(&count) {
        let msg = format!("count {count} is not between 1 and 50");
        return Err(x.error_at(program, op, "", msg));
    }
    let secs = |x: &mut Exchange, name: &str, a: &Arg| -> Result<f64, LastError> {
        let text = x.arg_text(program, a).map_err(|f| fault(x, f))?;
        match text.trim().parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
            _ => {
                let msg = format!("{name} '{text}' is not a non-negative number of seconds");
                Err(x.error_at(program, op, "", msg))
            }
        }
    };
    let interval = secs(x, "interval", &r.interval)?;
    let delta = match &r.delta {
        Some(a) => Some(secs(x, "delta", a)?),
        None => None,
    };
    let max = match &r.max_interval {
        Some(a) => Some(secs(x, "max-interval", a)?),
        None => None,
    };
    let schedule = match (delta, max) {
        (Some(delta), Some(max)) => Schedule::Exponential {
            interval,
            delta,
            max,
        },
        (Some(delta), None) => Schedule::Linear { interval, delta },
        (None, _) => Schedule::Fixed { interval },
    };
    let fast_first = match &r.first_fast_retry {
        None => false,
        Some(a) => {
            let t = x.arg_text(program, a).map_err(|f| fault(x, f))?;
            match t.trim().to_ascii_lowercase().as_str() {
                "true" => true,
                "false" => false,
                _ => {
                    let msg = format!("first-fast-retry '{t}' is not true or false");
                    return Err(x.error_at(program, op, "", msg));
                }
            }
        }
    };
    Ok(RetryLoop {
        frame: x.frames.len(),
        body: r.body,
        condition: r.condition,
        loc: op.loc,
        count: count as u32,
        done: 0,
        schedule,
        fast_first,
        failed: None,
    })
}

/// The innermost `retry`'s block ran to its end (or an error ended it): runs it again
/// (after its wait), or leaves it, passing on the last run's error.
pub(crate) fn body_done(x: &mut Exchange, program: &Program) -> Next {
    let Some(l) = x.loops.last() else {
        return Next::Go;
    };
    let (condition, loc, left) = (l.condition, l.loc, l.done < l.count);
    let again = if left {
        match x.eval_bool(program, condition) {
            Ok(b) => b,
            Err(f) => {
                leave(x);
                let msg = format!("Expression evaluation failed. {}", f.message);
                let e = LastError::at(
                    program,
                    "retry",
                    super::super::error::EXPRESSION_FAILURE,
                    msg,
                    x.section,
                    loc,
                );
                return Next::Error(e);
            }
        }
    } else {
        false
    };
    if !again {
        return match leave(x) {
            // The response for it is already set: `on-error` runs without resetting it.
            Some(e) => Next::Fail(e),
            None => Next::Go,
        };
    }
    let max_wait = x.ctx.sh.config.max_retry_wait;
    let Some(l) = x.loops.last_mut() else {
        return Next::Go;
    };
    let secs = if l.done == 0 && l.fast_first {
        0.0
    } else {
        let jitter = if l.schedule.jittered() { jitter() } else { 1.0 };
        l.schedule.seconds(l.done, jitter)
    };
    l.done += 1;
    l.failed = None;
    let frame = l.frame;
    if let Some(f) = x.frames.get_mut(frame) {
        f.pc = 0;
    }
    let wait = Duration::try_from_secs_f64(secs)
        .unwrap_or(max_wait)
        .min(max_wait);
    if wait.is_zero() {
        return Next::Go;
    }
    x.stage = Stage::Sleeping;
    Next::Effect(Step::Sleep(wait))
}

/// Pops the innermost loop and its frame; the error of its last run, if any.
fn leave(x: &mut Exchange) -> Option<LastError> {
    let l = x.loops.pop()?;
    x.frames.truncate(l.frame);
    l.failed
}

/// A multiplier drawn in `[0.8, 1.2)`: APIM's `random(0.8 * delta, 1.2 * delta)`.
fn jitter() -> f64 {
    use rand::Rng;
    rand::rng().random_range(0.8..1.2)
}

/// An error raised inside a running `retry` ends that run instead of going to `on-error`:
/// `Err(e)` gives it back when no `retry` is running in the current section.
pub(crate) fn catch(x: &mut Exchange, e: LastError) -> Result<(), LastError> {
    while let Some(l) = x.loops.last() {
        let live = x.frames.get(l.frame).is_some_and(|f| f.block == l.body);
        if live {
            break;
        }
        x.loops.pop();
    }
    let Some(l) = x.loops.last_mut() else {
        return Err(e);
    };
    x.frames.truncate(l.frame + 1);
    if let Some(f) = x.frames.get_mut(l.frame) {
        f.pc = usize::MAX;
    }
    x.ctx.last_error = Some(e.clone());
    l.failed = Some(e);
    x.stage = Stage::Running;
    Ok(())
}

/// Whether the top frame is the block of the innermost running `retry`.
pub(crate) fn is_loop_frame(x: &Exchange) -> bool {
    x.loops
        .last()
        .is_some_and(|l| l.frame + 1 == x.frames.len())
}

#[cfg(test)]
mod tests {
    use super::Schedule;

    /// APIM's worked example: interval 10 s, delta 10 s, max-interval 100 s gives about
    /// 10, 20, 40, 80 s and then 100 s for the remaining retries.
    #[test]
    fn the_exponential_schedule_reproduces_apims_example() {
        let s = Schedule::Exponential {
            interval: 10.0,
            delta: 10.0,
            max: 100.0,
        };
        let waits: Vec<f64> = (0..6).map(|n| s.seconds(n, 1.0)).collect();
        assert_eq!(waits, [10.0, 20.0, 40.0, 80.0, 100.0, 100.0]);
        // The jitter bounds: delta * 0.8 and delta * 1.2.
        assert_eq!(s.seconds(2, 0.8), 10.0 + 3.0 * 8.0);
        assert_eq!(s.seconds(2, 1.2), 10.0 + 3.0 * 12.0);
        assert_eq!(s.seconds(40, 0.8), 100.0);
    }

    #[test]
    fn the_linear_schedule_adds_delta_per_retry() {
        let s = Schedule::Linear {
            interval: 1.0,
            delta: 2.0,
        };
        let waits: Vec<f64> = (0..4).map(|n| s.seconds(n, 1.0)).collect();
        assert_eq!(waits, [1.0, 3.0, 5.0, 7.0]);
    }

    #[test]
    fn the_fixed_schedule_waits_the_interval() {
        let s = Schedule::Fixed { interval: 3.0 };
        assert!((0..50).all(|n| s.seconds(n, 1.0) == 3.0));
    }
}
