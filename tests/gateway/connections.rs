//! Idle and slow connections: the head timeout from accept, the idle timeout between
//! requests, the request-body read timeout and the connection cap.

use super::harness::{backend, get, reply, start, Proxy, Running};
use bytes::Bytes;
use gatehouse_server::ServerConfig;
use http::Request;
use http_body_util::BodyExt;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const SHORT: Duration = Duration::from_millis(300);

async fn gateway(config: ServerConfig, read_body: bool) -> Running {
    let origin = backend(|req: Request<hyper::body::Incoming>| async move {
        let n = req
            .into_body()
            .collect()
            .await
            .map_or(0, |b| b.to_bytes().len());
        let _ = n;
        reply(200, "ok")
    })
    .await;
    let mut proxy = Proxy::to_url(&format!("http://{origin}"));
    proxy.read_body = read_body;
    start(proxy, config).await
}

fn short() -> ServerConfig {
    ServerConfig {
        header_read_timeout: SHORT,
        idle_timeout: SHORT,
        body_read_timeout: SHORT,
        ..ServerConfig::default()
    }
}

/// Reads until the server closes the connection (or `within` passes): what was read,
/// and whether it closed.
async fn until_closed(s: &mut TcpStream, within: Duration) -> (String, bool) {
    let mut out = Vec::new();
    let mut buf = [0u8; 1024];
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (String::from_utf8_lossy(&out).into(), true),
            Ok(Ok(n)) => out.extend_from_slice(&buf[..n]),
            Err(_) => return (String::from_utf8_lossy(&out).into(), false),
        }
    }
}

#[tokio::test]
async fn a_connection_that_sends_nothing_is_closed_after_the_head_timeout() {
    let gw = gateway(short(), false).await;
    let t = Instant::now();
    let mut s = TcpStream::connect(gw.addr).await.expect("connect");
    let (_, closed) = until_closed(&mut s, Duration::from_secs(5)).await;
    assert!(closed, "a silent connection is reaped");
    assert!(t.elapsed() >= SHORT / 2 && t.elapsed() < Duration::from_secs(3));
    assert_eq!(get(gw.addr, "/x").await.0, 200);
}

#[tokio::test]
async fn a_head_sent_a_byte_at_a_time_is_cut_off() {
    let gw = gateway(short(), false).await;
    let mut s = TcpStream::connect(gw.addr).await.expect("connect");
    let t = Instant::now();
    let mut closed = false;
    for b in b"GET /slow HTTP/1.1\r\nHost: a\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaa" {
        if s.write_all(&[*b]).await.is_err() {
            closed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    if !closed {
        closed = until_closed(&mut s, Duration::from_secs(3)).await.1;
    }
    assert!(closed, "a slow head is cut off");
    assert!(t.elapsed() < Duration::from_secs(4));
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed() {
    let gw = gateway(short(), false).await;
    let mut s = TcpStream::connect(gw.addr).await.expect("connect");
    s.write_all(b"GET /a HTTP/1.1\r\nHost: a\r\n\r\n")
        .await
        .expect("write");
    let mut buf = [0u8; 1024];
    let n = tokio::time::timeout(Duration::from_secs(3), s.read(&mut buf))
        .await
        .expect("answer in time")
        .expect("read");
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    let (_, closed) = until_closed(&mut s, Duration::from_secs(5)).await;
    assert!(closed, "the idle connection is closed");
}

async fn stalled_body(addr: SocketAddr) -> (String, bool, Duration) {
    let mut s = TcpStream::connect(addr).await.expect("connect");
    let t = Instant::now();
    s.write_all(b"POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\nsome")
        .await
        .expect("write");
    let (answer, closed) = until_closed(&mut s, Duration::from_secs(5)).await;
    (answer, closed, t.elapsed())
}

#[tokio::test]
async fn a_stalled_request_body_times_out_as_the_clients_failure() {
    for read_body in [false, true] {
        let gw = gateway(short(), read_body).await;
        let (answer, _, took) = stalled_body(gw.addr).await;
        assert!(
            answer.starts_with("HTTP/1.1 400"),
            "read_body {read_body}: {answer}"
        );
        assert!(took < Duration::from_secs(3), "{took:?}");
        let (_, _, metrics) = get(gw.admin, "/metrics").await;
        assert!(
            !String::from_utf8_lossy(&metrics).contains("gatehouse_backend_errors_total{"),
            "a slow client is not the backend's error"
        );
    }
}

#[tokio::test]
async fn connections_past_the_cap_are_refused_and_the_gateway_recovers() {
    let config = ServerConfig {
        max_connections: 2,
        ..ServerConfig::default()
    };
    let gw = gateway(config, false).await;
    let a = TcpStream::connect(gw.addr).await.expect("connect");
    let b = TcpStream::connect(gw.addr).await.expect("connect");
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut c = TcpStream::connect(gw.addr).await.expect("connect");
    let (answer, closed) = until_closed(&mut c, Duration::from_secs(3)).await;
    assert!(closed, "the third connection is closed");
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 503"),
        "{answer}"
    );
    drop((a, b));
    let mut ok = false;
    for _ in 0..40 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let client = super::harness::client();
        let req = Request::get(format!("http://{}/x", gw.addr))
            .body(http_body_util::Full::<Bytes>::default())
            .expect("req");
        if let Ok(r) = client.request(req).await {
            ok = r.status() == 200;
            if ok {
                break;
            }
        }
    }
    assert!(ok, "slots are given back when connections close");
}
