//! `validate-client-certificate` (each check and identity claim, accepting and refusing,
//! `ignore-error`) and `authentication-certificate` (the certificate the backend call
//! presents, also from `send-request`).

use super::*;
use crate::engine::{CertificateRef, PeerCertificate};
use crate::program::{AuthenticationCertificate, CertIdentity, ValidateClientCertificate};

/// The manual clock's start, seconds.
const NOW: i64 = 1_700_000_000;

fn cert() -> PeerCertificate {
    PeerCertificate {
        der: Bytes::from_static(b"der"),
        subject: "CN=client.test, O=\"Contoso, Inc.\"".into(),
        issuer: "CN=Test CA".into(),
        thumbprint: "A1B2C3".into(),
        serial_number: "0F2A".into(),
        not_before: NOW - 100,
        not_after: NOW + 100,
        common_name: Some("client.test".into()),
        dns_names: vec!["client.test".into(), "alt.test".into()],
        version: 3,
        issuer_thumbprint: Some("CAFE".into()),
        trusted: true,
    }
}

fn checks() -> ValidateClientCertificate {
    ValidateClientCertificate {
        validate_revocation: true,
        validate_trust: true,
        validate_not_before: true,
        validate_not_after: true,
        ignore_error: false,
        identities: Vec::new(),
    }
}

/// Runs `v` for a request with `c`.
fn validate(v: ValidateClientCertificate, c: Option<PeerCertificate>) -> Outcome {
    validate_with(B::new(), v, c)
}

/// The refusal's status and reason, or `None` when the request went to the backend.
fn refused(o: &Outcome) -> Option<(u16, String)> {
    if !o.forwarded.is_empty() {
        return None;
    }
    let e = o.exchange.last_error().unwrap();
    assert_eq!(&*e.source, "validate-client-certificate");
    Some((o.response.status.as_u16(), e.reason.to_string()))
}

#[test]
fn a_valid_trusted_certificate_passes() {
    assert_eq!(refused(&validate(checks(), Some(cert()))), None);
}

#[test]
fn no_certificate_is_401() {
    let o = validate(checks(), None);
    assert_eq!(
        refused(&o),
        Some((401, "ClientCertificateNotPresent".into()))
    );
    assert!(body(&o).contains("\"statusCode\": 401"), "{}", body(&o));
}

#[test]
fn trust_is_checked_unless_turned_off() {
    let untrusted = PeerCertificate {
        trusted: false,
        ..cert()
    };
    let o = validate(checks(), Some(untrusted.clone()));
    assert_eq!(
        refused(&o),
        Some((401, "ClientCertificateNotTrusted".into()))
    );
    let off = ValidateClientCertificate {
        validate_trust: false,
        ..checks()
    };
    assert_eq!(refused(&validate(off, Some(untrusted))), None);
}

#[test]
fn validity_dates_are_checked_unless_turned_off() {
    let expired = PeerCertificate {
        not_after: NOW - 1,
        ..cert()
    };
    let early = PeerCertificate {
        not_before: NOW + 1,
        ..cert()
    };
    let o = validate(checks(), Some(expired.clone()));
    assert_eq!(refused(&o), Some((401, "ClientCertificateExpired".into())));
    let o = validate(checks(), Some(early.clone()));
    assert_eq!(
        refused(&o),
        Some((401, "ClientCertificateNotYetValid".into()))
    );
    let no_after = ValidateClientCertificate {
        validate_not_after: false,
        ..checks()
    };
    assert_eq!(refused(&validate(no_after, Some(expired))), None);
    let no_before = ValidateClientCertificate {
        validate_not_before: false,
        ..checks()
    };
    assert_eq!(refused(&validate(no_before, Some(early))), None);
}

#[test]
fn ignore_error_lets_a_refused_certificate_through() {
    let v = ValidateClientCertificate {
        ignore_error: true,
        ..checks()
    };
    assert_eq!(refused(&validate(v, None)), None);
}

