//! Client certificates: a backend that requires one signed by its CA is called with the
//! certificate the operator provides, refused at start when it is missing, and a rejected
//! handshake is `BackendConnectionFailure`.

use super::harness::{get, intern, program_with, reply, start, Proxy};
use super::run_cmd::free_port;
use crate::support::TempDir;
use gatehouse_runtime::program::Program;
use gatehouse_runtime::program::{BackendKind, PoolMember, TlsSettings};
use gatehouse_server::backend::certs::{Certificates, ClientCertificate};
use gatehouse_server::backend::client::ClientSettings;
use gatehouse_server::{Loaded, ServerConfig};
use hyper_util::rt::{TokioExecutor, TokioIo};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, ExtendedKeyUsagePurpose, IsCa, KeyPair,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::RootCertStore;
use std::net::SocketAddr;
use std::process::Command;
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;

/// A test CA and a client certificate it signed, as PEM (chain then key).
struct Pki {
    ca: CertificateDer<'static>,
    client_pem: String,
    client_der: CertificateDer<'static>,
}

fn pki() -> Pki {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("ca params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca =
        CertifiedIssuer::self_signed(ca_params, KeyPair::generate().expect("ca key")).expect("ca");
    let mut params = CertificateParams::new(vec!["gateway.test".to_string()]).expect("params");
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let key = KeyPair::generate().expect("client key");
    let cert = params.signed_by(&key, &ca).expect("client cert");
    Pki {
        ca: ca.der().clone(),
        client_pem: format!("{}{}", cert.pem(), key.serialize_pem()),
        client_der: cert.der().clone(),
    }
}

/// An HTTPS backend (self-signed for `localhost`) that requires a client certificate
/// signed by `ca`; it records the client certificates it saw.
pub(super) async fn mtls_backend(
    ca: CertificateDer<'static>,
) -> (SocketAddr, Arc<Mutex<Vec<Vec<u8>>>>) {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = RootCertStore::empty();
    roots.add(ca).expect("add ca");
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .expect("client verifier");
    let server = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).expect("cert");
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server.signing_key.serialize_der()));
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_client_cert_verifier(verifier)
        .with_single_cert(vec![server.cert.der().clone()], key)
        .expect("server config");
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let l = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = l.local_addr().expect("addr");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = l.accept().await {
            let (acceptor, record) = (acceptor.clone(), record.clone());
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(stream).await else {
                    return;
                };
                if let Some(first) = tls.get_ref().1.peer_certificates().and_then(|c| c.first()) {
                    record.lock().expect("lock").push(first.to_vec());
                }
                let svc = hyper::service::service_fn(|_req| async {
                    Ok::<_, std::convert::Infallible>(reply(200, "mutual"))
                });
                let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(tls), svc)
                    .await;
            });
        }
    });
    (addr, seen)
}

const CERT_ID: &str = "/subscriptions/s/resourceGroups/r/providers/Microsoft.ApiManagement/service/a/certificates/orders-client";

/// One backend `b0` at `origin` (server chain not checked) presenting `orders-client`.
fn program(origin: SocketAddr) -> Program {
    let mut p = program_with(&[format!("https://localhost:{}", origin.port())], &[]);
    p.backends[0].tls = TlsSettings {
        validate_chain: false,
        validate_name: false,
    };
    let id = intern(&mut p, CERT_ID);
    p.backends[0].credentials.certificates = vec![id];
    p
}

fn config_with(pem: &str) -> ServerConfig {
    let mut certificates = Certificates::new();
    let cert = ClientCertificate::from_pem(pem.as_bytes()).expect("client certificate");
    certificates.insert("orders-client".into(), Arc::new(cert));
    let mut config = ServerConfig::default();
    config.client.certificates = certificates;
    config
}

async fn call(program: Program, backend: u32, config: ServerConfig) -> (u16, String) {
    let gw = start(Proxy::to_backend(program, backend), config).await;
    let (status, headers, body) = get(gw.addr, "/x").await;
    let text = headers.get("x-error-reason").map_or_else(
        || String::from_utf8_lossy(&body).into_owned(),
        |r| r.to_str().unwrap_or("").to_string(),
    );
    (status.as_u16(), text)
}

#[tokio::test]
async fn the_backend_sees_the_provided_client_certificate() {
    let pki = pki();
    let (origin, seen) = mtls_backend(pki.ca.clone()).await;
    let got = call(program(origin), 0, config_with(&pki.client_pem)).await;
    assert_eq!(got, (200, "mutual".into()));
    assert_eq!(*seen.lock().expect("lock"), vec![pki.client_der.to_vec()]);
}

#[tokio::test]
async fn a_pool_member_without_a_certificate_presents_the_pools() {
    let pki = pki();
    let (origin, seen) = mtls_backend(pki.ca.clone()).await;
    let mut p = program(origin);
    let mut member = p.backends[0].clone();
    member.credentials.certificates.clear();
    member.name = intern(&mut p, "member");
    p.backends[0].kind = BackendKind::Pool(vec![PoolMember {
        backend: 1,
        priority: 1,
        weight: 1,
    }]);
    p.backends[0].url = None;
    p.backends.push(member);
    let got = call(p, 0, config_with(&pki.client_pem)).await;
    assert_eq!(got, (200, "mutual".into()));
    assert_eq!(seen.lock().expect("lock").len(), 1);
}

