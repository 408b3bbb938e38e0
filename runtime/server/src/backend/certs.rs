//! Client certificates presented to backends: PEM files the operator names per certificate id.

use gatehouse_runtime::program::Program;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// A certificate chain (end entity first) and its private key.
pub struct ClientCertificate {
    /// The chain, end entity first.
    pub chain: Vec<CertificateDer<'static>>,
    /// The private key of the end-entity certificate.
    pub key: PrivateKeyDer<'static>,
}

impl Clone for ClientCertificate {
    fn clone(&self) -> Self {
        ClientCertificate {
            chain: self.chain.clone(),
            key: self.key.clone_key(),
        }
    }
}

impl std::fmt::Debug for ClientCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientCertificate")
            .field("chain", &self.chain.len())
            .finish_non_exhaustive()
    }
}

/// Client certificates by name (see [`certificate_name`]).
pub type Certificates = HashMap<String, Arc<ClientCertificate>>;

impl ClientCertificate {
    /// Reads the PEM file at `path`: its certificates (end entity first) and its private
    /// key (PKCS#8, PKCS#1 RSA or SEC1 EC). Errors name the path.
    pub fn load(path: &Path) -> Result<ClientCertificate, String> {
        let bytes = std::fs::read(path)
            .map_err(|e| format!("cannot read certificate file {}: {e}", path.display()))?;
        ClientCertificate::from_pem(&bytes).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Parses PEM text holding a certificate chain and its private key, and checks the
    /// key belongs to the first certificate.
    pub fn from_pem(pem: &[u8]) -> Result<ClientCertificate, String> {
        let chain = CertificateDer::pem_slice_iter(pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("not a PEM certificate chain: {e}"))?;
        if chain.is_empty() {
            return Err("no CERTIFICATE in the file".into());
        }
        let key = PrivateKeyDer::from_pem_slice(pem).map_err(|e| match e {
            rustls::pki_types::pem::Error::NoItemsFound => "no private key in the file".into(),
            e => format!("unreadable private key: {e}"),
        })?;
        let provider = rustls::crypto::ring::default_provider();
        rustls::sign::CertifiedKey::from_der(chain.clone(), key.clone_key(), &provider)
            .map_err(|e| format!("the key does not fit the certificate: {e}"))?;
        Ok(ClientCertificate { chain, key })
    }
}

/// The name a backend's certificate id refers to: the last segment of an ARM resource id
/// (`/subscriptions/…/certificates/orders-client` → `orders-client`), or the id itself.
pub fn certificate_name(id: &str) -> &str {
    id.trim_end_matches('/').rsplit('/').next().unwrap_or(id)
}

/// The environment variable that may hold the PEM file path of certificate `name`:
/// `GATEHOUSE_CERTIFICATE_` + the name upper-cased, non-alphanumerics as `_`.
pub fn certificate_env_name(name: &str) -> String {
    let mut out = String::from("GATEHOUSE_CERTIFICATE_");
    out.extend(name.chars().map(|c| {
        if c.is_ascii_alphanumeric() {
            c.to_ascii_uppercase()
        } else {
            '_'
        }
    }));
    out
}

/// The certificate a backend presents: the name of its first listed id, if any.
pub fn presented<'p>(program: &'p Program, ids: &[u32]) -> Option<&'p str> {
    ids.first().map(|id| certificate_name(program.str(*id)))
}

/// Loads the certificate every backend of `program` presents; `path_of` maps a name to
/// its PEM file. A certificate no path is known for is an error naming it and the
/// backend.
pub fn load_for(
    program: &Program,
    path_of: &impl Fn(&str) -> Option<std::path::PathBuf>,
) -> Result<Certificates, String> {
    let mut out = Certificates::new();
    for b in &program.backends {
        let Some(name) = presented(program, &b.credentials.certificates) else {
            continue;
        };
        if out.contains_key(name) {
            continue;
        }
        let path = path_of(name).ok_or_else(|| missing(program.str(b.name), name))?;
        out.insert(name.to_string(), Arc::new(ClientCertificate::load(&path)?));
    }
    Ok(out)
}

/// The certificate ids the policies of `program` name literally: `certificate-id` of
/// `authentication-certificate` (also inside `send-request`) and `issuer-certificate-id`
/// of `validate-client-certificate`.
pub fn policy_certificate_ids(program: &Program) -> Vec<String> {
    use gatehouse_runtime::program::{Arg, AuthenticationCertificate, OpKind};
    let mut out: Vec<String> = Vec::new();
    let mut add = |id: &str| {
        let name = certificate_name(id.trim()).to_string();
        if !name.is_empty() && !out.contains(&name) {
            out.push(name);
        }
    };
    let by_id = |a: &AuthenticationCertificate| match a.key {
        Arg::Lit(s) if !a.by_thumbprint => Some(s),
        _ => None,
    };
    for op in program.blocks.iter().flat_map(|b| &b.ops) {
        match &op.kind {
            OpKind::AuthenticationCertificate(a) => {
                by_id(a).into_iter().for_each(|s| add(program.str(s)))
            }
            OpKind::SendRequest(r) => r
                .certificate
                .as_ref()
                .and_then(by_id)
                .into_iter()
                .for_each(|s| add(program.str(s))),
            OpKind::ValidateClientCertificate(v) => {
                for i in &v.identities {
                    i.claims[7].into_iter().for_each(|s| add(program.str(s)));
                }
            }
            _ => {}
        }
    }
    out
}

