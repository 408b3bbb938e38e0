//! Fuzz target `requests`: random and mutated HTTP requests (methods, paths, query strings,
//! headers, bodies) against the sample project's program, run by the engine in process
//! (`run_in_process`, a mock backend); then `requests-server`: a shorter run of raw,
//! mutated request bytes against a real gateway listener on a loopback port the system
//! picks, with an echo backend. Checks: no panic (in the engine, or on the server's
//! threads), and the server still answers a valid request afterwards.

use super::mutate::mutate;
use super::{assert_clean, hash, run, take_server_panics, Budget, Rng, Target};
use bytes::Bytes;
use gatehouse_compiler::{build_project, CheckOptions};
use gatehouse_runtime::engine::{
    run_in_process, BackendFailure, BackendRequest, BackendResponse, EngineConfig, Gateway,
    RequestHead,
};
use gatehouse_runtime::program::Program;
use gatehouse_runtime::state::{LocalRates, ManualClock};
use gatehouse_server::backend::client::ClientSettings;
use gatehouse_server::shutdown::Shutdown;
use gatehouse_server::{echo, listener, Loaded, ServerConfig, Shared};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const METHODS: &[&str] = &[
    "GET", "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "get", "FOO",
];

const PATHS: &[&str] = &[
    "/orders/orders/42",
    "/orders/orders/0",
    "/orders/orders",
    "/orders/orders/",
    "/orders/orders/-1",
    "/orders/orders/99999999999999999999",
    "/orders/orders/%2e%2e/x",
    "/orders/orders/42/extra",
    "/ORDERS/Orders/42",
    "/health/",
    "/health",
    "/",
    "//orders//orders/42",
    "/orders/../health/",
    "/orders/orders/%00",
    "/orders/orders/%ff%fe",
    "/orders/orders/é",
    "*",
];

/// Method and path pairs the sample routes.
const ROUTES: &[(&str, &str)] = &[
    ("GET", "/orders/orders"),
    ("POST", "/orders/orders"),
    ("GET", "/orders/orders/42"),
    ("GET", "/orders/orders/0"),
    ("GET", "/orders/orders/7"),
    ("DELETE", "/orders/orders/42"),
    ("GET", "/health/"),
];

const QUERIES: &[&str] = &[
    "",
    "?top=5",
    "?top=-1",
    "?top=abc",
    "?subscription-key=alice-primary-sample-key",
    "?subscription-key=wrong",
    "?a=1&a=2&a",
    "?=&&=",
    "?%zz",
    "?top=5&api-version=2024-01-01",
];

const HEADERS: &[&str] = &[
    "Ocp-Apim-Subscription-Key: alice-primary-sample-key",
    "Ocp-Apim-Subscription-Key: alice-secondary-sample-key",
    "Ocp-Apim-Subscription-Key: nope",
    "Ocp-Apim-Subscription-Key: ",
    "Content-Type: application/json",
    "Content-Type: application/xml",
    "Content-Type: text/plain; charset=utf-16",
    "Content-Type: ",
    "Accept: application/json",
    "Authorization: Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
    "Authorization: Basic !!!",
    "X-Forwarded-For: 10.0.0.1, 10.0.0.2",
    "Forwarded: for=\"[::1]\"",
    "Connection: keep-alive, X-Global",
    "X-Request-Id: 1",
    "Cookie: a=b; c",
    "If-None-Match: *",
    "Accept-Encoding: gzip",
    "Range: bytes=0-1",
    "Expect: 100-continue",
];

const BODIES: &[&str] = &[
    "",
    "{\"id\": 42, \"status\": \"open\"}",
    "{\"id\": ",
    "[1, 2, 3]",
    "null",
    "<order><id>42</id></order>",
    "{\"a\": {\"b\": {\"c\": [[[[[[[[[[]]]]]]]]]]}}}",
    "\u{feff}{}",
    "{\"id\": 1e999}",
];

const HTTP_TOKENS: &[&str] = &[
    "\r\n",
    "\n",
    ": ",
    " ",
    "HTTP/1.1",
    "HTTP/1.0",
    "HTTP/2.0",
    "Host: ",
    "Content-Length: 5\r\n",
    "Content-Length: -1\r\n",
    "Transfer-Encoding: chunked\r\n",
    "0\r\n\r\n",
    "ffffffff\r\n",
    "Host: a\r\nHost: b\r\n",
    "%",
    "?",
    "#",
    "\0",
    "\t",
];

