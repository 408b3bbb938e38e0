//! `gatehouse run` as a process: secrets, readiness, serving through the echo backend,
//! and a clean exit on SIGTERM.

use super::harness::get;
use crate::support::TempDir;
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::Duration;

/// A loopback port free right now.
pub fn free_port() -> SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr")
}

/// Whether something accepts connections on `addr` within `tries` × 25 ms.
pub async fn wait_for(addr: SocketAddr, tries: u32) -> bool {
    for _ in 0..tries {
        if tokio::net::TcpStream::connect(addr).await.is_ok() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    false
}

/// `gatehouse run ARGS --listen LISTEN --admin ADMIN` from the repository root, once its
/// admin port answers (panics with its stderr otherwise).
pub async fn run_gatehouse(
    args: &[&str],
    listen: SocketAddr,
    admin: SocketAddr,
) -> std::process::Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .arg("run")
        .args(args)
        .args([
            "--listen",
            &listen.to_string(),
            "--admin",
            &admin.to_string(),
        ])
        .current_dir(crate::support::root())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start gatehouse");
    // Bounded (30 s): a loaded CI machine compiles the project slowly.
    if !wait_for(admin, 1200).await {
        let _ = child.kill();
        let out = child.wait_with_output().expect("wait");
        panic!("not up: {}", String::from_utf8_lossy(&out.stderr));
    }
    child
}

/// Sends SIGTERM to `child` and waits for its output.
pub async fn terminate(child: std::process::Child) -> std::process::Output {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .expect("join")
        .expect("wait")
}

/// A project whose API forwards to `echo` and sends secret `token` as a header.
pub fn project(name: &str, echo: SocketAddr) -> TempDir {
    let dir = TempDir::new(name);
    dir.write(
        "apis/echo/apiInformation.json",
        &format!(
            r#"{{"properties":{{"displayName":"Echo","path":"echo","serviceUrl":"http://{echo}","protocols":["http"],"subscriptionRequired":false,"apiRevision":"1","isCurrent":true}}}}"#
        ),
    );
    dir.write(
        "apis/echo/specification.yaml",
        "openapi: 3.0.1\ninfo: { title: Echo, version: '1' }\npaths:\n  /hello:\n    get:\n      operationId: hello\n      responses:\n        '200':\n          description: ok\n",
    );
    dir.write(
        "apis/echo/policy.xml",
        r#"<policies><inbound><set-header name="X-Token" exists-action="override"><value>{{token}}</value></set-header></inbound><backend><forward-request /></backend><outbound /><on-error /></policies>"#,
    );
    dir.write(
        "named values/token/namedValueInformation.json",
        r#"{"properties":{"displayName":"token","value":"","secret":true}}"#,
    );
    dir
}

#[test]
fn a_missing_secret_refuses_to_start_and_names_it() {
    let dir = project("run-missing-secret", free_port());
    let out = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args([
            "run",
            &dir.arg(),
            "--listen",
            &free_port().to_string(),
            "--admin",
            &free_port().to_string(),
        ])
        .env_remove("GATEHOUSE_NAMED_VALUE_TOKEN")
        .output()
        .expect("run gatehouse");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("'token'") && stderr.contains("GATEHOUSE_NAMED_VALUE_TOKEN"),
        "{stderr}"
    );
}

