//! `check-header`: fails with the configured status when the request lacks the header, or
//! carries none of the allowed values.

use super::super::error;
use super::super::exchange::{Body, Exchange, Reply};
use super::super::headers::Headers;
use super::super::run::Next;
use crate::program::{CheckHeader, Op, Program};
use crate::vm::Fault;
use http::StatusCode;
use std::sync::Arc;

/// What the check found wrong: APIM's reason.
const NOT_FOUND: &str = "HeaderNotFound";
const NOT_ALLOWED: &str = "HeaderValueNotAllowed";

/// Checks the request's header.
pub(super) fn check_header(x: &mut Exchange, program: &Program, op: &Op, c: &CheckHeader) -> Next {
    match verdict(x, program, c) {
        Ok(None) => Next::Go,
        Ok(Some(reason)) => fail(x, program, op, c, reason),
        Err(f) => Next::Error(x.fault_at(program, op, &f)),
    }
}

/// `None` when the request passes, else APIM's reason.
fn verdict(
    x: &mut Exchange,
    program: &Program,
    c: &CheckHeader,
) -> Result<Option<&'static str>, Fault> {
    let name = x.arg_text(program, &c.name)?;
    let Some(present) = x.ctx.req.headers.values(&name).map(<[Arc<str>]>::to_vec) else {
        return Ok(Some(NOT_FOUND));
    };
    if c.values.is_empty() {
        return Ok(None);
    }
    let ignore_case = x
        .arg_text(program, &c.ignore_case)?
        .trim()
        .eq_ignore_ascii_case("true");
    let mut allowed = Vec::with_capacity(c.values.len());
    for v in &c.values {
        allowed.push(x.arg_text(program, v)?);
    }
    let same = |a: &str, b: &str| {
        if ignore_case {
            a.eq_ignore_ascii_case(b) || a.to_lowercase() == b.to_lowercase()
        } else {
            a == b
        }
    };
    // Each occurrence of the header is one value; a comma-folded list also matches by
    // any of its items.
    let matches = present.iter().any(|p| {
        let whole = p.trim();
        allowed.iter().any(|a| same(whole, a))
            || (whole.contains(',')
                && whole
                    .split(',')
                    .any(|item| allowed.iter().any(|a| same(item.trim(), a))))
    });
    Ok((!matches).then_some(NOT_ALLOWED))
}

/// Answers the configured status and message, and runs `on-error`.
fn fail(x: &mut Exchange, program: &Program, op: &Op, c: &CheckHeader, reason: &str) -> Next {
    let answer = (|| {
        let code = x.arg_int(program, &c.failed_check_httpcode)?;
        let status = u16::try_from(code)
            .ok()
            .and_then(|c| StatusCode::from_u16(c).ok())
            .filter(|s| s.as_u16() >= 100)
            .ok_or_else(|| Fault::unsupported(format!("'{code}' as a status code")))?;
        let message = x.arg_text(program, &c.failed_check_error_message)?;
        Ok::<_, Fault>((status, message))
    })();
    let (status, message) = match answer {
        Ok(a) => a,
        Err(f) => return Next::Error(x.fault_at(program, op, &f)),
    };
    x.ctx.resp = Reply {
        status,
        reason: None,
        headers: Headers::new(error::json_headers()),
        body: Body::Held(error::json_body(status, &message)),
    };
    Next::Fail(x.error_at(program, op, reason, message.to_string()))
}
