//! The block interpreter: runs policy operations frame by frame, suspending on effects.

use super::error::{LastError, EXPRESSION_FAILURE};
use super::exchange::{Exchange, Frame};
use super::Step;
use crate::program::Program;
use crate::program::{Arg, CodeId, Op};
use crate::value::Value;
use crate::vm::{self, Evaluated, Fault};
use std::sync::Arc;

/// How a run of frames ended.
#[derive(Debug)]
pub(crate) enum Flow {
    /// The section's block ran to its end.
    Done,
    /// A policy answered (`return-response`, `mock-response`).
    Stop,
    /// An effect the driver must perform.
    Effect(Step),
    /// An error: `on-error` runs after the gateway's own error response is set.
    Error(LastError),
    /// An error whose policy already set the response (`rate-limit-by-key`'s 429).
    Fail(LastError),
}

/// What one operation asks the interpreter to do next.
#[derive(Debug)]
pub(crate) enum Next {
    Go,
    Enter(u32),
    Stop,
    Effect(Step),
    Error(LastError),
    Fail(LastError),
}

impl Exchange {
    /// Runs operations until the section ends, a policy answers, or an effect is needed.
    pub(crate) fn run_frames(&mut self) -> Flow {
        let sh = self.ctx.sh.clone();
        let program = &*sh.program;
        loop {
            let Some(frame) = self.frames.last_mut() else {
                return Flow::Done;
            };
            let op = program
                .blocks
                .get(frame.block as usize)
                .and_then(|b| b.ops.get(frame.pc));
            let Some(op) = op else {
                if super::policies::is_loop_frame(self) {
                    match super::policies::retry_body_done(self, program) {
                        Next::Effect(step) => return Flow::Effect(step),
                        Next::Error(e) => return Flow::Error(e),
                        Next::Fail(e) => return Flow::Fail(e),
                        Next::Stop => return Flow::Stop,
                        Next::Go | Next::Enter(_) => continue,
                    }
                }
                self.frames.pop();
                continue;
            };
            frame.pc += 1;
            self.ops += 1;
            if let Some(p) = &mut self.probe {
                p.ran.push(op.loc);
            }
            if self.ops > sh.config.max_ops {
                let msg = format!("more than {} policy operations ran", sh.config.max_ops);
                return Flow::Error(self.error_at(program, op, "", msg));
            }
            match super::policies::exec(self, program, op) {
                Next::Go => {}
                Next::Enter(block) => {
                    if self.frames.len() as u32 >= sh.config.max_call_depth {
                        let msg = format!("blocks nest deeper than {}", sh.config.max_call_depth);
                        return Flow::Error(self.error_at(program, op, "", msg));
                    }
                    self.frames.push(Frame { block, pc: 0 });
                    if let Some(p) = &mut self.probe {
                        p.entered.push((p.ran.len() as u32, block));
                    }
                }
                Next::Stop => return Flow::Stop,
                Next::Effect(step) => return Flow::Effect(step),
                Next::Error(e) => return Flow::Error(e),
                Next::Fail(e) => return Flow::Fail(e),
            }
        }
    }

    /// An error of `op` in the current section.
    pub(crate) fn error_at(
        &self,
        program: &Program,
        op: &Op,
        reason: &str,
        message: String,
    ) -> LastError {
        LastError::at(
            program,
            op.kind.policy_name(),
            reason,
            message,
            self.section,
            op.loc,
        )
    }

    /// `ExpressionValueEvaluationFailure` of `op`.
    pub(crate) fn fault_at(&self, program: &Program, op: &Op, f: &Fault) -> LastError {
        let msg = format!("Expression evaluation failed. {}", f.message);
        self.error_at(program, op, EXPRESSION_FAILURE, msg)
    }

    /// Evaluates expression `code`; the caller reads the result and gives it back with
    /// [`Exchange::done`].
    pub(crate) fn eval(&mut self, program: &Program, code: CodeId) -> Result<Evaluated, Fault> {
        let Some(entry) = program.code(code) else {
            return Err(Fault::unsupported("a missing expression"));
        };
        let limits = &self.ctx.sh.config.vm;
        let limits = limits.clone();
        // The exchange's own budget bounds what all its evaluations allocate together.
        let budget = vm::budget::Budget::enter(self.bytes_left);
        let r = vm::eval_keeping(
            &entry.code,
            &mut self.ctx,
            &limits,
            &mut self.scratch,
            self.keep,
        );
        self.bytes_left = self.bytes_left.saturating_sub(budget.used());
        r
    }

    /// Returns an evaluation's heap, keeping its objects when variables may point into it.
    pub(crate) fn done(&mut self, e: Evaluated) {
        if self.keep_all {
            self.keep = e.heap.len();
        }
        self.scratch.recycle(e);
    }

    /// Expression `code` as text (`ToString()`; empty for null).
    pub(crate) fn eval_text(&mut self, program: &Program, code: CodeId) -> Result<Arc<str>, Fault> {
        let e = self.eval(program, code)?;
        let text = match &e.value {
            Value::Str(s) => s.clone(),
            _ => e.text().into(),
        };
        self.done(e);
        Ok(text)
    }

    /// An argument as text.
    pub(crate) fn arg_text(&mut self, program: &Program, a: &Arg) -> Result<Arc<str>, Fault> {
        match a {
            Arg::Lit(s) => Ok(program
                .strings
                .get(*s as usize)
                .cloned()
                .unwrap_or_default()),
            Arg::Expr(c) => self.eval_text(program, *c),
        }
    }

    /// A condition's value (`true` only for `true`).
    pub(crate) fn eval_bool(&mut self, program: &Program, code: CodeId) -> Result<bool, Fault> {
        let e = self.eval(program, code)?;
        let b = matches!(e.value, Value::Bool(true));
        self.done(e);
        Ok(b)
    }

    /// An argument as an integer (literal text parsed, expression values converted).
    pub(crate) fn arg_int(&mut self, program: &Program, a: &Arg) -> Result<i64, Fault> {
        if let Arg::Expr(c) = a {
            let e = self.eval(program, *c)?;
            let n = e
                .value
                .as_i128()
                .or_else(|| e.value.as_f64().map(|f| f as i128));
            if let Some(n) = n {
                self.done(e);
                return i64::try_from(n).map_err(|_| Fault::unsupported("an out-of-range number"));
            }
            let text = e.text();
            self.done(e);
            return parse_int(&text);
        }
        parse_int(&self.arg_text(program, a)?)
    }
}

fn parse_int(s: &str) -> Result<i64, Fault> {
    s.trim().parse::<i64>().map_err(|_| {
        Fault::new(
            vm::FaultKind::Format,
            format!("'{s}' is not a valid integer"),
        )
    })
}
