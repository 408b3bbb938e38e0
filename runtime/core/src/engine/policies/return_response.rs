//! `return-response`: a new response, and the pipeline stops.

use super::super::exchange::{Body, Exchange, Reply};
use super::super::headers::Headers;
use super::super::run::Next;
use crate::program::Program;
use crate::program::{Op, ReturnResponse};
use crate::value::{HostObj, Msg, Value};
use bytes::Bytes;
use http::StatusCode;

/// `return-response`: builds a new response (default `200 OK`, no body) and stops.
pub(super) fn return_response(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    r: &ReturnResponse,
) -> Next {
    let mut reply = Reply {
        status: StatusCode::OK,
        reason: None,
        headers: Headers::default(),
        body: Body::Absent,
    };
    if let Some(var) = r.variable {
        // A response `send-request` stored is the starting point (its body as it is now:
        // gone if an expression read it without `preserveContent`).
        let name = program.str(var);
        let stored = match x.ctx.vars.iter().find(|(k, _)| &**k == name) {
            Some((_, Value::Host(HostObj::Message(Msg::Stored(i))))) => x.ctx.stored.get(i.index()),
            _ => None,
        };
        let Some(s) = stored else {
            let msg = format!("variable '{name}' does not hold a response object");
            return Next::Error(x.error_at(program, op, "", msg));
        };
        reply.status = s.status;
        reply.reason = s.reason.clone();
        reply.headers = Headers::new(s.headers.map().clone());
        reply.body = s.body.clone();
    }
    if let Some((code, reason)) = &r.status {
        match super::set_status::status(x, program, op, code, reason.as_ref()) {
            Ok((status, reason)) => {
                reply.status = status;
                reply.reason = reason;
            }
            Err(next) => return *next,
        }
    }
    for h in &r.headers {
        let name = match x.arg_text(program, &h.name) {
            Ok(n) => n,
            Err(f) => return Next::Error(x.fault_at(program, op, &f)),
        };
        let mut values = Vec::with_capacity(h.values.len());
        for v in &h.values {
            match x.arg_text(program, v) {
                Ok(t) => values.push(t),
                Err(f) => return Next::Error(x.fault_at(program, op, &f)),
            }
        }
        if let Err(e) = reply.headers.apply(&name, h.action, &values) {
            return Next::Error(x.error_at(program, op, "", e.0));
        }
    }
    if let Some(body) = &r.body {
        match x.arg_text(program, body) {
            Ok(t) => reply.body = Body::Held(Bytes::from(t.to_string())),
            Err(f) => return Next::Error(x.fault_at(program, op, &f)),
        }
    }
    x.ctx.resp = reply;
    Next::Stop
}
