//! `authentication-basic`: sets the request's `Authorization: Basic base64(user:password)`
//! (UTF-8), replacing any the client sent. The value is marked sensitive; no message
//! quotes it.

use super::super::exchange::Exchange;
use super::super::run::Next;
use crate::program::{AuthenticationBasic, Op, Program};
use base64::Engine as _;
use http::header::{HeaderValue, AUTHORIZATION};

/// Sets the credentials on the request.
pub(super) fn authentication_basic(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    a: &AuthenticationBasic,
) -> Next {
    let user = match x.arg_text(program, &a.username) {
        Ok(u) => u,
        Err(f) => return Next::Error(x.fault_at(program, op, &f)),
    };
    let password = match x.arg_text(program, &a.password) {
        Ok(p) => p,
        Err(f) => return Next::Error(x.fault_at(program, op, &f)),
    };
    let pair = format!("{user}:{password}");
    let encoded = base64::engine::general_purpose::STANDARD.encode(pair.as_bytes());
    // Base64 is always a valid header value.
    let Ok(mut value) = HeaderValue::from_str(&format!("Basic {encoded}")) else {
        return Next::Error(x.error_at(program, op, "", "invalid credentials".into()));
    };
    value.set_sensitive(true);
    x.ctx.req.headers.map_mut().insert(AUTHORIZATION, value);
    Next::Go
}
