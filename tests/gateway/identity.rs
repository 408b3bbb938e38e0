//! `authentication-managed-identity` end to end: a token endpoint served by the test
//! (IMDS, App Service, Entra client credentials and workload identity, each checking the
//! documented request), the cache (one fetch for many requests, concurrent fetches
//! collapsed, a refetch near expiry), `ignore-error`, failures in `on-error`, and the child
//! of `send-request`.

use super::harness::{backend, get, Running};
use super::project;
use crate::support::TempDir;
use bytes::Bytes;
use gatehouse_runtime::engine::Gateway;
use gatehouse_server::echo;
use gatehouse_server::handler::RespBody;
use gatehouse_server::identity::{IdentitySettings, Provider};
use gatehouse_server::shutdown::Shutdown;
use gatehouse_server::ServerConfig;
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;

/// The token endpoint's state: what it issues and what it saw.
#[derive(Default)]
pub struct Issuer {
    /// Token requests answered.
    pub fetches: AtomicUsize,
    /// Answer with a 400 (`invalid_request`) instead.
    pub fail: AtomicBool,
    /// Lifetime of the tokens, seconds.
    pub lifetime: AtomicU64,
    /// Delay before answering, ms.
    pub delay_ms: AtomicU64,
    /// The last request: method, path, query and form fields, headers (lower case).
    pub last: Mutex<Option<Seen>>,
}

/// A request the token endpoint received.
#[derive(Clone, Debug, Default)]
pub struct Seen {
    /// Method.
    pub method: String,
    /// Path.
    pub path: String,
    /// Query and form fields.
    pub fields: HashMap<String, String>,
    /// Headers.
    pub headers: HashMap<String, String>,
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                out.push(u8::from_str_radix(hex, 16).unwrap_or(b'?'));
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn fields(s: &str, into: &mut HashMap<String, String>) {
    for pair in s.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        into.insert(decode(k), decode(v));
    }
}

fn json(status: u16, body: String) -> Response<RespBody> {
    let mut r = Response::new(
        Full::new(Bytes::from(body))
            .map_err(|e| match e {})
            .boxed_unsync(),
    );
    *r.status_mut() = StatusCode::from_u16(status).expect("status");
    r.headers_mut()
        .insert("content-type", "application/json".parse().expect("ct"));
    r
}

/// Whether `seen` is the documented request of `provider` (the endpoint refuses others).
fn documented(provider: &str, seen: &Seen) -> Result<(), String> {
    let f = |k: &str| seen.fields.get(k).map(String::as_str);
    let h = |k: &str| seen.headers.get(k).map(String::as_str);
    let ok = match provider {
        "imds" => {
            seen.method == "GET"
                && seen.path == "/metadata/identity/oauth2/token"
                && f("api-version") == Some("2018-02-01")
                && f("resource").is_some()
                && h("metadata") == Some("true")
        }
        "app-service" => {
            seen.method == "GET"
                && seen.path == "/msi/token"
                && f("api-version") == Some("2019-08-01")
                && f("resource").is_some()
                && h("x-identity-header") == Some("identity-header-secret")
        }
        "client-secret" => {
            seen.method == "POST"
                && seen.path == "/tenant-1/oauth2/v2.0/token"
                && h("content-type") == Some("application/x-www-form-urlencoded")
                && f("grant_type") == Some("client_credentials")
                && f("client_id") == Some("app-1")
                && f("client_secret") == Some("s3cret&=")
                && f("scope").is_some_and(|s| s.ends_with("/.default"))
        }
        "workload-identity" => {
            seen.method == "POST"
                && seen.path == "/tenant-1/oauth2/v2.0/token"
                && f("grant_type") == Some("client_credentials")
                && f("client_id") == Some("app-1")
                && f("client_assertion_type")
                    == Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
                && f("client_assertion") == Some("federated.jwt.assertion")
                && f("scope").is_some_and(|s| s.ends_with("/.default"))
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("not the documented {provider} request: {seen:?}"))
    }
}

