//! The admin listener: `/healthz`, `/readyz` and `/metrics` (Prometheus text).

use super::shutdown::Shutdown;
use super::{Engine, Shared};
use crate::handler::{full, plain, RespBody};
use bytes::Bytes;
use http::{header, HeaderValue, Request, Response, StatusCode};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use std::convert::Infallible;
use std::sync::Arc;
use tokio::net::TcpListener;

/// Answers one admin request.
pub fn answer<E: Engine, B>(
    shared: &Shared<E>,
    shutdown: &Shutdown,
    req: &Request<B>,
) -> Response<RespBody> {
    if req.method() != http::Method::GET && req.method() != http::Method::HEAD {
        let mut resp = plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
        resp.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return resp;
    }
    match req.uri().path() {
        "/healthz" => plain(StatusCode::OK, "ok\n"),
        "/readyz" if shutdown.is_triggered() => {
            plain(StatusCode::SERVICE_UNAVAILABLE, "draining\n")
        }
        "/readyz" => plain(StatusCode::OK, "ready\n"),
        "/metrics" => {
            let mut text = shared.metrics.render();
            shared.current.load().engine.render_metrics(&mut text);
            shared.tokens.render(&mut text);
            shared.detached.render(&mut text);
            render_websockets(&shared.sockets, &mut text);
            let mut resp = Response::new(full(Bytes::from(text)));
            resp.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
            );
            resp
        }
        _ => plain(StatusCode::NOT_FOUND, "not found\n"),
    }
}

/// Serves the admin endpoints on `listener` until `stop`; `/readyz` answers 503 once
/// `draining` is on (the gateway's own shutdown, which comes first).
pub async fn serve<E: Engine>(
    listener: TcpListener,
    shared: Arc<Shared<E>>,
    draining: Shutdown,
    stop: Shutdown,
) {
    let builder = auto::Builder::new(TokioExecutor::new());
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = stop.wait() => return,
        };
        let Ok((stream, _)) = accepted else { continue };
        let shared = shared.clone();
        let sd = draining.clone();
        let svc = service_fn(move |req| {
            let resp = answer(&shared, &sd, &req);
            async move { Ok::<_, Infallible>(resp) }
        });
        let conn = builder
            .serve_connection(TokioIo::new(stream), svc)
            .into_owned();
        tokio::spawn(async move {
            let _ = conn.await;
        });
    }
}

/// The relayed WebSocket connections on `/metrics`.
fn render_websockets(s: &crate::websocket::Sockets, out: &mut String) {
    use std::fmt::Write;
    out.push_str("# HELP gatehouse_websocket_connections WebSocket connections being relayed.\n");
    out.push_str("# TYPE gatehouse_websocket_connections gauge\n");
    let _ = writeln!(out, "gatehouse_websocket_connections {}", s.open());
    out.push_str("# HELP gatehouse_websocket_connections_total WebSocket connections relayed.\n");
    out.push_str("# TYPE gatehouse_websocket_connections_total counter\n");
    let _ = writeln!(out, "gatehouse_websocket_connections_total {}", s.opened());
    out.push_str("# HELP gatehouse_websocket_closed_by_limit_total WebSocket connections closed by the idle or lifetime limit.\n");
    out.push_str("# TYPE gatehouse_websocket_closed_by_limit_total counter\n");
    let _ = writeln!(
        out,
        "gatehouse_websocket_closed_by_limit_total {}",
        s.closed_by_limit()
    );
}
