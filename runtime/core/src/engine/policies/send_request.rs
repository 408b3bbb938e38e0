//! `send-request`: the [`Step::Send`] effect (after [`Step::Token`] when it has an
//! `authentication-managed-identity` child), and its answer stored as an `IResponse`.

use super::super::error::LastError;
use super::super::exchange::{Body, Exchange, Reply, Stage};
use super::super::headers::{strip_fixed_hop_by_hop, strip_hop_by_hop, Headers};
use super::super::run::Next;
use super::super::{BackendFailure, BackendRequest, BackendResponse, Step, Target};
use crate::program::{HttpVersion, Op, Program, SendRequest};
use crate::value::{HostObj, Msg, Slot, Value};
use bytes::Bytes;
use http::Method;
use std::sync::Arc;
use std::time::Duration;

/// The `send-request` waiting for its answer.
#[derive(Debug)]
pub(crate) struct Sending {
    variable: Arc<str>,
    ignore_error: bool,
    loc: u32,
}

/// `send-request`: builds the call (from scratch, or from the current request with
/// `mode="copy"`) and asks the driver to send it.
pub(super) fn send_request(x: &mut Exchange, program: &Program, op: &Op, s: &SendRequest) -> Next {
    match build(x, program, op, s) {
        Ok(req) => {
            x.sending = Some(Sending {
                variable: program
                    .strings
                    .get(s.variable as usize)
                    .cloned()
                    .unwrap_or_default(),
                ignore_error: s.ignore_error,
                loc: op.loc,
            });
            x.stage = Stage::Sending;
            match &s.identity {
                // The call waits for its token first.
                Some(a) => match super::authentication_managed_identity::ask_for_send(
                    x, program, op, a, req,
                ) {
                    Ok(step) => Next::Effect(step),
                    Err(e) => {
                        x.sending = None;
                        x.stage = Stage::Running;
                        Next::Error(e)
                    }
                },
                None => Next::Effect(Step::Send(req)),
            }
        }
        // A call that cannot be built (a faulting expression, no URL) is an error even
        // with `ignore-error`, which covers the call itself.
        Err(e) => Next::Error(e),
    }
}

type Built = Result<BackendRequest, LastError>;

/// The call `s` describes, built for the current request.
pub(super) fn build(x: &mut Exchange, program: &Program, op: &Op, s: &SendRequest) -> Built {
    let text = |x: &mut Exchange, a| {
        x.arg_text(program, a)
            .map_err(|f| x.fault_at(program, op, &f))
    };
    let copy = match &s.mode {
        None => false,
        Some(a) => match &*text(x, a)? {
            m if m.eq_ignore_ascii_case("new") => false,
            m if m.eq_ignore_ascii_case("copy") => true,
            m => return Err(x.error_at(program, op, "", format!("'{m}' is not a valid mode"))),
        },
    };
    let (mut method, mut url, mut headers, mut body) = if copy {
        let r = &x.ctx.req;
        // In outbound the request body is gone (APIM copies it only before the backend).
        let body = match &r.body {
            Body::Held(b) if x.section != 2 => b.clone(),
            _ => Bytes::new(),
        };
        let url = Some(x.ctx.current_url().text());
        (
            r.method.clone(),
            url,
            Headers::new(r.headers.map().clone()),
            body,
        )
    } else {
        (Method::GET, None, Headers::default(), Bytes::new())
    };
    if let Some(a) = &s.url {
        url = Some(text(x, a)?.to_string());
    }
    if let Some(a) = &s.method {
        let m = text(x, a)?;
        method = Method::from_bytes(m.trim().as_bytes())
            .map_err(|_| x.error_at(program, op, "", format!("'{m}' is not a valid method")))?;
    }
    for h in &s.headers {
        let name = text(x, &h.name)?;
        let mut values = Vec::with_capacity(h.values.len());
        for v in &h.values {
            values.push(text(x, v)?);
        }
        headers
            .apply(&name, h.action, &values)
            .map_err(|e| x.error_at(program, op, "", e.0))?;
    }
    if let Some(a) = &s.body {
        body = Bytes::from(text(x, a)?.to_string());
    }
    let secs = match &s.timeout {
        None => SendRequest::DEFAULT_TIMEOUT_SECS,
        Some(a) => x
            .arg_int(program, a)
            .map_err(|f| x.fault_at(program, op, &f))?,
    };
    if !(1..=i64::from(u32::MAX)).contains(&secs) {
        return Err(x.error_at(program, op, "", format!("{secs} is not a valid timeout")));
    }
    let Some(url) = url.filter(|u| !u.trim().is_empty()) else {
        let msg = "send-request has no URL (set-url is required unless mode=\"copy\")";
        return Err(x.error_at(program, op, "", msg.to_string()));
    };
    let certificate = match &s.certificate {
        Some(a) => Some(super::certificate_ref(x, program, op, a)?),
        None => None,
    };
    let mut headers = headers.take();
    strip_fixed_hop_by_hop(&mut headers);
    headers.remove(http::header::CONTENT_LENGTH);
    Ok(BackendRequest {
        target: Target::Url(url.trim().to_string()),
        path_and_query: String::new(),
        method,
        headers,
        body: Some(body),
        timeout: Duration::from_secs(secs as u64),
        follow_redirects: false,
        http_version: HttpVersion::Http1,
        buffer_response: true,
        certificate,
    })
}

