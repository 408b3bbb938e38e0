//! The backend HTTP client: pooled hyper-util clients per protocol, rustls TLS, timeouts,
//! redirects, and the mapping of failures to APIM error reasons.

use super::certs::{Certificates, ClientCertificate};
use super::tls::tls_config;
use bytes::Bytes;
use gatehouse_runtime::engine::BackendFailure;
use gatehouse_runtime::program::{HttpVersion, TlsSettings};
use http::{header, HeaderMap, HeaderValue, Method, Request, Response, StatusCode, Uri};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Empty, Full};
use hyper::body::Incoming;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// Errors of streamed bodies.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;
/// The body of a request sent to a backend.
pub type ReqBody = UnsyncBoxBody<Bytes, BoxError>;

/// Backend client settings (limits are configuration).
#[derive(Clone, Debug)]
pub struct ClientSettings {
    /// TCP connect timeout.
    pub connect_timeout: Duration,
    /// How long an idle pooled connection is kept.
    pub pool_idle_timeout: Duration,
    /// Idle connections kept per host.
    pub pool_max_idle_per_host: usize,
    /// Most redirects followed for one call.
    pub max_redirects: u32,
    /// Client certificates backends may present, by name.
    pub certificates: Certificates,
}

impl Default for ClientSettings {
    fn default() -> Self {
        ClientSettings {
            connect_timeout: Duration::from_secs(10),
            pool_idle_timeout: Duration::from_secs(90),
            pool_max_idle_per_host: 64,
            max_redirects: 10,
            certificates: Certificates::new(),
        }
    }
}

/// The body of an outgoing call.
pub enum OutBody {
    /// A buffered body (may be replayed on a redirect).
    Full(Bytes),
    /// A streamed body (the client's, passed through).
    Stream(ReqBody),
}

type HttpClient = Client<HttpsConnector<HttpConnector>, ReqBody>;

/// How many serving runtimes the process runs (`gatehouse run --threads`): each has its
/// own connection pools, so a request never waits on another runtime's connection task.
static WORKERS: AtomicUsize = AtomicUsize::new(1);

thread_local! {
    /// The serving runtime of this thread (0: the main one).
    static WORKER: Cell<usize> = const { Cell::new(0) };
}

/// Sets how many serving runtimes clients keep pools for (before programs are loaded).
pub fn set_workers(n: usize) {
    WORKERS.store(n.max(1), Ordering::Relaxed);
}

/// Marks this thread as serving runtime `i`'s: its calls use that runtime's pools.
pub fn set_worker(i: usize) {
    WORKER.with(|w| w.set(i));
}

/// The serving runtime of this thread (0: the main one).
pub fn worker() -> usize {
    WORKER.with(Cell::get)
}

/// One client per `http-version`, built on first use.
type Built = [OnceLock<Result<HttpClient, String>>; 3];

/// The clients of one TLS setting and client certificate: one per `http-version` and
/// serving runtime, built on first use.
pub struct Clients {
    tls: TlsSettings,
    cert: Option<Arc<ClientCertificate>>,
    settings: ClientSettings,
    built: Box<[Built]>,
}

impl Clients {
    /// Clients validating TLS as `tls` says and presenting `cert` when asked for one.
    pub fn new(
        tls: TlsSettings,
        cert: Option<Arc<ClientCertificate>>,
        settings: ClientSettings,
    ) -> Clients {
        Clients {
            tls,
            cert,
            settings,
            built: (0..WORKERS.load(Ordering::Relaxed).max(1))
                .map(|_| Built::default())
                .collect(),
        }
    }

    fn client(&self, version: HttpVersion) -> Result<&HttpClient, BackendFailure> {
        let worker = WORKER.with(Cell::get).min(self.built.len() - 1);
        self.built[worker][version as usize]
            .get_or_init(|| build(self.tls, self.cert.as_deref(), &self.settings, version))
            .as_ref()
            .map_err(|e| failure("BackendConnectionFailure", e.clone()))
    }

