//! The client's certificate as `context.Request.Certificate` shows it: parsed with
//! `x509-parser` (names written as .NET writes them, thumbprint, serial, validity, DNS
//! names), its issuer looked up, and its chain checked against the operator's CA
//! certificates.

use gatehouse_runtime::engine::PeerCertificate;
use rustls::pki_types::{CertificateDer, UnixTime};
use rustls::server::danger::ClientCertVerifier;
use rustls::{CertificateError, Error};
use sha1::{Digest, Sha1};
use std::time::Duration;
use x509_parser::prelude::{FromDer, GeneralName, X509Certificate, X509Name};

/// Upper-case hexadecimal of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02X}");
        s
    })
}

/// The SHA-1 thumbprint of a certificate's DER, upper-case hexadecimal.
pub fn thumbprint(der: &[u8]) -> String {
    hex(&Sha1::digest(der))
}

/// .NET's short name of a distinguished-name attribute (`OID.…` for others).
fn short_name(oid: &str) -> String {
    match oid {
        "2.5.4.3" => "CN",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "S",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.9" => "STREET",
        "2.5.4.5" => "SERIALNUMBER",
        "2.5.4.4" => "SN",
        "2.5.4.42" => "G",
        "2.5.4.12" => "T",
        "1.2.840.113549.1.9.1" => "E",
        "0.9.2342.19200300.100.1.25" => "DC",
        other => return format!("OID.{other}"),
    }
    .to_string()
}

/// A distinguished name as `X500DistinguishedName.Name` writes it: the most specific
/// part first, `, ` between parts, values with special characters in double quotes.
pub fn dotnet_name(name: &X509Name<'_>) -> String {
    let mut parts: Vec<String> = Vec::new();
    for rdn in name.iter() {
        let inner: Vec<String> = rdn
            .iter()
            .map(|a| {
                let value = a
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|_| format!("#{}", hex(a.attr_value().data)));
                let special = value.contains([',', '+', '=', '"', '\n', '<', '>', '#', ';'])
                    || value.starts_with(' ')
                    || value.ends_with(' ');
                let value = if special && !value.starts_with('#') {
                    format!("\"{}\"", value.replace('"', "\"\""))
                } else {
                    value
                };
                format!("{}={value}", short_name(&a.attr_type().to_id_string()))
            })
            .collect();
        parts.push(inner.join(" + "));
    }
    parts.reverse();
    parts.join(", ")
}

/// Describes `chain` (the client's certificate first, then what it sent with it). The
/// issuer is looked for in the chain and in `issuers`; `trust` checks the chain against
/// the operator's CA certificates. `None` when the certificate cannot be parsed.
pub fn describe(
    chain: &[CertificateDer<'_>],
    issuers: &[CertificateDer<'static>],
    trust: Option<&dyn ClientCertVerifier>,
    now: UnixTime,
) -> Option<PeerCertificate> {
    let (leaf, intermediates) = chain.split_first()?;
    let (_, x) = X509Certificate::from_der(leaf).ok()?;
    let validity = x.validity();
    let (not_before, not_after) = (
        validity.not_before.timestamp(),
        validity.not_after.timestamp(),
    );
    let dns_names = match x.subject_alternative_name() {
        Ok(Some(san)) => san
            .value
            .general_names
            .iter()
            .filter_map(|g| match g {
                GeneralName::DNSName(d) => Some(d.to_string()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let issuer_raw = x.issuer().as_raw();
    let issuer_thumbprint = intermediates
        .iter()
        .chain(issuers)
        .find(|c| {
            X509Certificate::from_der(c).is_ok_and(|(_, ic)| ic.subject().as_raw() == issuer_raw)
        })
        .map(|c| thumbprint(c));
    let trusted = trust.is_some_and(|t| chain_trusted(t, leaf, intermediates, now, not_before));
    Some(PeerCertificate {
        der: bytes::Bytes::copy_from_slice(leaf),
        subject: dotnet_name(x.subject()),
        issuer: dotnet_name(x.issuer()),
        thumbprint: thumbprint(leaf),
        serial_number: hex(x.raw_serial()),
        not_before,
        not_after,
        common_name: x
            .subject()
            .iter_common_name()
            .last()
            .and_then(|c| c.as_str().ok())
            .map(str::to_string),
        dns_names,
        version: x.version().0 as i32 + 1,
        issuer_thumbprint,
        trusted,
    })
}

/// Whether the chain leads to a trusted CA, signatures checked. Validity dates are
/// `validate-not-before`/`-after`'s business: a chain refused only for its dates is
/// checked again as of the certificate's start of validity.
fn chain_trusted(
    trust: &dyn ClientCertVerifier,
    leaf: &CertificateDer<'_>,
    intermediates: &[CertificateDer<'_>],
    now: UnixTime,
    not_before: i64,
) -> bool {
    match trust.verify_client_cert(leaf, intermediates, now) {
        Ok(_) => true,
        Err(Error::InvalidCertificate(
            CertificateError::Expired
            | CertificateError::ExpiredContext { .. }
            | CertificateError::NotValidYet
            | CertificateError::NotValidYetContext { .. },
        )) => {
            let then = UnixTime::since_unix_epoch(Duration::from_secs(
                u64::try_from(not_before.saturating_add(1)).unwrap_or(0),
            ));
            trust.verify_client_cert(leaf, intermediates, then).is_ok()
        }
        Err(_) => false,
    }
}
