//! `set-method`: the request's method.

use super::super::exchange::Exchange;
use super::super::run::Next;
use crate::program::{Op, Program, SetMethod};
use http::Method;

/// `set-method`.
pub(super) fn set_method(x: &mut Exchange, program: &Program, op: &Op, m: &SetMethod) -> Next {
    let a = &m.0;
    let text = match x.arg_text(program, a) {
        Ok(t) => t,
        Err(f) => return Next::Error(x.fault_at(program, op, &f)),
    };
    match Method::from_bytes(text.trim().to_ascii_uppercase().as_bytes()) {
        Ok(m) => {
            x.ctx.req.method = m;
            Next::Go
        }
        Err(_) => {
            Next::Error(x.error_at(program, op, "", format!("'{text}' is not a valid method")))
        }
    }
}
