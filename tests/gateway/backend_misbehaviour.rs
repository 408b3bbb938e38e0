//! Backends that misbehave: a `101` nobody asked for, a connection closed after each
//! response (the pooled connection is stale), a response body cut by an invalid chunk.

use super::harness::{get, start, Proxy};
use gatehouse_server::ServerConfig;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A raw backend: `answer` gets each connection's number of requests read so far and
/// writes what it likes; returning `false` closes the connection without answering.
async fn raw_backend<F>(answer: F) -> SocketAddr
where
    F: Fn(usize, &mut Vec<u8>) -> bool + Clone + Send + Sync + 'static,
{
    let l = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = l.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((s, _)) = l.accept().await {
            let answer = answer.clone();
            tokio::spawn(serve_raw(s, answer));
        }
    });
    addr
}

async fn serve_raw<F>(mut s: TcpStream, answer: F)
where
    F: Fn(usize, &mut Vec<u8>) -> bool,
{
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let mut n = 0;
    loop {
        // One request head (these tests send no bodies).
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
            match tokio::time::timeout(Duration::from_secs(5), s.read(&mut chunk)).await {
                Ok(Ok(0)) | Ok(Err(_)) | Err(_) => return,
                Ok(Ok(k)) => buf.extend_from_slice(&chunk[..k]),
            }
        }
        let end = buf.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(0) + 4;
        buf.drain(..end);
        let mut out = Vec::new();
        if !answer(n, &mut out) {
            return;
        }
        n += 1;
        if s.write_all(&out).await.is_err() {
            return;
        }
    }
}

#[tokio::test]
async fn a_stale_pooled_connection_is_retried_on_a_fresh_one() {
    // Answers the first request of each connection, then closes it at the next one
    // without a word, as a backend that closes idle connections does.
    let origin = raw_backend(|n, out| {
        out.extend_from_slice(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        n == 0
    })
    .await;
    let gw = start(
        Proxy::to_url(&format!("http://{origin}")),
        ServerConfig::default(),
    )
    .await;
    for i in 0..20 {
        let (status, h, body) = get(gw.addr, "/x").await;
        assert_eq!(status, 200, "request {i}: {h:?}");
        assert_eq!(&body[..], b"ok");
    }
}

#[tokio::test]
async fn a_101_to_a_plain_request_is_a_backend_failure() {
    let origin = raw_backend(|_, out| {
        out.extend_from_slice(
            b"HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n",
        );
        true
    })
    .await;
    let gw = start(
        Proxy::to_url(&format!("http://{origin}")),
        ServerConfig::default(),
    )
    .await;
    let (status, h, _) = get(gw.addr, "/x").await;
    assert_eq!(status, 502);
    assert_eq!(h["x-error-reason"], "BackendConnectionFailure");
}
