//! The request handler: runs one request through the engine, performing its effects with
//! hyper — reading bodies with a size bound, calling backends, streaming bodies through.

use super::access_log::{self, AccessEntry};
use super::hops::Hops;
use super::metrics::Metrics;
use super::timed::TimedBody;
use super::websocket;
use super::{Engine, Loaded, RequestRun, Shared};
use crate::backend::client::{failure, BoxError, ClientBodyError, ReqBody, CLIENT_FAILURE};
use crate::backend::{Backends, URL_LABEL};
use bytes::Bytes;
use gatehouse_runtime::engine::{
    BackendFailure, BackendRequest, BackendResponse, BodyFailure, RequestHead,
    Response as EngineResponse, ResponseBody, Resume, Step, StreamTap, Target,
};
use http::{header, HeaderMap, Request, Response, StatusCode};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Empty, Full, LengthLimitError, Limited};
use hyper::body::{Body, Incoming};
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::Instant;

/// The body of a response to the client.
pub type RespBody = UnsyncBoxBody<Bytes, BoxError>;

/// Bodies of one request: the client's and the backend's, streamed or buffered.
struct Bodies {
    client: Option<TimedBody>,
    client_bytes: Option<Bytes>,
    backend: Option<Incoming>,
    backend_bytes: Option<Bytes>,
    /// The client's side of a WebSocket handshake, taken over by the relay on a `101`.
    upgrade: Option<hyper::upgrade::OnUpgrade>,
}

/// Serves `req` from `client` with the program loaded now.
pub async fn handle<E: Engine>(
    shared: &Shared<E>,
    mut req: Request<Incoming>,
    client: &Peer,
) -> Response<RespBody> {
    let started = Instant::now();
    let _in_flight = InFlight::enter(&shared.metrics);
    if let Err(why) = conformant(&req) {
        let resp = plain(StatusCode::BAD_REQUEST, why);
        shared.metrics.request("", "", 400, started.elapsed());
        return resp;
    }
    let loaded = shared.current.load_full();
    let upgrade = websocket::client_upgrade(&mut req);
    let (mut parts, body) = req.into_parts();
    // This gateway's loop marker is read and removed before any policy sees the request.
    let hops = Hops::take(shared.instance, &mut parts.headers);
    let head = request_head(&mut parts, client);
    let mut exchange = loaded.engine.start(head);
    let mut bodies = Bodies {
        client: Some(TimedBody::new(body, shared.config.body_read_timeout)),
        client_bytes: None,
        backend: None,
        backend_bytes: None,
        upgrade,
    };
    let resp = drive(shared, &loaded, hops, &mut exchange, &mut bodies).await;
    let (api, operation) = exchange.route();
    let duration = started.elapsed();
    let status = resp.status().as_u16();
    shared.metrics.request(api, operation, status, duration);
    if !access_log::enabled() {
        return resp;
    }
    // Formatted now, written when the body is done (so the duration covers it); a 5xx
    // names its cause. The path is the request's own (its query is cut off).
    let entry = AccessEntry {
        method: &parts.method,
        path: parts.uri.path(),
        status,
        api,
        operation,
        client: client.ip,
        error: exchange.failure().filter(|_| status >= 500),
    };
    let line = access_log::Pending::new(&entry, started);
    resp.map(|b| access_log::logged(b, line))
}

/// RFC 9112 framing rules hyper leaves to the server: one `Host` (and one at all in
/// HTTP/1.1), `chunked` at most once in `Transfer-Encoding`.
fn conformant<B>(req: &Request<B>) -> Result<(), &'static str> {
    let hosts = req.headers().get_all(header::HOST).iter().count();
    if hosts > 1 {
        return Err("more than one Host header\n");
    }
    if hosts == 0 && req.version() == http::Version::HTTP_11 {
        return Err("HTTP/1.1 request without a Host header\n");
    }
    let chunked = req
        .headers()
        .get_all(header::TRANSFER_ENCODING)
        .iter()
        .flat_map(|v| v.as_bytes().split(|b| *b == b','))
        .filter(|t| t.trim_ascii().eq_ignore_ascii_case(b"chunked"))
        .count();
    if chunked > 1 {
        return Err("chunked given more than once in Transfer-Encoding\n");
    }
    Ok(())
}

/// Counts a request in flight for as long as it lives, even when the client goes away
/// and hyper drops the request's future.
struct InFlight<'a>(&'a Metrics);

