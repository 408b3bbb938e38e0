//! Test harness: a pass-through engine, a running gateway on loopback, backends and clients.

use bytes::Bytes;
use gatehouse_runtime::engine::{
    BackendRequest, BodyFailure, RequestHead, Response as EngineResponse, ResponseBody, Resume,
    Step, Target,
};
use gatehouse_runtime::program::Program;
use gatehouse_runtime::program::{Backend, BackendKind, Breaker, HttpVersion, TlsSettings};
use gatehouse_server::backend::client::BoxError;
use gatehouse_server::handler::RespBody;
use gatehouse_server::shutdown::Shutdown;
use gatehouse_server::{admin, listener, Engine, Loaded, RequestRun, ServerConfig, Shared};
use http::{HeaderMap, HeaderValue, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// An engine that forwards every request to one target and streams the answer back;
/// backend failures become 502/503/504 with the reason in `x-error-reason`.
pub struct Proxy {
    /// The program (its backend table is what the server builds clients for).
    pub program: Program,
    /// Where requests go.
    pub target: Target,
    /// Backend timeout.
    pub timeout: Duration,
    /// Added to every response as `x-program`, to tell reloads apart.
    pub tag: &'static str,
    /// Read the request body before forwarding (as a policy reading it would).
    pub read_body: bool,
    /// Protocol to the backend.
    pub version: HttpVersion,
    /// Follow backend redirects.
    pub follow: bool,
    /// Read the backend's body (as an outbound policy reading it would) and answer it
    /// with `x-read-bytes`.
    pub read_response: bool,
}

impl Proxy {
    /// A proxy to backend `id` of `program`.
    pub fn to_backend(program: Program, id: u32) -> Proxy {
        Proxy {
            program,
            target: Target::Backend(id),
            timeout: Duration::from_secs(10),
            tag: "v1",
            read_body: false,
            version: HttpVersion::Http1,
            follow: false,
            read_response: false,
        }
    }

    /// A proxy to a plain URL.
    pub fn to_url(url: &str) -> Proxy {
        Proxy {
            program: Program::default(),
            target: Target::Url(url.to_string()),
            timeout: Duration::from_secs(10),
            tag: "v1",
            read_body: false,
            version: HttpVersion::Http1,
            follow: false,
            read_response: false,
        }
    }
}

/// One request's run through [`Proxy`].
pub struct ProxyRun<'a> {
    proxy: &'a Proxy,
    head: RequestHead,
    answer: Option<(StatusCode, HeaderMap)>,
}

impl Engine for Proxy {
    type Run<'a> = ProxyRun<'a>;

    fn start(&self, head: RequestHead) -> ProxyRun<'_> {
        ProxyRun {
            proxy: self,
            head,
            answer: None,
        }
    }

    fn program(&self) -> &Program {
        &self.program
    }
}

impl ProxyRun<'_> {
    fn forward(&self, body: Option<Bytes>) -> Step {
        Step::Forward(BackendRequest {
            target: self.proxy.target.clone(),
            path_and_query: self.head.path_and_query.clone(),
            method: self.head.method.clone(),
            headers: self.head.headers.clone(),
            body,
            timeout: self.proxy.timeout,
            follow_redirects: self.proxy.follow,
            http_version: self.proxy.version,
            buffer_response: false,
            certificate: None,
        })
    }

    fn respond(&self, status: StatusCode, mut headers: HeaderMap, body: ResponseBody) -> Step {
        headers.insert("x-program", HeaderValue::from_static(self.proxy.tag));
        Step::Respond(EngineResponse {
            status,
            headers,
            body,
        })
    }
}

