//! The gateway listener: accepts connections, serves HTTP/1.1 and h2c (auto-detected) with
//! header limits and keep-alive, and drains in-flight requests on shutdown. Over TLS
//! ([`serve_tls`]) the handshake comes first, bounded by the head timeout.
//!
//! Every connection is watched from accept: one that has no complete request head within
//! the head timeout, or sits idle (no request in flight) past the idle timeout, is
//! closed. Connections past the configured cap get a `503` and are closed at once. Accept
//! errors (`EMFILE` …) back off exponentially and are logged at most once a second.

use super::handler::{Peer, RespBody};
use super::shutdown::Shutdown;
use super::tls_server::TlsServer;
use super::{handler, Engine, Shared};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// hyper refuses read buffers smaller than this.
const MIN_BUF: usize = 8192;

/// The answer to a connection past the cap.
const REFUSED: &[u8] =
    b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";

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

/// What the watchdog of one connection knows: requests in flight and when that last
/// changed.
struct Activity {
    start: Instant,
    active: AtomicUsize,
    /// Requests started so far.
    started: AtomicU64,
    /// Milliseconds from `start` to the last request start or end.
    changed_ms: AtomicU64,
}

impl Activity {
    fn new() -> Activity {
        Activity {
            start: Instant::now(),
            active: AtomicUsize::new(0),
            started: AtomicU64::new(0),
            changed_ms: AtomicU64::new(0),
        }
    }

    fn touch(&self) {
        let ms = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.changed_ms.store(ms, Ordering::Relaxed);
    }

    /// A request started; the guard ends it when dropped (with its response body).
    fn enter(self: &Arc<Self>) -> ActiveGuard {
        self.active.fetch_add(1, Ordering::Relaxed);
        self.started.fetch_add(1, Ordering::Relaxed);
        self.touch();
        ActiveGuard(self.clone())
    }

    /// When the connection has been quiet long enough to be closed: `None` while a
    /// request is in flight.
    fn quiet_until(&self, head: Duration, idle: Duration) -> Option<Instant> {
        if self.active.load(Ordering::Relaxed) > 0 {
            return None;
        }
        let limit = if self.started.load(Ordering::Relaxed) == 0 {
            head
        } else {
            idle
        };
        let changed = Duration::from_millis(self.changed_ms.load(Ordering::Relaxed));
        Some(self.start + changed + limit)
    }
}

struct ActiveGuard(Arc<Activity>);

impl Drop for ActiveGuard {
    fn drop(&mut self) {
        self.0.touch();
        self.0.active.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Exponential back-off after accept errors, with the log lines they cause limited to
/// one a second (the others are counted in the next line).
#[derive(Debug, Default)]
pub struct AcceptBackoff {
    delay: Duration,
    last_log: Option<Instant>,
    suppressed: u64,
}

impl AcceptBackoff {
    /// Shortest pause after a failed accept.
    pub const MIN: Duration = Duration::from_millis(5);
    /// Longest pause after failed accepts.
    pub const MAX: Duration = Duration::from_secs(1);

    /// A failed accept at `now`: how long to pause, and whether to log it (with how many
    /// failures went unlogged before it).
    pub fn failed(&mut self, now: Instant) -> (Duration, Option<u64>) {
        self.delay = (self.delay * 2).clamp(Self::MIN, Self::MAX);
        let log = self
            .last_log
            .is_none_or(|t| now.saturating_duration_since(t) >= Duration::from_secs(1));
        let logged = if log {
            self.last_log = Some(now);
            Some(std::mem::take(&mut self.suppressed))
        } else {
            self.suppressed += 1;
            None
        };
        (self.delay, logged)
    }

    /// An accept succeeded: the next failure starts from the shortest pause.
    pub fn succeeded(&mut self) {
        self.delay = Duration::ZERO;
    }
}

/// Serves the gateway on `listener` until `shutdown`, then waits up to the configured
/// drain time for connections with requests in flight.
pub async fn serve<E: Engine>(listener: TcpListener, shared: Arc<Shared<E>>, shutdown: Shutdown) {
    serve_with(listener, shared, shutdown, None).await;
}

/// [`serve`] over TLS: each connection's handshake (bounded by the head timeout) comes
/// first; HTTP/2 or HTTP/1.1 as ALPN chose, the client's certificate passed to the engine.
pub async fn serve_tls<E: Engine>(
    listener: TcpListener,
    shared: Arc<Shared<E>>,
    shutdown: Shutdown,
    tls: Arc<TlsServer>,
) {
    serve_with(listener, shared, shutdown, Some(tls)).await;
}

async fn serve_with<E: Engine>(
    listener: TcpListener,
    shared: Arc<Shared<E>>,
    shutdown: Shutdown,
    tls: Option<Arc<TlsServer>>,
) {
    let builder = Arc::new(builder(&shared));
    let graceful = GracefulShutdown::new();
    let mut connections = tokio::task::JoinSet::new();
    let slots = Arc::new(Semaphore::new(
        shared
            .config
            .max_connections
            .clamp(1, Semaphore::MAX_PERMITS),
    ));
    let mut backoff = AcceptBackoff::default();
    let limits = (
        shared.config.header_read_timeout,
        shared.config.idle_timeout,
    );
    loop {
        while connections.try_join_next().is_some() {}
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        let (pause, log) = backoff.failed(Instant::now());
                        if let Some(suppressed) = log {
                            tracing::warn!(error = %e, suppressed, pause_ms = pause.as_millis() as u64, "accept failed");
                        }
                        tokio::select! {
                            _ = tokio::time::sleep(pause) => {}
                            _ = shutdown.wait() => break,
                        }
                        continue;
                    }
                };
                backoff.succeeded();
                let Ok(slot) = slots.clone().try_acquire_owned() else {
                    // Past the cap: a short answer if the socket takes it, then close.
                    let _ = stream.try_write(REFUSED);
                    tracing::debug!(client = %peer.ip(), "connection refused: too many connections");
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let shared = shared.clone();
                let Some(tls) = tls.clone() else {
                    let client = Peer { ip: peer.ip(), scheme: "http", certificate: None };
                    let activity = Arc::new(Activity::new());
                    let svc = service(shared, activity.clone(), client);
                    let conn = builder.serve_connection_with_upgrades(TokioIo::new(stream), svc).into_owned();
                    let conn = graceful.watch(conn);
                    connections.spawn(async move {
                        let _slot = slot;
                        watchdog(conn, &activity, limits).await;
                    });
                    continue;
                };
                let (builder, watcher) = (builder.clone(), graceful.watcher());
                connections.spawn(async move {
                    let _slot = slot;
                    let handshake = tokio::time::timeout(limits.0, tls.acceptor.accept(stream));
                    let stream = match handshake.await {
                        Ok(Ok(s)) => s,
                        Ok(Err(e)) => {
                            tracing::debug!(client = %peer.ip(), error = %e, "TLS handshake failed");
                            return;
                        }
                        Err(_) => {
                            tracing::debug!(client = %peer.ip(), "TLS handshake timed out");
                            return;
                        }
                    };
                    let certificate = tls.peer_certificate(stream.get_ref().1);
                    let client = Peer { ip: peer.ip(), scheme: "https", certificate };
                    let activity = Arc::new(Activity::new());
                    let svc = service(shared, activity.clone(), client);
                    let conn = builder.serve_connection_with_upgrades(TokioIo::new(stream), svc).into_owned();
                    watchdog(watcher.watch(conn), &activity, limits).await;
                });
            }
            _ = shutdown.wait() => break,
        }
    }
    drop(listener);
    let drain = shared.config.drain_timeout;
    let started = std::time::Instant::now();
    if tokio::time::timeout(drain, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            seconds = drain.as_secs_f64(),
            "drain time over; closing remaining connections"
        );
    }
    // Relayed WebSocket connections get what is left of the drain time to end.
    let left = drain.saturating_sub(started.elapsed());
    if !shared.sockets.drained(left).await {
        tracing::warn!(
            open = shared.sockets.open(),
            "drain time over; closing WebSocket connections"
        );
        shared.sockets.close_all();
    }
}

