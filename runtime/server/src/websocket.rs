//! WebSocket APIs: the handshake forwarded to the backend as an upgrade, then, once both
//! sides switched protocols, the bytes of both connections relayed to each other (frames
//! pass through untouched, with the flow control of the two TCP connections), under idle
//! and lifetime limits, counted on `/metrics` and closed on shutdown after the drain time.

use http::{header, HeaderMap, HeaderValue, Request, Response};
use hyper::upgrade::OnUpgrade;
use hyper_util::rt::TokioIo;
use std::pin::Pin;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::watch;

/// Limits of relayed WebSocket connections.
#[derive(Clone, Debug)]
pub struct WebSocketSettings {
    /// A connection with no byte in either direction for this long is closed.
    pub idle_timeout: Duration,
    /// A connection is closed this long after its handshake, whatever its traffic.
    pub max_lifetime: Duration,
    /// Most relayed connections at once; past it a handshake is answered `503`.
    pub max_open: usize,
}

impl Default for WebSocketSettings {
    fn default() -> Self {
        WebSocketSettings {
            idle_timeout: Duration::from_secs(600),
            max_lifetime: Duration::from_secs(24 * 3600),
            max_open: 10_000,
        }
    }
}

/// The relayed connections of one gateway.
#[derive(Debug)]
pub struct Sockets {
    settings: WebSocketSettings,
    open: AtomicI64,
    opened: AtomicU64,
    closed_idle: AtomicU64,
    closing: watch::Sender<bool>,
}

impl Sockets {
    /// No connection yet.
    pub fn new(settings: WebSocketSettings) -> Sockets {
        Sockets {
            settings,
            open: AtomicI64::new(0),
            opened: AtomicU64::new(0),
            closed_idle: AtomicU64::new(0),
            closing: watch::channel(false).0,
        }
    }

    /// Connections being relayed now.
    pub fn open(&self) -> i64 {
        self.open.load(Ordering::Relaxed)
    }

    /// Connections relayed since start.
    pub fn opened(&self) -> u64 {
        self.opened.load(Ordering::Relaxed)
    }

    /// Connections closed by the idle or lifetime limit.
    pub fn closed_by_limit(&self) -> u64 {
        self.closed_idle.load(Ordering::Relaxed)
    }

    /// Whether another connection may be relayed.
    pub fn has_room(&self) -> bool {
        self.open() < self.settings.max_open as i64
    }

    /// Closes every relayed connection (shutdown, once the drain time is over).
    pub fn close_all(&self) {
        self.closing.send_replace(true);
    }

    /// Waits until no connection is relayed, or `within` passed: whether none is left.
    pub async fn drained(&self, within: Duration) -> bool {
        let until = Instant::now() + within;
        while self.open() > 0 && Instant::now() < until {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.open() <= 0
    }

    /// Relays `client` and `backend` to each other once both connections are upgraded,
    /// in a task of its own.
    pub fn relay(self: &Arc<Self>, client: OnUpgrade, backend: OnUpgrade) {
        let sockets = self.clone();
        sockets.open.fetch_add(1, Ordering::Relaxed);
        sockets.opened.fetch_add(1, Ordering::Relaxed);
        tokio::spawn(async move {
            let _open = Open(&sockets.open);
            let (client, backend) = match tokio::join!(client, backend) {
                (Ok(c), Ok(b)) => (c, b),
                (Err(e), _) | (_, Err(e)) => {
                    tracing::debug!(error = %e, "WebSocket upgrade failed");
                    return;
                }
            };
            let closing = sockets.closing.subscribe();
            sockets
                .pump(TokioIo::new(client), TokioIo::new(backend), closing)
                .await;
        });
    }

    async fn pump<A, B>(&self, client: A, backend: B, mut closing: watch::Receiver<bool>)
    where
        A: AsyncRead + AsyncWrite + Unpin,
        B: AsyncRead + AsyncWrite + Unpin,
    {
        let last = Arc::new(AtomicU64::new(0));
        let started = Instant::now();
        let mut client = Watched::new(client, last.clone(), started);
        let mut backend = Watched::new(backend, last.clone(), started);
        let copy = tokio::io::copy_bidirectional(&mut client, &mut backend);
        tokio::pin!(copy);
        let lifetime_end = started + self.settings.max_lifetime;
        loop {
            let idle_end = started
                + Duration::from_millis(last.load(Ordering::Relaxed))
                + self.settings.idle_timeout;
            let wake = idle_end.min(lifetime_end);
            tokio::select! {
                r = &mut copy => {
                    if let Err(e) = r {
                        tracing::debug!(error = %e, "WebSocket relay ended");
                    }
                    return;
                }
                _ = tokio::time::sleep_until(wake.into()) => {
                    let now = Instant::now();
                    let idle = started + Duration::from_millis(last.load(Ordering::Relaxed))
                        + self.settings.idle_timeout;
                    if now >= lifetime_end || now >= idle {
                        self.closed_idle.fetch_add(1, Ordering::Relaxed);
                        tracing::debug!("WebSocket connection closed by its idle or lifetime limit");
                        return;
                    }
                }
                _ = closing.wait_for(|c| *c) => return,
            }
        }
    }
}

/// Counts a relayed connection open until dropped.
struct Open<'a>(&'a AtomicI64);