/// The driver's answer to [`Step::Send`]: the response stored in the variable, or the
/// failure (`null` with `ignore-error`, else the error `on-error` runs with).
pub(crate) fn sent(
    x: &mut Exchange,
    r: Result<(BackendResponse, Bytes), BackendFailure>,
) -> Option<LastError> {
    x.stage = Stage::Running;
    let s = x.sending.take()?;
    let failure = match r {
        Ok((head, body)) => match store(x, head, body) {
            Ok(v) => {
                set_variable(x, s.variable, v);
                return None;
            }
            Err(f) => f,
        },
        Err(f) => f,
    };
    if s.ignore_error {
        set_variable(x, s.variable, Value::Null);
        return None;
    }
    let program = &x.ctx.sh.program;
    Some(LastError::at(
        program,
        "send-request",
        failure.reason,
        failure.message,
        x.section,
        s.loc,
    ))
}

/// Keeps the response for expressions; its body counts against the exchange's budget.
fn store(
    x: &mut Exchange,
    mut head: BackendResponse,
    body: Bytes,
) -> Result<Value, BackendFailure> {
    let too_large = |what: &str| BackendFailure {
        reason: "BackendConnectionFailure",
        message: format!("The send-request response is too large: {what}."),
        retry_after: None,
        status: None,
    };
    if body.len() > x.ctx.sh.config.max_body {
        return Err(too_large("its body is past the body limit"));
    }
    // At most `Slot::COUNT` responses per exchange; their bodies also count against the
    // exchange's memory budget.
    let Some(slot) = Slot::new(x.ctx.stored.len()) else {
        return Err(too_large("the exchange stored too many responses"));
    };
    x.bytes_left = x
        .bytes_left
        .checked_sub(body.len())
        .ok_or_else(|| too_large("the exchange's memory budget is spent"))?;
    strip_hop_by_hop(&mut head.headers);
    x.ctx.stored.push(Reply {
        status: head.status,
        reason: None,
        headers: Headers::new(head.headers),
        body: Body::Held(body),
    });
    Ok(Value::Host(HostObj::Message(Msg::Stored(slot))))
}

fn set_variable(x: &mut Exchange, name: Arc<str>, v: Value) {
    match x.ctx.vars.iter_mut().find(|(k, _)| *k == name) {
        Some((_, slot)) => *slot = v,
        None => x.ctx.vars.push((name, v)),
    }
}
