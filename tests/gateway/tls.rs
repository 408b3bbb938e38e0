//! TLS to backends: a self-signed backend is refused unless its backend entity turns
//! chain validation off.

use super::harness::{get, program_with, start, Proxy};
use gatehouse_runtime::program::TlsSettings;
use gatehouse_server::ServerConfig;
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

/// An HTTPS backend with a self-signed certificate for `localhost`.
pub(super) async fn tls_backend() -> SocketAddr {
    let key = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).expect("cert");
    let cert = CertificateDer::from(key.cert.der().to_vec());
    let pkcs8 = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.signing_key.serialize_der()));
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("versions")
    .with_no_client_auth()
    .with_single_cert(vec![cert], pkcs8)
    .expect("server config");
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let l = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = l.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((stream, _)) = l.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(stream).await else {
                    return;
                };
                let svc = hyper::service::service_fn(|_req| async {
                    Ok::<_, std::convert::Infallible>(super::harness::reply(200, "secure"))
                });
                let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(tls), svc)
                    .await;
            });
        }
    });
    addr
}

async fn call_with(tls: TlsSettings) -> (u16, String) {
    let origin = tls_backend().await;
    let mut program = program_with(&[format!("https://localhost:{}", origin.port())], &[]);
    program.backends[0].tls = tls;
    let gw = start(Proxy::to_backend(program, 0), ServerConfig::default()).await;
    let (status, headers, body) = get(gw.addr, "/x").await;
    let reason = headers.get("x-error-reason").map_or_else(
        || String::from_utf8_lossy(&body).into_owned(),
        |r| r.to_str().unwrap_or("").to_string(),
    );
    (status.as_u16(), reason)
}

#[tokio::test]
async fn a_self_signed_backend_is_refused_by_default() {
    assert_eq!(
        call_with(TlsSettings::default()).await,
        (502, "BackendConnectionFailure".into())
    );
}

#[tokio::test]
async fn skipping_only_the_name_still_checks_the_chain() {
    let tls = TlsSettings {
        validate_chain: true,
        validate_name: false,
    };
    assert_eq!(
        call_with(tls).await,
        (502, "BackendConnectionFailure".into())
    );
}

#[tokio::test]
async fn a_backend_without_chain_validation_is_called() {
    let tls = TlsSettings {
        validate_chain: false,
        validate_name: false,
    };
    assert_eq!(call_with(tls).await, (200, "secure".into()));
}