impl RequestRun for ProxyRun<'_> {
    fn resume(&mut self, input: Resume) -> Step {
        match input {
            Resume::Start if self.head.path_and_query.starts_with("/panic") => {
                panic!("a test engine that panics")
            }
            Resume::Start if self.head.path_and_query.starts_with("/missing") => {
                self.respond(StatusCode::NOT_FOUND, HeaderMap::new(), ResponseBody::Empty)
            }
            Resume::Start if self.proxy.read_body => Step::NeedRequestBody,
            Resume::Start => self.forward(None),
            Resume::RequestBody(b) => self.forward(Some(b)),
            Resume::Backend(Ok(r)) if self.proxy.read_response => {
                self.answer = Some((r.status, r.headers));
                Step::NeedResponseBody
            }
            Resume::Backend(Ok(r)) => self.respond(r.status, r.headers, ResponseBody::Backend),
            Resume::Backend(Err(f)) => {
                let status = match f.reason {
                    "BackendUnavailable" => StatusCode::SERVICE_UNAVAILABLE,
                    "Timeout" => StatusCode::GATEWAY_TIMEOUT,
                    "ClientConnectionFailure" => StatusCode::BAD_REQUEST,
                    _ => StatusCode::BAD_GATEWAY,
                };
                let mut h = HeaderMap::new();
                h.insert("x-error-reason", HeaderValue::from_static(f.reason));
                if let Some(s) = f.retry_after {
                    h.insert("retry-after", HeaderValue::from(s));
                }
                self.respond(status, h, ResponseBody::Empty)
            }
            Resume::BodyFailed(f) => {
                let status = match (f, self.answer.is_some()) {
                    (BodyFailure::TooLarge, false) => StatusCode::PAYLOAD_TOO_LARGE,
                    (BodyFailure::Unreadable, false) => StatusCode::BAD_REQUEST,
                    (_, true) => StatusCode::BAD_GATEWAY,
                };
                self.respond(status, HeaderMap::new(), ResponseBody::Empty)
            }
            // This engine never asks for a `send-request` call, a token nor a wait.
            Resume::Sent(_)
            | Resume::Token(_)
            | Resume::Slept
            | Resume::SentOne(..)
            | Resume::Detached => self.respond(
                StatusCode::BAD_GATEWAY,
                HeaderMap::new(),
                ResponseBody::Empty,
            ),
            Resume::ResponseBody(b) => {
                let (status, mut headers) = self.answer.take().unwrap_or_default();
                headers.insert("x-read-bytes", HeaderValue::from(b.len()));
                self.respond(status, headers, ResponseBody::Bytes(b))
            }
        }
    }

    fn route(&self) -> (&str, &str) {
        ("proxy", "all")
    }
}

/// A program with single backends at `urls` (named `b0`, `b1`, …), each with `breakers`.
pub fn program_with(urls: &[String], breakers: &[Breaker]) -> Program {
    let mut p = Program::default();
    for (i, url) in urls.iter().enumerate() {
        let name = intern(&mut p, &format!("b{i}"));
        let url = intern(&mut p, url);
        p.backends.push(Backend {
            name,
            url: Some(url),
            kind: BackendKind::Single,
            credentials: Default::default(),
            tls: TlsSettings::default(),
            breakers: breakers.to_vec(),
        });
    }
    p
}

/// Adds `s` to the program's strings.
pub fn intern(p: &mut Program, s: &str) -> u32 {
    p.strings.push(s.into());
    (p.strings.len() - 1) as u32
}

/// A running gateway.
pub struct Running<E = Proxy> {
    /// Gateway address.
    pub addr: SocketAddr,
    /// Admin address.
    pub admin: SocketAddr,
    /// Shared state (swap `current` to reload).
    pub shared: Arc<Shared<E>>,
    /// Stops it.
    pub shutdown: Shutdown,
    /// The gateway listener task.
    pub task: tokio::task::JoinHandle<()>,
}

/// Starts a gateway serving `engine` with `config`, and its admin listener.
pub async fn start<E: Engine>(engine: E, config: ServerConfig) -> Running<E> {
    let loaded = Loaded::new(engine, &config.client).expect("backends load");
    start_loaded(loaded, config).await
}

/// Starts a gateway serving `loaded` with `config`, and its admin listener.
pub async fn start_loaded<E: Engine>(loaded: Loaded<E>, config: ServerConfig) -> Running<E> {
    start_loaded_on(loaded, config, "127.0.0.1:0").await
}

