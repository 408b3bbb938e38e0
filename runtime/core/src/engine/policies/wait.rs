//! `wait`: runs each child (`send-request`, `choose`, …) as a fiber of its own frames; the
//! calls they make go to the driver together ([`Step::SendConcurrent`]), each fiber going
//! on when its answer comes. `for="all"` ends when every child is done; `for="any"` when the
//! first is, the calls still in flight then being dropped by the driver.

use super::super::error::LastError;
use super::super::exchange::{Exchange, Frame, Stage};
use super::super::run::{Flow, Next};
use super::super::{BackendFailure, BackendResponse, Step};
use super::send_request::{sent, Sending};
use crate::program::{Op, Program, Wait};
use bytes::Bytes;

/// The children of a running `wait`.
#[derive(Debug)]
pub(crate) struct Fibers {
    any: bool,
    /// Where the `wait` is written.
    loc: u32,
    fibers: Vec<Fiber>,
}

/// One child: its own frames and the call it waits for.
#[derive(Debug)]
struct Fiber {
    frames: Vec<Frame>,
    sending: Option<Sending>,
    state: State,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Ready,
    InFlight,
    Done,
}

/// `wait`: starts every child.
pub(super) fn wait(x: &mut Exchange, program: &Program, op: &Op, w: &Wait) -> Next {
    let any = match &w.mode {
        None => false,
        Some(a) => match x.arg_text(program, a) {
            Ok(t) if t.trim().eq_ignore_ascii_case("all") => false,
            Ok(t) if t.trim().eq_ignore_ascii_case("any") => true,
            Ok(t) => {
                let msg = format!("for '{t}' is not all or any");
                return Next::Error(x.error_at(program, op, "", msg));
            }
            Err(f) => return Next::Error(x.fault_at(program, op, &f)),
        },
    };
    if x.fibers.is_some() {
        let msg = "a wait cannot run inside another wait".to_string();
        return Next::Error(x.error_at(program, op, "", msg));
    }
    let fibers = w
        .branches
        .iter()
        .map(|&block| Fiber {
            frames: vec![Frame { block, pc: 0 }],
            sending: None,
            state: State::Ready,
        })
        .collect();
    x.fibers = Some(Box::new(Fibers {
        any,
        loc: op.loc,
        fibers,
    }));
    advance(x, program)
}

/// Runs every ready child up to its next call or its end.
fn advance(x: &mut Exchange, program: &Program) -> Next {
    let Some(mut fs) = x.fibers.take() else {
        return Next::Go;
    };
    let mut calls = Vec::new();
    for (i, f) in fs.fibers.iter_mut().enumerate() {
        if f.state != State::Ready {
            continue;
        }
        match run_fiber(x, f) {
            Flow::Done => {
                f.state = State::Done;
                if fs.any {
                    return Next::Go;
                }
            }
            Flow::Effect(Step::Send(req)) => {
                f.state = State::InFlight;
                calls.push((i as u32, req));
            }
            Flow::Effect(_) => {
                x.stage = Stage::Running;
                let msg = "a wait child asked for something other than a send-request call";
                let e = LastError::at(program, "wait", "", msg.to_string(), x.section, fs.loc);
                return Next::Error(e);
            }
            Flow::Stop => return Next::Stop,
            Flow::Error(e) => return Next::Error(e),
            Flow::Fail(e) => return Next::Fail(e),
        }
    }
    if fs.fibers.iter().all(|f| f.state == State::Done) {
        return Next::Go;
    }
    x.fibers = Some(fs);
    x.stage = Stage::Waiting;
    Next::Effect(Step::SendConcurrent(calls))
}

/// Runs `f` on the exchange's frames (the pipeline's own put aside meanwhile).
fn run_fiber(x: &mut Exchange, f: &mut Fiber) -> Flow {
    std::mem::swap(&mut x.frames, &mut f.frames);
    std::mem::swap(&mut x.sending, &mut f.sending);
    let loops = std::mem::take(&mut x.loops);
    let flow = x.run_frames();
    x.loops = loops;
    std::mem::swap(&mut x.frames, &mut f.frames);
    std::mem::swap(&mut x.sending, &mut f.sending);
    flow
}

/// The answer to child `tag`'s call: stored as `send-request` stores it, then the child
/// goes on. A failed call (without `ignore-error`) ends the `wait` with its error.
pub(crate) fn wait_sent(
    x: &mut Exchange,
    tag: u32,
    r: Result<(BackendResponse, Bytes), BackendFailure>,
) -> Next {
    let sh = x.ctx.sh.clone();
    let program = &*sh.program;
    let Some(mut fs) = x.fibers.take() else {
        return Next::Go;
    };
    let Some(f) = fs
        .fibers
        .get_mut(tag as usize)
        .filter(|f| f.state == State::InFlight)
    else {
        // Not a call this wait made: keep waiting for the others.
        x.fibers = Some(fs);
        return Next::Effect(Step::SendConcurrent(Vec::new()));
    };
    std::mem::swap(&mut x.sending, &mut f.sending);
    let failed = sent(x, r);
    std::mem::swap(&mut x.sending, &mut f.sending);
    x.stage = Stage::Running;
    if let Some(e) = failed {
        return Next::Error(e);
    }
    f.state = State::Ready;
    x.fibers = Some(fs);
    advance(x, program)
}
