//! Replicas sharing one real `redis-server` (`gatehouse run --redis`): three gateway
//! processes, a rate limit held across them under concurrent load, values and responses
//! cached through one and read through another, and Redis killed and restarted under them.
//!
//! The tests start `redis-server` themselves on a free loopback port (`.ci/run` installs it);
//! without it they fail, saying so.

use super::harness::{backend, get, reply};
use super::run_cmd::{free_port, terminate, wait_for};
use crate::support::TempDir;
use http::StatusCode;
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The shared limit: calls per minute per counter key.
const CALLS: usize = 10;

const POLICY: &str = r#"<policies>
  <inbound>
    <choose>
      <when condition="@(context.Request.Url.Path.EndsWith("/limited"))">
        <rate-limit-by-key calls="10" renewal-period="60" counter-key="@(context.Request.Headers.GetValueOrDefault("X-Key", "anon"))" />
        <return-response><set-status code="200" reason="OK" /></return-response>
      </when>
      <when condition="@(context.Request.Url.Path.EndsWith("/value"))">
        <choose>
          <when condition="@(context.Request.Headers.ContainsKey("X-Remember"))">
            <cache-store-value key="greeting" value="@(context.Request.Headers.GetValueOrDefault("X-Remember", ""))" duration="60" caching-type="external" />
          </when>
        </choose>
        <cache-lookup-value key="greeting" variable-name="greeting" default-value="none" caching-type="external" />
        <return-response>
          <set-status code="200" reason="OK" />
          <set-header name="X-Greeting" exists-action="override"><value>@((string)context.Variables["greeting"])</value></set-header>
        </return-response>
      </when>
    </choose>
    <cache-lookup vary-by-developer="false" vary-by-developer-groups="false" caching-type="external" />
  </inbound>
  <backend><forward-request timeout="10" /></backend>
  <outbound><cache-store duration="60" /></outbound>
  <on-error />
</policies>"#;

/// A `redis-server` on loopback, killed when dropped.
struct Redis {
    child: Option<Child>,
    addr: SocketAddr,
}

impl Redis {
    /// Starts one on a free port (picked by binding port 0; retried on a collision).
    async fn start() -> Redis {
        for _ in 0..5 {
            let addr = free_port();
            if let Some(child) = spawn_redis(addr).await {
                return Redis {
                    child: Some(child),
                    addr,
                };
            }
        }
        panic!("redis-server did not start on any of five free ports");
    }

    fn url(&self) -> String {
        format!("redis://{}/0", self.addr)
    }

    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Starts it again on the same port (an empty server: it keeps nothing on disk).
    async fn restart(&mut self) {
        self.kill();
        self.child = Some(
            spawn_redis(self.addr)
                .await
                .expect("redis-server restarts on its port"),
        );
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.kill();
    }
}

