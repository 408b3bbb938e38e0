//! `set-body`: the section's message body.

use super::super::exchange::{Body, Exchange};
use super::super::run::Next;
use crate::program::{Arg, Op, Program, SetBody};
use crate::value::Value;
use crate::vm::Obj;
use bytes::Bytes;

/// `set-body` on the section's message.
pub(super) fn set_body(x: &mut Exchange, program: &Program, op: &Op, s: &SetBody) -> Next {
    if let Some(l) = &s.liquid {
        return super::set_body_liquid::set_body_liquid(x, program, op, l);
    }
    let value = &s.value;
    let bytes = match value {
        Arg::Lit(s) => Bytes::from(program.str(*s).to_string()),
        Arg::Expr(c) => match x.eval(program, *c) {
            Ok(e) => {
                let b = match &e.value {
                    Value::Str(s) => Bytes::from(s.to_string()),
                    Value::Ref(r) => match e.heap.get(*r) {
                        Obj::Bytes(b) => Bytes::from(b.clone()),
                        _ => Bytes::from(e.text()),
                    },
                    _ => Bytes::from(e.text()),
                };
                x.done(e);
                b
            }
            Err(f) => return Next::Error(x.fault_at(program, op, &f)),
        },
    };
    let body = Body::Held(bytes);
    if x.section < 2 {
        x.ctx.req.body = body;
        x.ctx
            .req
            .headers
            .map_mut()
            .remove(http::header::CONTENT_LENGTH);
    } else {
        x.ctx.resp.body = body;
        x.ctx
            .resp
            .headers
            .map_mut()
            .remove(http::header::CONTENT_LENGTH);
    }
    Next::Go
}
