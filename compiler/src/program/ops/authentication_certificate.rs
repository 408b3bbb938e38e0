//! `authentication-certificate`: the operator certificate the backend call presents, by
//! `certificate-id` or `thumbprint` (literal or expression). A certificate given inline
//! (`body` + `password`, PKCS#12) is refused: the gateway presents only certificates the
//! operator provides (`--certificate ID=FILE`).

use super::{Lowering, Reported};
use crate::program::{Builder, ScopeEnv, Site, NOT_EXECUTED};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{AuthenticationCertificate, OpKind};

/// `authentication-certificate`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "authentication-certificate",
    attributes: &["thumbprint", "certificate-id", "body", "password"],
    lower: |b, env, site, e| certificate(b, env, site, e).map(OpKind::AuthenticationCertificate),
};

/// The certificate an `authentication-certificate` element names (also inside
/// `send-request`).
pub(super) fn certificate(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<AuthenticationCertificate, Reported> {
    let mut refused = false;
    for a in e
        .attributes
        .iter()
        .filter(|a| matches!(&*a.name.text, "body" | "password"))
    {
        let message = format!(
            "gatehouse does not execute the `{}` attribute of `authentication-certificate`: \
             certificates given inline (PKCS#12) are not supported; give the certificate to \
             the gateway (`--certificate ID=FILE`) and name it with `certificate-id`",
            a.name.text
        );
        b.error(site.file, NOT_EXECUTED, message, a.span, "not executed");
        refused = true;
    }
    if refused {
        return Err(Reported);
    }
    if let Some(key) = b.attr(env, site, e, "thumbprint")? {
        return Ok(AuthenticationCertificate {
            by_thumbprint: true,
            key,
        });
    }
    // One of the two is required: its absence is reported by the checks.
    let key = b
        .attr(env, site, e, "certificate-id")?
        .ok_or(b.unreported())?;
    Ok(AuthenticationCertificate {
        by_thumbprint: false,
        key,
    })
}