    /// Sends a request to `url` and waits at most `timeout` for the response head,
    /// following redirects when asked.
    pub async fn call(
        &self,
        call: Call,
        body: OutBody,
    ) -> Result<Response<Incoming>, BackendFailure> {
        let client = self.client(call.version)?;
        let timeout = call.timeout;
        match tokio::time::timeout(timeout, self.follow(client, call, body)).await {
            Ok(r) => r,
            Err(_) => Err(failure(
                "Timeout",
                format!(
                    "The backend did not answer within {} ms",
                    timeout.as_millis()
                ),
            )),
        }
    }

    async fn follow(
        &self,
        client: &HttpClient,
        mut call: Call,
        body: OutBody,
    ) -> Result<Response<Incoming>, BackendFailure> {
        let mut body = body;
        let mut hops = 0;
        let mut retried = false;
        loop {
            let replay = match &body {
                OutBody::Full(b) => Some(b.clone()),
                OutBody::Stream(_) => None,
            };
            // The URL's own buffer becomes the URI's (parsing a `&str` would copy it).
            let raw = Bytes::from(std::mem::take(&mut call.url));
            let uri = Uri::from_maybe_shared(raw.clone()).map_err(|_| {
                failure(
                    "BackendConnectionFailure",
                    format!("invalid backend URL '{}'", String::from_utf8_lossy(&raw)),
                )
            })?;
            // A request that may be sent again on a fresh connection (its body is held
            // and its method idempotent) keeps a copy of its head.
            let may_retry = !retried && replay.is_some() && idempotent(&call.method);
            // The last hop gives its head away; one that may be redirected keeps a copy.
            let last = !call.follow_redirects || hops >= self.settings.max_redirects;
            let (current, headers) = if last && !may_retry {
                (None, std::mem::take(&mut call.headers))
            } else {
                (Some(uri.clone()), call.headers.clone())
            };
            let host = if call.version == HttpVersion::Http1 {
                if may_retry {
                    call.host.clone()
                } else {
                    call.host.take()
                }
            } else {
                None
            };
            // A WebSocket handshake (`websocket.rs`) asks for the upgrade itself.
            let asked_upgrade = headers.contains_key(header::UPGRADE);
            let mut req = Request::new(into_req_body(body));
            *req.method_mut() = call.method.clone();
            *req.uri_mut() = uri;
            *req.headers_mut() = headers;
            if replay.is_some() {
                // hyper frames a buffered body itself; a stale length would corrupt it.
                req.headers_mut().remove(header::CONTENT_LENGTH);
                req.headers_mut().remove(header::TRANSFER_ENCODING);
            }
            if let Some(host) = host {
                req.headers_mut().insert(header::HOST, host);
            }
            let resp = match client.request(req).await {
                Ok(resp) => resp,
                Err(e) if may_retry && stale_connection(&e) => {
                    // A pooled connection the backend had closed: once more, on a
                    // fresh one (the pool no longer holds the closed one).
                    retried = true;
                    call.url = String::from_utf8_lossy(&raw).into_owned();
                    body = OutBody::Full(replay.unwrap_or_default());
                    continue;
                }
                Err(e) => return Err(classify(e)),
            };
            if resp.status() == StatusCode::SWITCHING_PROTOCOLS && !asked_upgrade {
                // The gateway never forwards `Upgrade`: a 101 answers nothing it asked.
                return Err(BackendFailure {
                    status: Some(StatusCode::BAD_GATEWAY),
                    ..failure(
                        "BackendConnectionFailure",
                        "The backend switched protocols (101) on a request that did not ask for an upgrade".to_string(),
                    )
                });
            }
            let Some(current) = current.filter(|_| !last) else {
                return Ok(resp);
            };
            let Some(next) = redirect(
                &current,
                resp.status(),
                resp.headers(),
                &call.method,
                replay,
            ) else {
                return Ok(resp);
            };
            hops += 1;
            call.url = next.0;
            call.method = next.1;
            body = OutBody::Full(next.2);
        }
    }
}