impl Drop for Open<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A connection that notes when it last read a byte (ms since the relay started).
struct Watched<T> {
    io: T,
    last: Arc<AtomicU64>,
    started: Instant,
}

impl<T> Watched<T> {
    fn new(io: T, last: Arc<AtomicU64>, started: Instant) -> Watched<T> {
        Watched { io, last, started }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Watched<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.io).poll_read(cx, buf);
        if buf.filled().len() > before {
            let ms = self.started.elapsed().as_millis() as u64;
            self.last.store(ms, Ordering::Relaxed);
        }
        r
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Watched<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

/// The client's side of an HTTP/1.1 WebSocket handshake, taken from `req` before the
/// engine sees it (`None` for any other request).
pub fn client_upgrade<B>(req: &mut Request<B>) -> Option<OnUpgrade> {
    let asks = req.method() == http::Method::GET
        && req.version() == http::Version::HTTP_11
        && gatehouse_runtime::engine::asks_websocket(req.headers());
    asks.then(|| hyper::upgrade::on(req))
}

/// Puts back the upgrade headers the engine removes as hop-by-hop on a handshake it
/// forwards.
pub fn upgrade_headers(headers: &mut HeaderMap) {
    headers.insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
    headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
}

/// The client's `101`: the backend's status and headers (its `Sec-WebSocket-Accept`,
/// chosen sub-protocol and extensions), with the upgrade headers for this connection.
pub fn switching<B, T>(backend: &Response<B>, body: T) -> Response<T> {
    let mut resp = Response::new(body);
    *resp.status_mut() = backend.status();
    let headers = resp.headers_mut();
    for (name, value) in backend.headers() {
        let hop = [
            header::CONNECTION,
            header::UPGRADE,
            header::TRANSFER_ENCODING,
        ];
        if !hop.contains(name) && !name.as_str().eq_ignore_ascii_case("keep-alive") {
            headers.append(name.clone(), value.clone());
        }
    }
    upgrade_headers(headers);
    resp
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    fn sockets(idle_ms: u64) -> Arc<Sockets> {
        Arc::new(Sockets::new(WebSocketSettings {
            idle_timeout: Duration::from_millis(idle_ms),
            max_lifetime: Duration::from_secs(60),
            max_open: 2,
        }))
    }

    #[tokio::test]
    async fn bytes_flow_both_ways_until_one_side_closes() {
        let s = sockets(5_000);
        let (client, mut client_far) = tokio::io::duplex(64);
        let (backend, mut backend_far) = tokio::io::duplex(64);
        let (_tx, rx) = watch::channel(false);
        let relay = tokio::spawn(async move { s.pump(client, backend, rx).await });
        client_far.write_all(b"ping").await.expect("io");
        let mut buf = [0u8; 4];
        backend_far.read_exact(&mut buf).await.expect("io");
        assert_eq!(&buf, b"ping");
        backend_far.write_all(b"pong").await.expect("io");
        client_far.read_exact(&mut buf).await.expect("io");
        assert_eq!(&buf, b"pong");
        drop(client_far);
        drop(backend_far);
        tokio::time::timeout(Duration::from_secs(5), relay)
            .await
            .expect("the relay ends")
            .expect("the relay task");
    }

    #[tokio::test]
    async fn an_idle_connection_is_closed_and_counted() {
        let s = sockets(50);
        let (client, _client_far) = tokio::io::duplex(64);
        let (backend, _backend_far) = tokio::io::duplex(64);
        let (_tx, rx) = watch::channel(false);
        let s2 = s.clone();
        tokio::time::timeout(Duration::from_secs(5), s2.pump(client, backend, rx))
            .await
            .expect("closed when idle");
        assert_eq!(s.closed_by_limit(), 1);
    }

    #[tokio::test]
    async fn close_all_ends_relays() {
        let s = sockets(60_000);
        let (client, _c) = tokio::io::duplex(64);
        let (backend, _b) = tokio::io::duplex(64);
        let rx = s.closing.subscribe();
        let s2 = s.clone();
        let relay = tokio::spawn(async move { s2.pump(client, backend, rx).await });
        s.close_all();
        tokio::time::timeout(Duration::from_secs(5), relay)
            .await
            .expect("closed on shutdown")
            .expect("the relay task");
    }

    #[test]
    fn the_101_keeps_the_handshake_answer_and_sets_the_upgrade() {
        let backend = Response::builder()
            .status(101)
            .header("sec-websocket-accept", "abc")
            .header("sec-websocket-protocol", "chat")
            .header("connection", "keep-alive, Upgrade")
            .header("upgrade", "WebSocket")
            .body(())
            .expect("the relay task");
        let r = switching(&backend, ());
        assert_eq!(r.status(), 101);
        assert_eq!(r.headers()["sec-websocket-accept"], "abc");
        assert_eq!(r.headers()["sec-websocket-protocol"], "chat");
        assert_eq!(r.headers()["connection"], "Upgrade");
        assert_eq!(r.headers()["upgrade"], "websocket");
    }
}