impl<'a> InFlight<'a> {
    fn enter(metrics: &'a Metrics) -> InFlight<'a> {
        metrics.in_flight(1);
        InFlight(metrics)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight(-1);
    }
}

/// The engine's view of the request head (the headers move to the engine).
/// Who sent a request: the client's address, the scheme it connected with and the
/// certificate it presented in the TLS handshake.
#[derive(Clone, Debug)]
pub struct Peer {
    /// The client's address.
    pub ip: IpAddr,
    /// `http` or `https`.
    pub scheme: &'static str,
    /// The client's certificate, parsed (HTTPS with client certificates requested).
    pub certificate: Option<std::sync::Arc<gatehouse_runtime::engine::PeerCertificate>>,
}

fn request_head(parts: &mut http::request::Parts, client: &Peer) -> RequestHead {
    let host = parts
        .headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        .or_else(|| parts.uri.authority().map(|a| a.to_string()))
        .unwrap_or_default();
    RequestHead {
        method: parts.method.clone(),
        scheme: client.scheme.to_string(),
        host,
        path_and_query: parts
            .uri
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_string(),
        headers: std::mem::take(&mut parts.headers),
        client_ip: client.ip,
        client_certificate: client.certificate.clone(),
    }
}

/// Resumes the exchange until it answers, performing each effect.
async fn drive<E: Engine, X: RequestRun>(
    shared: &Shared<E>,
    loaded: &Arc<Loaded<E>>,
    hops: Hops,
    exchange: &mut X,
    bodies: &mut Bodies,
) -> Response<RespBody> {
    let backends = &loaded.backends;
    let config = &shared.config;
    let max_hops = config.max_self_hops;
    let mut input = Resume::Start;
    let mut concurrent = Concurrent::default();
    loop {
        // The engine never panics on a request; should it all the same, this request gets
        // a 500 and the gateway goes on serving (the panic hook has logged it).
        let step = std::panic::catch_unwind(AssertUnwindSafe(|| exchange.resume(input)));
        let Ok(step) = step else {
            return plain(StatusCode::INTERNAL_SERVER_ERROR, "internal gateway error");
        };
        if !matches!(step, Step::SendConcurrent(_)) {
            // The calls of a `wait` still in flight are no longer wanted: dropped here.
            concurrent.calls.clear();
        }
        input = match step {
            Step::SendConcurrent(calls) => {
                for (tag, mut req) in calls {
                    match hops.mark(&mut req.headers, max_hops) {
                        Ok(()) => {
                            let call = send(shared, backends, req);
                            concurrent.calls.push((tag, Box::pin(call)));
                        }
                        Err(f) => concurrent.calls.push((tag, Box::pin(async { Err(f) }))),
                    }
                }
                match concurrent.next().await {
                    Some((tag, r)) => Resume::SentOne(tag, r),
                    None => {
                        let msg = "internal gateway error: nothing to wait for";
                        return plain(StatusCode::INTERNAL_SERVER_ERROR, msg);
                    }
                }
            }
            Step::NeedRequestBody => match bodies.client_bytes.clone() {
                Some(b) => Resume::RequestBody(b),
                None => match collect(bodies.client.take(), config.max_request_body).await {
                    Ok(b) => {
                        bodies.client_bytes = Some(b.clone());
                        Resume::RequestBody(b)
                    }
                    // The engine answers (413, 400) after running on-error.
                    Err(Oversize) => Resume::BodyFailed(BodyFailure::TooLarge),
                    Err(Broken) => Resume::BodyFailed(BodyFailure::Unreadable),
                },
            },
            Step::Forward(mut req) => 'forward: {
                if let Err(f) = hops.mark(&mut req.headers, max_hops) {
                    break 'forward Resume::Backend(Err(f));
                }
                if bodies.upgrade.is_some() && exchange.websocket() {
                    match handshake(shared, backends, req, bodies).await {
                        Ok(switched) => return switched,
                        Err(resume) => break 'forward resume,
                    }
                }
                let stream = match (&req.body, &bodies.client_bytes) {
                    (Some(_), _) => None,
                    (None, Some(b)) => Some(full(b.clone())),
                    // An empty body is sent as such, so a redirect can replay it.
                    (None, None) => bodies
                        .client
                        .take()
                        .filter(|b| !b.is_end_stream())
                        .map(client_body),
                };
                // The target's name is looked up again only if the call fails.
                let backend_id = match req.target {
                    Target::Backend(id) => Some(id),
                    Target::Url(_) => None,
                };
                bodies.backend = None;
                bodies.backend_bytes = None;
                match backends.forward(req, stream).await {
                    Ok(resp) => {
                        let (parts, body) = resp.into_parts();
                        bodies.backend = Some(body);
                        Resume::Backend(Ok(BackendResponse {
                            status: parts.status,
                            headers: parts.headers,
                        }))
                    }
                    // A failure of the client's side is not the backend's error.
                    Err(f) if f.reason == CLIENT_FAILURE => Resume::Backend(Err(f)),
                    Err(f) => {
                        let label = backend_id.map_or(URL_LABEL, |id| backends.name(id));
                        shared.metrics.backend_error(label, f.reason);
                        Resume::Backend(Err(f))
                    }
                }
            }
            Step::Send(mut req) => match hops.mark(&mut req.headers, max_hops) {
                Ok(()) => Resume::Sent(send(shared, backends, req).await),
                Err(f) => Resume::Sent(Err(f)),
            },
            Step::SendDetached(mut call) => {
                // A looping detached call is not sent.
                if hops.mark(&mut call.request.headers, max_hops).is_ok() {
                    shared
                        .detached
                        .send(loaded.clone(), shared.tokens.clone(), *call);
                }
                Resume::Detached
            }
            // A `retry` between two runs; the client's going away drops this future.
            Step::Sleep(d) => {
                tokio::time::sleep(d).await;
                Resume::Slept
            }
            Step::Token(req) => Resume::Token(shared.tokens.get(&req).await),
            Step::NeedResponseBody => match bodies.backend_bytes.clone() {
                Some(b) => Resume::ResponseBody(b),
                None => match collect(bodies.backend.take(), config.max_response_body).await {
                    Ok(b) => {
                        bodies.backend_bytes = Some(b.clone());
                        Resume::ResponseBody(b)
                    }
                    // The engine answers (502, 500) after running on-error.
                    Err(Oversize) => Resume::BodyFailed(BodyFailure::TooLarge),
                    Err(Broken) => Resume::BodyFailed(BodyFailure::Unreadable),
                },
            },
            Step::Respond(r) => return respond(r, bodies, exchange.stream_tap()),
        };
    }
}

