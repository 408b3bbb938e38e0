//! The policy engine: runs a [`Program`] for one request, synchronously, yielding effects.
//!
//! The engine never performs I/O. [`Gateway::start`] routes a request and returns an
//! [`Exchange`]; the driver calls [`Exchange::resume`] until it gets [`Step::Respond`],
//! performing each effect ([`Step::Forward`], [`Step::NeedRequestBody`],
//! [`Step::NeedResponseBody`]) in between. The `gatehouse-server` crate's request handler
//! performs effects with hyper; the in-process driver ([`run_in_process`], tests) answers
//! them from mocks. One engine, two drivers. Each policy's step is a file of `policies/`.
//!
//! Bodies are not held by the engine unless a policy reads or replaces them: a forwarded
//! request with `body: None` carries the client's body through, and a response with
//! [`ResponseBody::Backend`] streams the backend's body through.

pub mod certificate;
mod context_host;
mod error;
mod exchange;
mod headers;
mod in_process;
mod policies;
mod probe;
mod request_response;
mod route;
mod run;
pub mod sas;
mod scan;
mod schemas;
mod steps;
mod subscription;
#[cfg(test)]
mod tests;
mod tokens;

pub use certificate::{CertificateRef, PeerCertificate};
pub use error::LastError;
pub use exchange::{Exchange, Trace};
pub use headers::asks_websocket;
/// The `http` types the contract uses (`HeaderMap`, `Method`, `StatusCode`), for drivers.
pub use http;
pub use in_process::{run_in_process, run_in_process_with, BackendMock, Outcome, TokenMock};
pub use probe::Probe;
pub use schemas::check_schema;
pub use tokens::StreamTap;

use crate::program::BackendId;
use crate::program::Program;
use crate::state::{Clock, KeyCache, LocalCache, RateStore, Stores};
use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

/// The request as the gateway received it, without its body.
#[derive(Clone, Debug)]
pub struct RequestHead {
    /// Method.
    pub method: Method,
    /// `http` or `https`.
    pub scheme: String,
    /// The `Host` header (or `:authority`), with the port if any.
    pub host: String,
    /// Path and query, as received (percent-encoded).
    pub path_and_query: String,
    /// Headers.
    pub headers: HeaderMap,
    /// The client's address.
    pub client_ip: IpAddr,
    /// The certificate the client presented in the TLS handshake, if any.
    pub client_certificate: Option<Arc<PeerCertificate>>,
}

/// Where a forwarded request goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A declared backend (single or pool); the driver picks the pool member, applies its
    /// circuit breaker and injects its credentials.
    Backend(BackendId),
    /// A URL from the API's `serviceUrl` or `set-backend-service base-url`.
    Url(String),
}

/// A request the driver must send to a backend (`forward-request`).
#[derive(Clone, Debug)]
pub struct BackendRequest {
    /// Where to.
    pub target: Target,
    /// Path and query to append to the target's base URL (starts with `/` or is empty).
    pub path_and_query: String,
    /// Method.
    pub method: Method,
    /// Headers to send (hop-by-hop headers already removed).
    pub headers: HeaderMap,
    /// `None`: send the client's body as received (streamed); `Some`: this body.
    pub body: Option<Bytes>,
    /// Response timeout.
    pub timeout: Duration,
    /// Follow redirects.
    pub follow_redirects: bool,
    /// Protocol.
    pub http_version: crate::program::HttpVersion,
    /// Whether the engine needs the response body buffered (a policy reads it, or
    /// `buffer-response` is set); otherwise it may stream.
    pub buffer_response: bool,
    /// The client certificate to present instead of the backend's own
    /// (`authentication-certificate`).
    pub certificate: Option<CertificateRef>,
}

