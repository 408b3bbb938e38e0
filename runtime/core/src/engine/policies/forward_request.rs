//! `forward-request`: the effect that sends the request to its backend.

use super::super::error::LastError;
use super::super::exchange::{Body, Exchange, Stage};
use super::super::headers::strip_fixed_hop_by_hop;
use super::super::run::Next;
use super::super::{BackendRequest, Step, Target};
use crate::program::Program;
use crate::program::{ForwardAttr, ForwardRequest, HttpVersion, Op};
use bytes::Bytes;
use std::time::Duration;

/// `forward-request`: the [`Step::Forward`] effect. The target is the one
/// `set-backend-service` chose, else the API's service URL.
pub(super) fn forward_request(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    f: &ForwardRequest,
) -> Next {
    let settings = match settings(x, program, op, f) {
        Ok(s) => s,
        Err(e) => return Next::Error(e),
    };
    let target = match &x.ctx.req.target {
        Some(t) => t.clone(),
        None if !x.ctx.req.base.is_empty() => Target::Url(x.ctx.req.base.to_string()),
        None => {
            let msg = "The API declares no service URL and no backend was set.".to_string();
            return Next::Error(x.error_at(program, op, "BackendConnectionFailure", msg));
        }
    };
    let mut headers = if x.needs.move_headers {
        // Nothing reads them after this: move instead of copying every name and value.
        x.ctx.req.headers.take()
    } else {
        x.ctx.req.headers.map().clone()
    };
    // The headers the client's `Connection` named went when the request was received;
    // what policies set since is forwarded.
    strip_fixed_hop_by_hop(&mut headers);
    append_forwarded_for(&mut headers, x.ctx.req.ip);
    let body = match &x.ctx.req.body {
        Body::Stream => None,
        Body::Held(b) => Some(b.clone()),
        Body::Consumed | Body::Absent => Some(Bytes::new()),
    };
    if body.is_some() {
        headers.remove(http::header::CONTENT_LENGTH);
    }
    let query = x.ctx.req.query_text();
    let mut path_and_query = String::with_capacity(x.ctx.req.path.len() + query.len());
    path_and_query.push_str(&x.ctx.req.path);
    path_and_query.push_str(&query);
    x.forwarded = true;
    x.forward_loc = Some(op.loc);
    x.stage = Stage::Backend {
        fail_on_error: f.fail_on_error_status_code,
    };
    let Settings {
        timeout_ms,
        follow_redirects,
        http_version,
    } = settings;
    Next::Effect(Step::Forward(BackendRequest {
        target,
        path_and_query,
        method: x.ctx.req.method.clone(),
        headers,
        body,
        timeout: Duration::from_millis(timeout_ms),
        follow_redirects,
        http_version,
        buffer_response: f.buffer_response || x.needs.response,
        certificate: x.ctx.req.backend_certificate.clone(),
    }))
}

/// Appends the client's address to `X-Forwarded-For`, as APIM does (the lines a client
/// sent are joined first; `Forwarded` is passed on as it is).
fn append_forwarded_for(headers: &mut http::HeaderMap, ip: std::net::IpAddr) {
    const XFF: &str = "x-forwarded-for";
    let mut value = String::new();
    for v in headers.get_all(XFF) {
        let Ok(v) = v.to_str() else { continue };
        let v = v.trim();
        if !v.is_empty() {
            value.push_str(v);
            value.push_str(", ");
        }
    }
    use std::fmt::Write;
    let _ = write!(value, "{ip}");
    if let Ok(v) = http::HeaderValue::from_str(&value) {
        headers.insert(http::header::HeaderName::from_static(XFF), v);
    }
}

/// The `LastError` of a failed backend call (`reason` from the driver).
pub(crate) fn forward_error(x: &Exchange, reason: &str, message: &str) -> LastError {
    let program = &x.ctx.sh.program;
    match x.forward_loc {
        Some(loc) => LastError::at(
            program,
            "forward-request",
            reason,
            message.to_string(),
            x.section,
            loc,
        ),
        None => LastError::step("forward-request", reason, message, "backend"),
    }
}

/// The attributes of one call, expressions evaluated.
struct Settings {
    timeout_ms: u64,
    follow_redirects: bool,
    http_version: HttpVersion,
}

/// `f`'s literal attributes, overridden by those given as expressions (evaluated now, in
/// the order written). `buffer-request-body` needs no value here: the body is kept
/// whenever an expression gives it (`engine/scan.rs`).
fn settings(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    f: &ForwardRequest,
) -> Result<Settings, LastError> {
    let mut s = Settings {
        timeout_ms: f.timeout_ms,
        follow_redirects: f.follow_redirects,
        http_version: f.http_version,
    };
    for (attr, code) in &f.exprs {
        let text = x
            .eval_text(program, *code)
            .map_err(|e| x.fault_at(program, op, &e))?;
        let t = text.trim();
        let bad = |x: &Exchange, what: &str| {
            let msg = format!("{} '{t}' is not {what}", attr.name());
            x.error_at(program, op, "", msg)
        };
        match attr {
            ForwardAttr::Timeout | ForwardAttr::TimeoutMs => {
                let n: u64 = t
                    .parse()
                    .map_err(|_| bad(x, "a whole number, at least 0"))?;
                s.timeout_ms = match attr {
                    ForwardAttr::Timeout => n.saturating_mul(1000),
                    _ => n,
                };
            }
            ForwardAttr::FollowRedirects => {
                s.follow_redirects = match t.to_ascii_lowercase().as_str() {
                    "true" => true,
                    "false" => false,
                    _ => return Err(bad(x, "true or false")),
                }
            }
            ForwardAttr::BufferRequestBody => match t.to_ascii_lowercase().as_str() {
                "true" | "false" => {}
                _ => return Err(bad(x, "true or false")),
            },
            ForwardAttr::HttpVersion => {
                s.http_version = match t {
                    "1" => HttpVersion::Http1,
                    "2" => HttpVersion::Http2,
                    "2or1" => HttpVersion::Http2Or1,
                    _ => return Err(bad(x, "1, 2 or 2or1")),
                }
            }
        }
    }
    Ok(s)
}