#[test]
fn a_path_that_does_not_exist_refuses_to_start() {
    let dir = TempDir::new("run-no-such-path");
    let missing = dir.0.join("no/such/path");
    let listen = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args([
            "run",
            &missing.display().to_string(),
            "--listen",
            &listen.to_string(),
            "--admin",
            &free_port().to_string(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run gatehouse");
    // Bounded: a gateway that wrongly starts is killed after five seconds.
    let mut status = None;
    for _ in 0..200 {
        if let Some(s) = child.try_wait().expect("wait") {
            status = Some(s);
            break;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    if status.is_none() {
        let _ = child.kill();
    }
    let out = child.wait_with_output().expect("output");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no/such/path"), "{stderr}");
}

#[tokio::test]
async fn host_names_listen_and_5xx_access_lines_name_their_cause() {
    // The API's backend is a port nothing listens on: every call is a 500.
    let dir = project("run-logs", free_port());
    let (port, admin) = (free_port().port(), free_port());
    let child = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args(["run", &dir.arg(), "--listen", &format!("localhost:{port}")])
        .args(["--admin", &admin.to_string(), "--log-format", "json"])
        .env("GATEHOUSE_NAMED_VALUE_TOKEN", "t")
        .stderr(Stdio::piped())
        .spawn()
        .expect("start gatehouse");
    assert!(wait_for(admin, 200).await, "the admin listener comes up");
    // `localhost` may have been bound on IPv4 or IPv6.
    let mut listen = None;
    for addr in [format!("127.0.0.1:{port}"), format!("[::1]:{port}")] {
        let addr: SocketAddr = addr.parse().expect("addr");
        if tokio::net::TcpStream::connect(addr).await.is_ok() {
            listen = Some(addr);
            break;
        }
    }
    let listen = listen.expect("the gateway listens on localhost");
    let (status, _, _) = get(listen, "/echo/hello").await;
    assert_eq!(status, 500);
    let out = terminate(child).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    let ready = stderr
        .lines()
        .find(|l| l.contains("gatehouse ready"))
        .expect("a ready line");
    assert!(
        !ready.contains("\"echo\""),
        "no echo field without --echo: {ready}"
    );
    let access = stderr
        .lines()
        .find(|l| l.contains("gatehouse::access"))
        .expect("an access line");
    let v: serde_json::Value = serde_json::from_str(access).expect("JSON log line");
    let fields = &v;
    assert_eq!(fields["status"], 500, "{access}");
    assert_eq!(fields["error_source"], "forward-request", "{access}");
    assert_eq!(
        fields["error_reason"], "BackendConnectionFailure",
        "{access}"
    );
    let ms = fields["duration_ms"].to_string();
    assert!(
        ms.split('.').nth(1).map_or(0, str::len) <= 3,
        "duration without float noise: {ms}"
    );
}

#[tokio::test]
async fn an_invalid_chunk_from_the_backend_is_logged_as_its_failure() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let l = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let origin = l.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf).await;
            let _ = s
                .write_all(
                    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nZZ\r\n",
                )
                .await;
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    });
    let dir = project("run-bad-chunk", origin);
    let (listen, admin) = (free_port(), free_port());
    let child = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args(["run", &dir.arg(), "--listen", &listen.to_string()])
        .args(["--admin", &admin.to_string()])
        .env("GATEHOUSE_NAMED_VALUE_TOKEN", "t")
        .stderr(Stdio::piped())
        .spawn()
        .expect("start gatehouse");
    assert!(wait_for(admin, 200).await, "the admin listener comes up");
    let uri = format!("http://{listen}/echo/hello");
    let client = super::harness::client();
    let req = http::Request::get(uri)
        .body(http_body_util::Full::default())
        .expect("req");
    if let Ok(resp) = client.request(req).await {
        use http_body_util::BodyExt;
        assert!(
            resp.into_body().collect().await.is_err(),
            "the client sees the body cut"
        );
    }
    let out = terminate(child).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr
            .lines()
            .any(|l| l.contains("the backend's body failed")
                && l.contains("BackendConnectionFailure")),
        "{stderr}"
    );
}