/// Forwards a WebSocket handshake with its upgrade: on the backend's `101` the client gets
/// its `101` and both connections go to the relay; any other answer (or a failure) goes
/// back to the engine as an ordinary backend response.
async fn handshake<E: Engine>(
    shared: &Shared<E>,
    backends: &Backends,
    mut req: gatehouse_runtime::engine::BackendRequest,
    bodies: &mut Bodies,
) -> Result<Response<RespBody>, Resume> {
    if !shared.sockets.has_room() {
        let text = "too many WebSocket connections\n";
        return Ok(plain(StatusCode::SERVICE_UNAVAILABLE, text));
    }
    websocket::upgrade_headers(&mut req.headers);
    match backends.forward(req, None).await {
        Ok(mut resp) if resp.status() == StatusCode::SWITCHING_PROTOCOLS => {
            let backend = hyper::upgrade::on(&mut resp);
            if let Some(client) = bodies.upgrade.take() {
                shared.sockets.relay(client, backend);
            }
            Ok(websocket::switching(&resp, empty()))
        }
        Ok(resp) => {
            let (parts, body) = resp.into_parts();
            bodies.backend = Some(body);
            Err(Resume::Backend(Ok(BackendResponse {
                status: parts.status,
                headers: parts.headers,
            })))
        }
        Err(f) => Err(Resume::Backend(Err(f))),
    }
}

/// A `send-request` call: sent through the clients of plain URLs (pooled, TLS validated
/// fully), its whole body read within what is left of the timeout and bounded like a
/// backend body a policy reads. Failures count as the `url` backend's.
async fn send<E: Engine>(
    shared: &Shared<E>,
    backends: &Backends,
    req: BackendRequest,
) -> Result<(BackendResponse, Bytes), BackendFailure> {
    let timeout = req.timeout;
    let started = Instant::now();
    let result = async {
        let (parts, body) = backends.forward(req, None).await?.into_parts();
        let left = timeout.saturating_sub(started.elapsed());
        let read = collect(Some(body), shared.config.max_response_body);
        let body = match tokio::time::timeout(left, read).await {
            Ok(Ok(b)) => b,
            Ok(Err(Oversize)) => {
                let msg = "The send-request response body is larger than the limit.";
                return Err(failure("BackendConnectionFailure", msg.to_string()));
            }
            Ok(Err(Broken)) => {
                let msg = "The send-request response body could not be read.";
                return Err(failure("BackendConnectionFailure", msg.to_string()));
            }
            Err(_) => {
                let msg = format!(
                    "The call did not complete within {} ms",
                    timeout.as_millis()
                );
                return Err(failure("Timeout", msg));
            }
        };
        let head = BackendResponse {
            status: parts.status,
            headers: parts.headers,
        };
        Ok((head, body))
    }
    .await;
    if let Err(f) = &result {
        shared.metrics.backend_error(URL_LABEL, f.reason);
    }
    result
}

/// The answer of one outbound call.
type Sent = Result<(BackendResponse, Bytes), BackendFailure>;

