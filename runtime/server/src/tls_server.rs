//! The gateway's HTTPS side: the server certificate and key (PEM), TLS 1.2 and 1.3,
//! HTTP/2 or HTTP/1.1 by ALPN, and — when the operator asks for it (APIM's
//! `negotiateClientCertificate`) — a client certificate requested but not required: the
//! handshake only checks the client holds the certificate's key, and the policies
//! (`validate-client-certificate`, `context.Request.Certificate`) decide the rest.

use super::peer_cert;
use gatehouse_runtime::engine::PeerCertificate;
use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::server::{ServerConnection, WebPkiClientVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, Error, RootCertStore, SignatureScheme};
use std::sync::Arc;

/// What the HTTPS listener is configured with.
#[derive(Clone, Debug, Default)]
pub struct TlsOptions {
    /// PEM: the server's certificate chain (end entity first).
    pub cert_pem: Vec<u8>,
    /// PEM: its private key (PKCS#8, PKCS#1 or SEC1).
    pub key_pem: Vec<u8>,
    /// Ask clients for a certificate (optional for them).
    pub request_client_certificate: bool,
    /// The operator's CA certificates: what `validate-trust` and `Verify()` check
    /// against, and the names hinted to clients.
    pub client_cas: Vec<CertificateDer<'static>>,
    /// Other operator certificates a client certificate's issuer may be
    /// (`issuer-thumbprint`, `issuer-certificate-id`).
    pub issuers: Vec<CertificateDer<'static>>,
}

/// The TLS side of the HTTPS listener.
pub struct TlsServer {
    /// Accepts TLS connections.
    pub acceptor: tokio_rustls::TlsAcceptor,
    trust: Option<Arc<dyn ClientCertVerifier>>,
    issuers: Vec<CertificateDer<'static>>,
}

impl std::fmt::Debug for TlsServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsServer").finish_non_exhaustive()
    }
}

/// Reads every certificate of a PEM text (none is an error).
pub fn read_certificates(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("not a PEM certificate list: {e}"))?;
    if certs.is_empty() {
        return Err("no CERTIFICATE in the PEM text".into());
    }
    Ok(certs)
}

impl TlsServer {
    /// The TLS configuration for `o`; errors say what is wrong with the files.
    pub fn new(o: TlsOptions) -> Result<TlsServer, String> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let chain = read_certificates(&o.cert_pem).map_err(|e| format!("TLS certificate: {e}"))?;
        let key = PrivateKeyDer::from_pem_slice(&o.key_pem)
            .map_err(|e| format!("TLS key: no readable private key ({e})"))?;
        let trust = match o.client_cas.is_empty() {
            true => None,
            false => {
                let mut roots = RootCertStore::empty();
                for ca in &o.client_cas {
                    roots
                        .add(ca.clone())
                        .map_err(|e| format!("client CA certificate: {e}"))?;
                }
                let v =
                    WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                        .allow_unauthenticated()
                        .build()
                        .map_err(|e| format!("client CA certificates: {e}"))?;
                Some(v)
            }
        };
        let hints = trust
            .as_ref()
            .map(|t| t.root_hint_subjects().to_vec())
            .unwrap_or_default();
        let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
            .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
            .map_err(|e| format!("TLS versions: {e}"))?;
        let builder = if o.request_client_certificate {
            builder.with_client_cert_verifier(Arc::new(Requested { provider, hints }))
        } else {
            builder.with_no_client_auth()
        };
        let mut config = builder
            .with_single_cert(chain, key)
            .map_err(|e| format!("TLS certificate and key: {e}"))?;
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        let mut issuers = o.client_cas;
        issuers.extend(o.issuers);
        Ok(TlsServer {
            acceptor: tokio_rustls::TlsAcceptor::from(Arc::new(config)),
            trust,
            issuers,
        })
    }

    /// The certificate the client of `conn` presented, described for the engine.
    pub fn peer_certificate(&self, conn: &ServerConnection) -> Option<Arc<PeerCertificate>> {
        let chain = conn.peer_certificates()?;
        peer_cert::describe(chain, &self.issuers, self.trust.as_deref(), UnixTime::now())
            .map(Arc::new)
    }
}

/// Asks for a client certificate without requiring one, and accepts any the client
/// proves it holds the key of (the handshake signature is checked).
#[derive(Debug)]
struct Requested {
    provider: Arc<CryptoProvider>,
    hints: Vec<DistinguishedName>,
}

impl ClientCertVerifier for Requested {
    fn client_auth_mandatory(&self) -> bool {
        false
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &self.hints
    }

    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, Error> {
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        let algs = &self.provider.signature_verification_algorithms;
        verify_tls12_signature(message, cert, dss, algs)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        let algs = &self.provider.signature_verification_algorithms;
        verify_tls13_signature(message, cert, dss, algs)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}