/// The service of one connection from `client`: each request counted in `activity`.
fn service<E: Engine>(
    shared: Arc<Shared<E>>,
    activity: Arc<Activity>,
    client: Peer,
) -> impl hyper::service::Service<
    hyper::Request<hyper::body::Incoming>,
    Response = hyper::Response<Guarded>,
    Error = Infallible,
    Future: Send + 'static,
> + Clone
       + Send
       + 'static {
    let client = Arc::new(client);
    service_fn(move |req| {
        let (shared, client) = (shared.clone(), client.clone());
        let guard = activity.enter();
        async move {
            let resp = handler::handle(&shared, req, &client).await;
            // The request stays in flight until its response body is done.
            Ok::<_, Infallible>(resp.map(|b| with_guard(b, guard)))
        }
    })
}

/// Drives `conn` until it ends, closing it when it has had no request in flight for the
/// head timeout (before its first request) or the idle timeout (after).
async fn watchdog<F, T>(conn: F, activity: &Activity, (head, idle): (Duration, Duration))
where
    F: std::future::Future<Output = Result<T, Box<dyn std::error::Error + Send + Sync>>>,
{
    tokio::pin!(conn);
    loop {
        let Some(until) = activity.quiet_until(head, idle) else {
            // A request is in flight: look again after the shorter limit.
            tokio::select! {
                r = conn.as_mut() => { ended(r); return; }
                _ = tokio::time::sleep(head.min(idle)) => continue,
            }
        };
        if Instant::now() >= until {
            tracing::debug!("connection closed: no request within the time allowed");
            return;
        }
        tokio::select! {
            r = conn.as_mut() => { ended(r); return; }
            _ = tokio::time::sleep_until(until.into()) => {}
        }
    }
}

fn ended<T>(r: Result<T, Box<dyn std::error::Error + Send + Sync>>) {
    if let Err(e) = r {
        tracing::debug!(error = %e, "connection ended with an error");
    }
}

/// `body`, holding `guard` until it is dropped (its size is still known to hyper).
fn with_guard(body: RespBody, guard: ActiveGuard) -> Guarded {
    Guarded {
        body,
        _guard: guard,
    }
}

/// A response body that keeps its request counted in flight until it is done.
pub struct Guarded {
    body: RespBody,
    _guard: ActiveGuard,
}

impl hyper::body::Body for Guarded {
    type Data = bytes::Bytes;
    type Error = crate::backend::client::BoxError;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<bytes::Bytes>, Self::Error>>> {
        std::pin::Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.body.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_errors_back_off_and_log_once_a_second() {
        let mut b = AcceptBackoff::default();
        let t0 = Instant::now();
        let mut logged = 0;
        let mut pause = Duration::ZERO;
        for i in 0..100u32 {
            let (p, log) = b.failed(t0 + Duration::from_millis(u64::from(i) * 10));
            assert!(p >= pause, "the pause never shrinks while accepts fail");
            pause = p;
            logged += usize::from(log.is_some());
        }
        assert_eq!(pause, AcceptBackoff::MAX);
        assert_eq!(logged, 1, "100 failures within a second log one line");
        let (_, log) = b.failed(t0 + Duration::from_secs(2));
        assert_eq!(log, Some(99), "the next line counts the suppressed ones");
        b.succeeded();
        assert_eq!(b.failed(t0 + Duration::from_secs(2)).0, AcceptBackoff::MIN);
    }
}