/// A call sent off the request's path: nobody waits for its answer.
#[derive(Clone, Debug)]
pub struct DetachedCall {
    /// The request (`Target::Url`, empty `path_and_query`, the body given).
    pub request: BackendRequest,
    /// The policy that made it, for metrics (`send-one-way-request`, …).
    pub source: &'static str,
    /// Further tries after a failure (a connection error, a 5xx or a 429), with back-off.
    pub retries: u32,
    /// How the call is delivered.
    pub delivery: Delivery,
}

/// How a [`DetachedCall`] is delivered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// The request as it is.
    Http,
    /// The request with `Authorization: Bearer` and a managed identity's token, fetched by
    /// the driver off the request's path.
    HttpWithToken(TokenRequest),
    /// The request's body, a line, appended to this file (a local logger).
    AppendFile(Arc<str>),
    /// The request's body, a line, on standard output (a local logger).
    Stdout,
}

/// A backend's response head.
#[derive(Clone, Debug)]
pub struct BackendResponse {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
}

/// Why a backend call failed; becomes `context.LastError`.
#[derive(Clone, Debug)]
pub struct BackendFailure {
    /// APIM's reason: `BackendConnectionFailure`, `Timeout`, `BackendUnavailable`
    /// (circuit open or no healthy pool member), …
    pub reason: &'static str,
    /// A message for `context.LastError.Message`.
    pub message: String,
    /// Seconds until the backend may be retried (open circuit), if known.
    pub retry_after: Option<u64>,
    /// The status the gateway answers with when not the reason's own: `502` for a
    /// backend that broke the protocol (a `101` nobody asked for).
    pub status: Option<StatusCode>,
}

/// What the driver hands back to the engine.
#[derive(Debug)]
pub enum Resume {
    /// Start (or continue after nothing).
    Start,
    /// The client's whole request body, after [`Step::NeedRequestBody`].
    RequestBody(Bytes),
    /// The backend's answer (or failure), after [`Step::Forward`].
    Backend(Result<BackendResponse, BackendFailure>),
    /// The backend's whole response body, after [`Step::NeedResponseBody`].
    ResponseBody(Bytes),
    /// The body asked for by [`Step::NeedRequestBody`] or [`Step::NeedResponseBody`]
    /// could not be read whole: `on-error` runs with APIM's reason for it.
    BodyFailed(BodyFailure),
    /// The answer to [`Step::Send`]: the response head and its whole body, or the failure.
    Sent(Result<(BackendResponse, Bytes), BackendFailure>),
    /// The answer to [`Step::Token`]: the access token, or why none could be obtained.
    Token(Result<AccessToken, TokenFailure>),
    /// The wait asked for by [`Step::Sleep`] is over.
    Slept,
    /// The call of [`Step::SendDetached`] is queued (or dropped).
    Detached,
    /// One call of [`Step::SendConcurrent`] finished (the first of those in flight): its
    /// tag and its answer, as for [`Resume::Sent`].
    SentOne(u32, Result<(BackendResponse, Bytes), BackendFailure>),
}

/// The token `authentication-managed-identity` asks for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TokenRequest {
    /// The resource (audience) the token is for, as the policy gives it.
    pub resource: String,
    /// A user-assigned identity's client id; `None` for the system-assigned identity.
    pub client_id: Option<String>,
}

/// An access token. Its text is never printed: `Debug` shows `AccessToken(***)`.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken(Arc<str>);

impl AccessToken {
    /// Wraps the token text.
    pub fn new(token: &str) -> AccessToken {
        AccessToken(token.into())
    }

    /// The token text (for the `Authorization` header or a variable, nowhere else).
    pub fn secret(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccessToken(***)")
    }
}

/// Why no token could be obtained; becomes `context.LastError.Message`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenFailure {
    /// What went wrong (never the token or a credential).
    pub message: String,
}

/// Why the driver could not read a body whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyFailure {
    /// It is larger than the driver's limit.
    TooLarge,
    /// The connection failed while it was read (reset, malformed framing, timeout).
    Unreadable,
}