/// `redis-server` on `addr`, once it accepts connections; `None` if it exited (the port
/// was taken meanwhile).
async fn spawn_redis(addr: SocketAddr) -> Option<Child> {
    let port = addr.port().to_string();
    let spawned = Command::new("redis-server")
        .args(["--port", &port, "--bind", "127.0.0.1", "--save", ""])
        .args(["--appendonly", "no", "--protected-mode", "yes"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let mut child = match spawned {
        Ok(c) => c,
        Err(e) => panic!(
            "cannot run redis-server ({e}): the shared-store tests need it on PATH \
             (.ci/run installs it: apt-get install redis-server)"
        ),
    };
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(addr).await.is_ok() {
            return Some(child);
        }
        if let Ok(Some(_)) = child.try_wait() {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

/// One `gatehouse run` process.
struct Replica {
    child: Option<Child>,
    listen: SocketAddr,
    admin: SocketAddr,
}

impl Replica {
    async fn metrics(&self) -> String {
        let (_, _, body) = get(self.admin, "/metrics").await;
        String::from_utf8_lossy(&body).into_owned()
    }

    /// Stops it; its stderr.
    async fn stop(mut self) -> String {
        let child = self.child.take().expect("running");
        String::from_utf8_lossy(&terminate(child).await.stderr).into_owned()
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// The project: API `r` in front of a backend counting its calls.
async fn project(name: &str) -> (TempDir, Arc<AtomicU32>) {
    let calls = Arc::new(AtomicU32::new(0));
    let counted = calls.clone();
    let addr = backend(move |_req| {
        let counted = counted.clone();
        async move {
            counted.fetch_add(1, Ordering::SeqCst);
            reply(200, "from-backend")
        }
    })
    .await;
    let dir = TempDir::new(&format!("redis-{name}"));
    dir.write(
        "apis/r/apiInformation.json",
        &format!(
            r#"{{"properties":{{"displayName":"r","path":"r","serviceUrl":"http://{addr}","protocols":["http"],"subscriptionRequired":false,"apiRevision":"1","isCurrent":true}}}}"#
        ),
    );
    let op = |path: &str| {
        format!("  /{path}:\n    get:\n      operationId: {path}\n      responses:\n        '200':\n          description: ok\n")
    };
    dir.write(
        "apis/r/specification.yaml",
        &format!(
            "openapi: 3.0.1\ninfo: {{ title: R, version: '1' }}\npaths:\n{}{}{}",
            op("limited"),
            op("value"),
            op("item")
        ),
    );
    dir.write("apis/r/policy.xml", POLICY);
    (dir, calls)
}

/// `n` replicas of the project in `dir`, sharing Redis at `url`.
async fn replicas(dir: &TempDir, url: &str, n: usize) -> Vec<Replica> {
    let mut out = Vec::new();
    for _ in 0..n {
        let (listen, admin) = (free_port(), free_port());
        let child = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
            .args(["run", &dir.arg(), "--no-access-log", "--redis", url])
            .args([
                "--listen",
                &listen.to_string(),
                "--admin",
                &admin.to_string(),
            ])
            .stderr(Stdio::piped())
            .spawn()
            .expect("start gatehouse");
        let r = Replica {
            child: Some(child),
            listen,
            admin,
        };
        // Bounded (30 s): a loaded CI machine compiles the project slowly.
        if !wait_for(listen, 1200).await {
            let err = r.stop().await;
            panic!("replica not up: {err}");
        }
        out.push(r);
    }
    out
}

/// Sends `n` concurrent `GET /r/limited` with counter key `key`, spread over `replicas`;
/// the statuses.
async fn burst(replicas: &[Replica], key: &'static str, n: usize) -> Vec<StatusCode> {
    let mut tasks = Vec::new();
    for i in 0..n {
        let addr = replicas[i % replicas.len()].listen;
        tasks.push(tokio::spawn(async move { limited(addr, key).await.0 }));
    }
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.expect("join"));
    }
    out
}

/// One `GET /r/limited` with counter key `key`: status and `Retry-After`.
async fn limited(addr: SocketAddr, key: &str) -> (StatusCode, Option<u64>) {
    let req = http::Request::get("/r/limited")
        .header("X-Key", key)
        .body(http_body_util::Full::default())
        .expect("request");
    let (status, headers, _) = super::harness::send(addr, req).await;
    let retry = headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok()?.parse().ok());
    (status, retry)
}

fn count(statuses: &[StatusCode], s: StatusCode) -> usize {
    statuses.iter().filter(|x| **x == s).count()
}

async fn greeting(addr: SocketAddr, remember: Option<&str>) -> String {
    let mut req = http::Request::get("/r/value");
    if let Some(v) = remember {
        req = req.header("X-Remember", v);
    }
    let req = req.body(http_body_util::Full::default()).expect("request");
    let (status, headers, _) = super::harness::send(addr, req).await;
    assert_eq!(status, StatusCode::OK);
    let v = headers.get("x-greeting").expect("X-Greeting");
    v.to_str().expect("text").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_replicas_share_limits_values_and_responses() {
    let redis = Redis::start().await;
    let (dir, backend_calls) = project("shared").await;
    let gws = replicas(&dir, &redis.url(), 3).await;

    // 60 concurrent calls over three replicas: exactly the limit passes (exact counting).
    let statuses = burst(&gws, "burst", 6 * CALLS).await;
    assert_eq!(count(&statuses, StatusCode::OK), CALLS, "{statuses:?}");
    assert_eq!(count(&statuses, StatusCode::TOO_MANY_REQUESTS), 5 * CALLS);
    let (status, retry) = limited(gws[2].listen, "burst").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(matches!(retry, Some(1..=60)), "{retry:?}");

    // 10 a minute across two replicas called 20 times a second: at most 12 (here 10).
    let mut passed = 0;
    for i in 0..40 {
        let (status, _) = limited(gws[i % 2].listen, "paced").await;
        passed += usize::from(status == StatusCode::OK);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(passed, CALLS);

    // A value stored through one replica is read through the others.
    assert_eq!(greeting(gws[0].listen, Some("hello")).await, "hello");
    assert_eq!(greeting(gws[1].listen, None).await, "hello");
    assert_eq!(greeting(gws[2].listen, None).await, "hello");

    // A response cached through one replica is served by another, the backend called once.
    let (status, _, body) = get(gws[0].listen, "/r/item").await;
    assert_eq!((status, &body[..]), (StatusCode::OK, &b"from-backend"[..]));
    let (status, _, body) = get(gws[1].listen, "/r/item").await;
    assert_eq!((status, &body[..]), (StatusCode::OK, &b"from-backend"[..]));
    let (status, _, _) = get(gws[2].listen, "/r/item").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        backend_calls.load(Ordering::SeqCst),
        1,
        "two hits from Redis"
    );
    let m = gws[1].metrics().await;
    assert!(
        m.contains("gatehouse_cache_hits_total{store=\"external\"} 2\n"),
        "{m}"
    );
    assert!(m.contains("gatehouse_redis_up 1\n"), "{m}");
    assert!(m.contains("gatehouse_redis_errors_total 0\n"), "{m}");
}

/// Polls every replica's `/metrics` (bounded: 10 s) until each shows `line`.
async fn wait_metric(gws: &[Replica], line: &str) {
    for _ in 0..200 {
        let mut all = true;
        for g in gws {
            all &= g.metrics().await.contains(line);
        }
        if all {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("not every replica shows {line:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_keep_serving_without_redis_and_share_again_when_it_returns() {
    let mut redis = Redis::start().await;
    let (dir, backend_calls) = project("outage").await;
    let gws = replicas(&dir, &redis.url(), 3).await;
    assert_eq!(
        count(&burst(&gws, "k", 3 * CALLS).await, StatusCode::OK),
        CALLS
    );

    redis.kill();
    // Rate limits count per replica meanwhile: each lets through its own 10.
    let statuses = burst(&gws, "k", 3 * 3 * CALLS).await;
    // (A call in flight when Redis died may still have been counted there, and the call
    // that found Redis gone is let through uncounted: at least the shared limit, at most
    // each replica's own and one more each.)
    let ok = count(&statuses, StatusCode::OK);
    assert!((CALLS..=3 * CALLS + 3).contains(&ok), "{statuses:?}");
    assert_eq!(
        ok + count(&statuses, StatusCode::TOO_MANY_REQUESTS),
        9 * CALLS
    );
    // Caches miss: every lookup reaches the backend, and is still answered.
    let before = backend_calls.load(Ordering::SeqCst);
    for g in &gws {
        let (status, _, body) = get(g.listen, "/r/item").await;
        assert_eq!((status, &body[..]), (StatusCode::OK, &b"from-backend"[..]));
    }
    assert_eq!(backend_calls.load(Ordering::SeqCst), before + 3);
    assert_eq!(greeting(gws[0].listen, Some("lost")).await, "none");
    let m = gws[0].metrics().await;
    assert!(m.contains("gatehouse_redis_up 0\n"), "{m}");
    assert!(m.contains("gatehouse_redis_outages_total 1\n"), "{m}");
    assert!(!m.contains("{family=\"rate-limit\"} 0\n"), "{m}");
    assert!(!m.contains("{family=\"cache\"} 0\n"), "{m}");

    // Redis returns (empty): the replicas find it by themselves and share limits again.
    redis.restart().await;
    wait_metric(&gws, "gatehouse_redis_up 1\n").await;
    let statuses = burst(&gws, "k2", 3 * CALLS).await;
    assert_eq!(count(&statuses, StatusCode::OK), CALLS, "{statuses:?}");
    assert_eq!(greeting(gws[1].listen, Some("back")).await, "back");
    assert_eq!(greeting(gws[2].listen, None).await, "back");

    for g in gws {
        let log = g.stop().await;
        assert_eq!(log.matches("redis unreachable").count(), 1, "{log}");
        assert_eq!(log.matches("redis reachable again").count(), 1, "{log}");
        assert!(
            !log.contains("redis://"),
            "no URL (it may hold a password): {log}"
        );
    }
}
