//! Bodies through the gateway: large bodies stream in both directions without being
//! buffered, and bodies a policy reads are bounded.

use super::harness::{backend, boxed, get, send, start, Proxy};
use bytes::Bytes;
use gatehouse_server::echo;
use gatehouse_server::shutdown::Shutdown;
use gatehouse_server::ServerConfig;
use http::{Request, Response};
use http_body_util::channel::Channel;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, Mutex, Notify};

const MIB: usize = 1 << 20;
const TOTAL: usize = 64 * MIB;

#[tokio::test]
async fn a_large_response_streams_through_before_the_backend_finishes() {
    let release = Arc::new(Notify::new());
    let gate = release.clone();
    let origin = backend(move |_| {
        let gate = gate.clone();
        async move {
            let (mut tx, body) = Channel::<Bytes, std::convert::Infallible>::new(2);
            tokio::spawn(async move {
                let chunk = Bytes::from(vec![b'x'; MIB]);
                let _ = tx.send_data(chunk.clone()).await;
                gate.notified().await;
                for _ in 1..TOTAL / MIB {
                    if tx.send_data(chunk.clone()).await.is_err() {
                        return;
                    }
                }
            });
            let body = body.map_err(boxed).boxed_unsync();
            Response::new(body)
        }
    })
    .await;
    let gw = start(
        Proxy::to_url(&format!("http://{origin}")),
        ServerConfig::default(),
    )
    .await;
    let uri = format!("http://{}/big", gw.addr);
    let resp = super::harness::client()
        .request(Request::get(uri).body(Full::default()).expect("req"))
        .await
        .expect("answer");
    assert_eq!(resp.status(), 200);
    let mut body = resp.into_body();
    let mut got = 0usize;
    while got < MIB {
        let frame = tokio::time::timeout(Duration::from_secs(5), body.frame())
            .await
            .expect("the first megabyte arrives while the backend is still sending")
            .expect("frame")
            .expect("data");
        got += frame.data_ref().map_or(0, |d| d.len());
    }
    release.notify_one();
    while let Some(frame) = body.frame().await {
        got += frame.expect("frame").data_ref().map_or(0, |d| d.len());
    }
    assert_eq!(got, TOTAL);
}

#[tokio::test]
async fn a_large_request_body_streams_to_the_backend_before_the_client_finishes() {
    let (first_tx, first_rx) = oneshot::channel::<()>();
    let first_tx = Arc::new(Mutex::new(Some(first_tx)));
    let origin = backend(move |req: Request<hyper::body::Incoming>| {
        let first_tx = first_tx.clone();
        async move {
            let mut body = req.into_body();
            let mut n = 0usize;
            while let Some(Ok(frame)) = body.frame().await {
                n += frame.data_ref().map_or(0, |d| d.len());
                if n >= MIB {
                    if let Some(tx) = first_tx.lock().await.take() {
                        let _ = tx.send(());
                    }
                }
            }
            let text = n.to_string();
            Response::new(Full::new(Bytes::from(text)).map_err(boxed).boxed_unsync())
        }
    })
    .await;
    let gw = start(
        Proxy::to_url(&format!("http://{origin}")),
        ServerConfig::default(),
    )
    .await;
    let (mut tx, body) = Channel::<Bytes, std::convert::Infallible>::new(2);
    let client: Client<_, Channel<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let req = Request::post(format!("http://{}/upload", gw.addr))
        .header("content-length", TOTAL)
        .body(body)
        .expect("req");
    let pending = tokio::spawn(client.request(req));
    let chunk = Bytes::from(vec![b'y'; MIB]);
    tx.send_data(chunk.clone()).await.expect("send");
    tokio::time::timeout(Duration::from_secs(5), first_rx)
        .await
        .expect("the backend sees the first megabyte before the client sends the rest")
        .expect("signal");
    for _ in 1..TOTAL / MIB {
        tx.send_data(chunk.clone()).await.expect("send");
    }
    drop(tx);
    let resp = pending.await.expect("join").expect("answer");
    let got = resp.into_body().collect().await.expect("body").to_bytes();
    assert_eq!(got, TOTAL.to_string());
}