/// Starts a backend answering with `handler`; returns its address.
pub async fn backend<F, Fut>(handler: F) -> SocketAddr
where
    F: Fn(Request<Incoming>) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Response<RespBody>> + Send + 'static,
{
    let l = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind backend");
    let addr = l.local_addr().expect("addr");
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = l.accept().await else {
                continue;
            };
            let h = handler.clone();
            tokio::spawn(async move {
                let svc = hyper::service::service_fn(move |req| {
                    let h = h.clone();
                    async move { Ok::<_, std::convert::Infallible>(h(req).await) }
                });
                let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    addr
}

/// A response with `status` and `body`.
pub fn reply(status: u16, body: &'static str) -> Response<RespBody> {
    let mut r = Response::new(
        Full::new(Bytes::from_static(body.as_bytes()))
            .map_err(|e| match e {})
            .boxed_unsync(),
    );
    *r.status_mut() = StatusCode::from_u16(status).expect("status");
    r
}

/// A loopback address nothing listens on.
pub async fn dead_addr() -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    l.local_addr().expect("addr")
}

/// A plain HTTP/1.1 client.
pub fn client() -> Client<HttpConnector, Full<Bytes>> {
    Client::builder(TokioExecutor::new()).build_http()
}

/// GETs `path` from `addr`: status, headers and the whole body.
pub async fn get(addr: SocketAddr, path: &str) -> (StatusCode, HeaderMap, Bytes) {
    send(
        addr,
        Request::get(path).body(Full::default()).expect("request"),
    )
    .await
}

/// Sends `req` (its URI a path) to `addr`.
pub async fn send(
    addr: SocketAddr,
    mut req: Request<Full<Bytes>>,
) -> (StatusCode, HeaderMap, Bytes) {
    let uri = format!("http://{addr}{}", req.uri());
    *req.uri_mut() = uri.parse().expect("uri");
    let resp = client().request(req).await.expect("gateway answers");
    let (parts, body) = resp.into_parts();
    let body = body.collect().await.expect("body").to_bytes();
    (parts.status, parts.headers, body)
}

/// Turns an error into a boxed error (for bodies built from channels).
pub fn boxed(e: impl std::error::Error + Send + Sync + 'static) -> BoxError {
    Box::new(e)
}

/// Starts a gateway serving `loaded` on `bind` (e.g. `[::1]:0`), and its admin listener on
/// IPv4 loopback.
pub async fn start_loaded_on<E: Engine>(
    loaded: Loaded<E>,
    config: ServerConfig,
    bind: &str,
) -> Running<E> {
    let shared = Arc::new(Shared::new(loaded, config));
    let shutdown = Shutdown::new();
    let l = TcpListener::bind(bind).await.expect("bind");
    let a = TcpListener::bind("127.0.0.1:0").await.expect("bind admin");
    let (addr, admin_addr) = (l.local_addr().expect("addr"), a.local_addr().expect("addr"));
    let task = tokio::spawn(listener::serve(l, shared.clone(), shutdown.clone()));
    tokio::spawn(admin::serve(
        a,
        shared.clone(),
        shutdown.clone(),
        Shutdown::new(),
    ));
    Running {
        addr,
        admin: admin_addr,
        shared,
        shutdown,
        task,
    }
}

/// Builds the APIOps project in `dir` with the real compiler (a project that does not build
/// fails the test with its diagnostics) and serves it on loopback with the real engine.
pub async fn serve_project(
    dir: &std::path::Path,
    engine: gatehouse_runtime::engine::EngineConfig,
    config: ServerConfig,
) -> Running<gatehouse_runtime::engine::Gateway> {
    use gatehouse_compiler::diagnostic::{render_human, Style};
    let report = gatehouse_compiler::build_project(dir, &Default::default());
    let Some(program) = report.program else {
        let text = render_human(&report.diagnostics, Style::Plain);
        panic!("{} does not build:\n{text}", dir.display());
    };
    let gateway = gatehouse_runtime::engine::Gateway::new(Arc::new(program), engine);
    let loaded = Loaded::new(gateway, &config.client).expect("backends load");
    start_loaded_on(loaded, config, "127.0.0.1:0").await
}
