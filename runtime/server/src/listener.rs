//! The gateway listener: accepts connections, serves HTTP/1.1 and h2c (auto-detected) with
//! header limits and keep-alive, and drains in-flight requests on shutdown.

use super::shutdown::Shutdown;
use super::{handler, Engine, Shared};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// hyper refuses read buffers smaller than this.
const MIN_BUF: usize = 8192;

/// The connection builder for `shared`'s limits.
pub fn builder<E>(shared: &Shared<E>) -> auto::Builder<TokioExecutor> {
    let cfg = &shared.config;
    let mut b = auto::Builder::new(TokioExecutor::new());
    b.http1()
        .keep_alive(true)
        .max_buf_size(cfg.max_header_bytes.max(MIN_BUF))
        .max_headers(cfg.max_headers)
        .header_read_timeout(cfg.header_read_timeout)
        .timer(TokioTimer::new());
    b.http2()
        .max_header_list_size(u32::try_from(cfg.max_header_bytes).unwrap_or(u32::MAX))
        .timer(TokioTimer::new());
    b
}

/// Serves the gateway on `listener` until `shutdown`, then waits up to the configured
/// drain time for connections with requests in flight.
pub async fn serve<E: Engine>(listener: TcpListener, shared: Arc<Shared<E>>, shutdown: Shutdown) {
    let builder = builder(&shared);
    let graceful = GracefulShutdown::new();
    let mut connections = tokio::task::JoinSet::new();
    loop {
        while connections.try_join_next().is_some() {}
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let shared = shared.clone();
                let svc = service_fn(move |req| {
                    let shared = shared.clone();
                    async move { Ok::<_, Infallible>(handler::handle(&shared, req, peer.ip(), "http").await) }
                });
                let conn = builder.serve_connection(TokioIo::new(stream), svc).into_owned();
                let conn = graceful.watch(conn);
                connections.spawn(async move {
                    if let Err(e) = conn.await {
                        tracing::debug!(error = %e, "connection ended with an error");
                    }
                });
            }
            _ = shutdown.wait() => break,
        }
    }
    drop(listener);
    let drain = shared.config.drain_timeout;
    if tokio::time::timeout(drain, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            seconds = drain.as_secs_f64(),
            "drain time over; closing remaining connections"
        );
    }
}