/// Starts a token endpoint speaking `provider`'s protocol.
pub async fn issuer(provider: &'static str) -> (SocketAddr, Arc<Issuer>) {
    let state = Arc::new(Issuer::default());
    state.lifetime.store(3600, Ordering::Relaxed);
    let s = state.clone();
    let addr = backend(move |req: Request<Incoming>| {
        let s = s.clone();
        async move {
            let (parts, body) = req.into_parts();
            let body = body
                .collect()
                .await
                .map(|b| b.to_bytes())
                .unwrap_or_default();
            let mut seen = Seen {
                method: parts.method.to_string(),
                path: parts.uri.path().to_string(),
                ..Seen::default()
            };
            fields(parts.uri.query().unwrap_or(""), &mut seen.fields);
            fields(&String::from_utf8_lossy(&body), &mut seen.fields);
            for (k, v) in &parts.headers {
                seen.headers
                    .insert(k.as_str().to_string(), v.to_str().unwrap_or("").to_string());
            }
            *s.last.lock().expect("lock") = Some(seen.clone());
            let delay = s.delay_ms.load(Ordering::Relaxed);
            if delay > 0 {
                tokio::time::sleep(Duration::from_millis(delay)).await;
            }
            if let Err(why) = documented(provider, &seen) {
                return json(
                    400,
                    format!(r#"{{"error":"bad_format","error_description":{why:?}}}"#),
                );
            }
            if s.fail.load(Ordering::Relaxed) {
                return json(400, r#"{"error":"invalid_request"}"#.to_string());
            }
            let n = s.fetches.fetch_add(1, Ordering::Relaxed) + 1;
            let life = s.lifetime.load(Ordering::Relaxed);
            let resource = seen
                .fields
                .get("resource")
                .or_else(|| seen.fields.get("scope"))
                .cloned()
                .unwrap_or_default();
            let client = seen.fields.get("client_id").cloned().unwrap_or_default();
            let token = format!(
                "{provider}-{n}-{}-{client}",
                resource.replace(['/', ':'], "_")
            );
            // IMDS answers lifetimes as text, Entra as numbers.
            let body = if provider == "app-service" {
                let on = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .expect("clock")
                    .as_secs()
                    + life;
                format!(r#"{{"access_token":"{token}","expires_on":"{on}","token_type":"Bearer"}}"#)
            } else if provider == "imds" {
                format!(
                    r#"{{"access_token":"{token}","expires_in":"{life}","token_type":"Bearer"}}"#
                )
            } else {
                format!(r#"{{"access_token":"{token}","expires_in":{life},"token_type":"Bearer"}}"#)
            };
            json(200, body)
        }
    })
    .await;
    (addr, state)
}

/// Operations of the `id` API: id, template, inbound section.
const OPS: &[(&str, &str, &str)] = &[
    (
        "bearer",
        "/bearer",
        r#"<authentication-managed-identity resource="https://backend.example" />"#,
    ),
    (
        "user",
        "/user",
        r#"<authentication-managed-identity resource="@("https://" + "backend.example")" client-id="user-1" />"#,
    ),
    (
        "variable",
        "/variable",
        r#"<authentication-managed-identity resource="https://backend.example" output-token-variable-name="t" />
        <return-response><set-body>@((string)context.Variables["t"] + "|" + context.Request.Headers.GetValueOrDefault("Authorization", "none"))</set-body></return-response>"#,
    ),
    (
        "ignored",
        "/ignored",
        r#"<authentication-managed-identity resource="https://backend.example" ignore-error="true" />"#,
    ),
    (
        "send",
        "/send",
        r#"<send-request response-variable-name="r">
            <set-url>{echo}/called</set-url>
            <authentication-managed-identity resource="https://other.example" />
        </send-request>
        <return-response><set-body>@(((IResponse)context.Variables["r"]).Body.As<string>())</set-body></return-response>"#,
    ),
];

/// On failure, `on-error` answers with `LastError`'s source and status.
const ON_ERROR: &str = r#"<on-error><return-response><set-status code="599" />
    <set-body>@(context.LastError.Source + "/" + context.Response.StatusCode + "/" + context.LastError.Message)</set-body>
    </return-response></on-error>"#;

fn write(echo: &str) -> TempDir {
    let dir = TempDir::new(&format!("identity-{}", echo.replace([':', '/', '.'], "_")));
    dir.write(
        "policy.xml",
        "<policies><inbound /><backend><forward-request /></backend><outbound /><on-error /></policies>",
    );
    let info = format!(
        r#"{{"properties":{{"displayName":"id","path":"id","serviceUrl":"{echo}","protocols":["http"],"subscriptionRequired":false,"apiRevision":"1","isCurrent":true}}}}"#
    );
    dir.write("apis/id/apiInformation.json", &info);
    let mut spec = String::from("openapi: 3.0.1\ninfo: { title: Id, version: '1' }\npaths:\n");
    for (id, template, inbound) in OPS {
        spec.push_str(&format!(
            "  '{template}':\n    get:\n      operationId: {id}\n      responses:\n        '200':\n          description: ok\n"
        ));
        let inbound = inbound.replace("{echo}", echo);
        let doc = format!("<policies><inbound><base />{inbound}</inbound>{ON_ERROR}</policies>");
        dir.write(&format!("apis/id/operations/{id}/policy.xml"), &doc);
    }
    dir.write("apis/id/specification.yaml", &spec);
    dir
}

/// The provider `name` pointed at the issuer on `addr`.
fn provider(name: &str, addr: SocketAddr, file: Option<&std::path::Path>) -> Provider {
    let authority = format!("http://{addr}");
    match name {
        "imds" => Provider::Imds {
            endpoint: format!("http://{addr}/metadata/identity/oauth2/token"),
        },
        "app-service" => Provider::AppService {
            endpoint: format!("http://{addr}/msi/token"),
            header: "identity-header-secret".into(),
        },
        "client-secret" => Provider::ClientSecret {
            authority,
            tenant: "tenant-1".into(),
            client_id: "app-1".into(),
            secret: "s3cret&=".into(),
        },
        _ => Provider::Federated {
            authority,
            tenant: "tenant-1".into(),
            client_id: "app-1".into(),
            token_file: file.expect("token file").to_path_buf(),
        },
    }
}

/// A gateway serving the `id` API with `provider`, an echo backend, and the issuer.
async fn served(name: &'static str) -> (Running<Gateway>, TempDir, Arc<Issuer>) {
    let (addr, issuer) = issuer(name).await;
    let echo_l = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let echo_url = format!("http://{}", echo_l.local_addr().expect("addr"));
    tokio::spawn(echo::serve(echo_l, Shutdown::new()));
    let dir = write(&echo_url);
    dir.write("federated-token", "federated.jwt.assertion\n");
    let file = dir.0.join("federated-token");
    let config = ServerConfig {
        identity: IdentitySettings {
            provider: provider(name, addr, Some(&file)),
            ..IdentitySettings::default()
        },
        ..ServerConfig::default()
    };
    (project::serve_with(&dir, config).await, dir, issuer)
}

fn echoed_authorization(body: &Bytes) -> String {
    let v: serde_json::Value = serde_json::from_slice(body)
        .unwrap_or_else(|_| panic!("echo JSON: {}", String::from_utf8_lossy(body)));
    v["headers"]["authorization"][0]
        .as_str()
        .unwrap_or("none")
        .to_string()
}

#[tokio::test]
async fn imds_tokens_become_the_bearer_header_and_are_fetched_once() {
    let (gw, _dir, issuer) = served("imds").await;
    for _ in 0..3 {
        let (status, _, body) = get(gw.addr, "/id/bearer").await;
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        assert_eq!(
            echoed_authorization(&body),
            "Bearer imds-1-https___backend.example-"
        );
    }
    assert_eq!(issuer.fetches.load(Ordering::Relaxed), 1);
    let seen = issuer
        .last
        .lock()
        .expect("lock")
        .clone()
        .expect("a request");
    assert_eq!(seen.fields["resource"], "https://backend.example");
    assert!(!seen.fields.contains_key("client_id"));
}

#[tokio::test]
async fn a_user_assigned_identity_is_its_own_cache_entry() {
    let (gw, _dir, issuer) = served("imds").await;
    let (_, _, body) = get(gw.addr, "/id/user").await;
    assert_eq!(
        echoed_authorization(&body),
        "Bearer imds-1-https___backend.example-user-1"
    );
    let (_, _, body) = get(gw.addr, "/id/bearer").await;
    assert_eq!(
        echoed_authorization(&body),
        "Bearer imds-2-https___backend.example-"
    );
    let seen = issuer
        .last
        .lock()
        .expect("lock")
        .clone()
        .expect("a request");
    assert!(!seen.fields.contains_key("client_id"));
    get(gw.addr, "/id/user").await;
    assert_eq!(issuer.fetches.load(Ordering::Relaxed), 2);
}

#[tokio::test]
async fn app_service_identity_endpoint_with_its_header() {
    let (gw, _dir, issuer) = served("app-service").await;
    let (status, _, body) = get(gw.addr, "/id/bearer").await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert_eq!(
        echoed_authorization(&body),
        "Bearer app-service-1-https___backend.example-"
    );
    assert_eq!(issuer.fetches.load(Ordering::Relaxed), 1);
}

#[tokio::test]
async fn entra_client_credentials_post_the_documented_form() {
    let (gw, _dir, issuer) = served("client-secret").await;
    let (status, _, body) = get(gw.addr, "/id/bearer").await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert_eq!(
        echoed_authorization(&body),
        "Bearer client-secret-1-https___backend.example_.default-app-1"
    );
    let seen = issuer
        .last
        .lock()
        .expect("lock")
        .clone()
        .expect("a request");
    assert_eq!(seen.fields["scope"], "https://backend.example/.default");
    // A policy asking for another identity cannot use the environment's credentials.
    let (status, _, body) = get(gw.addr, "/id/user").await;
    assert_eq!(status, 599);
    let text = String::from_utf8_lossy(&body);
    assert!(
        text.starts_with("authentication-managed-identity/500/"),
        "{text}"
    );
    assert!(text.contains("user-1"), "{text}");
}

#[tokio::test]
async fn workload_identity_sends_the_federated_assertion() {
    let (gw, _dir, issuer) = served("workload-identity").await;
    let (status, _, body) = get(gw.addr, "/id/bearer").await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert!(echoed_authorization(&body).starts_with("Bearer workload-identity-1-"));
    assert_eq!(issuer.fetches.load(Ordering::Relaxed), 1);
}

#[tokio::test]
async fn concurrent_requests_share_one_fetch() {
    let (gw, _dir, issuer) = served("imds").await;
    issuer.delay_ms.store(300, Ordering::Relaxed);
    let mut tasks = Vec::new();
    for _ in 0..12 {
        let addr = gw.addr;
        tasks.push(tokio::spawn(async move { get(addr, "/id/bearer").await }));
    }
    for t in tasks {
        let (status, _, body) = t.await.expect("join");
        assert_eq!(status, 200);
        assert_eq!(
            echoed_authorization(&body),
            "Bearer imds-1-https___backend.example-"
        );
    }
    assert_eq!(issuer.fetches.load(Ordering::Relaxed), 1);
}

#[tokio::test]
async fn a_token_is_fetched_again_near_its_expiry() {
    let (gw, _dir, issuer) = served("imds").await;
    // Two seconds of life: refreshed at half of it (shorter than twice the margin).
    issuer.lifetime.store(2, Ordering::Relaxed);
    let (_, _, body) = get(gw.addr, "/id/bearer").await;
    assert!(echoed_authorization(&body).starts_with("Bearer imds-1-"));
    let (_, _, body) = get(gw.addr, "/id/bearer").await;
    assert!(echoed_authorization(&body).starts_with("Bearer imds-1-"));
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let (_, _, body) = get(gw.addr, "/id/bearer").await;
    assert!(echoed_authorization(&body).starts_with("Bearer imds-2-"));
    assert_eq!(issuer.fetches.load(Ordering::Relaxed), 2);
}

#[tokio::test]
async fn a_failed_refresh_serves_the_cached_token_until_it_expires() {
    let (gw, _dir, issuer) = served("imds").await;
    issuer.lifetime.store(2, Ordering::Relaxed);
    get(gw.addr, "/id/bearer").await;
    issuer.fail.store(true, Ordering::Relaxed);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let (status, _, body) = get(gw.addr, "/id/bearer").await;
    assert_eq!(status, 200);
    assert!(echoed_authorization(&body).starts_with("Bearer imds-1-"));
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let (status, _, _) = get(gw.addr, "/id/bearer").await;
    assert_eq!(status, 599, "an expired token is not used");
}

#[tokio::test]
async fn failures_run_on_error_unless_ignored() {
    let (gw, _dir, issuer) = served("imds").await;
    issuer.fail.store(true, Ordering::Relaxed);
    let (status, _, body) = get(gw.addr, "/id/bearer").await;
    assert_eq!(status, 599);
    let text = String::from_utf8_lossy(&body);
    assert!(
        text.starts_with("authentication-managed-identity/500/")
            && text.contains("invalid_request"),
        "{text}"
    );
    let (status, _, body) = get(gw.addr, "/id/ignored").await;
    assert_eq!(status, 200);
    assert_eq!(echoed_authorization(&body), "none");
}

#[tokio::test]
async fn output_token_variable_name_leaves_the_header_alone() {
    let (gw, _dir, _issuer) = served("imds").await;
    let (status, _, body) = get(gw.addr, "/id/variable").await;
    assert_eq!(status, 200);
    assert_eq!(
        String::from_utf8_lossy(&body),
        "imds-1-https___backend.example-|none"
    );
}

#[tokio::test]
async fn send_request_carries_its_own_token() {
    let (gw, _dir, _issuer) = served("imds").await;
    let (status, _, body) = get(gw.addr, "/id/send").await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let v: serde_json::Value = serde_json::from_slice(&body).expect("echo JSON");
    assert_eq!(v["path"], "/called");
    assert_eq!(
        v["headers"]["authorization"][0],
        "Bearer imds-1-https___other.example-"
    );
}