/// What the engine needs next.
#[derive(Debug)]
pub enum Step {
    /// Read the client's whole body and resume with [`Resume::RequestBody`].
    NeedRequestBody,
    /// Send this request and resume with [`Resume::Backend`].
    Forward(BackendRequest),
    /// Read the backend's whole body and resume with [`Resume::ResponseBody`].
    NeedResponseBody,
    /// Send this outbound call (`send-request`: `Target::Url`, empty `path_and_query`,
    /// the body always given), read its whole response body (bounded like a backend's) and
    /// resume with [`Resume::Sent`].
    Send(BackendRequest),
    /// Obtain an access token (`authentication-managed-identity`) from the operator's
    /// token providers and resume with [`Resume::Token`].
    Token(TokenRequest),
    /// Start these calls (each with its tag; sent and read as for [`Step::Send`]) besides
    /// those still in flight, and resume with [`Resume::SentOne`] for the first of all of
    /// them to finish (`wait`). Any other step means the calls still in flight are no
    /// longer wanted: the driver drops them.
    SendConcurrent(Vec<(u32, BackendRequest)>),
    /// Send this call off the request's path (`send-one-way-request`): queue it (or drop
    /// it, counted, when the queue is full) and resume at once with [`Resume::Detached`];
    /// its answer is read and dropped.
    SendDetached(Box<DetachedCall>),
    /// Wait this long (a `retry` between runs of its policies), then resume with
    /// [`Resume::Slept`]. The in-process driver records the wait instead of sleeping.
    Sleep(Duration),
    /// Done: answer the client.
    Respond(Response),
}

/// The body of the final response.
#[derive(Debug)]
pub enum ResponseBody {
    /// No body.
    Empty,
    /// This body.
    Bytes(Bytes),
    /// The backend's body, streamed through unchanged.
    Backend,
}

/// The final response.
#[derive(Debug)]
pub struct Response {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body.
    pub body: ResponseBody,
}

/// Engine configuration (limits are configuration, not constants).
#[derive(Clone, Debug)]
pub struct EngineConfig {
    /// Limits for each expression evaluation.
    pub vm: crate::vm::VmLimits,
    /// Largest request or response body a policy may buffer, bytes.
    pub max_body: usize,
    /// Deepest nesting of shared blocks (`<base/>` scopes, fragments, `choose` branches).
    pub max_call_depth: u32,
    /// Most policy operations one exchange may run.
    pub max_ops: u64,
    /// Bytes of strings and builders all the expressions of one exchange may allocate
    /// together (each one is also bounded by `vm.max_bytes`).
    pub max_exchange_bytes: usize,
    /// Bounds of the in-process rate-limit and quota counters.
    pub counters: crate::state::CounterLimits,
    /// Bounds of the in-process value and response cache.
    pub cache: crate::state::CacheLimits,
    /// Custom metrics (`emit-metric`, token metrics): shared by every gateway built with
    /// this configuration, so they outlive reloads; bounded in series.
    pub telemetry: crate::telemetry::Telemetry,
    /// Bounds of the token policies' offline estimates.
    pub llm: crate::llm::LlmLimits,
    /// The operator's certificates: id → SHA-1 thumbprint (upper-case hexadecimal), for
    /// `validate-client-certificate`'s `issuer-certificate-id`.
    pub certificate_thumbprints: std::collections::HashMap<String, String>,
    /// Longest wait `retry` takes between two runs (a longer computed wait is cut to it).
    pub max_retry_wait: Duration,
    /// Token validation (`validate-jwt`, `validate-azure-ad-token`).
    pub jwt: JwtConfig,
    /// Whether an API's `protocols` are enforced by the scheme the request came with:
    /// `https`/`wss` over TLS, `http`/`ws` on the plain listener (APIM's rule). Off (the
    /// default), a request counts as either scheme of its family: TLS may end in front of
    /// the gateway, so the listener's scheme says little.
    pub strict_plain_http: bool,
    /// Bounds of the validation policies' body parsing.
    pub validation: ValidationLimits,
    /// Bounds of `set-body template="liquid"` renderings.
    pub liquid: crate::liquid::LiquidLimits,
    /// Bounds of `xsl-transform`.
    pub xslt: crate::xslt::XsltLimits,
}