/// Methods a request of which may be sent twice (RFC 9110 §9.2.2).
fn idempotent(m: &Method) -> bool {
    matches!(
        *m,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE | Method::PUT | Method::DELETE
    )
}

/// Whether `e` says the connection was closed before any response came: the pooled
/// connection was stale (closed by the backend after its last response).
fn stale_connection(e: &hyper_util::client::legacy::Error) -> bool {
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(h) = s.downcast_ref::<hyper::Error>() {
            if h.is_incomplete_message() || h.is_canceled() {
                return true;
            }
        }
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            if matches!(
                io.kind(),
                std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::BrokenPipe
            ) {
                return true;
            }
        }
        source = s.source();
    }
    false
}

/// What to send, besides the body.
#[derive(Clone, Debug)]
pub struct Call {
    /// Absolute URL.
    pub url: String,
    /// Method.
    pub method: Method,
    /// Headers.
    pub headers: HeaderMap,
    /// Response-head timeout.
    pub timeout: Duration,
    /// Follow 3xx answers.
    pub follow_redirects: bool,
    /// Protocol.
    pub version: HttpVersion,
    /// The `Host` header of the first hop over HTTP/1, computed once per backend
    /// ([`host_header`]); without it (and after a redirect) hyper-util derives it per call.
    pub host: Option<HeaderValue>,
}

/// The `Host` header hyper-util sends to `url` over HTTP/1: the host, with the port when
/// it is not the scheme's default. `None` for a URL without a host.
pub fn host_header(url: &str) -> Option<HeaderValue> {
    let uri: Uri = url.parse().ok()?;
    let host = uri.host()?;
    let secure = matches!(uri.scheme_str(), Some("https" | "wss"));
    let value = match (uri.port(), secure) {
        (Some(p), true) if p.as_u16() == 443 => host.to_string(),
        (Some(p), false) if p.as_u16() == 80 => host.to_string(),
        (Some(p), _) => format!("{host}:{p}"),
        (None, _) => host.to_string(),
    };
    HeaderValue::from_str(&value).ok()
}

fn into_req_body(body: OutBody) -> ReqBody {
    match body {
        OutBody::Full(b) if b.is_empty() => Empty::new().map_err(|e| match e {}).boxed_unsync(),
        OutBody::Full(b) => Full::new(b).map_err(|e| match e {}).boxed_unsync(),
        OutBody::Stream(s) => s,
    }
}

/// The next hop of a redirect: URL, method and body; `None` when it is not followed
/// (no usable `Location`, or a method-keeping redirect of a streamed body).
fn redirect(
    current: &Uri,
    status: StatusCode,
    headers: &HeaderMap,
    method: &Method,
    replay: Option<Bytes>,
) -> Option<(String, Method, Bytes)> {
    let location = headers.get(header::LOCATION)?.to_str().ok()?;
    let url = if location.starts_with("http://") || location.starts_with("https://") {
        location.to_string()
    } else if location.starts_with('/') {
        format!(
            "{}://{}{location}",
            current.scheme_str()?,
            current.authority()?
        )
    } else {
        return None;
    };
    match status.as_u16() {
        303 => Some((url, Method::GET, Bytes::new())),
        301 | 302 if method == Method::POST => Some((url, Method::GET, Bytes::new())),
        301 | 302 | 307 | 308 => Some((url, method.clone(), replay?)),
        _ => None,
    }
}

fn build(
    tls: TlsSettings,
    cert: Option<&ClientCertificate>,
    settings: &ClientSettings,
    version: HttpVersion,
) -> Result<HttpClient, String> {
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_connect_timeout(Some(settings.connect_timeout));
    http.set_nodelay(true);
    let builder = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls_config(tls, cert)?)
        .https_or_http();
    let connector = match version {
        HttpVersion::Http1 => builder.enable_http1().wrap_connector(http),
        HttpVersion::Http2 => builder.enable_http2().wrap_connector(http),
        HttpVersion::Http2Or1 => builder.enable_all_versions().wrap_connector(http),
    };
    let client = Client::builder(TokioExecutor::new())
        .timer(TokioTimer::new())
        .pool_timer(TokioTimer::new())
        .pool_idle_timeout(settings.pool_idle_timeout)
        .pool_max_idle_per_host(settings.pool_max_idle_per_host)
        .http2_only(version == HttpVersion::Http2)
        .build(connector);
    Ok(client)
}