/// Each claim with a matching value, and with a value that does not match.
#[test]
fn each_identity_claim_matches_and_refuses() {
    let cases: [(usize, &str, &str); 8] = [
        (0, "a1 b2 c3", "A1B2C4"),
        (1, "000F2A", "0F2B"),
        (2, "client.test", "other.test"),
        (
            3,
            "cn=client.test,O=\"Contoso, Inc.\"",
            "CN=client.test, O=Contoso",
        ),
        (4, "ALT.test", "nope.test"),
        (5, "CN=Test CA", "CN=Other CA"),
        (6, "cafe", "BEEF"),
        (7, "ca-cert", "unknown-cert"),
    ];
    for (claim, good, bad) in cases {
        for (value, passes) in [(good, true), (bad, false)] {
            let mut b = B::new();
            let mut identity = CertIdentity::default();
            identity.claims[claim] = Some(b.s(value));
            let v = ValidateClientCertificate {
                identities: vec![identity],
                ..checks()
            };
            let o = validate_with(b, v, Some(cert()));
            let got = refused(&o);
            if passes {
                assert_eq!(got, None, "{} = {value}", CertIdentity::NAMES[claim]);
            } else {
                let want = Some((401, "ClientCertificateIdentityNotMatched".to_string()));
                assert_eq!(got, want, "{} = {value}", CertIdentity::NAMES[claim]);
            }
        }
    }
}

/// Two identities: one matching only some of its claims, one matching all of them.
fn two_identities() -> (B, CertIdentity, CertIdentity) {
    let mut b = B::new();
    let mut half = CertIdentity::default();
    half.claims[2] = Some(b.s("client.test"));
    half.claims[0] = Some(b.s("FFFF"));
    let mut whole = CertIdentity::default();
    whole.claims[2] = Some(b.s("client.test"));
    whole.claims[6] = Some(b.s("CAFE"));
    (b, half, whole)
}

#[test]
fn one_identity_of_several_must_match_all_its_claims() {
    let (b, half, _) = two_identities();
    let only_half = ValidateClientCertificate {
        identities: vec![half],
        ..checks()
    };
    assert!(refused(&validate_with(b, only_half, Some(cert()))).is_some());
    let (b, half, whole) = two_identities();
    let both = ValidateClientCertificate {
        identities: vec![half, whole],
        ..checks()
    };
    assert_eq!(refused(&validate_with(b, both, Some(cert()))), None);
}

/// Runs `v` (its strings in `b`) for a request with `c`; the operator's certificate
/// `ca-cert` has thumbprint `CAFE`.
fn validate_with(b: B, v: ValidateClientCertificate, c: Option<PeerCertificate>) -> Outcome {
    let mut b = b;
    let p = b.pipeline(
        vec![OpKind::ValidateClientCertificate(v)],
        None,
        vec![],
        vec![],
    );
    single(&mut b, p);
    let mut config = EngineConfig::default();
    config
        .certificate_thumbprints
        .insert("ca-cert".into(), "CAFE".into());
    let gw = Gateway::with_state(
        Arc::new(b.p),
        config,
        Arc::new(ManualClock::new(NOW as u64 * 1000)),
        Arc::new(LocalRates::default()),
    );
    let mut h = head("GET", "/orders/items/1", &[]);
    h.client_certificate = c.map(Arc::new);
    run(&gw, h, "")
}

fn presenting(by_thumbprint: bool, key: &str) -> Outcome {
    let mut b = B::new();
    let key = b.lit(key);
    let op = OpKind::AuthenticationCertificate(AuthenticationCertificate { by_thumbprint, key });
    let p = b.pipeline(vec![op], None, vec![], vec![]);
    single(&mut b, p);
    let (gw, _) = b.gateway();
    run(&gw, head("GET", "/orders/items/1", &[]), "")
}

#[test]
fn the_backend_call_presents_the_named_certificate() {
    let o = presenting(false, "/subscriptions/s/certificates/orders-client");
    assert_eq!(
        o.forwarded[0].certificate,
        Some(CertificateRef::Id("orders-client".into()))
    );
    let o = presenting(true, "ab:cd ef");
    assert_eq!(
        o.forwarded[0].certificate,
        Some(CertificateRef::Thumbprint("ABCDEF".into()))
    );
}

#[test]
fn an_empty_certificate_id_is_an_error_before_the_backend() {
    let o = presenting(false, "  ");
    assert!(o.forwarded.is_empty());
    assert_eq!(o.response.status, StatusCode::INTERNAL_SERVER_ERROR);
    let e = o.exchange.last_error().unwrap();
    assert_eq!(&*e.source, "authentication-certificate");
}
