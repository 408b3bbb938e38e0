//! The gateway server: hyper/tokio listeners that drive the synchronous engine.
//!
//! The server is written against two small traits, [`Engine`] and [`RequestRun`], which the
//! policy engine ([`gatehouse_runtime::engine::Gateway`]) implements; tests drive the server with
//! scripted engines. A loaded program ([`Loaded`]) pairs the engine with its backend table
//! and is swapped atomically on reload ([`reload`]).

pub mod access_log;
pub mod admin;
pub mod backend;
pub mod detached;
pub mod echo;
pub mod fake_model;
pub mod gateway;
pub mod handler;
pub mod hops;
pub mod identity;
pub mod keys;
pub mod listener;
pub mod metrics;
pub mod peer_cert;
pub mod reload;
pub mod shared_store;
pub mod shutdown;
pub mod timed;
pub mod tls_server;
pub mod websocket;
pub mod workers;

use crate::backend::client::ClientSettings;
use crate::backend::Backends;
use gatehouse_runtime::engine::{RequestHead, Resume, Step};
use gatehouse_runtime::program::Program;
use std::time::Duration;

/// A program ready to serve requests.
pub trait Engine: Send + Sync + 'static {
    /// One request's run.
    type Run<'a>: RequestRun + Send
    where
        Self: 'a;

    /// Routes `head` and starts its pipeline.
    fn start(&self, head: RequestHead) -> Self::Run<'_>;

    /// The program being served.
    fn program(&self) -> &Program;

    /// Appends the program's own metrics (the policies' custom metrics) to the `/metrics`
    /// text.
    fn render_metrics(&self, _out: &mut String) {}
    /// The token-signing key cache the server fills ([`keys`]), if the engine has one.
    fn key_cache(&self) -> Option<&std::sync::Arc<gatehouse_runtime::state::KeyCache>> {
        None
    }
}

/// One request's run through the engine (the policy engine's is [`gatehouse_runtime::engine::Exchange`]).
pub trait RequestRun {
    /// Continues with `input` until the next effect or the final response.
    fn resume(&mut self, input: Resume) -> Step;

    /// The API and operation the request was routed to (empty when it was not), for
    /// metrics and logs.
    fn route(&self) -> (&str, &str) {
        ("", "")
    }

    /// `context.LastError`'s source and reason when the request failed (for the access
    /// log of 5xx answers).
    fn failure(&self) -> Option<(&str, &str)> {
        None
    }

    /// The tap counting the tokens of a streamed completion (the policy engine's token
    /// limits and metrics), taken once the response is ready; it settles when dropped.
    fn stream_tap(&mut self) -> Option<gatehouse_runtime::engine::StreamTap> {
        None
    }

    /// Whether the request is a WebSocket handshake to a WebSocket API (its forward
    /// upgrades the connection).
    fn websocket(&self) -> bool {
        false
    }
}

/// A loaded program: the engine and the backend table it calls.
pub struct Loaded<E> {
    /// The engine.
    pub engine: E,
    /// Its backends.
    pub backends: Backends,
}

impl<E: Engine> Loaded<E> {
    /// Loads `engine`, building the backend table of its program.
    pub fn new(engine: E, settings: &ClientSettings) -> Result<Loaded<E>, String> {
        let backends = Backends::new(engine.program(), settings)?;
        Ok(Loaded { engine, backends })
    }
}

/// Server limits and timeouts (limits are configuration).
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// Largest request body the driver buffers when a policy reads it, bytes.
    pub max_request_body: usize,
    /// Largest backend response body the driver buffers when a policy reads it, bytes.
    pub max_response_body: usize,
    /// Largest request head (request line and headers), bytes.
    pub max_header_bytes: usize,
    /// Most request headers.
    pub max_headers: usize,
    /// Time allowed to receive a request head: from accept to the first request's
    /// complete head (a connection that sends nothing is closed after it).
    pub header_read_timeout: Duration,
    /// How long a keep-alive connection may sit with no request in flight before it is
    /// closed (from the end of its last response).
    pub idle_timeout: Duration,
    /// Longest wait for the next piece of a request body the gateway reads or streams;
    /// past it the request fails as the client's (`ClientConnectionFailure`).
    pub body_read_timeout: Duration,
    /// Most client connections open at once; past it new connections get a `503` and
    /// are closed.
    pub max_connections: usize,
    /// How long shutdown waits for in-flight requests.
    pub drain_timeout: Duration,
    /// Backend client settings.
    pub client: ClientSettings,
    /// Token provider and cache settings (`authentication-managed-identity`).
    pub identity: identity::IdentitySettings,
    /// Most detached calls (`send-one-way-request`) in flight at once; past it new ones
    /// are dropped and counted.
    pub max_detached_calls: usize,
    /// How many times one request may pass through this gateway (a backend or call URL
    /// pointing back at it, directly or through other hops) before the next call fails
    /// with 508 (`hops.rs`).
    pub max_self_hops: u32,
    /// Limits of relayed WebSocket connections.
    pub websocket: websocket::WebSocketSettings,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            max_request_body: 16 << 20,
            max_response_body: 16 << 20,
            max_header_bytes: 64 << 10,
            max_headers: 100,
            header_read_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(75),
            body_read_timeout: Duration::from_secs(30),
            max_connections: 10_000,
            drain_timeout: Duration::from_secs(30),
            client: ClientSettings::default(),
            identity: identity::IdentitySettings::default(),
            max_detached_calls: 1024,
            max_self_hops: 8,
            websocket: websocket::WebSocketSettings::default(),
        }
    }
}

/// What every connection shares: the current program, metrics and configuration.
pub struct Shared<E> {
    /// The program being served, swapped on reload.
    pub current: arc_swap::ArcSwap<Loaded<E>>,
    /// Counters.
    pub metrics: metrics::Metrics,
    /// Limits.
    pub config: ServerConfig,
    /// Access tokens (`authentication-managed-identity`), cached across reloads.
    pub tokens: std::sync::Arc<identity::Tokens>,
    /// Calls sent off the request path.
    pub detached: detached::Detached,
    /// This process's loop-marker id.
    pub instance: u64,
    /// Relayed WebSocket connections.
    pub sockets: std::sync::Arc<websocket::Sockets>,
}

impl<E: Engine> Shared<E> {
    /// Shared state serving `loaded`.
    pub fn new(loaded: Loaded<E>, config: ServerConfig) -> Shared<E> {
        let tokens = identity::Tokens::new(config.identity.clone(), &config.client);
        Shared {
            current: arc_swap::ArcSwap::from_pointee(loaded),
            metrics: metrics::Metrics::default(),
            tokens: std::sync::Arc::new(tokens),
            detached: detached::Detached::new(config.max_detached_calls),
            instance: hops::instance_id(),
            sockets: std::sync::Arc::new(websocket::Sockets::new(config.websocket.clone())),
            config,
        }
    }
}