/// APIM's reason for a failure of the client's side (an aborted upload, a malformed
/// chunk): it never counts against the backend.
pub const CLIENT_FAILURE: &str = "ClientConnectionFailure";

/// The error a streamed client body reports when the client's side fails: the driver
/// wraps the client's body errors in it, so a call that failed because of them is told
/// apart from a backend's failure.
#[derive(Debug)]
pub struct ClientBodyError(pub String);

impl std::fmt::Display for ClientBodyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the client's request body could not be read: {}", self.0)
    }
}

impl std::error::Error for ClientBodyError {}

/// Maps a client error to APIM's reason: a failure of the client's streamed body is
/// `ClientConnectionFailure`; every other transport failure (refused, reset, aborted
/// mid-head) is `BackendConnectionFailure`.
fn classify(e: hyper_util::client::legacy::Error) -> BackendFailure {
    let mut message = e.to_string();
    let mut client_side = false;
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        client_side |= s.downcast_ref::<ClientBodyError>().is_some();
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    let reason = if client_side {
        CLIENT_FAILURE
    } else {
        "BackendConnectionFailure"
    };
    failure(reason, message)
}

/// A failure with `reason` and `message`.
pub fn failure(reason: &'static str, message: String) -> BackendFailure {
    BackendFailure {
        reason,
        message,
        retry_after: None,
        status: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(v: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::LOCATION, http::HeaderValue::from_static(v));
        h
    }

    #[test]
    fn redirects_resolve_relative_locations_and_switch_post_to_get() {
        let cur: Uri = "http://a.test:81/x?y".parse().expect("uri");
        let r = redirect(&cur, StatusCode::FOUND, &loc("/z"), &Method::POST, None);
        assert_eq!(
            r,
            Some(("http://a.test:81/z".into(), Method::GET, Bytes::new()))
        );
        let body = Bytes::from_static(b"b");
        let r = redirect(
            &cur,
            StatusCode::TEMPORARY_REDIRECT,
            &loc("https://b/"),
            &Method::PUT,
            Some(body.clone()),
        );
        assert_eq!(r, Some(("https://b/".into(), Method::PUT, body)));
    }

    #[test]
    fn host_header_keeps_only_non_default_ports() {
        let host = |u| host_header(u).map(|h| h.to_str().expect("ascii").to_string());
        assert_eq!(host("http://a.test:80/x").as_deref(), Some("a.test"));
        assert_eq!(host("https://a.test:443").as_deref(), Some("a.test"));
        assert_eq!(host("http://a.test:443/").as_deref(), Some("a.test:443"));
        assert_eq!(
            host("https://u@[::1]:8443/p").as_deref(),
            Some("[::1]:8443")
        );
        assert_eq!(host("http://127.0.0.1").as_deref(), Some("127.0.0.1"));
        assert_eq!(host("/relative"), None);
    }

    #[test]
    fn streamed_bodies_and_odd_locations_are_not_followed() {
        let cur: Uri = "http://a/".parse().expect("uri");
        assert_eq!(
            redirect(
                &cur,
                StatusCode::PERMANENT_REDIRECT,
                &loc("/z"),
                &Method::PUT,
                None
            ),
            None
        );
        assert_eq!(
            redirect(
                &cur,
                StatusCode::FOUND,
                &loc("rel"),
                &Method::GET,
                Some(Bytes::new())
            ),
            None
        );
        assert_eq!(
            redirect(
                &cur,
                StatusCode::OK,
                &loc("/z"),
                &Method::GET,
                Some(Bytes::new())
            ),
            None
        );
    }
}
