//! Failures of the client's side (an aborted upload, a malformed chunk) while its body
//! streams to a backend: they get a 4xx with `ClientConnectionFailure` and never count
//! against the backend (no backend error, no circuit-breaker failure).

use super::harness::{backend, get, program_with, start, Proxy};
use bytes::Bytes;
use gatehouse_runtime::program::Breaker;
use gatehouse_server::ServerConfig;
use http::Request;
use http_body_util::{BodyExt, Full};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A backend that reads the whole request body and answers its length.
async fn reading_backend() -> SocketAddr {
    backend(|req: Request<hyper::body::Incoming>| async move {
        let n = match req.into_body().collect().await {
            Ok(b) => b.to_bytes().len(),
            Err(_) => 0,
        };
        http::Response::new(
            Full::new(Bytes::from(n.to_string()))
                .map_err(|e| match e {})
                .boxed_unsync(),
        )
    })
    .await
}

/// Writes `bytes`, optionally closes the connection at once, and reads what comes back
/// for at most two seconds.
async fn raw(addr: SocketAddr, bytes: &[u8], abort: bool) -> String {
    let mut s = TcpStream::connect(addr).await.expect("connect");
    s.write_all(bytes).await.expect("write");
    if abort {
        // Give the gateway time to start forwarding, then go away mid-body.
        tokio::time::sleep(Duration::from_millis(100)).await;
        drop(s);
        return String::new();
    }
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
    while let Ok(Ok(n)) = tokio::time::timeout_at(deadline, s.read(&mut buf)).await {
        if n == 0 {
            break;
        }
        out.extend_from_slice(&buf[..n]);
        if out.windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn breaker(count: u32) -> Breaker {
    Breaker {
        name: 0,
        count: Some(count),
        percentage: None,
        interval_ms: 60_000,
        status_ranges: vec![(500, 599)],
        error_reasons: vec![],
        trip_ms: 60_000,
        accept_retry_after: false,
    }
}

#[tokio::test]
async fn client_side_body_failures_never_open_a_backends_circuit() {
    let origin = reading_backend().await;
    let program = program_with(&[format!("http://{origin}")], &[breaker(3)]);
    let gw = start(Proxy::to_backend(program, 0), ServerConfig::default()).await;
    for i in 0..4 {
        // A malformed chunk size: the client gets 400 with the client-side reason.
        let answer = raw(
            gw.addr,
            b"POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nZZ\r\n",
            false,
        )
        .await;
        assert!(
            answer.starts_with("HTTP/1.1 400"),
            "malformed chunk {i}: {answer}"
        );
        assert!(
            answer
                .to_ascii_lowercase()
                .contains("x-error-reason: clientconnectionfailure"),
            "{answer}"
        );
        // An upload the client abandons half-way.
        raw(
            gw.addr,
            b"POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\nonly a little",
            true,
        )
        .await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (status, _, body) = get(gw.addr, "/after").await;
    assert_eq!(status, 200, "the backend's circuit stays closed");
    assert_eq!(&body[..], b"0");
    let (_, _, metrics) = get(gw.admin, "/metrics").await;
    let text = String::from_utf8_lossy(&metrics);
    assert!(
        !text.contains("gatehouse_backend_errors_total{"),
        "no backend error is recorded: {text}"
    );
}
