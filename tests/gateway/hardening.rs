//! Hardening through the real engine and server: request ids and randomness, the
//! client's `Connection` header, gateway-made errors and HTTP conformance.

use super::harness::{dead_addr, get, send, Running};
use super::project::{self, Urls};
use crate::support::TempDir;
use bytes::Bytes;
use gatehouse_runtime::engine::Gateway;
use gatehouse_server::echo;
use gatehouse_server::shutdown::Shutdown;
use gatehouse_server::ServerConfig;
use http::Request;
use http_body_util::Full;
use std::collections::HashSet;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

async fn gateway() -> (Running<Gateway>, TempDir) {
    gateway_with(ServerConfig::default()).await
}

async fn gateway_with(config: ServerConfig) -> (Running<Gateway>, TempDir) {
    let l = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let echo_url = format!("http://{}", l.local_addr().expect("addr"));
    tokio::spawn(echo::serve(l, Shutdown::new()));
    let dead = format!("http://{}", dead_addr().await);
    let urls = Urls {
        echo: echo_url,
        dead: dead.clone(),
        slow: dead.clone(),
        reset: dead.clone(),
        flaky: dead,
    };
    let dir = project::write(&urls);
    (project::serve_with(&dir, config).await, dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn request_ids_guids_and_randoms_are_distinct_across_800_concurrent_requests() {
    let (gw, _dir) = gateway().await;
    let addr = gw.addr;
    let mut tasks = Vec::new();
    for _ in 0..8 {
        tasks.push(tokio::spawn(async move {
            let mut seen = Vec::new();
            for _ in 0..100 {
                let (status, h, _) = get(addr, "/shop/ids").await;
                assert_eq!(status, 200);
                let v = |n: &str| h[n].to_str().expect("ascii").to_string();
                let (id1, id2) = (v("x-id1"), v("x-id2"));
                assert_eq!(id1, id2, "context.RequestId is stable within a request");
                seen.push((id1, v("x-guid"), v("x-rand")));
            }
            seen
        }));
    }
    let (mut ids, mut guids, mut rands) = (HashSet::new(), HashSet::new(), HashSet::new());
    for t in tasks {
        for (id, guid, rand) in t.await.expect("join") {
            for g in [&id, &guid] {
                assert_eq!(g.len(), 36, "{g}");
                assert_eq!(&g[14..15], "4", "version 4: {g}");
                assert!(matches!(&g[19..20], "8" | "9" | "a" | "b"), "variant: {g}");
            }
            ids.insert(id);
            guids.insert(guid);
            rands.insert(rand);
        }
    }
    assert_eq!(ids.len(), 800, "request ids");
    assert_eq!(guids.len(), 800, "Guid.NewGuid()");
    assert_eq!(rands.len(), 800, "new Random()");
}

#[tokio::test]
async fn headers_the_clients_connection_names_go_before_policies_run() {
    let (gw, _dir) = gateway().await;
    let req = Request::get("/shop/headers")
        .header("connection", "keep-alive, X-Added, X-In, X-Client")
        .header("x-in", "from-client")
        .header("x-client", "hop")
        .header("x-kept", "end-to-end")
        .body(Full::new(Bytes::new()))
        .expect("req");
    let (status, _, body) = send(gw.addr, req).await;
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
    let h = &v["headers"];
    assert_eq!(
        h["x-added"][0], "literal",
        "a policy's header survives: {v}"
    );
    assert_eq!(h["x-expr"][0], "none", "policies never saw X-In: {v}");
    assert!(h["x-in"].is_null() && h["x-client"].is_null(), "{v}");
    assert_eq!(h["x-kept"][0], "end-to-end");
    assert!(h["connection"].is_null(), "{v}");
}

/// Writes `bytes` and reads the answer's head and what follows for at most two seconds.
async fn raw(addr: std::net::SocketAddr, bytes: &[u8]) -> String {
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    s.write_all(bytes).await.expect("write");
    let mut out = Vec::new();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(2), s.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn gateway_made_errors_run_on_error_with_apims_reasons() {
    let config = ServerConfig {
        max_request_body: 64,
        max_response_body: 64,
        ..ServerConfig::default()
    };
    let (gw, _dir) = gateway_with(config).await;
    // Within the limits the policies read the bodies.
    let req = Request::post("/shop/read-body")
        .body(Full::new(Bytes::from_static(b"small")))
        .expect("req");
    let (status, _, body) = send(gw.addr, req).await;
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(v["headers"]["x-body-length"][0], "5");
    // 413: a request body past the limit.
    let req = Request::post("/shop/read-body")
        .body(Full::new(Bytes::from(vec![b'a'; 1000])))
        .expect("req");
    let (status, h, body) = send(gw.addr, req).await;
    assert_eq!(status, 413);
    assert_eq!(h["x-error-reason"], "RequestEntityTooLarge");
    assert!(h["content-type"]
        .to_str()
        .expect("ascii")
        .starts_with("application/json"));
    assert_eq!(
        &body[..],
        br#"{ "statusCode": 413, "message": "Request entity too large" }"#
    );
    // 502: the backend's body (the echo's JSON) past the limit.
    let (status, h, _) = get(gw.addr, "/shop/read-response").await;
    assert_eq!(status, 502);
    assert_eq!(h["x-error-reason"], "ResponseTooLarge");
    // 400: a request body that cannot be read (a malformed chunk).
    let answer = raw(
        gw.addr,
        b"POST /shop/read-body HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nZZ\r\n",
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(
        answer
            .to_ascii_lowercase()
            .contains("x-error-reason: clientconnectionfailure"),
        "{answer}"
    );
}

/// Resident memory of this process, bytes (Linux).
fn rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

#[tokio::test]
async fn an_expression_past_its_memory_budget_faults_and_runs_on_error() {
    let (gw, _dir) = gateway().await;
    let before = rss();
    let t = std::time::Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let addr = gw.addr;
        tasks.push(tokio::spawn(async move { get(addr, "/shop/memory").await }));
    }
    for task in tasks {
        let (status, h, _) = task.await.expect("join");
        assert_eq!(status, 500);
        assert_eq!(h["x-error-reason"], "ExpressionValueEvaluationFailure");
    }
    assert!(
        t.elapsed() < std::time::Duration::from_secs(10),
        "{:?}",
        t.elapsed()
    );
    if let (Some(a), Some(b)) = (before, rss()) {
        // Four requests at a 16 MiB budget each (tests run side by side: generous).
        assert!(
            b.saturating_sub(a) < 512 << 20,
            "RSS grew by {} bytes",
            b - a
        );
    }
    assert_eq!(
        get(gw.addr, "/shop/ids").await.0,
        200,
        "the gateway keeps serving"
    );
}

#[tokio::test]
async fn the_client_address_is_appended_to_x_forwarded_for() {
    let (gw, _dir) = gateway().await;
    let (_, _, body) = get(gw.addr, "/shop/headers").await;
    let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(v["headers"]["x-forwarded-for"][0], "127.0.0.1", "{v}");
    let req = Request::get("/shop/headers")
        .header("x-forwarded-for", "203.0.113.7")
        .header("forwarded", "for=203.0.113.7")
        .body(Full::new(Bytes::new()))
        .expect("req");
    let (_, _, body) = send(gw.addr, req).await;
    let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(v["headers"]["x-forwarded-for"][0], "203.0.113.7, 127.0.0.1");
    assert_eq!(v["headers"]["forwarded"][0], "for=203.0.113.7");
}