#[tokio::test]
async fn a_certificate_the_backend_does_not_trust_is_a_connection_failure() {
    let trusted = pki();
    let other = pki();
    let (origin, seen) = mtls_backend(trusted.ca).await;
    let got = call(program(origin), 0, config_with(&other.client_pem)).await;
    assert_eq!(got, (502, "BackendConnectionFailure".into()));
    assert!(seen.lock().expect("lock").is_empty());
}

#[tokio::test]
async fn without_a_certificate_the_mtls_backend_refuses_the_call() {
    let pki = pki();
    let (origin, _) = mtls_backend(pki.ca).await;
    let mut p = program(origin);
    p.backends[0].credentials.certificates.clear();
    let got = call(p, 0, ServerConfig::default()).await;
    assert_eq!(got, (502, "BackendConnectionFailure".into()));
}

#[test]
fn a_certificate_that_was_not_provided_refuses_the_load() {
    let proxy = Proxy::to_backend(program(free_port()), 0);
    let Err(e) = Loaded::new(proxy, &ClientSettings::default()) else {
        panic!("a backend without its certificate loads");
    };
    assert!(e.contains("'b0'") && e.contains("'orders-client'"), "{e}");
    assert!(e.contains("GATEHOUSE_CERTIFICATE_ORDERS_CLIENT"), "{e}");
}

/// A project whose API forwards to backend `mtls` at `origin`, presenting `orders-client`.
fn project(name: &str, origin: SocketAddr) -> TempDir {
    let dir = TempDir::new(name);
    dir.write(
        "apis/m/apiInformation.json",
        r#"{"properties":{"displayName":"M","path":"m","serviceUrl":"http://unused.test","protocols":["http"],"subscriptionRequired":false,"apiRevision":"1","isCurrent":true}}"#,
    );
    dir.write(
        "apis/m/specification.yaml",
        "openapi: 3.0.1\ninfo: { title: M, version: '1' }\npaths:\n  /x:\n    get:\n      operationId: x\n      responses:\n        '200':\n          description: ok\n",
    );
    dir.write(
        "apis/m/policy.xml",
        r#"<policies><inbound><set-backend-service backend-id="mtls" /></inbound><backend><forward-request /></backend><outbound /><on-error /></policies>"#,
    );
    let backend = format!(
        r#"{{"properties":{{"url":"https://localhost:{}","protocol":"http","type":"Single","tls":{{"validateCertificateChain":false,"validateCertificateName":false}},"credentials":{{"certificateIds":["{CERT_ID}"]}}}}}}"#,
        origin.port()
    );
    dir.write("backends/mtls/backendInformation.json", &backend);
    dir
}

fn gatehouse(dir: &TempDir, listen: SocketAddr, admin: SocketAddr) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gatehouse"));
    cmd.args(["run", &dir.arg(), "--listen", &listen.to_string()])
        .args(["--admin", &admin.to_string()])
        .env_remove("GATEHOUSE_CERTIFICATE_ORDERS_CLIENT");
    cmd
}

#[test]
fn run_refuses_to_start_without_the_certificate_or_with_a_bad_file() {
    let dir = project("cert-missing", free_port());
    let out = gatehouse(&dir, free_port(), free_port())
        .output()
        .expect("run gatehouse");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("'orders-client'") && stderr.contains("'mtls'"),
        "{stderr}"
    );
    let pem = dir.0.join("no-key.pem");
    let server = rcgen::generate_simple_self_signed(vec!["c".to_string()]).expect("cert");
    std::fs::write(&pem, server.cert.pem()).expect("write pem");
    let out = gatehouse(&dir, free_port(), free_port())
        .arg("--certificate")
        .arg(format!("orders-client={}", pem.display()))
        .output()
        .expect("run gatehouse");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(&pem.display().to_string()) && stderr.contains("no private key"),
        "{stderr}"
    );
}

/// Serves the project with `gatehouse run`, the certificate given by `give`, calls the
/// API once and checks the backend saw the client certificate.
async fn run_presents(name: &str, give: impl Fn(&mut Command, &std::path::Path)) {
    let pki = pki();
    let (origin, seen) = mtls_backend(pki.ca.clone()).await;
    let dir = project(name, origin);
    let pem = dir.0.join("client.pem");
    std::fs::write(&pem, &pki.client_pem).expect("write pem");
    let (listen, admin) = (free_port(), free_port());
    let mut cmd = gatehouse(&dir, listen, admin);
    give(&mut cmd, &pem);
    let mut child = cmd
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start gatehouse");
    let mut answer = None;
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(listen).await.is_ok() {
            answer = Some(get(listen, "/m/x").await);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    let (status, _, body) = answer.expect("the gateway comes up");
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert_eq!(*seen.lock().expect("lock"), vec![pki.client_der.to_vec()]);
}

#[tokio::test]
async fn run_presents_the_certificate_given_in_the_environment() {
    run_presents("cert-env", |cmd, pem| {
        cmd.env("GATEHOUSE_CERTIFICATE_ORDERS_CLIENT", pem);
    })
    .await;
}

#[tokio::test]
async fn run_presents_the_certificate_given_by_resource_id_on_the_command_line() {
    run_presents("cert-flag", |cmd, pem| {
        cmd.arg("--certificate")
            .arg(format!("{CERT_ID}={}", pem.display()));
    })
    .await;
}
