//! `set-status`: the response's status code and reason phrase.

use super::super::exchange::Exchange;
use super::super::run::Next;
use crate::program::{Arg, Op, Program, SetStatus};
use http::StatusCode;
use std::sync::Arc;

/// `set-status` on the response.
pub(super) fn set_status(x: &mut Exchange, program: &Program, op: &Op, s: &SetStatus) -> Next {
    match status(x, program, op, &s.code, s.reason.as_ref()) {
        Ok((status, reason)) => {
            x.ctx.resp.status = status;
            x.ctx.resp.reason = reason;
            Next::Go
        }
        Err(next) => *next,
    }
}

/// A status code and reason phrase evaluated (also for `return-response`'s `set-status`).
pub(super) fn status(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    code: &Arg,
    reason: Option<&Arg>,
) -> Result<(StatusCode, Option<Arc<str>>), Box<Next>> {
    let n = x
        .arg_int(program, code)
        .map_err(|f| Box::new(Next::Error(x.fault_at(program, op, &f))))?;
    let Some(status) = u16::try_from(n)
        .ok()
        .and_then(|n| StatusCode::from_u16(n).ok())
    else {
        let msg = format!("{n} is not a valid status code");
        return Err(Box::new(Next::Error(x.error_at(program, op, "", msg))));
    };
    let reason = match reason {
        Some(r) => Some(
            x.arg_text(program, r)
                .map_err(|f| Box::new(Next::Error(x.fault_at(program, op, &f))))?,
        ),
        None => None,
    };
    Ok((status, reason))
}
