//! `send-one-way-request`: `mode`, `timeout` and the call's `set-url`, `set-method`,
//! `set-header` and `set-body`; the authentication and `proxy` children are not executed,
//! so `build` refuses them.

use super::{set_body, set_header, Lowering, Reported};
use crate::program::{Builder, ScopeEnv, Site, NOT_EXECUTED};
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
    let mut counts = std::collections::HashMap::new();
    let mut refused = false;
    for c in e.child_elements() {
        let name = &*c.name.text;
        let n = counts.entry(name).or_insert(0usize);
        *n += 1;
        let inner = site.child(name, *n);
        match name {
            "set-url" => out.url = Some(b.content(env, &inner, c).ok_or(Reported)?),
            "set-method" => out.method = Some(b.content(env, &inner, c).ok_or(Reported)?),
            "set-header" => out.headers.push(set_header::header_op(b, env, &inner, c)?),
            "set-body" => out.body = Some(set_body::body(b, env, &inner, c)?),
            "authentication-certificate" | "authentication-managed-identity" | "proxy" => {
                let message =
                    format!("gatehouse does not execute `{name}` inside `send-one-way-request`");
                b.error(
                    site.file,
                    NOT_EXECUTED,
                    message,
                    c.start_tag,
                    "not executed",
                );
                refused = true;
            }
            // Any other child is reported by the checks (unknown element).
            _ => return Err(b.unreported()),
        }
    }
    if refused {
        return Err(Reported);
    }
    Ok(out)
}
