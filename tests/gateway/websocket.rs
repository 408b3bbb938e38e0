//! WebSocket APIs end to end: a project with a WebSocket API (`type: websocket`) in front of
//! a WebSocket echo backend on loopback, reached through the gateway with a real WebSocket
//! client: the handshake's policies, text, binary and large frames both ways, the backend
//! and the client closing, the connection count on `/metrics`, shutdown closing relays,
//! and the API's `protocols`.

use super::harness::{send, serve_project, Running};
use crate::support::TempDir;
use futures_util::{SinkExt, StreamExt};
use gatehouse_runtime::engine::{EngineConfig, Gateway};
use gatehouse_server::ServerConfig;
use http_body_util::Full;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::handshake::server::{
    Request as WsRequest, Response as WsResponse,
};
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

/// What the echo backend saw of each handshake: path and query, `X-Via`.
type Seen = Arc<Mutex<Vec<(String, Option<String>)>>>;

/// A WebSocket echo server: each message back as sent; `close-me` makes it close with
/// code 4000.
async fn echo_backend() -> (SocketAddr, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let seen: Seen = Arc::default();
    let seen2 = seen.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let seen = seen2.clone();
            tokio::spawn(async move {
                #[allow(clippy::result_large_err)] // tungstenite's callback type
                let record = |req: &WsRequest, resp: WsResponse| {
                    let via = req
                        .headers()
                        .get("x-via")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_string);
                    let pq = req.uri().path_and_query().map_or("", |p| p.as_str());
                    seen.lock().expect("lock").push((pq.to_string(), via));
                    Ok(resp)
                };
                let Ok(mut ws) = tokio_tungstenite::accept_hdr_async(stream, record).await else {
                    return;
                };
                while let Some(Ok(msg)) = ws.next().await {
                    match msg {
                        Message::Text(t) if t.as_str() == "close-me" => {
                            let frame = CloseFrame {
                                code: 4000.into(),
                                reason: "bye".into(),
                            };
                            let _ = ws.close(Some(frame)).await;
                        }
                        m @ (Message::Text(_) | Message::Binary(_)) => {
                            let Ok(()) = ws.send(m).await else {
                                return;
                            };
                        }
                        _ => {}
                    }
                }
            });
        }
    });
    (addr, seen)
}

/// The global policy: `cors`, `set-body` and `set-method` inherited by every API — APIM
/// skips them on a WebSocket handshake (a `POST` handshake would be refused).
const GLOBAL: &str = r#"<policies>
  <inbound>
    <cors><allowed-origins><origin>*</origin></allowed-origins><allowed-headers><header>*</header></allowed-headers></cors>
    <set-body>not on a handshake</set-body>
    <set-method>POST</set-method>
  </inbound>
  <backend><forward-request /></backend>
  <outbound />
  <on-error />
</policies>"#;

const HANDSHAKE: &str = r#"<policies>
  <inbound>
    <base />
    <check-header name="X-Key" failed-check-httpcode="401" failed-check-error-message="no key" ignore-case="false">
      <value>letmein</value>
    </check-header>
    <set-header name="X-Via" exists-action="override"><value>@(context.Operation.Name + " " + context.Api.Name)</value></set-header>
  </inbound>
  <backend><base /></backend>
  <outbound><base /></outbound>
  <on-error><base /></on-error>
</policies>"#;

/// A project with WebSocket API `chat` (`/chat`, `protocols`) in front of `backend`, and a
/// plain HTTP API `plain` (`/plain`, https only).
fn project(name: &str, backend: SocketAddr, protocols: &str) -> TempDir {
    let dir = TempDir::new(&format!("websocket-{name}"));
    dir.write("policy.xml", GLOBAL);
    dir.write(
        "apis/chat/apiInformation.json",
        &format!(
            r#"{{"properties":{{"displayName":"Chat","path":"chat","type":"websocket","serviceUrl":"ws://{backend}/echo","protocols":{protocols},"subscriptionRequired":false}}}}"#
        ),
    );
    dir.write("apis/chat/operations/onHandshake/policy.xml", HANDSHAKE);
    dir.write(
        "apis/plain/apiInformation.json",
        &format!(
            r#"{{"properties":{{"displayName":"Plain","path":"plain","serviceUrl":"http://{backend}","protocols":["https"],"subscriptionRequired":false}}}}"#
        ),
    );
    dir.write(
        "apis/plain/specification.yaml",
        "openapi: 3.0.1\ninfo: { title: P, version: '1' }\npaths:\n  /x:\n    get:\n      operationId: get-x\n      responses:\n        '200':\n          description: ok\n",
    );
    dir
}