async fn echo_backend() -> std::net::SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = l.local_addr().expect("addr");
    tokio::spawn(echo::serve(l, Shutdown::new()));
    addr
}

#[tokio::test]
async fn a_body_the_engine_read_is_forwarded_and_the_echo_backend_describes_it() {
    let echo = echo_backend().await;
    let mut proxy = Proxy::to_url(&format!("http://{echo}/base"));
    proxy.read_body = true;
    let gw = start(proxy, ServerConfig::default()).await;
    let req = Request::post("/items/7?a=1&b=%C3%A9")
        .header("x-test", "one")
        .body(Full::new(Bytes::from_static(b"hello \"world\"")))
        .expect("req");
    let (status, _, body) = send(gw.addr, req).await;
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(v["method"], "POST");
    assert_eq!(v["path"], "/base/items/7");
    assert_eq!(v["query"], "a=1&b=%C3%A9");
    assert_eq!(v["headers"]["x-test"][0], "one");
    assert_eq!(v["body"], "hello \"world\"");
}

#[tokio::test]
async fn a_body_larger_than_the_limit_is_refused_with_413() {
    let echo = echo_backend().await;
    let mut proxy = Proxy::to_url(&format!("http://{echo}"));
    proxy.read_body = true;
    let config = ServerConfig {
        max_request_body: 1024,
        ..ServerConfig::default()
    };
    let gw = start(proxy, config).await;
    let req = Request::post("/x")
        .body(Full::new(Bytes::from(vec![0u8; 4096])))
        .expect("req");
    assert_eq!(send(gw.addr, req).await.0, 413);
    assert_eq!(get(gw.addr, "/x").await.0, 200, "the gateway keeps serving");
}

#[tokio::test]
async fn a_response_body_the_engine_reads_is_buffered_within_the_limit() {
    let origin = backend(|req: Request<hyper::body::Incoming>| async move {
        let n = if req.uri().path() == "/big" {
            8192
        } else {
            100
        };
        Response::new(
            Full::new(Bytes::from(vec![b'z'; n]))
                .map_err(boxed)
                .boxed_unsync(),
        )
    })
    .await;
    let mut proxy = Proxy::to_url(&format!("http://{origin}"));
    proxy.read_response = true;
    let config = ServerConfig {
        max_response_body: 4096,
        ..ServerConfig::default()
    };
    let gw = start(proxy, config).await;
    let (status, headers, body) = get(gw.addr, "/small").await;
    assert_eq!((status.as_u16(), body.len()), (200, 100));
    assert_eq!(headers["x-read-bytes"], "100");
    assert_eq!(headers["content-length"], "100");
    assert_eq!(get(gw.addr, "/big").await.0, 502);
}

#[tokio::test]
async fn redirects_are_followed_when_asked() {
    let origin = backend(|req: Request<hyper::body::Incoming>| async move {
        if req.uri().path() == "/old" {
            let mut r = Response::new(Full::new(Bytes::new()).map_err(boxed).boxed_unsync());
            *r.status_mut() = http::StatusCode::FOUND;
            r.headers_mut()
                .insert("location", http::HeaderValue::from_static("/new"));
            r
        } else {
            Response::new(
                Full::new(Bytes::from(req.uri().path().to_string()))
                    .map_err(boxed)
                    .boxed_unsync(),
            )
        }
    })
    .await;
    let url = format!("http://{origin}");
    let plain = start(Proxy::to_url(&url), ServerConfig::default()).await;
    assert_eq!(get(plain.addr, "/old").await.0, 302);
    let mut following = Proxy::to_url(&url);
    following.follow = true;
    let gw = start(following, ServerConfig::default()).await;
    let (status, _, body) = get(gw.addr, "/old").await;
    assert_eq!((status.as_u16(), &body[..]), (200, &b"/new"[..]));
}
