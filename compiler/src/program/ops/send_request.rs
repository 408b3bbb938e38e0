//! `send-request`: an outbound call (`mode`, `timeout`, `ignore-error`, the variable) built
//! from `set-url`, `set-method`, `set-header`, `set-body`,
//! `authentication-managed-identity` and `authentication-certificate`; `authentication-basic`
//! and `proxy` are not executed, so `build` refuses them.

use super::{
    authentication_certificate, authentication_managed_identity, set_body, set_header, Lowering,
    Reported,
};
use crate::program::{Builder, ScopeEnv, Site, NOT_EXECUTED};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{OpKind, SendRequest};

/// `send-request`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "send-request",
    attributes: &["mode", "response-variable-name", "timeout", "ignore-error"],
    lower: |b, env, site, e| send_request(b, env, site, e).map(OpKind::SendRequest),
};

fn send_request(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<SendRequest, Reported> {
    // Required: its absence is reported by the checks.
    let variable = b
        .text_attr(env, site, e, "response-variable-name")?
        .ok_or(Reported)?;
    let mut out = SendRequest {
        mode: b.attr(env, site, e, "mode")?,
        variable: b.intern(&variable),
        timeout: b.attr(env, site, e, "timeout")?,
        ignore_error: b.flag(env, site, e, "ignore-error", false)?,
        url: None,
        method: None,
        headers: Vec::new(),
        body: None,
        identity: None,
        certificate: None,
    };
    children(b, env, site, e, &mut out, true)?;
    Ok(out)
}

/// The children of a `send-request` (or, with `auth` false, a `send-one-way-request`,
/// whose authentication children are not executed) into `out`; a child gatehouse does
/// not execute is reported and fails the lowering.
pub(super) fn children(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
    out: &mut SendRequest,
    auth: bool,
) -> Result<(), Reported> {
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
            "authentication-managed-identity" if auth => {
                if !super::attributes_supported(
                    b,
                    &inner,
                    c,
                    authentication_managed_identity::ATTRIBUTES,
                ) {
                    return Err(Reported);
                }
                let a = authentication_managed_identity::identity(b, env, &inner, c)?;
                out.identity = Some(a);
            }
            "authentication-certificate" if auth => {
                out.certificate = Some(authentication_certificate::certificate(b, env, &inner, c)?);
            }
            "authentication-managed-identity"
            | "authentication-certificate"
            | "authentication-basic"
            | "proxy" => {
                let message = format!(
                    "gatehouse does not execute `{name}` inside `{}`",
                    e.name.text
                );
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
    Ok(())
}
