//! `set-status`: the response's status code and reason phrase.

use super::super::exchange::Exchange;
use super::super::run::Next;
use crate::program::{Op, Program, SetStatus};
use http::StatusCode;

/// `set-status` on the response.
pub(super) fn set_status(x: &mut Exchange, program: &Program, op: &Op, s: &SetStatus) -> Next {
    let (code, reason) = (&s.code, &s.reason);
    let n = match x.arg_int(program, code) {
        Ok(n) => n,
        Err(f) => return Next::Error(x.fault_at(program, op, &f)),
    };
    let Some(status) = u16::try_from(n)
        .ok()
        .and_then(|n| StatusCode::from_u16(n).ok())
    else {
        return Next::Error(x.error_at(program, op, "", format!("{n} is not a valid status code")));
    };
    let reason = match reason {
        Some(r) => match x.arg_text(program, r) {
            Ok(t) => Some(t),
            Err(f) => return Next::Error(x.fault_at(program, op, &f)),
        },
        None => None,
    };
    x.ctx.resp.status = status;
    x.ctx.resp.reason = reason;
    Next::Go
}