async fn serve(dir: &TempDir, engine: EngineConfig, config: ServerConfig) -> Running<Gateway> {
    serve_project(&dir.0, engine, config).await
}

type Client = WebSocketStream<TcpStream>;

/// A WebSocket handshake to the gateway at `path` with `X-Key: key`.
async fn connect(
    gw: SocketAddr,
    path: &str,
    key: &str,
) -> Result<Client, tokio_tungstenite::tungstenite::Error> {
    let stream = TcpStream::connect(gw).await.expect("connect");
    let mut req = tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(
        format!("ws://{gw}{path}"),
    )?;
    req.headers_mut()
        .insert("x-key", key.parse().expect("header value"));
    let (ws, resp) = tokio_tungstenite::client_async(req, stream).await?;
    assert_eq!(resp.status(), 101);
    Ok(ws)
}

async fn next(ws: &mut Client) -> Message {
    tokio::time::timeout(Duration::from_secs(10), ws.next())
        .await
        .expect("a message in time")
        .expect("the stream is open")
        .expect("a frame")
}

/// Stops `gw` and waits for its listener to drain.
async fn stop(gw: Running<Gateway>) {
    gw.shutdown.trigger();
    let _ = gw.task.await;
}

/// The line of `/metrics` for metric `name`.
async fn metric(gw: &Running<Gateway>, name: &str) -> String {
    let admin = gw.admin;
    let req = hyper::Request::get("/metrics")
        .body(Full::default())
        .expect("request");
    let (_, _, body) = send(admin, req).await;
    String::from_utf8_lossy(&body)
        .lines()
        .find(|l| l.starts_with(&format!("{name} ")))
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn frames_flow_both_ways_through_the_handshake_policies() {
    let (backend, seen) = echo_backend().await;
    let dir = project("frames", backend, r#"["ws","wss"]"#);
    let gw = serve(&dir, EngineConfig::default(), ServerConfig::default()).await;
    let mut ws = connect(gw.addr, "/chat?room=1", "letmein")
        .await
        .expect("handshake");
    ws.send(Message::text("hello")).await.expect("send");
    assert_eq!(next(&mut ws).await, Message::text("hello"));
    ws.send(Message::binary(vec![0u8, 1, 2, 255]))
        .await
        .expect("send");
    assert_eq!(next(&mut ws).await, Message::binary(vec![0u8, 1, 2, 255]));
    // A frame far over any buffer passes whole.
    let big = "x".repeat(3 << 20);
    ws.send(Message::text(big.clone())).await.expect("send");
    assert_eq!(next(&mut ws).await, Message::text(big));
    {
        let seen = seen.lock().expect("lock");
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert_eq!(seen[0].0, "/echo?room=1", "the API's rest and query");
        assert_eq!(
            seen[0].1.as_deref(),
            Some("onHandshake Chat"),
            "the handshake's set-header ran"
        );
    }
    // The backend closing reaches the client with its code.
    ws.send(Message::text("close-me")).await.expect("send");
    match next(&mut ws).await {
        Message::Close(Some(f)) => assert_eq!(u16::from(f.code), 4000),
        other => panic!("expected the backend's close, got {other:?}"),
    }
    drop(ws);
    stop(gw).await;
}

#[tokio::test]
async fn a_refused_handshake_never_reaches_the_backend() {
    let (backend, seen) = echo_backend().await;
    let dir = project("refused", backend, r#"["ws","wss"]"#);
    let gw = serve(&dir, EngineConfig::default(), ServerConfig::default()).await;
    match connect(gw.addr, "/chat", "wrong").await {
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => assert_eq!(resp.status(), 401),
        other => panic!("expected a 401, got {:?}", other.map(|_| ())),
    }
    // A plain GET is no handshake: the WebSocket API does not answer it.
    let req = hyper::Request::get("/chat")
        .header("x-key", "letmein")
        .body(Full::default())
        .expect("request");
    let (status, _, _) = send(gw.addr, req).await;
    assert_eq!(status, 404);
    assert!(seen.lock().expect("lock").is_empty());
    stop(gw).await;
}

#[tokio::test]
async fn the_client_closing_ends_the_relay_and_the_count_follows() {
    let (backend, _) = echo_backend().await;
    let dir = project("closing", backend, r#"["wss"]"#);
    let gw = serve(&dir, EngineConfig::default(), ServerConfig::default()).await;
    let mut ws = connect(gw.addr, "/chat", "letmein")
        .await
        .expect("handshake");
    ws.send(Message::text("a")).await.expect("send");
    assert_eq!(next(&mut ws).await, Message::text("a"));
    assert_eq!(gw.shared.sockets.open(), 1);
    ws.close(None).await.expect("close");
    // The backend answers the close; the relay ends.
    let _ = tokio::time::timeout(Duration::from_secs(5), ws.next()).await;
    drop(ws);
    let mut left = gw.shared.sockets.open();
    for _ in 0..100 {
        if left == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        left = gw.shared.sockets.open();
    }
    assert_eq!(left, 0);
    assert_eq!(gw.shared.sockets.opened(), 1);
    assert_eq!(
        metric(&gw, "gatehouse_websocket_connections_total").await,
        "gatehouse_websocket_connections_total 1"
    );
    assert_eq!(
        metric(&gw, "gatehouse_websocket_connections").await,
        "gatehouse_websocket_connections 0"
    );
    stop(gw).await;
}

#[tokio::test]
async fn shutdown_closes_relays_after_the_drain_time() {
    let (backend, _) = echo_backend().await;
    let dir = project("shutdown", backend, r#"["ws"]"#);
    let config = ServerConfig {
        drain_timeout: Duration::from_millis(300),
        ..ServerConfig::default()
    };
    let gw = serve(&dir, EngineConfig::default(), config).await;
    let mut ws = connect(gw.addr, "/chat", "letmein")
        .await
        .expect("handshake");
    ws.send(Message::text("a")).await.expect("send");
    assert_eq!(next(&mut ws).await, Message::text("a"));
    let sockets = gw.shared.sockets.clone();
    tokio::time::timeout(Duration::from_secs(10), stop(gw))
        .await
        .expect("shutdown ends");
    // The relay was cut: the client sees the end of its connection.
    let end = tokio::time::timeout(Duration::from_secs(5), ws.next()).await;
    assert!(
        matches!(end, Ok(None) | Ok(Some(Err(_)))),
        "the connection ends: {end:?}"
    );
    assert_eq!(sockets.open(), 0);
}

#[tokio::test]
async fn protocols_are_enforced_when_plain_http_counts_as_http() {
    let (backend, _) = echo_backend().await;
    let dir = project("protocols", backend, r#"["wss"]"#);
    let strict = EngineConfig {
        strict_plain_http: true,
        ..EngineConfig::default()
    };
    let gw = serve(&dir, strict, ServerConfig::default()).await;
    // `wss` only: a handshake over plain HTTP is `ws`, which the API does not take.
    match connect(gw.addr, "/chat", "letmein").await {
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => assert_eq!(resp.status(), 404),
        other => panic!("expected a 404, got {:?}", other.map(|_| ())),
    }
    // `https` only: a plain-HTTP request is refused as APIM refuses it.
    let req = hyper::Request::get("/plain/x")
        .body(Full::default())
        .expect("request");
    assert_eq!(send(gw.addr, req).await.0, 404);
    stop(gw).await;
}