/// One request as HTTP/1.1 bytes.
fn generate(rng: &mut Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
    // Half the requests take a route the sample serves, so most reach its policies and
    // backends rather than a 404.
    let (method, path) = if rng.one_in(2) {
        *rng.pick(ROUTES)
    } else {
        (*rng.pick(METHODS), *rng.pick(PATHS))
    };
    let query = rng.pick(QUERIES);
    let body = rng.pick(BODIES);
    let mut req = format!("{method} {path}{query} HTTP/1.1\r\nHost: localhost\r\n");
    if rng.below(4) != 0 {
        req.push_str("Ocp-Apim-Subscription-Key: alice-primary-sample-key\r\n");
    }
    for _ in 0..rng.below(5) {
        let h: &&str = rng.pick(HEADERS);
        req.push_str(h);
        req.push_str("\r\n");
    }
    if rng.one_in(4) {
        req.push_str(&format!("X-Long: {}\r\n", "v".repeat(rng.range(1, 10_000))));
    }
    req.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    let bytes = req.into_bytes();
    if rng.one_in(3) {
        mutate(&bytes, seeds, HTTP_TOKENS, rng, 64 << 10)
    } else {
        bytes
    }
}

/// Reads HTTP/1.1 bytes leniently into a request head and body, as the server would hand
/// them to the engine (`None` when hyper would refuse them anyway).
fn parse(input: &[u8]) -> Option<(RequestHead, Bytes)> {
    let split = input.windows(4).position(|w| w == b"\r\n\r\n");
    let (head, body) = match split {
        Some(i) => (&input[..i], &input[i + 4..]),
        None => (input, &[][..]),
    };
    let mut lines = head
        .split(|&c| c == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    let mut first = lines.next()?.split(|&c| c == b' ');
    let method = Method::from_bytes(first.next()?).ok()?;
    let target = http::uri::PathAndQuery::try_from(first.next()?).ok()?;
    let mut headers = HeaderMap::new();
    for line in lines {
        let Some(colon) = line.iter().position(|&c| c == b':') else {
            continue;
        };
        let value = line[colon + 1..].trim_ascii();
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(&line[..colon]),
            HeaderValue::from_bytes(value),
        ) {
            headers.append(n, v);
        }
    }
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost")
        .to_string();
    let head = RequestHead {
        method,
        scheme: "https".into(),
        host,
        path_and_query: target.as_str().to_string(),
        headers,
        client_ip: [127, 0, 0, 1].into(),
        client_certificate: None,
    };
    Some((head, Bytes::copy_from_slice(body)))
}

/// The sample project's program, its backends pointed at `backend` (`host:port`).
fn sample(backend: &str) -> Program {
    let dir = crate::support::root().join("policies/sample");
    let mut program = build_project(&dir, &CheckOptions::default())
        .program
        .expect("the sample project builds");
    for s in &mut program.strings {
        if s.contains("127.0.0.1:8081") {
            *s = s.replace("127.0.0.1:8081", backend).into();
        }
    }
    program
}

/// A mock backend whose answer depends on the request: success with a JSON body (the
/// request's, echoed, when it has one), a 500 with XML, or a connection failure.
fn backend(req: &BackendRequest, body: &Bytes) -> Result<(BackendResponse, Bytes), BackendFailure> {
    let h = hash(req.path_and_query.as_bytes()) ^ hash(body);
    let mut headers = HeaderMap::new();
    match h % 6 {
        0 => Err(BackendFailure {
            reason: "BackendConnectionFailure",
            message: "refused".into(),
            retry_after: None,
            status: None,
        }),
        1 => {
            headers.insert("content-type", HeaderValue::from_static("application/xml"));
            let status = StatusCode::INTERNAL_SERVER_ERROR;
            Ok((
                BackendResponse { status, headers },
                Bytes::from_static(b"<e>x</e>"),
            ))
        }
        _ => {
            headers.insert("content-type", HeaderValue::from_static("application/json"));
            let b = if body.is_empty() {
                Bytes::from_static(b"{\"id\": 42, \"status\": \"open\", \"items\": [1, 2]}")
            } else {
                body.clone()
            };
            Ok((
                BackendResponse {
                    status: StatusCode::OK,
                    headers,
                },
                b,
            ))
        }
    }
}

/// Sends `input` on a new connection to `addr`, half-closes when `half_close` (so the server
/// sees the end of a truncated input at once), and reads the answer (bounded in size and
/// time). Returns what was read. hyper does not keep half-closed connections by default, so
/// an answer to a half-closed request may be cut: the inputs' answers are only counted.
fn exchange(addr: SocketAddr, input: &[u8], half_close: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let Ok(mut s) = TcpStream::connect_timeout(&addr, Duration::from_secs(2)) else {
        return out;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    let _ = s.set_write_timeout(Some(Duration::from_secs(2)));
    let _ = s.write_all(input);
    if half_close {
        let _ = s.shutdown(std::net::Shutdown::Write);
    }
    let mut buf = [0u8; 16 << 10];
    let until = Instant::now() + Duration::from_secs(3);
    while out.len() < 1 << 20 && Instant::now() < until {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
        }
    }
    out
}

