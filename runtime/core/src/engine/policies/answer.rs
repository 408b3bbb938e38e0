//! Policies that answer or record: `return-response`, `mock-response` and `trace`.

use super::super::exchange::{Body, Exchange, Reply, Trace};
use super::super::headers::Headers;
use super::super::run::Next;
use crate::program::Program;
use crate::program::{Arg, Op, ReturnResponse, Severity, StrId};
use bytes::Bytes;
use http::header::{HeaderValue, CONTENT_TYPE};
use http::StatusCode;
use std::sync::Arc;

/// `return-response`: builds a new response (default `200 OK`, no body) and stops.
pub(super) fn return_response(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    r: &ReturnResponse,
) -> Next {
    if let Some(var) = r.variable {
        // No executed policy stores a response object (`send-request` is not run), so a
        // response variable can only be missing or hold something else.
        let msg = format!(
            "variable '{}' does not hold a response object",
            program.str(var)
        );
        return Next::Error(x.error_at(program, op, "", msg));
    }
    let mut reply = Reply {
        status: StatusCode::OK,
        reason: None,
        headers: Headers::default(),
        body: Body::Absent,
    };
    if let Some((code, reason)) = &r.status {
        let n = match x.arg_int(program, code) {
            Ok(n) => n,
            Err(f) => return Next::Error(x.fault_at(program, op, &f)),
        };
        let Some(status) = u16::try_from(n)
            .ok()
            .and_then(|n| StatusCode::from_u16(n).ok())
        else {
            let msg = format!("{n} is not a valid status code");
            return Next::Error(x.error_at(program, op, "", msg));
        };
        reply.status = status;
        reply.reason = match reason {
            Some(a) => match x.arg_text(program, a) {
                Ok(t) => Some(t),
                Err(f) => return Next::Error(x.fault_at(program, op, &f)),
            },
            None => None,
        };
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

/// `mock-response`: the operation's example with the status (and content type) asked for;
/// else the first example with that status; else the status with the first example.
pub(super) fn mock_response(
    x: &mut Exchange,
    program: &Program,
    status: u16,
    content_type: Option<StrId>,
) -> Next {
    let op = x
        .ctx
        .api
        .zip(x.ctx.op)
        .and_then(|(a, o)| program.apis.get(a as usize)?.operations.get(o as usize));
    let examples = op.map_or(&[][..], |o| &o.examples);
    let want_ct = content_type.map(|c| program.str(c));
    let ct_ok = |e: &crate::program::MockExample| match want_ct {
        None => true,
        Some(w) => e
            .content_type
            .is_some_and(|c| program.str(c).eq_ignore_ascii_case(w)),
    };
    let pick = examples
        .iter()
        .find(|e| e.status == status && ct_ok(e))
        .or_else(|| examples.iter().find(|e| e.status == status))
        .or_else(|| examples.iter().find(|e| ct_ok(e)))
        .or_else(|| examples.first());
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let mut reply = Reply {
        status,
        reason: None,
        headers: Headers::default(),
        body: Body::Absent,
    };
    if let Some(e) = pick {
        let ct = e.content_type.map(|c| program.str(c)).or(want_ct);
        if let Some(v) = ct.and_then(|c| HeaderValue::from_str(c).ok()) {
            reply.headers.map_mut().insert(CONTENT_TYPE, v);
        }
        if let Some(b) = e.body {
            reply.body = Body::Held(Bytes::from(program.str(b).to_string()));
        }
    }
    x.ctx.resp = reply;
    Next::Stop
}

/// `trace`: records source, severity, message and metadata on the exchange.
pub(super) fn trace(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    source: &Arg,
    severity: Severity,
    message: &Arg,
    metadata: &[(StrId, Arg)],
) -> Next {
    let text = |a: &Arg, x: &mut Exchange| x.arg_text(program, a);
    let parts = (|| {
        let source = text(source, x)?;
        let message = text(message, x)?;
        let mut meta: Vec<(Arc<str>, Arc<str>)> = Vec::with_capacity(metadata.len());
        for (k, v) in metadata {
            let name = program
                .strings
                .get(*k as usize)
                .cloned()
                .unwrap_or_default();
            meta.push((name, text(v, x)?));
        }
        Ok::<_, crate::vm::Fault>((source, message, meta))
    })();
    match parts {
        Ok((source, message, metadata)) => {
            x.ctx.traces.push(Trace {
                source,
                severity,
                message,
                metadata,
            });
            Next::Go
        }
        Err(f) => Next::Error(x.fault_at(program, op, &f)),
    }
}
