//! A bounded soak (issue 19): valid traffic mixed with the hostile patterns of items 1, 4
//! and 5 — aborted uploads and malformed chunks to a backend with a circuit breaker, idle
//! and byte-at-a-time connections, expressions that try to exhaust memory. Throughout, the
//! gateway answers valid requests, no breaker opens, and the process stays under its cap.

use super::harness::{backend, reply, send, start_loaded};
use super::project::load;
use crate::support::TempDir;
use bytes::Bytes;
use gatehouse_server::ServerConfig;
use http::Request;
use http_body_util::Full;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

/// How long the mixed load runs.
const SOAK: Duration = Duration::from_secs(6);
/// The resident-set cap the process must stay under (documented in docs/gateway.md):
/// the test binary, its backends and the gateway together.
const RSS_CAP_MB: u64 = 600;

fn project(origin: SocketAddr) -> TempDir {
    let dir = TempDir::new("soak");
    dir.write(
        "apis/soak/apiInformation.json",
        &format!(r#"{{"properties":{{"displayName":"Soak","path":"soak","serviceUrl":"http://{origin}","protocols":["http"],"subscriptionRequired":false}}}}"#),
    )
    .write(
        "apis/soak/specification.yaml",
        "openapi: 3.0.1\ninfo: { title: Soak, version: '1' }\npaths:\n  /ok:\n    get:\n      operationId: ok\n      responses: { '200': { description: ok } }\n  /up:\n    post:\n      operationId: up\n      responses: { '200': { description: ok } }\n  /hog:\n    get:\n      operationId: hog\n      responses: { '200': { description: ok } }\n",
    )
    .write(
        "apis/soak/policy.xml",
        r#"<policies><inbound><set-backend-service backend-id="origin" /></inbound><backend><forward-request /></backend><outbound /><on-error /></policies>"#,
    )
    .write(
        "apis/soak/operations/hog/policy.xml",
        r#"<policies><inbound><base /><set-variable name="n" value="@{ var s = &quot;a&quot;; for (int i = 0; i &lt; 40; i++) { s = s + s; } return s.Length; }" /></inbound><backend><base /></backend><outbound /><on-error /></policies>"#,
    )
    .write(
        "backends/origin/backendInformation.json",
        &format!(r#"{{"properties":{{"url":"http://{origin}","protocol":"http","circuitBreaker":{{"rules":[{{"name":"b","failureCondition":{{"count":3,"interval":"PT1M","statusCodeRanges":[{{"min":500,"max":599}}],"errorReasons":["BackendConnectionFailure"]}},"tripDuration":"PT1M"}}]}}}}}}"#),
    );
    dir
}

fn rss_mb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

async fn hostile_upload(addr: SocketAddr, malformed: bool) {
    let Ok(mut s) = TcpStream::connect(addr).await else {
        return;
    };
    let head =
        b"POST /soak/up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n";
    let _ = s.write_all(head).await;
    if malformed {
        let _ = s.write_all(b"ZZ\r\n").await;
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
}

async fn idle_and_slow(addr: SocketAddr) {
    let Ok(mut idle) = TcpStream::connect(addr).await else {
        return;
    };
    let Ok(mut slow) = TcpStream::connect(addr).await else {
        return;
    };
    for b in b"GET /soak/ok HTT" {
        if slow.write_all(&[*b]).await.is_err() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = idle.write_all(b"").await;
}

fn get(path: &str) -> Request<Full<Bytes>> {
    Request::get(path).body(Full::default()).expect("request")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gateway_stays_responsive_under_hostile_load() {
    let origin = backend(|_| async { reply(200, "fine") }).await;
    let dir = project(origin);
    let loaded = load(&dir.0).unwrap_or_else(|e| panic!("{e}"));
    let gw = start_loaded(loaded, ServerConfig::default()).await;
    let addr = gw.addr;
    let stop = Instant::now() + SOAK;
    let mut hostile = Vec::new();
    for i in 0..4u32 {
        hostile.push(tokio::spawn(async move {
            let mut n = 0u32;
            while Instant::now() < stop {
                match (i + n) % 3 {
                    0 => hostile_upload(addr, n % 2 == 0).await,
                    1 => idle_and_slow(addr).await,
                    _ => {
                        let _ = send(addr, get("/soak/hog")).await;
                    }
                }
                n += 1;
            }
            n
        }));
    }
    let (mut valid, mut worst, mut peak) = (0u32, Duration::ZERO, 0u64);
    while Instant::now() < stop {
        let started = Instant::now();
        let (status, _, body) = send(addr, get("/soak/ok")).await;
        assert_eq!(
            status,
            200,
            "a valid request failed: {}",
            String::from_utf8_lossy(&body)
        );
        worst = worst.max(started.elapsed());
        peak = peak.max(rss_mb());
        valid += 1;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut hostile_runs = 0;
    for h in hostile {
        hostile_runs += h.await.expect("hostile task");
    }
    // The breaker never opened: the backend is still called, and answers.
    let (status, _, body) = send(addr, get("/soak/ok")).await;
    assert_eq!((status.as_u16(), &body[..]), (200, &b"fine"[..]));
    let (status, _, _) = send(addr, get("/soak/hog")).await;
    assert_eq!(
        status, 500,
        "the memory hog faults (OutOfMemoryException) and on-error runs"
    );
    assert!(valid > 50, "only {valid} valid requests in {SOAK:?}");
    assert!(
        worst < Duration::from_secs(2),
        "a valid request took {worst:?}"
    );
    assert!(
        peak < RSS_CAP_MB,
        "RSS reached {peak} MB (cap {RSS_CAP_MB} MB)"
    );
    eprintln!(
        "soak: {valid} valid requests (slowest {worst:?}), {hostile_runs} hostile runs, peak RSS {peak} MB"
    );
}