/// The operator's certificates: those with a private key (presented to backends) by
/// name, and every certificate's end-entity DER by name (issuers for
/// `validate-client-certificate`).
#[derive(Clone, Debug, Default)]
pub struct Operator {
    /// Certificates with their keys.
    pub keyed: Certificates,
    /// Every certificate (the first of its file), by name.
    pub public: Vec<(String, CertificateDer<'static>)>,
}

/// Loads the operator's certificates: every one `given` names (a file without a private
/// key is a public certificate), the ones backends present and the ones policies name
/// literally (`path_of` finds their files; one not found is an error naming it).
pub fn load_operator(
    program: &Program,
    given: &[(String, std::path::PathBuf)],
    path_of: impl Fn(&str) -> Option<std::path::PathBuf>,
) -> Result<Operator, String> {
    let mut out = Operator {
        keyed: load_for(program, &path_of)?,
        public: Vec::new(),
    };
    let mut names: Vec<String> = given.iter().map(|(n, _)| n.clone()).collect();
    for id in policy_certificate_ids(program) {
        if !names.contains(&id) {
            names.push(id);
        }
    }
    for name in names {
        let path = path_of(&name).ok_or_else(|| {
            format!(
                "a policy names certificate '{name}', which was not provided \
                 (--certificate {name}=FILE or {})",
                certificate_env_name(&name)
            )
        })?;
        let pem = std::fs::read(&path)
            .map_err(|e| format!("cannot read certificate file {}: {e}", path.display()))?;
        let first = CertificateDer::pem_slice_iter(&pem)
            .next()
            .ok_or_else(|| format!("{}: no CERTIFICATE in the file", path.display()))?
            .map_err(|e| format!("{}: not a PEM certificate: {e}", path.display()))?;
        out.public.push((name.clone(), first));
        if out.keyed.contains_key(&name) {
            continue;
        }
        match ClientCertificate::from_pem(&pem) {
            Ok(c) => {
                out.keyed.insert(name, Arc::new(c));
            }
            Err(e) if e.contains("no private key") => {}
            Err(e) => return Err(format!("{}: {e}", path.display())),
        }
    }
    Ok(out)
}

/// The error for backend `backend` whose certificate `name` was not provided.
pub fn missing(backend: &str, name: &str) -> String {
    format!(
        "backend '{backend}' presents client certificate '{name}', which was not provided \
         (--certificate {name}=FILE or {})",
        certificate_env_name(name)
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::tls::tls_config;
    use super::*;
    use gatehouse_runtime::program::TlsSettings;

    #[test]
    fn names_are_the_last_segment_of_resource_ids() {
        let id = "/subscriptions/s/resourceGroups/r/providers/Microsoft.ApiManagement/service/a/certificates/orders-client";
        assert_eq!(certificate_name(id), "orders-client");
        assert_eq!(certificate_name("plain"), "plain");
        assert_eq!(
            certificate_env_name("orders-client"),
            "GATEHOUSE_CERTIFICATE_ORDERS_CLIENT"
        );
    }

    #[test]
    fn pem_without_a_key_or_certificate_is_refused() {
        let cert = rcgen::generate_simple_self_signed(vec!["c".into()]).unwrap();
        let only_cert = cert.cert.pem();
        let err = ClientCertificate::from_pem(only_cert.as_bytes()).unwrap_err();
        assert!(err.contains("no private key"), "{err}");
        let only_key = cert.signing_key.serialize_pem();
        let err = ClientCertificate::from_pem(only_key.as_bytes()).unwrap_err();
        assert!(err.contains("no CERTIFICATE"), "{err}");
        let both = format!("{only_cert}{only_key}");
        assert_eq!(
            ClientCertificate::from_pem(both.as_bytes())
                .unwrap()
                .chain
                .len(),
            1
        );
    }

    /// Test-only self-signed certificates made with `openssl`, with their keys in the
    /// legacy formats: SEC1 (`EC PRIVATE KEY`) and PKCS#1 (`RSA PRIVATE KEY`).
    #[test]
    fn sec1_and_pkcs1_keys_are_read() {
        for pem in [
            include_str!("testdata/sec1.pem"),
            include_str!("testdata/pkcs1.pem"),
        ] {
            let cert = ClientCertificate::from_pem(pem.as_bytes()).unwrap();
            assert!(
                tls_config(TlsSettings::default(), Some(&cert)).is_ok(),
                "{cert:?}"
            );
        }
        let sec1 = ClientCertificate::from_pem(include_bytes!("testdata/sec1.pem")).unwrap();
        assert!(matches!(sec1.key, PrivateKeyDer::Sec1(_)));
        let rsa = ClientCertificate::from_pem(include_bytes!("testdata/pkcs1.pem")).unwrap();
        assert!(matches!(rsa.key, PrivateKeyDer::Pkcs1(_)));
    }

    #[test]
    fn a_key_of_another_certificate_is_refused() {
        let a = rcgen::generate_simple_self_signed(vec!["a".into()]).unwrap();
        let b = rcgen::generate_simple_self_signed(vec!["b".into()]).unwrap();
        let pem = format!("{}{}", a.cert.pem(), b.signing_key.serialize_pem());
        let err = ClientCertificate::from_pem(pem.as_bytes()).unwrap_err();
        assert!(err.contains("does not fit"), "{err}");
    }

    #[test]
    fn unreadable_files_name_the_path() {
        let err = ClientCertificate::load(Path::new("/nonexistent/c.pem")).unwrap_err();
        assert!(err.contains("/nonexistent/c.pem"), "{err}");
    }
}