/// One outbound call in flight.
type Call<'a> = Pin<Box<dyn Future<Output = Sent> + Send + 'a>>;

/// The calls of a `wait` in flight, each with its tag.
#[derive(Default)]
struct Concurrent<'a> {
    calls: Vec<(u32, Call<'a>)>,
}

impl Concurrent<'_> {
    /// The first call to finish (`None` when none is in flight).
    async fn next(&mut self) -> Option<(u32, Sent)> {
        if self.calls.is_empty() {
            return None;
        }
        std::future::poll_fn(|cx| {
            for i in 0..self.calls.len() {
                if let Poll::Ready(r) = self.calls[i].1.as_mut().poll(cx) {
                    let (tag, _) = self.calls.swap_remove(i);
                    return Poll::Ready(Some((tag, r)));
                }
            }
            Poll::Pending
        })
        .await
    }
}

/// Why a body could not be collected.
enum CollectError {
    Oversize,
    Broken,
}
use std::panic::AssertUnwindSafe;
use CollectError::{Broken, Oversize};

/// Reads all of `body`, refusing more than `max` bytes.
async fn collect<B>(body: Option<B>, max: usize) -> Result<Bytes, CollectError>
where
    B: Body<Data = Bytes>,
    B::Error: Into<BoxError>,
{
    let Some(body) = body else {
        return Ok(Bytes::new());
    };
    match Limited::new(body, max).collect().await {
        Ok(c) => Ok(c.to_bytes()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => Err(Oversize),
        Err(_) => Err(Broken),
    }
}

/// The final response: headers cleaned of hop-by-hop entries, body as the engine says.
fn respond(r: EngineResponse, bodies: &mut Bodies, tap: Option<StreamTap>) -> Response<RespBody> {
    let mut headers = r.headers;
    strip_hop_by_hop(&mut headers);
    let body = match r.body {
        ResponseBody::Empty => {
            headers.remove(header::CONTENT_LENGTH);
            empty()
        }
        ResponseBody::Bytes(b) => {
            headers.remove(header::CONTENT_LENGTH);
            full(b)
        }
        ResponseBody::Backend => match (bodies.backend_bytes.take(), bodies.backend.take()) {
            (Some(b), _) => {
                headers.remove(header::CONTENT_LENGTH);
                if let Some(mut tap) = tap {
                    tap.observe(&b);
                }
                full(b)
            }
            (None, Some(stream)) => backend_stream(stream, tap),
            (None, None) => empty(),
        },
    };
    let mut resp = Response::new(body);
    *resp.status_mut() = r.status;
    *resp.headers_mut() = headers;
    resp
}

/// Removes the headers that belong to one connection.
fn strip_hop_by_hop(headers: &mut HeaderMap) {
    for name in [
        header::CONNECTION,
        header::TRANSFER_ENCODING,
        header::UPGRADE,
        header::TE,
        header::TRAILER,
        header::PROXY_AUTHENTICATE,
    ] {
        headers.remove(name);
    }
    headers.remove("keep-alive");
    headers.remove("proxy-connection");
}

/// A text response made by the server itself.
pub fn plain(status: StatusCode, text: &'static str) -> Response<RespBody> {
    let mut resp = Response::new(full(Bytes::from_static(text.as_bytes())));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        http::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    resp
}

/// A buffered body.
pub fn full(b: Bytes) -> RespBody {
    Full::new(b).map_err(|e| match e {}).boxed_unsync()
}

/// No body.
pub fn empty() -> RespBody {
    Empty::new().map_err(|e| match e {}).boxed_unsync()
}

/// The backend's body streamed to the client: the status is sent by then, so a failure
/// (a reset, an invalid chunk) is logged as the backend's, and the client sees the
/// connection cut.
fn backend_stream(b: Incoming, mut tap: Option<StreamTap>) -> RespBody {
    b.map_frame(move |frame| {
        // The tap (token accounting) settles when the body is dropped: at its end, or
        // when the client goes away.
        if let (Some(t), Some(data)) = (tap.as_mut(), frame.data_ref()) {
            t.observe(data);
        }
        frame
    })
    .map_err(|e| {
        tracing::warn!(
            reason = "BackendConnectionFailure",
            error = %e,
            "the backend's body failed after the response head was sent"
        );
        Box::new(e) as BoxError
    })
    .boxed_unsync()
}

/// The client's body streamed to a backend: its errors are marked as the client's
/// ([`ClientBodyError`]), so they never count against the backend.
fn client_body(b: TimedBody) -> ReqBody {
    b.map_err(|e| Box::new(ClientBodyError(e.to_string())) as BoxError)
        .boxed_unsync()
}
