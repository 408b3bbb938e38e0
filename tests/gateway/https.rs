//! The HTTPS listener and client certificates end to end: a compiled project served over
//! TLS on loopback (rcgen CA, server and client certificates), HTTP/1.1 and HTTP/2 by
//! ALPN, TLS 1.2 and 1.3, clients with and without a certificate,
//! `context.Request.Certificate`, `validate-client-certificate` accepting and refusing,
//! and `authentication-certificate` reaching a backend that requires a client certificate
//! (by `certificate-id` and by `thumbprint`; `send-request`'s child resolved per call).

use super::client_cert::mtls_backend;
use super::harness::Running;
use crate::support::TempDir;
use bytes::Bytes;
use gatehouse_compiler::{build_project, CheckOptions};
use gatehouse_runtime::engine::{EngineConfig, Gateway};
use gatehouse_server::backend::certs::{Certificates, ClientCertificate};
use gatehouse_server::shutdown::Shutdown;
use gatehouse_server::tls_server::{TlsOptions, TlsServer};
use gatehouse_server::{admin, listener, peer_cert, Loaded, ServerConfig, Shared};
use http::{HeaderMap, Request, StatusCode};
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::{TokioExecutor, TokioIo};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use rustls::RootCertStore;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

/// A certificate with its key, as DER and as PEM (chain then key).
struct Issued {
    der: CertificateDer<'static>,
    key: PrivateKeyDer<'static>,
    pem: String,
}

/// The test PKI: a CA, the gateway's server certificate and client certificates.
struct Pki {
    ca: CertificateDer<'static>,
    server: Issued,
    client: Issued,
    expired: Issued,
    stranger: Issued,
}

fn issue(params: CertificateParams, issuer: Option<&CertifiedIssuer<'static, KeyPair>>) -> Issued {
    let key = KeyPair::generate().expect("key");
    let cert = match issuer {
        Some(ca) => params.signed_by(&key, ca).expect("signed"),
        None => params.self_signed(&key).expect("self-signed"),
    };
    Issued {
        der: cert.der().clone(),
        key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        pem: format!("{}{}", cert.pem(), key.serialize_pem()),
    }
}

fn client_params(cn: &str) -> CertificateParams {
    let mut p = CertificateParams::new(vec![cn.to_string()]).expect("params");
    p.distinguished_name.push(DnType::CommonName, cn);
    p.distinguished_name
        .push(DnType::OrganizationName, "Contoso, Inc.");
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    p
}

