//! `authentication-certificate`: the backend call presents the operator's certificate
//! named by `certificate-id` or `thumbprint` instead of the backend's own. The driver
//! finds it among the certificates the operator provided; one it does not have fails the
//! call (`BackendConnectionFailure`, as a handshake APIM cannot complete).

use super::super::exchange::Exchange;
use super::super::run::Next;
use super::super::CertificateRef;
use crate::engine::certificate::normalize_hex;
use crate::program::{AuthenticationCertificate, Op, Program};
use crate::vm::Fault;

/// Sets the certificate of the request's backend calls.
pub(super) fn authentication_certificate(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    a: &AuthenticationCertificate,
) -> Next {
    match certificate_ref(x, program, op, a) {
        Ok(c) => {
            x.ctx.req.backend_certificate = Some(c);
            Next::Go
        }
        Err(e) => Next::Error(e),
    }
}

/// The certificate `a` names, evaluated now; an empty id or thumbprint is an error.
pub(crate) fn certificate_ref(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    a: &AuthenticationCertificate,
) -> Result<CertificateRef, crate::engine::LastError> {
    let value = x
        .arg_text(program, &a.key)
        .map_err(|f: Fault| x.fault_at(program, op, &f))?;
    let value = value.trim();
    if value.is_empty() {
        let what = if a.by_thumbprint {
            "thumbprint"
        } else {
            "certificate-id"
        };
        return Err(x.error_at(program, op, "", format!("The {what} is empty.")));
    }
    Ok(if a.by_thumbprint {
        CertificateRef::Thumbprint(normalize_hex(value))
    } else {
        CertificateRef::Id(crate::engine::certificate::certificate_name(value).to_string())
    })
}