/// Bounds of the bodies the validation policies parse (`validate-content`).
#[derive(Clone, Copy, Debug)]
pub struct ValidationLimits {
    /// Deepest nesting of JSON arrays and objects (and XML elements) accepted; deeper
    /// bodies fail validation without being parsed.
    pub max_depth: usize,
}

impl Default for ValidationLimits {
    fn default() -> Self {
        ValidationLimits { max_depth: 64 }
    }
}

/// Token validation settings (limits and where Microsoft Entra lives).
#[derive(Clone, Debug)]
pub struct JwtConfig {
    /// Longest token accepted, bytes; longer ones fail as `JwtInvalid`.
    pub max_token_bytes: usize,
    /// The Microsoft Entra authority host `validate-azure-ad-token` uses when the policy
    /// names no `authentication-endpoint` (sovereign clouds, tests).
    pub entra_authority: String,
    /// How the key cache paces its fetches.
    pub timing: crate::state::KeyCacheTiming,
}

impl Default for JwtConfig {
    fn default() -> Self {
        JwtConfig {
            max_token_bytes: 16 << 10,
            entra_authority: "https://login.microsoftonline.com".into(),
            timing: crate::state::KeyCacheTiming::default(),
        }
    }
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            vm: crate::vm::VmLimits::default(),
            max_body: 16 << 20,
            max_call_depth: 32,
            max_ops: 100_000,
            max_exchange_bytes: 64 << 20,
            counters: crate::state::CounterLimits::default(),
            cache: crate::state::CacheLimits::default(),
            telemetry: crate::telemetry::Telemetry::default(),
            llm: crate::llm::LlmLimits::default(),
            certificate_thumbprints: std::collections::HashMap::new(),
            max_retry_wait: Duration::from_secs(300),
            jwt: JwtConfig::default(),
            strict_plain_http: false,
            validation: ValidationLimits::default(),
            liquid: crate::liquid::LiquidLimits::default(),
            xslt: crate::xslt::XsltLimits::default(),
        }
    }
}

/// A loaded program ready to serve: the program, its routing index and shared state
/// (rate-limit counters). Cheap to share (`Arc`); a reload builds a new one.
pub struct Gateway {
    /// The program.
    pub program: Arc<Program>,
    /// Configuration.
    pub config: EngineConfig,
    shared: Arc<Shared>,
}

/// What every exchange of a gateway reads: the program, its indexes and the shared state.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) program: Arc<Program>,
    pub(crate) config: EngineConfig,
    pub(crate) routes: route::Index,
    pub(crate) bodies: Vec<scan::BodyNeeds>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) rates: Arc<dyn RateStore>,
    /// Every store (`clock` and `rates` above are its own).
    pub(crate) stores: Stores,
    /// Keys of the program's OpenID configurations and the operator's certificates.
    pub(crate) keys: Arc<KeyCache>,
    pub(crate) literals: headers::Literals,
    /// Evaluation buffers of finished exchanges, reused by new ones.
    pub(crate) scratch: std::sync::Mutex<Vec<crate::vm::Scratch>>,
    /// The program's JSON Schemas, compiled at load (the validation policies).
    pub(crate) schemas: schemas::Schemas,
    /// Each API's GraphQL schema, parsed and validated at load (`validate-graphql-request`).
    pub(crate) graphql:
        Vec<Option<Arc<apollo_compiler::validation::Valid<apollo_compiler::Schema>>>>,
}

/// How many spare evaluation buffers a gateway keeps.
const SPARE_SCRATCH: usize = 256;

/// Largest heap (objects) a spare evaluation buffer may keep.
const SPARE_HEAP_OBJECTS: usize = 256;