fn pki() -> Pki {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("ca params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "Gatehouse Test CA");
    let ca =
        CertifiedIssuer::self_signed(ca_params, KeyPair::generate().expect("ca key")).expect("ca");
    let mut expired = client_params("client.test");
    expired.not_before = rcgen::date_time_ymd(2020, 1, 1);
    expired.not_after = rcgen::date_time_ymd(2021, 1, 1);
    Pki {
        ca: ca.der().clone(),
        server: issue(
            CertificateParams::new(vec!["localhost".to_string()]).expect("params"),
            Some(&ca),
        ),
        client: issue(client_params("client.test"), Some(&ca)),
        expired: issue(expired, Some(&ca)),
        stranger: issue(client_params("client.test"), None),
    }
}

/// The project: API `t` (no subscription) whose operations each run one policy.
fn project(mtls: SocketAddr, echo: SocketAddr) -> TempDir {
    let dir = TempDir::new(&format!("https-{}", mtls.port()));
    dir.write(
        "apis/t/apiInformation.json",
        &format!(r#"{{"properties":{{"displayName":"t","path":"t","serviceUrl":"http://{echo}","protocols":["https"],"subscriptionRequired":false,"apiRevision":"1","isCurrent":true}}}}"#),
    );
    dir.write(
        "backends/mtls/backendInformation.json",
        &format!(r#"{{"properties":{{"url":"https://localhost:{}","protocol":"http","tls":{{"validateCertificateChain":false,"validateCertificateName":false}}}}}}"#, mtls.port()),
    );
    let ops = [
        (
            "show",
            r#"<return-response><set-status code="200" /><set-header name="X-Subject" exists-action="override"><value>@(context.Request.Certificate == null ? "none" : context.Request.Certificate.Subject)</value></set-header><set-header name="X-Facts" exists-action="override"><value>@{ var c = context.Request.Certificate; return c == null ? "none" : c.Thumbprint + "|" + c.SerialNumber + "|" + c.Issuer + "|" + c.Verify() + "|" + c.NotAfter.Year + "|" + c.SubjectName.Name; }</value></set-header></return-response>"#,
        ),
        (
            "valid",
            r#"<validate-client-certificate validate-revocation="false"><identities><identity common-name="client.test" issuer-certificate-id="test-ca" /></identities></validate-client-certificate>"#,
        ),
        (
            "lax",
            r#"<validate-client-certificate validate-trust="false" validate-not-after="false" />"#,
        ),
        (
            "other",
            r#"<validate-client-certificate><identities><identity common-name="other.test" /><identity subject="CN=client.test, O=&quot;Contoso, Inc.&quot;" dns-name="nope" /></identities></validate-client-certificate>"#,
        ),
        (
            "byid",
            r#"<set-backend-service backend-id="mtls" /><authentication-certificate certificate-id="orders-client" />"#,
        ),
        (
            "bythumb",
            r#"<set-backend-service backend-id="mtls" /><authentication-certificate thumbprint="@(context.Request.Headers.GetValueOrDefault(&quot;X-Thumb&quot;, &quot;&quot;))" />"#,
        ),
        ("bare", r#"<set-backend-service backend-id="mtls" />"#),
        (
            "send",
            r#"<send-request mode="new" response-variable-name="r" ignore-error="false"><set-url>http://{echo}/sent</set-url><set-method>GET</set-method><authentication-certificate certificate-id="@(context.Request.Headers.GetValueOrDefault(&quot;X-Cert&quot;, &quot;orders-client&quot;))" /></send-request><return-response><set-status code="200" /><set-header name="X-Sent" exists-action="override"><value>@(((IResponse)context.Variables["r"]).StatusCode.ToString())</value></set-header></return-response>"#,
        ),
    ];
    let mut spec = String::from("openapi: 3.0.1\ninfo: { title: T, version: '1' }\npaths:\n");
    for (id, policy) in ops {
        spec.push_str(&format!("  '/{id}':\n    get:\n      operationId: {id}\n      responses:\n        '200':\n          description: ok\n"));
        let policy = policy.replace("{echo}", &echo.to_string());
        dir.write(
            &format!("apis/t/operations/{id}/policy.xml"),
            &format!(r#"<policies><inbound><base />{policy}</inbound><backend><forward-request /></backend><outbound /><on-error><set-header name="X-Error-Reason" exists-action="override"><value>@(context.LastError.Reason)</value></set-header><set-header name="X-Error-Message" exists-action="override"><value>@(context.LastError.Message)</value></set-header></on-error></policies>"#),
        );
    }
    dir.write("apis/t/specification.yaml", &spec);
    dir
}

/// Compiles `dir` and serves it over TLS (client certificates requested when `ask`).
async fn serve(dir: &TempDir, pki: &Pki, ask: bool) -> Running<Gateway> {
    serve_with(dir, pki, ask, ServerConfig::default().header_read_timeout).await
}

/// [`serve`] with a head (and handshake) timeout.
async fn serve_with(
    dir: &TempDir,
    pki: &Pki,
    ask: bool,
    head: std::time::Duration,
) -> Running<Gateway> {
    let report = build_project(&dir.0, &CheckOptions::default());
    let program = report.program.unwrap_or_else(|| {
        panic!(
            "{}",
            gatehouse_compiler::diagnostic::render_human(
                &report.diagnostics,
                gatehouse_compiler::diagnostic::Style::Plain
            )
        )
    });
    let mut engine = EngineConfig::default();
    engine
        .certificate_thumbprints
        .insert("test-ca".into(), peer_cert::thumbprint(&pki.ca));
    let mut config = ServerConfig {
        header_read_timeout: head,
        ..ServerConfig::default()
    };
    let mut certificates = Certificates::new();
    let cert = ClientCertificate::from_pem(pki.client.pem.as_bytes()).expect("client cert");
    certificates.insert("orders-client".into(), Arc::new(cert));
    config.client.certificates = certificates;
    let loaded =
        Loaded::new(Gateway::new(Arc::new(program), engine), &config.client).expect("backends");
    let tls = TlsServer::new(TlsOptions {
        cert_pem: pki.server.pem.clone().into_bytes(),
        key_pem: pki.server.pem.clone().into_bytes(),
        request_client_certificate: ask,
        client_cas: vec![pki.ca.clone()],
        issuers: Vec::new(),
    })
    .expect("tls");
    let shared = Arc::new(Shared::new(loaded, config));
    let shutdown = Shutdown::new();
    let l = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let a = TcpListener::bind("127.0.0.1:0").await.expect("bind admin");
    let (addr, admin_addr) = (l.local_addr().expect("addr"), a.local_addr().expect("addr"));
    let task = tokio::spawn(listener::serve_tls(
        l,
        shared.clone(),
        shutdown.clone(),
        Arc::new(tls),
    ));
    tokio::spawn(admin::serve(
        a,
        shared.clone(),
        shutdown.clone(),
        Shutdown::new(),
    ));
    Running {
        addr,
        admin: admin_addr,
        shared,
        shutdown,
        task,
    }
}

/// How a test client connects.
#[derive(Clone, Copy)]
struct Client<'a> {
    alpn: &'static [u8],
    version: &'static rustls::SupportedProtocolVersion,
    cert: Option<&'a Issued>,
}

const H1: Client<'static> = Client {
    alpn: b"http/1.1",
    version: &rustls::version::TLS13,
    cert: None,
};

/// The answer: status, headers, body and the protocol ALPN chose.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    alpn: Vec<u8>,
    version: http::Version,
}

impl Answer {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .map_or("", |v| v.to_str().unwrap_or(""))
    }
}

/// GET `path` over TLS as `c` says, headers `extra`.
async fn get(
    addr: SocketAddr,
    pki: &Pki,
    c: Client<'_>,
    path: &str,
    extra: &[(&str, &str)],
) -> Answer {
    let mut roots = RootCertStore::empty();
    roots.add(pki.ca.clone()).expect("root");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[c.version])
        .expect("versions")
        .with_root_certificates(roots);
    let mut config = match c.cert {
        Some(i) => builder
            .with_client_auth_cert(vec![i.der.clone()], i.key.clone_key())
            .expect("client auth"),
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![c.alpn.to_vec()];
    let tcp = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let tls = tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(ServerName::try_from("localhost").expect("name"), tcp)
        .await
        .expect("TLS handshake");
    let alpn = tls.get_ref().1.alpn_protocol().unwrap_or_default().to_vec();
    let mut req = Request::get(format!("https://localhost{path}"));
    for (k, v) in extra {
        req = req.header(*k, *v);
    }
    let io = TokioIo::new(tls);
    let resp = if alpn == b"h2" {
        let (mut send, conn) = hyper::client::conn::http2::handshake(TokioExecutor::new(), io)
            .await
            .expect("h2 handshake");
        tokio::spawn(conn);
        let req = req.body(Empty::<Bytes>::new()).expect("request");
        send.send_request(req).await.expect("response")
    } else {
        let (mut send, conn) = hyper::client::conn::http1::handshake(io)
            .await
            .expect("h1 handshake");
        tokio::spawn(conn);
        let req = req
            .header("host", "localhost")
            .body(Empty::<Bytes>::new())
            .expect("request");
        send.send_request(req).await.expect("response")
    };
    let (parts, body) = resp.into_parts();
    let _ = body.collect().await.expect("body");
    Answer {
        status: parts.status,
        headers: parts.headers,
        alpn,
        version: parts.version,
    }
}

/// A plain HTTP echo backend answering 200.
async fn echo() -> SocketAddr {
    super::harness::backend(|_| async { super::harness::reply(200, "echo") }).await
}

async fn setup(
    ask: bool,
) -> (
    Pki,
    Running<Gateway>,
    TempDir,
    Arc<std::sync::Mutex<Vec<Vec<u8>>>>,
) {
    let pki = pki();
    let (mtls, seen) = mtls_backend(pki.ca.clone()).await;
    let dir = project(mtls, echo().await);
    let gw = serve(&dir, &pki, ask).await;
    (pki, gw, dir, seen)
}

#[tokio::test]
async fn http2_and_http1_are_chosen_by_alpn() {
    let (pki, gw, _dir, _) = setup(false).await;
    let h2 = get(gw.addr, &pki, Client { alpn: b"h2", ..H1 }, "/t/show", &[]).await;
    assert_eq!(
        (h2.status, h2.alpn.as_slice(), h2.version),
        (StatusCode::OK, &b"h2"[..], http::Version::HTTP_2)
    );
    let h1 = get(gw.addr, &pki, H1, "/t/show", &[]).await;
    assert_eq!(
        (h1.status, h1.alpn.as_slice(), h1.version),
        (StatusCode::OK, &b"http/1.1"[..], http::Version::HTTP_11)
    );
}

#[tokio::test]
async fn tls_1_2_and_1_3_are_both_served() {
    let (pki, gw, _dir, _) = setup(true).await;
    for version in [&rustls::version::TLS12, &rustls::version::TLS13] {
        let c = Client {
            version,
            cert: Some(&pki.client),
            ..H1
        };
        let a = get(gw.addr, &pki, c, "/t/show", &[]).await;
        assert_eq!(a.status, StatusCode::OK);
        assert!(
            a.header("X-Subject").contains("CN=client.test"),
            "{:?}",
            version
        );
    }
}

#[tokio::test]
async fn without_negotiation_no_certificate_is_asked_for() {
    let (pki, gw, _dir, _) = setup(false).await;
    let c = Client {
        cert: Some(&pki.client),
        ..H1
    };
    let a = get(gw.addr, &pki, c, "/t/show", &[]).await;
    assert_eq!(a.header("X-Subject"), "none");
}

#[tokio::test]
async fn the_certificate_reaches_expressions() {
    let (pki, gw, _dir, _) = setup(true).await;
    let none = get(gw.addr, &pki, H1, "/t/show", &[]).await;
    assert_eq!(
        (none.header("X-Subject"), none.header("X-Facts")),
        ("none", "none")
    );
    let c = Client {
        cert: Some(&pki.client),
        ..H1
    };
    let a = get(gw.addr, &pki, c, "/t/show", &[]).await;
    assert_eq!(a.header("X-Error-Message"), "");
    assert_eq!(a.header("X-Subject"), "O=\"Contoso, Inc.\", CN=client.test");
    let facts: Vec<&str> = a.header("X-Facts").split('|').collect();
    assert_eq!(facts[0], peer_cert::thumbprint(&pki.client.der));
    assert!(!facts[1].is_empty());
    assert_eq!(facts[2], "CN=Gatehouse Test CA");
    assert_eq!(
        facts[3], "True",
        "trusted by the operator's CA and within its dates"
    );
    assert_eq!(facts[5], "O=\"Contoso, Inc.\", CN=client.test");
    let stranger = Client {
        cert: Some(&pki.stranger),
        ..H1
    };
    let s = get(gw.addr, &pki, stranger, "/t/show", &[]).await;
    assert_eq!(s.header("X-Facts").split('|').nth(3), Some("False"));
}

/// `(status, LastError.Reason)` of a request to `path` presenting `cert`.
async fn verdict(
    gw: &Running<Gateway>,
    pki: &Pki,
    cert: Option<&Issued>,
    path: &str,
) -> (u16, String) {
    let a = get(gw.addr, pki, Client { cert, ..H1 }, path, &[]).await;
    (a.status.as_u16(), a.header("X-Error-Reason").to_string())
}

#[tokio::test]
async fn validate_client_certificate_accepts_and_refuses() {
    let (pki, gw, _dir, _) = setup(true).await;
    let ok = (200, String::new());
    let refused = |r: &str| (401, r.to_string());
    assert_eq!(verdict(&gw, &pki, Some(&pki.client), "/t/valid").await, ok);
    assert_eq!(
        verdict(&gw, &pki, None, "/t/valid").await,
        refused("ClientCertificateNotPresent")
    );
    assert_eq!(
        verdict(&gw, &pki, Some(&pki.stranger), "/t/valid").await,
        refused("ClientCertificateNotTrusted")
    );
    assert_eq!(
        verdict(&gw, &pki, Some(&pki.expired), "/t/valid").await,
        refused("ClientCertificateExpired")
    );
    // Trust and expiry turned off: the stranger and the expired certificate pass.
    assert_eq!(verdict(&gw, &pki, Some(&pki.stranger), "/t/lax").await, ok);
    assert_eq!(verdict(&gw, &pki, Some(&pki.expired), "/t/lax").await, ok);
    // Neither identity matches all of its claims.
    assert_eq!(
        verdict(&gw, &pki, Some(&pki.client), "/t/other").await,
        refused("ClientCertificateIdentityNotMatched")
    );
}

#[tokio::test]
async fn authentication_certificate_reaches_a_backend_requiring_one() {
    let (pki, gw, _dir, seen) = setup(false).await;
    let by_id = get(gw.addr, &pki, H1, "/t/byid", &[]).await;
    assert_eq!(by_id.status, StatusCode::OK);
    let thumb = peer_cert::thumbprint(&pki.client.der).to_lowercase();
    let by_thumb = get(gw.addr, &pki, H1, "/t/bythumb", &[("X-Thumb", &thumb)]).await;
    assert_eq!(by_thumb.status, StatusCode::OK);
    // Both calls presented it (the backend requires one); the second may reuse the
    // connection of the first, which presented the same certificate.
    let seen = seen.lock().expect("lock").clone();
    assert!(!seen.is_empty());
    assert!(seen.iter().all(|c| *c == pki.client.der.to_vec()));
    // Without the policy nothing is presented (no pooled connection carries it over).
    let bare = get(gw.addr, &pki, H1, "/t/bare", &[]).await;
    assert_eq!(bare.header("X-Error-Reason"), "BackendConnectionFailure");
    let unknown = get(gw.addr, &pki, H1, "/t/bythumb", &[("X-Thumb", "00FF")]).await;
    assert_eq!(unknown.header("X-Error-Reason"), "BackendConnectionFailure");
}

/// `send-request`'s certificate child is resolved per call: a known certificate lets the
/// call go, an unknown one fails it as a handshake would. (Its URL is plain HTTP: a
/// `send-request` URL is validated against the webpki roots only, which a test CA is not
/// in; the presented certificate itself is covered by the backend tests above, through
/// the same per-certificate clients.)
#[tokio::test]
async fn send_request_resolves_its_certificate() {
    let (pki, gw, _dir, _) = setup(false).await;
    let a = get(gw.addr, &pki, H1, "/t/send", &[]).await;
    assert_eq!((a.status, a.header("X-Sent")), (StatusCode::OK, "200"));
    let missing = get(gw.addr, &pki, H1, "/t/send", &[("X-Cert", "nope")]).await;
    assert_eq!(missing.header("X-Error-Reason"), "BackendConnectionFailure");
}

#[tokio::test]
async fn a_stalled_handshake_is_closed_after_the_head_timeout() {
    let pki = pki();
    let dir = project(echo().await, echo().await);
    let gw = serve_with(&dir, &pki, false, std::time::Duration::from_millis(300)).await;
    // A client that connects and never speaks TLS is disconnected by the server.
    let mut tcp = tokio::net::TcpStream::connect(gw.addr)
        .await
        .expect("connect");
    use tokio::io::AsyncReadExt;
    let mut buf = [0u8; 1];
    let closed = tokio::time::timeout(std::time::Duration::from_secs(10), tcp.read(&mut buf)).await;
    assert!(matches!(closed, Ok(Ok(0)) | Ok(Err(_))), "{closed:?}");
}

/// `gatehouse run` with `--tls-cert`/`--tls-key` serves HTTPS on `--listen` and plain HTTP
/// on `--http-listen`; `--http-listen` alone is refused.
#[tokio::test]
async fn gatehouse_run_serves_https_and_plain_http() {
    use super::run_cmd::{free_port, project, wait_for};
    let pki = pki();
    let dir = project("run-https", free_port());
    dir.write("tls/cert.pem", &pki.server.pem);
    dir.write("tls/key.pem", &pki.server.pem);
    let (https, http, admin) = (free_port(), free_port(), free_port());
    let path = |p: &str| dir.0.join(p).to_string_lossy().into_owned();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args(["run", &dir.arg(), "--listen", &https.to_string()])
        .args([
            "--http-listen",
            &http.to_string(),
            "--admin",
            &admin.to_string(),
        ])
        .args([
            "--tls-cert",
            &path("tls/cert.pem"),
            "--tls-key",
            &path("tls/key.pem"),
        ])
        .env("GATEHOUSE_NAMED_VALUE_TOKEN", "t")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("run gatehouse");
    let pid = child.id().to_string();
    let ready = wait_for(https, 400).await && wait_for(http, 400).await;
    let answers = if ready {
        let tls = get(https, &pki, Client { alpn: b"h2", ..H1 }, "/nowhere", &[]).await;
        let plain = super::harness::get(http, "/nowhere").await;
        Some((tls.status, tls.alpn, plain.0))
    } else {
        None
    };
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status();
    let _ = tokio::task::spawn_blocking(move || {
        let mut child = child;
        child.wait()
    })
    .await;
    let (tls_status, alpn, plain_status) = answers.expect("both listeners up");
    assert_eq!(tls_status, StatusCode::NOT_FOUND);
    assert_eq!(alpn, b"h2".to_vec());
    assert_eq!(plain_status, StatusCode::NOT_FOUND);

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args(["run", &dir.arg(), "--listen", &free_port().to_string()])
        .args([
            "--http-listen",
            &free_port().to_string(),
            "--admin",
            &free_port().to_string(),
        ])
        .env("GATEHOUSE_NAMED_VALUE_TOKEN", "t")
        .output()
        .expect("run gatehouse");
    assert_ne!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--http-listen needs --tls-cert"));
}
