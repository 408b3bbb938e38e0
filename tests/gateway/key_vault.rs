//! Key Vault named values through `gatehouse run`: read at load from a local server that
//! speaks the Key Vault secrets API and checks the bearer token (issued by a loopback App
//! Service identity endpoint), refreshed periodically (a change reloads the program), a
//! failed refresh keeping the last good value and saying so in the log and `/metrics`.

use super::harness::{backend, get};
use super::identity::issuer;
use super::run_cmd::{free_port, wait_for};
use crate::support::TempDir;
use bytes::Bytes;
use gatehouse_server::handler::RespBody;
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The vault's state.
#[derive(Default)]
struct Vault {
    value: Mutex<String>,
    fail: AtomicBool,
    reads: AtomicUsize,
}

fn answer(status: u16, body: String) -> Response<RespBody> {
    let mut r = Response::new(
        Full::new(Bytes::from(body))
            .map_err(|e| match e {})
            .boxed_unsync(),
    );
    *r.status_mut() = StatusCode::from_u16(status).expect("status");
    r
}

/// A Key Vault secrets API for secret `db-password`: `GET /secrets/db-password?api-version=7.4`
/// with a bearer token the issuer made for `https://vault.azure.net`.
async fn vault() -> (SocketAddr, Arc<Vault>) {
    let state = Arc::new(Vault::default());
    *state.value.lock().expect("lock") = "v1-secret".into();
    let s = state.clone();
    let addr = backend(move |req: Request<Incoming>| {
        let s = s.clone();
        async move {
            let auth = req
                .headers()
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let token_ok =
                auth.starts_with("Bearer app-service-") && auth.contains("https___vault.azure.net");
            if !token_ok {
                return answer(401, r#"{"error":{"code":"Unauthorized"}}"#.into());
            }
            if req.method() != "GET"
                || req.uri().path() != "/secrets/db-password"
                || req.uri().query() != Some("api-version=7.4")
            {
                return answer(400, r#"{"error":{"code":"BadParameter"}}"#.into());
            }
            if s.fail.load(Ordering::Relaxed) {
                return answer(503, r#"{"error":{"code":"ServiceUnavailable"}}"#.into());
            }
            s.reads.fetch_add(1, Ordering::Relaxed);
            let v = s.value.lock().expect("lock").clone();
            answer(200, format!(r#"{{"value":"{v}","id":"x"}}"#))
        }
    })
    .await;
    (addr, state)
}

fn project(name: &str, echo: SocketAddr, vault: SocketAddr) -> TempDir {
    let dir = TempDir::new(name);
    dir.write(
        "apis/kv/apiInformation.json",
        &format!(
            r#"{{"properties":{{"displayName":"Kv","path":"kv","serviceUrl":"http://{echo}","protocols":["http"],"subscriptionRequired":false,"apiRevision":"1","isCurrent":true}}}}"#
        ),
    );
    dir.write(
        "apis/kv/specification.yaml",
        "openapi: 3.0.1\ninfo: { title: Kv, version: '1' }\npaths:\n  /hello:\n    get:\n      operationId: hello\n      responses:\n        '200':\n          description: ok\n",
    );
    dir.write(
        "apis/kv/policy.xml",
        r#"<policies><inbound><set-header name="X-Db" exists-action="override"><value>{{db}}</value></set-header></inbound><backend><forward-request /></backend><outbound /><on-error /></policies>"#,
    );
    dir.write(
        "named values/db/namedValueInformation.json",
        &format!(
            r#"{{"properties":{{"displayName":"db","secret":true,"keyVault":{{"secretIdentifier":"http://{vault}/secrets/db-password"}}}}}}"#
        ),
    );
    dir
}

fn start(
    dir: &TempDir,
    listen: SocketAddr,
    admin: SocketAddr,
    echo: SocketAddr,
    issuer: SocketAddr,
) -> Child {
    Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args(["run", &dir.arg(), "--listen", &listen.to_string()])
        .args(["--admin", &admin.to_string(), "--echo", &echo.to_string()])
        .args([
            "--token-provider",
            "app-service",
            "--key-vault-refresh",
            "1",
        ])
        .env("IDENTITY_ENDPOINT", format!("http://{issuer}/msi/token"))
        .env("IDENTITY_HEADER", "identity-header-secret")
        .env_remove("GATEHOUSE_NAMED_VALUE_DB")
        .stderr(Stdio::piped())
        .spawn()
        .expect("start gatehouse")
}

async fn stop(child: Child) -> String {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let out = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .expect("join")
        .expect("wait");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

async fn x_db(listen: SocketAddr) -> String {
    let (_, _, body) = get(listen, "/kv/hello").await;
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    v["headers"]["x-db"][0].as_str().unwrap_or("").to_string()
}

#[tokio::test]
async fn key_vault_values_load_refresh_and_survive_a_failed_refresh() {
    let (issuer_addr, _issuer) = issuer("app-service").await;
    let (vault_addr, vault) = vault().await;
    let (listen, admin, echo) = (free_port(), free_port(), free_port());
    let dir = project("kv-refresh", echo, vault_addr);
    let child = start(&dir, listen, admin, echo, issuer_addr);
    assert!(wait_for(listen, 1200).await, "the gateway comes up");
    assert_eq!(x_db(listen).await, "v1-secret");
    *vault.value.lock().expect("lock") = "v2-secret".into();
    let mut seen = String::new();
    for _ in 0..100 {
        seen = x_db(listen).await;
        if seen == "v2-secret" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        seen, "v2-secret",
        "a changed secret is picked up by the refresh"
    );
    vault.fail.store(true, Ordering::Relaxed);
    let mut metrics = String::new();
    for _ in 0..100 {
        let (_, _, body) = get(admin, "/metrics").await;
        metrics = String::from_utf8_lossy(&body).into_owned();
        if metrics.contains("gatehouse_key_vault_stale_values 1") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        metrics.contains("gatehouse_key_vault_stale_values 1"),
        "{metrics}"
    );
    assert!(
        !metrics.contains("gatehouse_key_vault_refreshes_total{result=\"failed\"} 0"),
        "{metrics}"
    );
    assert_eq!(
        x_db(listen).await,
        "v2-secret",
        "the last good value is kept"
    );
    let stderr = stop(child).await;
    assert!(stderr.contains("Key Vault refresh failed"), "{stderr}");
    assert!(stderr.contains("503"), "{stderr}");
    for secret in [
        "v1-secret",
        "v2-secret",
        "app-service-",
        "identity-header-secret",
    ] {
        assert!(!stderr.contains(secret), "{secret} logged: {stderr}");
    }
}

#[tokio::test]
async fn an_unreadable_key_vault_value_refuses_to_start_and_names_it() {
    let (issuer_addr, _issuer) = issuer("app-service").await;
    let (vault_addr, vault) = vault().await;
    vault.fail.store(true, Ordering::Relaxed);
    let (listen, admin, echo) = (free_port(), free_port(), free_port());
    let dir = project("kv-refused", echo, vault_addr);
    let mut child = start(&dir, listen, admin, echo, issuer_addr);
    let mut status = None;
    for _ in 0..400 {
        if let Some(s) = child.try_wait().expect("wait") {
            status = Some(s);
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let stderr = stop(child).await;
    assert_eq!(status.and_then(|s| s.code()), Some(1), "{stderr}");
    assert!(
        stderr.contains("'db'") && stderr.contains("503"),
        "{stderr}"
    );
}
