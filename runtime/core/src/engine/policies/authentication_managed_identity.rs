//! `authentication-managed-identity`: asks the driver for a token ([`Step::Token`]) and puts
//! it in the request's `Authorization: Bearer` header, a variable, or a `send-request` call.
//!
//! The token is never part of a message: a failure says which resource and identity were
//! asked for and why the provider refused, not what it answered.

use super::super::error::LastError;
use super::super::exchange::{Exchange, Stage};
use super::super::run::Next;
use super::super::{AccessToken, BackendRequest, Step, TokenFailure, TokenRequest};
use crate::program::{AuthenticationManagedIdentity, Op, Program};
use http::header::{HeaderValue, AUTHORIZATION};
use std::sync::Arc;

/// The policy's source in `context.LastError`.
pub(crate) const SOURCE: &str = "authentication-managed-identity";

/// Where an obtained token goes.
#[derive(Debug)]
enum Into {
    /// The request's `Authorization` header.
    Request,
    /// A variable (`output-token-variable-name`).
    Variable(Arc<str>),
    /// The `send-request` call waiting for it (its header, or a variable).
    Send(Box<BackendRequest>, Option<Arc<str>>),
}

/// A policy waiting for its token.
#[derive(Debug)]
pub(crate) struct Identifying {
    into: Into,
    ignore_error: bool,
    loc: u32,
}

/// What the engine does after the driver's answer.
pub(crate) enum Identified {
    /// Go on with the pipeline.
    Go,
    /// Send the `send-request` call, now with its token.
    Send(BackendRequest),
    /// The token could not be obtained: `on-error` runs with this.
    Error(LastError),
    /// The `send-request` call fails with this (its own `ignore-error` applies).
    SendFailed(super::super::BackendFailure),
}

/// The policy: evaluates `resource` and `ignore-error`, then asks for the token.
pub(super) fn authentication_managed_identity(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    a: &AuthenticationManagedIdentity,
) -> Next {
    let into = match a.output_variable {
        Some(v) => Into::Variable(program.strings.get(v as usize).cloned().unwrap_or_default()),
        None => Into::Request,
    };
    match ask(x, program, op, a, into) {
        Ok(step) => Next::Effect(step),
        Err(e) => Next::Error(e),
    }
}

/// `send-request`'s child: the call is built; it waits for the token.
pub(crate) fn ask_for_send(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    a: &AuthenticationManagedIdentity,
    req: BackendRequest,
) -> Result<Step, LastError> {
    let variable = a
        .output_variable
        .map(|v| program.strings.get(v as usize).cloned().unwrap_or_default());
    ask(x, program, op, a, Into::Send(Box::new(req), variable))
}

fn ask(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    a: &AuthenticationManagedIdentity,
    into: Into,
) -> Result<Step, LastError> {
    let at = |x: &Exchange, message: String| {
        LastError::at(program, SOURCE, "", message, x.section, op.loc)
    };
    let resource = x
        .arg_text(program, &a.resource)
        .map_err(|f| x.fault_at(program, op, &f))?;
    let ignore_error = match &a.ignore_error {
        None => false,
        Some(arg) => {
            let t = x
                .arg_text(program, arg)
                .map_err(|f| x.fault_at(program, op, &f))?;
            match t.trim() {
                t if t.eq_ignore_ascii_case("true") => true,
                t if t.eq_ignore_ascii_case("false") => false,
                t => return Err(at(x, format!("'{t}' is not a valid ignore-error value"))),
            }
        }
    };
    let resource = resource.trim();
    if resource.is_empty() {
        return Err(at(x, "The resource is empty.".to_string()));
    }
    let client_id = a.client_id.map(|c| program.str(c).trim().to_string());
    x.identifying = Some(Identifying {
        into,
        ignore_error,
        loc: op.loc,
    });
    x.stage = Stage::Token;
    Ok(Step::Token(TokenRequest {
        resource: resource.to_string(),
        client_id: client_id.filter(|c| !c.is_empty()),
    }))
}

/// The driver's answer to [`Step::Token`].
pub(crate) fn identified(x: &mut Exchange, r: Result<AccessToken, TokenFailure>) -> Identified {
    x.stage = Stage::Running;
    let Some(w) = x.identifying.take() else {
        return Identified::Go;
    };
    // A token no header can carry is a failure too.
    let r = r.and_then(|t| match bearer(&t) {
        Some(_) => Ok(t),
        None => Err(TokenFailure {
            message: "the token provider's token is not a valid header value".to_string(),
        }),
    });
    let token = match r {
        Ok(t) => Some(t),
        Err(_) if w.ignore_error => None,
        Err(f) => {
            let message = format!("Unable to obtain an access token: {}", f.message);
            return match w.into {
                Into::Send(..) => Identified::SendFailed(super::super::BackendFailure {
                    reason: "",
                    message,
                    retry_after: None,
                    status: None,
                }),
                _ => {
                    let program = &x.ctx.sh.program;
                    let e = LastError::at(program, SOURCE, "", message, x.section, w.loc);
                    Identified::Error(e)
                }
            };
        }
    };
    match w.into {
        Into::Request => {
            if let Some(v) = token.as_ref().and_then(bearer) {
                x.ctx.req.headers.map_mut().insert(AUTHORIZATION, v);
            }
            Identified::Go
        }
        Into::Variable(name) => {
            if let Some(t) = token {
                set_variable(x, name, t.secret());
            }
            Identified::Go
        }
        Into::Send(req, variable) => {
            let mut req = *req;
            match (token, variable) {
                (Some(t), Some(name)) => set_variable(x, name, t.secret()),
                (Some(t), None) => {
                    if let Some(v) = bearer(&t) {
                        req.headers.insert(AUTHORIZATION, v);
                    }
                }
                (None, _) => {}
            }
            x.stage = Stage::Sending;
            Identified::Send(req)
        }
    }
}

/// `Bearer <token>`, marked sensitive (`None` for a token no header can carry).
fn bearer(t: &AccessToken) -> Option<HeaderValue> {
    let mut v = HeaderValue::from_str(&format!("Bearer {}", t.secret())).ok()?;
    v.set_sensitive(true);
    Some(v)
}

fn set_variable(x: &mut Exchange, name: Arc<str>, token: &str) {
    let v = crate::value::Value::Str(token.into());
    match x.ctx.vars.iter_mut().find(|(k, _)| *k == name) {
        Some((_, slot)) => *slot = v,
        None => x.ctx.vars.push((name, v)),
    }
}