impl Shared {
    /// A spare evaluation buffer (or a new one).
    pub(crate) fn take_scratch(&self) -> crate::vm::Scratch {
        self.scratch
            .lock()
            .ok()
            .and_then(|mut v| v.pop())
            .unwrap_or_default()
    }

    /// Gives an evaluation buffer back, unless its heap still holds many objects (a large
    /// JSON body, say): those are freed rather than kept alive in the pool.
    pub(crate) fn give_scratch(&self, s: crate::vm::Scratch) {
        if s.heap().len() > SPARE_HEAP_OBJECTS {
            return;
        }
        if let Ok(mut v) = self.scratch.lock() {
            if v.len() < SPARE_SCRATCH {
                v.push(s);
            }
        }
    }
}

impl Gateway {
    /// Builds the routing index and body-access tables of `program`, with in-process
    /// counters and cache and the system clock.
    pub fn new(program: Arc<Program>, config: EngineConfig) -> Gateway {
        let stores = Stores::local(config.counters, config.cache);
        Gateway::with_stores(program, config, stores)
    }

    /// [`Gateway::new`] with a given clock and counter store (tests), and an in-process cache.
    pub fn with_state(
        program: Arc<Program>,
        config: EngineConfig,
        clock: Arc<dyn Clock>,
        rates: Arc<dyn RateStore>,
    ) -> Gateway {
        let stores = Stores {
            clock,
            rates,
            cache: Arc::new(LocalCache::new(config.cache)),
            external: None,
            concurrency: Arc::default(),
        };
        Gateway::with_stores(program, config, stores)
    }

    /// Appends the stores' metrics (cache use, a shared store's health) to `out`.
    pub fn render_store_metrics(&self, out: &mut String) {
        self.shared.stores.render_metrics(out);
    }

    /// [`Gateway::new`] with given stores (an injected clock, shared stores).
    pub fn with_stores(program: Arc<Program>, config: EngineConfig, stores: Stores) -> Gateway {
        let mut routes = route::Index::build(&program);
        routes.strict_plain_http = config.strict_plain_http;
        if tokens::uses_tokens(&program) {
            crate::llm::warm_up();
        }
        let bodies = scan::pipeline_needs(&program);
        // Constant regexes are compiled now, at load, not by the first request using them.
        for entry in &program.codes {
            for i in 0..entry.code.regexes.len() {
                let _ = entry.code.regex(i as u32, config.vm.regex_backtrack);
            }
        }
        let keys = Arc::new(KeyCache::for_program(
            &program,
            policies::openid_urls(&program, &config.jwt),
            config.jwt.timing,
        ));
        let shared = Arc::new(Shared {
            keys,
            program: program.clone(),
            config: config.clone(),
            routes,
            bodies,
            clock: stores.clock.clone(),
            rates: stores.rates.clone(),
            stores,
            scratch: std::sync::Mutex::new(Vec::new()),
            schemas: schemas::Schemas::build(&program),
            graphql: policies::graphql_schemas(&program),
            literals: headers::Literals::build(&program),
        });
        Gateway {
            program,
            config,
            shared,
        }
    }

    /// The token-signing keys the program's `validate-jwt` and `validate-azure-ad-token`
    /// read: the driver fills it (see [`KeyCache`]) and adds the operator's certificates.
    pub fn keys(&self) -> &Arc<KeyCache> {
        &self.shared.keys
    }

    /// Templates the routing index could not take (conflicting or malformed), as
    /// `api/operation: reason`; those operations are never routed.
    pub fn route_warnings(&self) -> &[String] {
        self.shared.routes.warnings()
    }

    /// Routes `head` and starts its exchange; drive it with [`Exchange::resume`] from
    /// [`Resume::Start`].
    pub fn start(&self, head: RequestHead) -> Exchange {
        Exchange::new(self.shared.clone(), head)
    }
}

impl std::fmt::Debug for Gateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gateway")
            .field("apis", &self.program.apis.len())
            .field("config", &self.config)
            .finish()
    }
}