#[tokio::test]
async fn run_serves_through_the_echo_backend_and_exits_on_sigterm() {
    let (listen, admin, echo) = (free_port(), free_port(), free_port());
    let dir = project("run-serve", echo);
    let secrets = dir.0.join("secrets.json");
    std::fs::write(&secrets, r#"{"token":"from-file"}"#).expect("write secrets");
    let child = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args([
            "run",
            &dir.arg(),
            "--listen",
            &listen.to_string(),
            "--admin",
            &admin.to_string(),
        ])
        .args([
            "--echo",
            &echo.to_string(),
            "--secrets",
            &secrets.display().to_string(),
        ])
        .args(["--log-format", "json"])
        .stderr(Stdio::piped())
        .spawn()
        .expect("start gatehouse");
    let up = wait_for(admin, 200).await;
    assert!(up, "the admin listener comes up");
    assert_eq!(get(admin, "/healthz").await.0, 200);
    let (status, _, body) = get(listen, "/echo/hello").await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let v: serde_json::Value = serde_json::from_slice(&body).expect("echo JSON");
    assert_eq!(v["headers"]["x-token"][0], "from-file");
    let policy = dir.0.join("apis/echo/policy.xml");
    let text = std::fs::read_to_string(&policy).expect("read policy");
    std::fs::write(&policy, text.replace("X-Token", "X-Reloaded")).expect("write policy");
    let hup = Command::new("kill")
        .args(["-HUP", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(hup.success());
    let mut reloaded = false;
    for _ in 0..100 {
        let (_, _, body) = get(listen, "/echo/hello").await;
        let v: serde_json::Value = serde_json::from_slice(&body).expect("echo JSON");
        if v["headers"]["x-reloaded"][0] == "from-file" {
            reloaded = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(reloaded, "SIGHUP reloads the project");
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let out = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .expect("join")
        .expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let ready = stderr
        .lines()
        .find(|l| l.contains("gatehouse ready"))
        .expect("a ready line");
    let ready: serde_json::Value = serde_json::from_str(ready).expect("JSON log line");
    assert_eq!(ready["listen"], listen.to_string());
    let access = stderr
        .lines()
        .find(|l| l.contains("gatehouse::access"))
        .expect("an access line");
    assert!(
        access.contains("\"status\":200") && access.contains("/echo/hello"),
        "{access}"
    );
}

#[tokio::test]
async fn run_watch_reloads_when_a_policy_changes() {
    let (listen, admin, echo) = (free_port(), free_port(), free_port());
    let dir = project("run-watch", echo);
    let mut child = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args([
            "run",
            &dir.arg(),
            "--listen",
            &listen.to_string(),
            "--admin",
            &admin.to_string(),
        ])
        .args(["--echo", &echo.to_string(), "--watch"])
        .env("GATEHOUSE_NAMED_VALUE_TOKEN", "t")
        .stderr(Stdio::null())
        .spawn()
        .expect("start gatehouse");
    let header_seen = |name: &'static str| async move {
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(listen).await.is_ok() {
                let (_, _, body) = get(listen, "/echo/hello").await;
                let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
                if v["headers"][name][0] == "t" {
                    return true;
                }
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        false
    };
    let first = header_seen("x-token").await;
    let policy = dir.0.join("apis/echo/policy.xml");
    let text = std::fs::read_to_string(&policy).expect("read policy");
    std::fs::write(&policy, text.replace("X-Token", "X-Watched")).expect("write policy");
    let second = header_seen("x-watched").await;
    let _ = child.kill();
    let _ = child.wait();
    assert!(first, "the gateway serves the project");
    assert!(second, "--watch picked up the change");
}

/// The README's main command: the sample project served with the built-in echo backend on
/// 127.0.0.1:8081 (where the sample's backends point), and the README's requests.
#[tokio::test]
async fn the_readme_serves_the_sample() {
    let (listen, admin) = (free_port(), free_port());
    // The README's command, exactly, when its echo port is free; else the same command on
    // a copy of the sample pointing at a free port, so a busy 8081 fails nothing.
    let copy;
    let (sample, echo) = if std::net::TcpListener::bind("127.0.0.1:8081").is_ok() {
        ("policies/sample".to_string(), 8081)
    } else {
        let port = free_port().port();
        copy = crate::support::TempDir::new("readme-sample");
        copy_replacing(
            &crate::support::root().join("policies/sample"),
            &copy.0,
            port,
        );
        (copy.arg(), port)
    };
    let echo = format!("127.0.0.1:{echo}");
    let child = run_gatehouse(&[&sample, "--echo", &echo], listen, admin).await;
    let key = |path: &str| {
        hyper::Request::get(path)
            .header("Ocp-Apim-Subscription-Key", "alice-primary-sample-key")
            .body(http_body_util::Full::default())
            .expect("request")
    };
    let (status, headers, body) = super::harness::send(listen, key("/orders/orders/42")).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let v: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(v["path"], "/v2/orders/42", "rewrite-uri");
    assert_eq!(v["headers"]["x-api-key"][0], "sample-key-not-a-secret");
    assert!(v["fetchedAt"].is_string(), "outbound set-body");
    assert!(headers.contains_key("x-orders-api"));
    let (status, _, _) = super::harness::send(listen, key("/orders/orders/0")).await;
    assert_eq!(status, 404, "return-response");
    let (status, headers, _) = get(listen, "/orders/orders/42").await;
    assert_eq!(status, 401);
    assert_eq!(headers["x-error-reason"], "SubscriptionKeyNotFound");
    assert_eq!(get(listen, "/health/").await.0, 200);
    // The starter product's 5 calls a minute: two made above, three more pass, the sixth
    // gets the README's 429 with Retry-After.
    for _ in 0..3 {
        let (status, _, _) = super::harness::send(listen, key("/orders/orders/42")).await;
        assert_eq!(status, 200);
    }
    let (status, headers, _) = super::harness::send(listen, key("/orders/orders/42")).await;
    assert_eq!(status, 429);
    assert!(headers.contains_key("retry-after"));
    let (_, _, metrics) = get(admin, "/metrics").await;
    assert!(String::from_utf8_lossy(&metrics).contains("gatehouse_requests_total"));
    let out = terminate(child).await;
    assert_eq!(out.status.code(), Some(0));
}

/// `--threads 1` serves on a single-threaded runtime; `--no-access-log` drops the
/// per-request lines but keeps the others.
#[tokio::test]
async fn one_thread_without_an_access_log() {
    let (listen, admin, echo) = (free_port(), free_port(), free_port());
    let dir = project("run-one-thread", echo);
    let child = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args(["run", &dir.arg(), "--threads", "1", "--no-access-log"])
        .args([
            "--listen",
            &listen.to_string(),
            "--admin",
            &admin.to_string(),
        ])
        .args(["--echo", &echo.to_string()])
        .env("GATEHOUSE_NAMED_VALUE_TOKEN", "t")
        .stderr(Stdio::piped())
        .spawn()
        .expect("start gatehouse");
    let up = wait_for(admin, 200).await;
    assert!(up, "the admin listener comes up");
    let (status, _, body) = get(listen, "/echo/hello").await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let out = terminate(child).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("gatehouse ready"), "{stderr}");
    assert!(!stderr.contains("gatehouse::access"), "{stderr}");
}

/// Copies the folder `from` into `to`, pointing the sample's backends at `port` instead of
/// the README's echo port.
fn copy_replacing(from: &std::path::Path, to: &std::path::Path, port: u16) {
    for entry in std::fs::read_dir(from).expect("read sample") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_replacing(&entry.path(), &target, port);
        } else {
            let text = std::fs::read_to_string(entry.path()).expect("read");
            let text = text.replace("127.0.0.1:8081", &format!("127.0.0.1:{port}"));
            std::fs::write(target, text).expect("write");
        }
    }
}

/// Issue 19, item 14: a failed reload logs one message, the same whatever failed: a
/// one-line `reason` and the diagnostics in `details`.
#[tokio::test]
async fn a_failed_reload_logs_one_consistent_message() {
    let (listen, admin) = (free_port(), free_port());
    let dir = project("run-reload-fails", free_port());
    let mut child = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args(["run", &dir.arg(), "--watch", "--log-format", "json"])
        .args([
            "--listen",
            &listen.to_string(),
            "--admin",
            &admin.to_string(),
        ])
        .env("GATEHOUSE_NAMED_VALUE_TOKEN", "t0ken")
        .current_dir(crate::support::root())
        .stderr(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start gatehouse");
    if !wait_for(admin, 400).await {
        let _ = child.kill();
        panic!("not up");
    }
    dir.write(
        "apis/echo/policy.xml",
        "<policies><inbound><set-headr /></inbound></policies>",
    );
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let out = terminate(child).await;
    let logs = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let failed: Vec<serde_json::Value> = logs
        .lines()
        .filter(|l| l.contains("reload failed"))
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(failed.len(), 1, "{logs}");
    let fields = &failed[0];
    let reason = fields["reason"].as_str().expect("reason");
    assert!(
        reason.ends_with("has 1 error(s); not serving it"),
        "{reason}"
    );
    assert!(!reason.contains('\n'));
    assert!(fields["details"]
        .as_str()
        .expect("details")
        .contains("unknown-policy"));
    assert!(!logs.contains("t0ken"), "no secret in the logs");
}
