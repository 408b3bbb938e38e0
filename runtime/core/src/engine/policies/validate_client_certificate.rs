//! `validate-client-certificate`: the certificate the client presented in the TLS
//! handshake must pass every enabled check (trust, not-before, not-after) and match every
//! claim of at least one `<identity>` (when any is listed). A failure answers `401` with
//! APIM's JSON error body and runs `on-error`; with `ignore-error` the request goes on.
//!
//! Revocation is not checked (no CRL or OCSP is fetched): `validate-revocation` is read
//! and has no effect (**Differs**, `docs/gateway.md`).

use super::super::certificate::{dn_equal, normalize_hex, PeerCertificate};
use super::super::error;
use super::super::exchange::{Body, Exchange, Reply};
use super::super::headers::Headers;
use super::super::run::Next;
use crate::program::{CertIdentity, Op, Program, ValidateClientCertificate};
use http::StatusCode;
use std::collections::HashMap;

/// Why a certificate was refused: `context.LastError.Reason` and `Message`.
pub(crate) type Refusal = (&'static str, &'static str);

/// No certificate was presented.
pub(crate) const NOT_PRESENT: Refusal = (
    "ClientCertificateNotPresent",
    "Client certificate is not presented.",
);
/// The chain does not lead to one of the operator's CA certificates.
pub(crate) const NOT_TRUSTED: Refusal = (
    "ClientCertificateNotTrusted",
    "Client certificate is not trusted.",
);
/// Before its `NotBefore`.
pub(crate) const NOT_YET_VALID: Refusal = (
    "ClientCertificateNotYetValid",
    "Client certificate is not yet valid.",
);
/// After its `NotAfter`.
pub(crate) const EXPIRED: Refusal = (
    "ClientCertificateExpired",
    "Client certificate has expired.",
);
/// No `<identity>` matched.
pub(crate) const NO_IDENTITY: Refusal = (
    "ClientCertificateIdentityNotMatched",
    "Client certificate does not match any of the allowed identities.",
);

/// Validates the client's certificate.
pub(super) fn validate_client_certificate(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    v: &ValidateClientCertificate,
) -> Next {
    let now = (x.ctx.sh.clock.now_ms() / 1000) as i64;
    let thumbprints = &x.ctx.sh.config.certificate_thumbprints;
    let refusal = match x.ctx.req.certificate.as_deref() {
        None => Some(NOT_PRESENT),
        Some(c) => verdict(c, v, now, thumbprints, |id| program.str(id)),
    };
    let Some((reason, message)) = refusal else {
        return Next::Go;
    };
    if v.ignore_error {
        return Next::Go;
    }
    let status = StatusCode::UNAUTHORIZED;
    x.ctx.resp = Reply {
        status,
        reason: None,
        headers: Headers::new(error::json_headers()),
        body: Body::Held(error::json_body(status, message)),
    };
    Next::Fail(x.error_at(program, op, reason, message.to_string()))
}

/// `None` when `c` passes at `now` (Unix seconds), else why not. `thumbprints` maps the
/// operator's certificate ids to their thumbprints; `s` reads the program's strings.
pub(crate) fn verdict<'p>(
    c: &PeerCertificate,
    v: &ValidateClientCertificate,
    now: i64,
    thumbprints: &HashMap<String, String>,
    s: impl Fn(u32) -> &'p str,
) -> Option<Refusal> {
    if v.validate_trust && !c.trusted {
        return Some(NOT_TRUSTED);
    }
    if v.validate_not_before && now < c.not_before {
        return Some(NOT_YET_VALID);
    }
    if v.validate_not_after && now > c.not_after {
        return Some(EXPIRED);
    }
    let matched = v.identities.is_empty()
        || v.identities
            .iter()
            .any(|i| identity_matches(c, i, thumbprints, &s));
    (!matched).then_some(NO_IDENTITY)
}

/// Whether `c` has every claim of `i`.
fn identity_matches<'p>(
    c: &PeerCertificate,
    i: &CertIdentity,
    thumbprints: &HashMap<String, String>,
    s: &impl Fn(u32) -> &'p str,
) -> bool {
    i.claims.iter().enumerate().all(|(n, claim)| {
        let Some(id) = claim else { return true };
        let want = s(*id).trim();
        match n {
            0 => normalize_hex(want) == c.thumbprint,
            1 => same_serial(want, &c.serial_number),
            2 => c.common_name.as_deref() == Some(want),
            3 => dn_equal(want, &c.subject),
            4 => c.dns_names.iter().any(|d| d.eq_ignore_ascii_case(want)),
            5 => dn_equal(want, &c.issuer),
            6 => c.issuer_thumbprint.as_deref() == Some(normalize_hex(want).as_str()),
            _ => {
                let name = super::super::certificate::certificate_name(want);
                let known = thumbprints.get(name);
                known.is_some() && known == c.issuer_thumbprint.as_ref()
            }
        }
    })
}

/// Serial numbers compare as hexadecimal, leading zeros aside.
fn same_serial(want: &str, have: &str) -> bool {
    let want = normalize_hex(want);
    want.trim_start_matches('0') == have.trim_start_matches('0')
}
