//! `mock-response`: an answer from the operation's declared examples.

use super::super::exchange::{Body, Exchange, Reply};
use super::super::headers::Headers;
use super::super::run::Next;
use crate::program::{MockResponse, Program};
use bytes::Bytes;
use http::header::{HeaderValue, CONTENT_TYPE};
use http::StatusCode;

/// `mock-response`: the operation's example with the status (and content type) asked for;
/// else the first example with that status; else the status with the first example.
pub(super) fn mock_response(x: &mut Exchange, program: &Program, m: &MockResponse) -> Next {
    let (status, content_type) = (m.status, m.content_type);
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