#[test]
fn requests() {
    let seeds: Vec<Vec<u8>> = {
        let mut rng = Rng::new(1);
        (0..64).map(|_| generate(&mut rng, &[])).collect()
    };

    // In process. The clock moves a minute per request, so the sample's rate limit (5 calls
    // a minute) does not answer 429 to nearly everything.
    let clock = Arc::new(ManualClock::new(1_700_000_000_000));
    let gw = Gateway::with_state(
        Arc::new(sample("127.0.0.1:9")),
        EngineConfig::default(),
        clock.clone(),
        Arc::new(LocalRates::default()),
    );
    // Answers by status, and how many reached the backend: how deep the inputs go.
    let statuses = std::sync::Mutex::new(std::collections::BTreeMap::<u16, u64>::new());
    let forwarded = AtomicU64::new(0);
    let check = |input: &[u8]| -> Result<(), String> {
        if let Some((head, body)) = parse(input) {
            clock.advance(60_000);
            let out = run_in_process(&gw, head, body, &mut backend);
            if !out.forwarded.is_empty() {
                forwarded.fetch_add(1, Ordering::Relaxed);
            }
            if let Ok(mut s) = statuses.lock() {
                *s.entry(out.response.status.as_u16()).or_default() += 1;
            }
        }
        Ok(())
    };
    let mut gen = |rng: &mut Rng| generate(rng, &seeds);
    let report = run(Target {
        name: "requests",
        budget: Budget::scaled(20_000, 0.6),
        generate: &mut gen,
        check: &check,
    });
    println!(
        "fuzz requests: {} reached the backend; answers by status: {:?}",
        forwarded.load(Ordering::Relaxed),
        statuses.lock().map(|s| s.clone()).unwrap_or_default()
    );
    assert_clean("requests", &report);

    // A real listener on loopback.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("fuzz-server")
        .enable_all()
        .build()
        .expect("runtime");
    let shutdown = Shutdown::new();
    let (addr, echo_addr) = rt.block_on(async {
        let echo_l = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind echo");
        let echo_addr = echo_l.local_addr().expect("echo addr");
        let gw_l = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind gateway");
        (gw_l.local_addr().expect("addr"), (echo_l, gw_l, echo_addr))
    });
    let (echo_l, gw_l, echo_addr) = echo_addr;
    let gateway = Gateway::new(
        Arc::new(sample(&echo_addr.to_string())),
        EngineConfig::default(),
    );
    let loaded = Loaded::new(gateway, &ClientSettings::default()).expect("backends");
    let config = ServerConfig {
        header_read_timeout: Duration::from_secs(2),
        ..ServerConfig::default()
    };
    let shared = Arc::new(Shared::new(loaded, config));
    rt.spawn(echo::serve(echo_l, shutdown.clone()));
    rt.spawn(listener::serve(gw_l, shared, shutdown.clone()));
    let alive = || {
        let answer = exchange(
            addr,
            b"GET /health/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
            false,
        );
        answer.starts_with(b"HTTP/1.1 ")
    };
    assert!(alive(), "the gateway answers before fuzzing");
    let _ = take_server_panics();
    let answered = AtomicU64::new(0);
    let check = |input: &[u8]| -> Result<(), String> {
        if exchange(addr, input, true).starts_with(b"HTTP/") {
            answered.fetch_add(1, Ordering::Relaxed);
        }
        let panics = take_server_panics();
        if panics.is_empty() {
            Ok(())
        } else {
            Err(panics.join("; "))
        }
    };
    let report = run(Target {
        name: "requests-server",
        budget: Budget::scaled(1_500, 0.4),
        generate: &mut gen,
        check: &check,
    });
    println!(
        "fuzz requests-server: {} of {} inputs answered with an HTTP response",
        answered.load(Ordering::Relaxed),
        report.inputs
    );
    // The valid request may wait behind the last inputs' connections: a few tries, a second
    // apart.
    let still = (0..5).any(|i| {
        let ok = alive();
        if !ok {
            println!(
                "fuzz requests-server: no answer to a valid request (try {})",
                i + 1
            );
            std::thread::sleep(Duration::from_secs(1));
        }
        ok
    });
    shutdown.trigger();
    rt.shutdown_timeout(Duration::from_secs(2));
    assert_clean("requests-server", &report);
    assert!(still, "the gateway stopped answering after the fuzz inputs");
}
