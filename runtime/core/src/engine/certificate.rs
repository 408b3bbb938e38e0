//! Client certificates as the engine sees them: the certificate the client presented in
//! the TLS handshake (`context.Request.Certificate`, `validate-client-certificate`), parsed
//! and checked against the operator's CA certificates by the driver, and the certificate
//! a request presents to its backend (`authentication-certificate`).

use bytes::Bytes;

/// The certificate the client presented, with what the driver found out about it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PeerCertificate {
    /// The DER bytes (`RawData`).
    pub der: Bytes,
    /// The subject distinguished name as .NET writes it (`CN=client, O=Contoso`: most
    /// specific first, `, ` between).
    pub subject: String,
    /// The issuer distinguished name, written the same way.
    pub issuer: String,
    /// SHA-1 of the DER, upper-case hexadecimal (`Thumbprint`).
    pub thumbprint: String,
    /// The serial number, upper-case hexadecimal, big-endian (`SerialNumber`).
    pub serial_number: String,
    /// Start of validity, Unix seconds.
    pub not_before: i64,
    /// End of validity, Unix seconds.
    pub not_after: i64,
    /// The subject's common name (the last `CN`), if any.
    pub common_name: Option<String>,
    /// The DNS names of the subject alternative name extension.
    pub dns_names: Vec<String>,
    /// The X.509 version (1, 2 or 3).
    pub version: i32,
    /// The issuer certificate's subject and thumbprint, when the driver found it (in the
    /// chain the client sent or among the operator's certificates).
    pub issuer_thumbprint: Option<String>,
    /// Whether the chain leads to one of the operator's CA certificates, signatures
    /// checked (validity dates are checked separately; revocation is not checked).
    pub trusted: bool,
}

/// The certificate a backend call presents (`authentication-certificate`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CertificateRef {
    /// An operator certificate by its id (`certificate-id`).
    Id(String),
    /// An operator certificate by its SHA-1 thumbprint (`thumbprint`), upper-case.
    Thumbprint(String),
}

/// The name a certificate id refers to: the last segment of an ARM resource id
/// (`/subscriptions/…/certificates/orders-client` → `orders-client`), or the id itself.
pub fn certificate_name(id: &str) -> &str {
    id.trim_end_matches('/').rsplit('/').next().unwrap_or(id)
}

/// `value` with the characters of a thumbprint or serial number normalised: ASCII
/// hexadecimal upper-cased, spaces and colons dropped (as pasted from certificate viewers).
pub fn normalize_hex(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ':' && *c != '\u{200e}')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Splits a distinguished name into its relative names (`CN=a`, `O="Contoso, Inc."`),
/// each trimmed, honouring double quotes and backslash escapes; the order is kept.
pub fn dn_parts(dn: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let (mut quoted, mut escaped) = (false, false);
    for c in dn.chars() {
        match c {
            _ if escaped => {
                cur.push(c);
                escaped = false;
            }
            '\\' => {
                cur.push(c);
                escaped = true;
            }
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            ',' | ';' if !quoted => parts.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    parts.push(cur);
    parts
        .into_iter()
        .map(|p| normalize_rdn(p.trim()))
        .filter(|p| !p.is_empty())
        .collect()
}

/// `type=value` with the type upper-cased, spaces around `=` dropped and one pair of
/// surrounding double quotes removed from the value.
fn normalize_rdn(rdn: &str) -> String {
    let Some((t, v)) = rdn.split_once('=') else {
        return rdn.to_string();
    };
    let v = v.trim();
    let v = v
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(v);
    format!("{}={}", t.trim().to_ascii_uppercase(), v)
}

/// Whether two distinguished names are the same: the same relative names in the same
/// order, types compared case-insensitively, values exactly (quotes aside).
pub fn dn_equal(a: &str, b: &str) -> bool {
    dn_parts(a) == dn_parts(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_by_their_parts() {
        assert!(dn_equal(
            "CN=a, O=\"Contoso, Inc.\"",
            "cn=a,O=\"Contoso, Inc.\""
        ));
        assert!(!dn_equal(
            "CN=a, O=\"Contoso, Inc.\"",
            "CN=a, O=Contoso, Inc."
        ));
        assert!(!dn_equal("CN=a, O=b", "O=b, CN=a"));
        assert!(dn_equal(
            "CN=a, O=\"Contoso, Inc.\"",
            "CN=a,O=\"Contoso, Inc.\""
        ));
        assert_eq!(dn_parts("CN=a, O=\"x, y\""), vec!["CN=a", "O=x, y"]);
    }

    #[test]
    fn hex_is_normalised() {
        assert_eq!(normalize_hex("ab:cd ef"), "ABCDEF");
    }
}
