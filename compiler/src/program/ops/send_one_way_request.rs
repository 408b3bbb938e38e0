//! `send-one-way-request`: `mode`, `timeout` and the call's `set-url`, `set-method`,
//! `set-header` and `set-body`; the authentication and `proxy` children are not executed,
//! so `build` refuses them.

use super::{Lowering, Reported};
use crate::program::{Builder, ScopeEnv, Site};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{OpKind, SendRequest};

/// `send-one-way-request`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "send-one-way-request",
    attributes: &["mode", "timeout"],
    lower: |b, env, site, e| one_way(b, env, site, e).map(OpKind::SendOneWayRequest),
};

fn one_way(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<SendRequest, Reported> {
    let mut out = SendRequest {
        mode: b.attr(env, site, e, "mode")?,
        // Nobody reads the answer: no variable.
        variable: b.intern(""),
        timeout: b.attr(env, site, e, "timeout")?,
        ignore_error: false,
        url: None,
        method: None,
        headers: Vec::new(),
        body: None,
        identity: None,
        certificate: None,
    };
    super::send_request::children(b, env, site, e, &mut out, false)?;
    Ok(out)
}
