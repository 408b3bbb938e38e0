//! The section's message for policies that rewrite a body: the request in `inbound` and
//! `backend`, the response in `outbound` and `on-error` (as `set-body` has it).

use super::super::exchange::{Body, Exchange};
use super::super::headers::Headers;

/// The body and headers of the message the current section works on.
pub(super) fn message(x: &mut Exchange) -> (&mut Body, &mut Headers) {
    if x.section < 2 {
        (&mut x.ctx.req.body, &mut x.ctx.req.headers)
    } else {
        (&mut x.ctx.resp.body, &mut x.ctx.resp.headers)
    }
}

/// Replaces the section's message body with `bytes` (its `Content-Length` is recomputed
/// when it is sent).
pub(super) fn replace_body(x: &mut Exchange, bytes: bytes::Bytes) {
    let (body, headers) = message(x);
    *body = Body::Held(bytes);
    headers.map_mut().remove(http::header::CONTENT_LENGTH);
}

/// The section's message body as held bytes: `None` when there is none (absent, or read
/// away by an expression without `preserveContent`).
pub(super) fn held_body(x: &mut Exchange) -> Option<bytes::Bytes> {
    match message(x).0 {
        Body::Held(b) => Some(b.clone()),
        Body::Stream | Body::Consumed | Body::Absent => None,
    }
}
