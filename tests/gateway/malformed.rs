//! Malformed requests against a running gateway: each gets a 4xx answer or a closed
//! connection, never a dropped task, and the gateway keeps serving.

use super::harness::{backend, get, reply, start, Proxy};
use gatehouse_server::ServerConfig;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Writes `bytes` (then half-closes when `close`) and reads the answer until the server
/// closes or two seconds pass.
async fn raw(addr: SocketAddr, bytes: &[u8], close: bool) -> String {
    let mut s = TcpStream::connect(addr).await.expect("connect");
    s.write_all(bytes).await.expect("write");
    if close {
        let _ = s.shutdown().await;
    }
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(2), s.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

fn status_of(answer: &str) -> Option<u16> {
    answer.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()
}

async fn gateway(read_body: bool) -> (super::harness::Running, SocketAddr) {
    let origin = backend(|req: http::Request<_>| async move {
        let _ = req;
        reply(200, "ok")
    })
    .await;
    let mut proxy = Proxy::to_url(&format!("http://{origin}"));
    proxy.read_body = read_body;
    let config = ServerConfig {
        max_header_bytes: 16 << 10,
        header_read_timeout: Duration::from_secs(1),
        ..ServerConfig::default()
    };
    let gw = start(proxy, config).await;
    let addr = gw.addr;
    (gw, addr)
}

#[tokio::test]
async fn bad_request_lines_and_headers_get_400_or_a_close() {
    let (_gw, addr) = gateway(false).await;
    let cases: [&[u8]; 5] = [
        b"GET /x HTTP/1.1\r\nHost: a\r\nBad Header Line\r\n\r\n",
        b"\x00\x01\x02 garbage\r\n\r\n",
        b"GET /x HTTP/9.9\r\nHost: a\r\n\r\n",
        b"GET /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n",
        b"GET /x HTTP/1.1\r\nHost: a\r\nX: a\x01b\r\n\r\n",
    ];
    for case in cases {
        let answer = raw(addr, case, true).await;
        let status = status_of(&answer);
        assert!(
            status.is_none_or(|s| (400..500).contains(&s) || s == 505),
            "{:?} -> {answer}",
            String::from_utf8_lossy(case)
        );
    }
    assert_eq!(get(addr, "/x").await.0, 200);
}

#[tokio::test]
async fn huge_headers_are_refused() {
    let (_gw, addr) = gateway(false).await;
    let big = "v".repeat(64 << 10);
    let req = format!("GET /x HTTP/1.1\r\nHost: a\r\nX-Big: {big}\r\n\r\n");
    let answer = raw(addr, req.as_bytes(), false).await;
    assert!(
        status_of(&answer).is_none_or(|s| s == 431 || s == 400),
        "{answer}"
    );
    let many: String = (0..500).map(|i| format!("X-H{i}: v\r\n")).collect();
    let req = format!("GET /x HTTP/1.1\r\nHost: a\r\n{many}\r\n");
    let answer = raw(addr, req.as_bytes(), false).await;
    assert!(
        status_of(&answer).is_none_or(|s| s == 431 || s == 400),
        "{answer}"
    );
    assert_eq!(get(addr, "/x").await.0, 200);
}

#[tokio::test]
async fn invalid_utf8_in_path_and_query_is_served_or_refused_cleanly() {
    let (_gw, addr) = gateway(false).await;
    let raw_bytes = raw(
        addr,
        b"GET /a\xff\xfe?q=\xff HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
        false,
    )
    .await;
    assert!(
        status_of(&raw_bytes).is_none_or(|s| s == 400 || s == 200),
        "{raw_bytes}"
    );
    let encoded = raw(
        addr,
        b"GET /a%FF%FE?q=%C3%28&%ZZ HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
        false,
    )
    .await;
    assert_eq!(status_of(&encoded), Some(200), "{encoded}");
}

#[tokio::test]
async fn a_truncated_body_does_not_hurt_the_gateway() {
    let (_gw, addr) = gateway(true).await;
    let answer = raw(
        addr,
        b"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nshort",
        true,
    )
    .await;
    assert!(status_of(&answer).is_none_or(|s| s == 400), "{answer}");
    let chunked = b"POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab";
    let answer = raw(addr, chunked, true).await;
    assert!(status_of(&answer).is_none_or(|s| s == 400), "{answer}");
    assert_eq!(get(addr, "/x").await.0, 200);
}

#[tokio::test]
async fn a_truncated_streamed_body_does_not_hurt_the_gateway() {
    let (_gw, addr) = gateway(false).await;
    let answer = raw(
        addr,
        b"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nshort",
        true,
    )
    .await;
    // The client's failure: 400 (`ClientConnectionFailure`), never the backend's 502.
    assert!(
        status_of(&answer).is_none_or(|s| s == 200 || s == 400),
        "{answer}"
    );
    assert_eq!(get(addr, "/x").await.0, 200);
}

#[tokio::test]
async fn ambiguous_hosts_and_framing_get_400() {
    let (_gw, addr) = gateway(false).await;
    let cases: [&[u8]; 4] = [
        b"GET /x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        b"GET /x HTTP/1.1\r\nX: y\r\n\r\n",
        b"POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        b"POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n",
    ];
    for case in cases {
        let answer = raw(addr, case, true).await;
        assert_eq!(
            status_of(&answer),
            Some(400),
            "{:?} -> {answer}",
            String::from_utf8_lossy(case)
        );
    }
    let ok = raw(addr, b"GET /x HTTP/1.0\r\n\r\n", false).await;
    assert_eq!(ok.get(9..12), Some("200"), "HTTP/1.0 needs no Host: {ok}");
}

#[tokio::test]
async fn the_admin_listener_answers_405_to_other_methods() {
    let (gw, _) = gateway(false).await;
    for method in ["POST", "PUT", "DELETE"] {
        let req = format!("{method} /metrics HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n");
        let answer = raw(gw.admin, req.as_bytes(), true).await;
        assert_eq!(status_of(&answer), Some(405), "{method}: {answer}");
        assert!(
            answer.to_ascii_lowercase().contains("allow: get, head"),
            "{answer}"
        );
    }
    let head = raw(gw.admin, b"HEAD /healthz HTTP/1.1\r\nHost: a\r\n\r\n", true).await;
    assert_eq!(status_of(&head), Some(200), "{head}");
}
