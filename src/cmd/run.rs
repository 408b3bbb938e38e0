//! `gatehouse run`: compile a project (or load a bundle) and serve it.

use super::{ERRORS, FAILURE, OK};
use clap::ValueEnum;
use gatehouse_compiler::diagnostic::{render_human, Style};
use gatehouse_compiler::project::Project;
use gatehouse_compiler::{build_project, CheckOptions, Severity};
use gatehouse_runtime::bundle::{decode_program, DecodeLimits, MAGIC};
use gatehouse_runtime::engine::{EngineConfig, Gateway};
use gatehouse_runtime::program::Program;
use gatehouse_runtime::state::Stores;
use gatehouse_runtime::telemetry::{MetricLimits, Telemetry};
use gatehouse_server::backend::certs;
use gatehouse_server::identity::{self, key_vault, IdentitySettings, KeyVault, Tokens};
use gatehouse_server::peer_cert;
use gatehouse_server::reload::{self, Rebuild};
use gatehouse_server::shared_store::{RedisOptions, RedisStore};
use gatehouse_server::shutdown::{self, Shutdown};
use gatehouse_server::tls_server::{self, TlsOptions, TlsServer};
use gatehouse_server::websocket::WebSocketSettings;
use gatehouse_server::workers::Workers;
use gatehouse_server::{admin, echo, fake_model, listener, Engine, Loaded, ServerConfig, Shared};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// Log formats.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// Arguments of `gatehouse run`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// An APIOps project folder, a policy file, or a program bundle.
    path: PathBuf,
    /// Address the gateway listens on (`HOST:PORT`; a host name is resolved).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: String,
    /// Address of the admin endpoints (`/healthz`, `/readyz`, `/metrics`).
    #[arg(long, default_value = "127.0.0.1:9090")]
    admin: String,
    /// Secret named values: a JSON object of name → value (the environment wins).
    #[arg(long, value_name = "FILE")]
    secrets: Option<PathBuf>,
    /// Reload when a file under the project folder changes (SIGHUP always reloads).
    #[arg(long)]
    watch: bool,
    /// Log format.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    /// Also start the echo backend on this address.
    #[arg(long, value_name = "ADDR")]
    echo: Option<SocketAddr>,
    /// Serving runtimes (default: the cores this process may run on): one single-threaded
    /// runtime per thread, each on its own `SO_REUSEPORT` socket of `--listen` with its
    /// own backend connections, like nginx's workers (no cross-thread wake-ups per request).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Do not write the per-request access log (other log lines stay).
    #[arg(long)]
    no_access_log: bool,
    /// A client certificate backends present: its name (or resource id) and a PEM file
    /// holding the chain and its private key (repeatable; `GATEHOUSE_CERTIFICATE_<NAME>`
    /// holding a path wins).
    #[arg(long = "certificate", value_name = "ID=FILE", value_parser = parse_certificate)]
    certificates: Vec<(String, PathBuf)>,
    /// Serve HTTPS on `--listen` with this certificate chain (PEM; `GATEHOUSE_TLS_CERT`
    /// holding a path wins). Needs `--tls-key`.
    #[arg(long, value_name = "FILE")]
    tls_cert: Option<PathBuf>,
    /// The private key of `--tls-cert` (PEM: PKCS#8, PKCS#1 or SEC1; `GATEHOUSE_TLS_KEY`
    /// holding a path wins).
    #[arg(long, value_name = "FILE")]
    tls_key: Option<PathBuf>,
    /// With HTTPS, also serve plain HTTP on this address.
    #[arg(long, value_name = "ADDR")]
    http_listen: Option<String>,
    /// With HTTPS, ask clients for a certificate (APIM's `negotiateClientCertificate`):
    /// requested, not required; `validate-client-certificate` and
    /// `context.Request.Certificate` see it.
    #[arg(long)]
    negotiate_client_certificate: bool,
    /// CA certificates (PEM) client certificates are checked against (`validate-trust`,
    /// `Verify()`); repeatable; `GATEHOUSE_CLIENT_CA` holding a path adds one.
    #[arg(long = "client-ca", value_name = "FILE")]
    client_cas: Vec<PathBuf>,
    /// Most client connections open at once; more get a 503 and are closed.
    #[arg(long, value_name = "N", default_value_t = ServerConfig::default().max_connections)]
    max_connections: usize,
    /// Seconds from accept to a complete request head.
    #[arg(long, value_name = "SECS", default_value_t = ServerConfig::default().header_read_timeout.as_secs())]
    header_timeout: u64,
    /// Seconds a keep-alive connection may stay idle between requests.
    #[arg(long, value_name = "SECS", default_value_t = ServerConfig::default().idle_timeout.as_secs())]
    idle_timeout: u64,
    /// Seconds the gateway waits for the next part of a request body.
    #[arg(long, value_name = "SECS", default_value_t = ServerConfig::default().body_read_timeout.as_secs())]
    body_timeout: u64,
    /// MiB the in-process rate-limit and quota counters may take, whatever keys clients
    /// send (past it, expired windows are swept and the least-used counters evicted).
    #[arg(long, value_name = "MIB", default_value_t = (EngineConfig::default().counters.max_bytes >> 20) as u64)]
    counter_memory: u64,
    /// Who issues the access tokens of `authentication-managed-identity` and Key Vault
    /// named values: `auto` (the first configured of client-secret, workload-identity,
    /// app-service), `client-secret`, `workload-identity`, `app-service`, `imds` or `none`.
    #[arg(long, value_name = "PROVIDER", default_value = "auto", value_parser = clap::builder::PossibleValuesParser::new(identity::provider::CHOICES))]
    token_provider: String,
    /// Seconds between reads of Key Vault named values (APIM: four hours); a failed read
    /// keeps the last good value.
    #[arg(long, value_name = "SECS", default_value_t = key_vault::DEFAULT_REFRESH.as_secs())]
    key_vault_refresh: u64,
    /// Most series of custom metrics (`emit-metric`, token metrics) on `/metrics`; samples
    /// of further series are dropped and counted (`gatehouse_custom_metric_dropped_total`).
    #[arg(long, value_name = "N", default_value_t = MetricLimits::default().max_series)]
    metric_series: usize,
    /// Also start the fake model backend (OpenAI chat completions, JSON and streamed) on
    /// this address.
    #[arg(long, value_name = "ADDR")]
    fake_model: Option<SocketAddr>,
    /// Write every exchange served as a test case into this folder (keys and secrets
    /// redacted), for `gatehouse test`.
    #[arg(long, value_name = "DIR")]
    record: Option<PathBuf>,
    /// Most `send-one-way-request` calls in flight at once; more are dropped (counted in
    /// `/metrics` as `gatehouse_detached_calls_total{outcome="dropped"}`).
    #[arg(long, value_name = "N", default_value_t = ServerConfig::default().max_detached_calls)]
    max_detached_calls: usize,
    /// Longest wait, in seconds, `retry` takes between two runs (longer computed waits are
    /// cut to it).
    #[arg(long, value_name = "SECS", default_value_t = EngineConfig::default().max_retry_wait.as_secs())]
    max_retry_wait: u64,
    /// How many times one request may pass through this gateway (a backend or call URL
    /// pointing back at it) before the next call fails with 508.
    #[arg(long, value_name = "N", default_value_t = ServerConfig::default().max_self_hops)]
    max_self_hops: u32,
    /// The Microsoft Entra authority host `validate-azure-ad-token` fetches tenant keys
    /// from when the policy names no `authentication-endpoint` (sovereign clouds, tests;
    /// `GATEHOUSE_ENTRA_AUTHORITY` wins; default `https://login.microsoftonline.com`).
    #[arg(long, value_name = "URL")]
    entra_authority: Option<String>,
    /// Fewest seconds between two fetches of one OpenID configuration's keys when a token
    /// names an unknown `kid` or a fetch failed (APIM: 300).
    #[arg(long, value_name = "SECS", default_value_t = EngineConfig::default().jwt.timing.cooldown_ms / 1000)]
    key_refresh_cooldown: u64,
    /// Longest token `validate-jwt` reads, bytes.
    #[arg(long, value_name = "BYTES", default_value_t = EngineConfig::default().jwt.max_token_bytes)]
    max_token_bytes: usize,
    /// MiB the in-process value and response cache may take (keys, values and a fixed
    /// overhead per entry; past it the least valuable entries are evicted).
    #[arg(long, value_name = "MIB", default_value_t = EngineConfig::default().cache.max_bytes >> 20)]
    cache_memory: u64,
    /// How an API's `protocols` are matched: `https` (the default: TLS may end in front of
    /// gatehouse, so a request counts as `http` or `https` alike) or `http` (APIM's rule:
    /// plain-HTTP requests are `http`, HTTPS ones `https`, and an API not taking the
    /// request's scheme answers 404).
    #[arg(long, value_name = "SCHEME", default_value = "https", value_parser = ["http", "https"])]
    plain_http_scheme: String,
    /// Seconds a relayed WebSocket connection may go without a byte either way.
    #[arg(long, value_name = "SECS", default_value_t = WebSocketSettings::default().idle_timeout.as_secs())]
    websocket_idle_timeout: u64,
    /// Seconds a relayed WebSocket connection may last.
    #[arg(long, value_name = "SECS", default_value_t = WebSocketSettings::default().max_lifetime.as_secs())]
    websocket_max_lifetime: u64,
    /// Most WebSocket connections relayed at once; past it handshakes are answered 503.
    #[arg(long, value_name = "N", default_value_t = WebSocketSettings::default().max_open)]
    max_websockets: usize,
    /// A Redis server every replica shares (`redis://[:PASSWORD@]HOST:PORT[/DB]`, or
    /// `rediss://` for TLS): rate-limit and quota counters, and the external cache
    /// (`caching-type` external and prefer-external). `GATEHOUSE_REDIS_URL` is read when
    /// this is not given (prefer it: a password in a flag shows in the process list).
    #[arg(long, value_name = "URL")]
    redis: Option<String>,
    /// Longest wait for one Redis call, ms; a call that fails or is late marks Redis down
    /// (docs/deploy.md: what each policy family does meanwhile) until a probe reaches it.
    #[arg(long, value_name = "MS", default_value_t = RedisOptions::default().timeout.as_millis() as u64)]
    redis_timeout: u64,
}

/// The stores of this process: in process, with Redis for counters and the external cache
/// when `--redis` or `GATEHOUSE_REDIS_URL` names one.
fn process_stores(args: &Args, engine: &EngineConfig) -> Result<Stores, String> {
    let mut stores = Stores::local(engine.counters, engine.cache);
    let url = args
        .redis
        .clone()
        .or_else(|| std::env::var("GATEHOUSE_REDIS_URL").ok())
        .filter(|u| !u.is_empty());
    if let Some(url) = url {
        let options = RedisOptions {
            timeout: Duration::from_millis(args.redis_timeout.max(1)),
            max_entry_bytes: engine.cache.max_entry_bytes,
            ..RedisOptions::default()
        };
        let redis = Arc::new(RedisStore::open(&url, options, engine.counters)?);
        stores.rates = redis.clone();
        stores.external = Some(redis);
    }
    Ok(stores)
}

/// How often `--watch` looks at the project folder.
const WATCH_INTERVAL: Duration = Duration::from_millis(500);

/// Serves until SIGTERM or Ctrl-C; returns the exit code.
pub fn run(args: &Args) -> u8 {
    init_tracing(args.log_format);
    // A path that is not there is a usage error, as for `check` and `build`: never an
    // empty program reported ready.
    if let Err(e) = std::fs::metadata(&args.path) {
        eprintln!("error: cannot read {}: {e}", args.path.display());
        return FAILURE;
    }
    let secrets = match read_secrets(args.secrets.as_deref()) {
        Ok(s) => Arc::new(s),
        Err(e) => {
            eprintln!("error: {e}");
            return FAILURE;
        }
    };
    let secs = |s: u64| Duration::from_secs(s.max(1));
    let provider =
        match identity::Provider::from_env(&args.token_provider, &|k| std::env::var(k).ok()) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("error: {e}");
                return FAILURE;
            }
        };
    let config = ServerConfig {
        max_connections: args.max_connections.max(1),
        header_read_timeout: secs(args.header_timeout),
        idle_timeout: secs(args.idle_timeout),
        body_read_timeout: secs(args.body_timeout),
        identity: IdentitySettings {
            provider,
            ..IdentitySettings::default()
        },
        max_detached_calls: args.max_detached_calls.max(1),
        max_self_hops: args.max_self_hops,
        websocket: WebSocketSettings {
            idle_timeout: secs(args.websocket_idle_timeout),
            max_lifetime: secs(args.websocket_max_lifetime),
            max_open: args.max_websockets,
        },
        ..ServerConfig::default()
    };
    let tokens = Arc::new(Tokens::new(config.identity.clone(), &config.client));
    let vault = Arc::new(KeyVault::new(
        tokens.clone(),
        &config.client,
        config.identity.timeout,
    ));
    let vault_for_load = vault.clone();
    let path = args.path.clone();
    let client = config.client.clone();
    let given: Vec<(String, PathBuf)> = args.certificates.clone();
    let mut engine = EngineConfig::default();
    engine.counters.max_bytes = usize::try_from(args.counter_memory.max(1))
        .unwrap_or(usize::MAX >> 20)
        .saturating_mul(1 << 20);
    // One set of custom metrics for every program this process loads: they outlive reloads.
    engine.telemetry = Telemetry::new(MetricLimits {
        max_series: args.metric_series.max(1),
        ..MetricLimits::default()
    });
    engine.cache.max_bytes = args.cache_memory.max(1).saturating_mul(1 << 20);
    // One set of stores for the life of the process: counters, caches and concurrency
    // slots survive a reload.
    let stores = match process_stores(args, &engine) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return FAILURE;
        }
    };
    if let Some(a) = std::env::var("GATEHOUSE_ENTRA_AUTHORITY")
        .ok()
        .or_else(|| args.entra_authority.clone())
    {
        engine.jwt.entra_authority = a;
    }
    engine.jwt.timing.cooldown_ms = args.key_refresh_cooldown.saturating_mul(1000);
    engine.jwt.max_token_bytes = args.max_token_bytes.max(1);
    engine.max_retry_wait = Duration::from_secs(args.max_retry_wait);
    engine.strict_plain_http = args.plain_http_scheme == "http";
    let build = Arc::new(move || {
        let program = load_program(&path, &secrets, &vault_for_load)?;
        let mut client = client.clone();
        let operator = load_certificates(&program, &given)?;
        let mut engine = engine.clone();
        engine.certificate_thumbprints = operator
            .public
            .iter()
            .map(|(name, der)| (name.clone(), peer_cert::thumbprint(der)))
            .collect();
        client.certificates = operator.keyed;
        let gateway = Gateway::with_stores(Arc::new(program), engine, stores.clone());
        load_token_certificates(&gateway, &given)?;
        Ok::<_, String>((gateway, client))
    });
    let identity = Identity { tokens, vault };
    match &args.record {
        None => {
            let rebuild: Rebuild<Gateway> = Arc::new(move || {
                let (gateway, client) = build()?;
                Loaded::new(gateway, &client)
            });
            start(args, rebuild, config, identity)
        }
        Some(dir) => {
            let recorder = match super::record::Recorder::new(dir.clone()) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("error: {e}");
                    return FAILURE;
                }
            };
            let rebuild: Rebuild<super::record::Recording> = Arc::new(move || {
                let (gateway, client) = build()?;
                let recorder = recorder.clone();
                Loaded::new(super::record::Recording { gateway, recorder }, &client)
            });
            start(args, rebuild, config, identity)
        }
    }
}

/// Loads the first program and serves it (and its reloads) until terminated.
fn start<E: Engine>(
    args: &Args,
    rebuild: Rebuild<E>,
    config: ServerConfig,
    identity: Identity,
) -> u8 {
    gatehouse_server::access_log::set_enabled(!args.no_access_log);
    gatehouse_server::access_log::set_json(matches!(args.log_format, LogFormat::Json));
    let threads = threads(args);
    // Each serving runtime keeps its own backend connections.
    gatehouse_server::backend::client::set_workers(threads);
    // The main runtime: the first gateway socket, admin, reloads and refreshers.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return FAILURE;
        }
    };
    // The first build runs inside the runtime: Key Vault named values are read then.
    let job = rebuild.clone();
    let first = runtime.block_on(async {
        tokio::task::spawn_blocking(move || job())
            .await
            .map_err(|e| format!("the build panicked: {e}"))?
    });
    let first = match first {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return ERRORS;
        }
    };
    let tls = match tls_server(args, first.engine.program()) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return FAILURE;
        }
    };
    let served = runtime.block_on(serve(args, first, rebuild, config, identity, tls));
    gatehouse_server::access_log::flush();
    match served {
        Ok(()) => OK,
        Err(e) => {
            eprintln!("error: {e}");
            FAILURE
        }
    }
}

/// How many serving runtimes to run: `--threads`, or the cores this process may run on.
fn threads(args: &Args) -> usize {
    args.threads
        .unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        })
        .max(1)
}

/// The gateway's listening socket: shared (`SO_REUSEPORT`) when more runtimes serve it.
async fn bind_gateway(addr: &str, shared: bool) -> Result<TcpListener, String> {
    let failed = |e: std::io::Error| format!("cannot listen on {addr}: {e}");
    if !shared {
        return TcpListener::bind(addr).await.map_err(failed);
    }
    let addrs = tokio::net::lookup_host(addr).await.map_err(failed)?;
    gatehouse_server::workers::bind_first(addrs).map_err(failed)
}

/// The token cache and Key Vault named values, shared by every program served.
struct Identity {
    tokens: Arc<Tokens>,
    vault: Arc<KeyVault>,
}

/// Binds the listeners, serves, and drains on a termination signal.
async fn serve<E: Engine>(
    args: &Args,
    first: Loaded<E>,
    rebuild: Rebuild<E>,
    config: ServerConfig,
    identity: Identity,
    tls: Option<Arc<TlsServer>>,
) -> Result<(), String> {
    let bind = |addr: String| async move {
        TcpListener::bind(addr.as_str())
            .await
            .map_err(|e| format!("cannot listen on {addr}: {e}"))
    };
    let threads = threads(args);
    let gateway = bind_gateway(&args.listen, threads > 1).await?;
    let admin_l = bind(args.admin.clone()).await?;
    let plain_l = match (&tls, &args.http_listen) {
        (Some(_), Some(a)) => Some(bind(a.clone()).await?),
        (None, Some(_)) => return Err("--http-listen needs --tls-cert and --tls-key".into()),
        _ => None,
    };
    let echo_l = match args.echo {
        Some(a) => Some(bind(a.to_string()).await?),
        None => None,
    };
    let model_l = match args.fake_model {
        Some(a) => Some(bind(a.to_string()).await?),
        None => None,
    };
    let shown = |l: &TcpListener, given: &str| {
        l.local_addr()
            .map_or_else(|_| given.to_string(), |a| a.to_string())
    };
    let (listen, admin) = (shown(&gateway, &args.listen), shown(&admin_l, &args.admin));

    // Token keys of the first program are fetched before it is announced ready.
    if let Some(keys) = first.engine.key_cache() {
        gatehouse_server::keys::warm(keys, &first.backends).await;
    }
    let tick = Duration::from_secs(args.key_refresh_cooldown)
        .clamp(Duration::from_secs(1), Duration::from_secs(60));
    let mut shared = Shared::new(first, config);
    shared.tokens = identity.tokens;
    let shared = Arc::new(shared);
    let stop = Shutdown::new();
    tokio::spawn(gatehouse_server::keys::run(
        shared.clone(),
        tick,
        stop.clone(),
    ));
    let admin_stop = Shutdown::new();
    tokio::spawn(admin::serve(
        admin_l,
        shared.clone(),
        stop.clone(),
        admin_stop.clone(),
    ));
    if let Some(l) = echo_l {
        tokio::spawn(echo::serve(l, admin_stop.clone()));
    }
    if let Some(l) = model_l {
        tokio::spawn(fake_model::serve(l, admin_stop.clone()));
    }
    #[cfg(unix)]
    tokio::spawn(reload::on_sighup(
        shared.clone(),
        rebuild.clone(),
        stop.clone(),
    ));
    tokio::spawn(refresh_key_vault(
        shared.clone(),
        rebuild.clone(),
        identity.vault,
        Duration::from_secs(args.key_vault_refresh.max(1)),
        stop.clone(),
    ));
    if args.watch {
        let root = args.path.clone();
        tokio::spawn(reload::watch(
            shared.clone(),
            rebuild,
            root,
            WATCH_INTERVAL,
            stop.clone(),
        ));
    }
    let scheme = if tls.is_some() { "https" } else { "http" };
    if let Some(l) = plain_l {
        let http = shown(&l, "");
        tracing::info!(http, "also serving plain HTTP");
        tokio::spawn(listener::serve(l, shared.clone(), stop.clone()));
    }
    let workers = match gateway.local_addr() {
        Ok(addr) if threads > 1 => Workers::start(threads - 1, addr, &shared, &stop, tls.as_ref())?,
        _ => Workers::default(),
    };
    let serving = match tls {
        Some(t) => tokio::spawn(listener::serve_tls(gateway, shared, stop.clone(), t)),
        None => tokio::spawn(listener::serve(gateway, shared, stop.clone())),
    };
    match args.echo {
        Some(echo) => tracing::info!(listen, scheme, admin, echo = %echo, "gatehouse ready"),
        None => tracing::info!(listen, scheme, admin, "gatehouse ready"),
    }
    shutdown::termination().await;
    tracing::info!("shutting down: draining requests in flight");
    stop.trigger();
    let drained = serving
        .await
        .map_err(|e| format!("the listener failed: {e}"));
    let _ = tokio::task::spawn_blocking(move || workers.join()).await;
    admin_stop.trigger();
    drained
}

/// Reads the Key Vault named values again every `interval`; a change rebuilds the program
/// with the new values, a failure keeps the last good value (logged, and counted in
/// `/metrics`).
async fn refresh_key_vault<E: Engine>(
    shared: Arc<Shared<E>>,
    rebuild: Rebuild<E>,
    vault: Arc<KeyVault>,
    interval: Duration,
    stop: Shutdown,
) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = stop.wait() => return,
        }
        let r = vault.refresh().await;
        let total = vault.held() as u64;
        let failed = r.failed.len() as u64;
        shared
            .metrics
            .key_vault_refresh(total.saturating_sub(failed), failed, vault.stale());
        if r.changed {
            tracing::info!("a Key Vault named value changed; reloading");
            reload::reload(&shared, &rebuild).await;
        }
    }
}

/// The program at `path` (a bundle, or a project compiled now) with secrets resolved:
/// from the environment, `--secrets`, the project, and (for Key Vault named values) Key
/// Vault.
fn load_program(
    path: &Path,
    secrets: &HashMap<String, String>,
    vault: &KeyVault,
) -> Result<Program, String> {
    let (mut program, declared) = if is_bundle(path) {
        (read_bundle(path)?, HashMap::new())
    } else {
        compile(path)?
    };
    let given = |name: &str| {
        std::env::var(gatehouse_runtime::program::secret_env_name(name))
            .ok()
            .or_else(|| secrets.get(name).cloned())
            .or_else(|| declared.get(name).cloned())
    };
    let mut from_vault = HashMap::new();
    for s in &program.secrets {
        let Some(id) = s.key_vault.as_deref().filter(|_| given(&s.name).is_none()) else {
            continue;
        };
        let handle = tokio::runtime::Handle::try_current()
            .map_err(|_| "Key Vault named values need the gateway's runtime".to_string())?;
        let v = handle
            .block_on(vault.value(&s.name, id))
            .map_err(|e| format!("Key Vault named value '{}' could not be read: {e}", s.name))?;
        from_vault.insert(s.name.clone(), v);
    }
    let lookup = |name: &str| given(name).or_else(|| from_vault.get(name).cloned());
    program
        .resolve_secrets(&lookup)
        .map_err(|e| e.to_string())?;
    Ok(program)
}

/// The operator's certificates: those `--certificate` names and those the backends and
/// policies of `program` refer to, read from the files the environment or `--certificate`
/// name (read again on every reload).
fn load_certificates(
    program: &Program,
    given: &[(String, PathBuf)],
) -> Result<certs::Operator, String> {
    let path_of = |name: &str| {
        std::env::var_os(certs::certificate_env_name(name))
            .map(PathBuf::from)
            .or_else(|| given.iter().find(|g| g.0 == name).map(|g| g.1.clone()))
    };
    certs::load_operator(program, given, path_of)
}

/// A path from the environment variable `var`, else `given`.
fn env_path(var: &str, given: Option<&PathBuf>) -> Option<PathBuf> {
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| given.cloned())
}

/// The HTTPS side, when a certificate and key are configured (read once, at start).
fn tls_server(args: &Args, program: &Program) -> Result<Option<Arc<TlsServer>>, String> {
    let cert = env_path("GATEHOUSE_TLS_CERT", args.tls_cert.as_ref());
    let key = env_path("GATEHOUSE_TLS_KEY", args.tls_key.as_ref());
    let (cert, key) = match (cert, key) {
        (None, None) if args.negotiate_client_certificate => {
            return Err("--negotiate-client-certificate needs --tls-cert and --tls-key".into())
        }
        (None, None) => return Ok(None),
        (Some(c), Some(k)) => (c, k),
        _ => return Err("HTTPS needs both --tls-cert and --tls-key".into()),
    };
    let read = |p: &Path| std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()));
    let mut client_cas = Vec::new();
    let ca_env = env_path("GATEHOUSE_CLIENT_CA", None);
    for path in args.client_cas.iter().chain(ca_env.as_ref()) {
        let certs = tls_server::read_certificates(&read(path)?)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        client_cas.extend(certs);
    }
    let operator = load_certificates(program, &args.certificates)?;
    let options = TlsOptions {
        cert_pem: read(&cert)?,
        key_pem: read(&key)?,
        request_client_certificate: args.negotiate_client_certificate,
        client_cas,
        issuers: operator.public.into_iter().map(|(_, der)| der).collect(),
    };
    TlsServer::new(options).map(|t| Some(Arc::new(t)))
}

/// The certificates whose public keys `validate-jwt` verifies with (`certificate-id`),
/// from the same files as backend certificates.
fn load_token_certificates(gateway: &Gateway, given: &[(String, PathBuf)]) -> Result<(), String> {
    for name in gatehouse_runtime::state::certificate_ids(&gateway.program) {
        let path = std::env::var_os(certs::certificate_env_name(&name))
            .map(PathBuf::from)
            .or_else(|| {
                given
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, p)| p.clone())
            })
            .ok_or_else(|| {
                format!(
                    "validate-jwt verifies with certificate '{name}', which was not provided \
                     (--certificate {name}=FILE or {})",
                    certs::certificate_env_name(&name)
                )
            })?;
        let pem =
            std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        gateway.keys().add_certificate(&name, &pem)?;
    }
    Ok(())
}

/// Parses `--certificate ID=FILE`; `ID` may be a certificate resource id.
fn parse_certificate(arg: &str) -> Result<(String, PathBuf), String> {
    match arg.split_once('=') {
        Some((id, file)) if !id.is_empty() && !file.is_empty() => {
            Ok((certs::certificate_name(id).to_string(), PathBuf::from(file)))
        }
        _ => Err(format!("expected ID=FILE, got '{arg}'")),
    }
}

/// Compiles the project at `path`; build errors are rendered into the message. Also
/// returns the values the project itself declares for its secret named values (a project
/// folder, unlike a bundle, may hold them; the environment and `--secrets` take precedence).
fn compile(path: &Path) -> Result<(Program, HashMap<String, String>), String> {
    let report = build_project(path, &CheckOptions::default());
    let mut declared = HashMap::new();
    declared_secrets(&report.project, &mut declared);
    let program = report.program.ok_or_else(|| {
        let errors: Vec<_> = report
            .diagnostics
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        // The summary first, the diagnostics after: every failure to load a program
        // (start or reload) reads the same way.
        format!(
            "{} has {} error(s); not serving it\n{}",
            path.display(),
            errors.len(),
            render_human(&errors, Style::Plain).trim_end()
        )
    })?;
    Ok((program, declared))
}

/// The non-empty values of secret named values declared in `p` and its workspaces.
fn declared_secrets(p: &Project, out: &mut HashMap<String, String>) {
    for nv in p.named_values.iter().filter(|nv| nv.secret) {
        if let Some(v) = nv.value.as_ref().filter(|v| !v.is_empty()) {
            out.entry(nv.name.clone()).or_insert_with(|| v.clone());
        }
    }
    for ws in &p.workspaces {
        declared_secrets(&ws.project, out);
    }
}

/// Whether `path` is a file starting with the bundle magic.
fn is_bundle(path: &Path) -> bool {
    use std::io::Read;
    let mut magic = [0u8; 4];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok_and(|()| magic == MAGIC)
}

/// Reads and verifies the bundle at `path`.
fn read_bundle(path: &Path) -> Result<Program, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    decode_program(&bytes, &DecodeLimits::default()).map_err(|e| format!("{}: {e}", path.display()))
}

/// The `--secrets` file: a JSON object of name → string.
fn read_secrets(path: Option<&Path>) -> Result<HashMap<String, String>, String> {
    let Some(path) = path else {
        return Ok(HashMap::new());
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", path.display()))?;
    let object = value.as_object().ok_or_else(|| {
        format!(
            "{}: expected a JSON object of name -> value",
            path.display()
        )
    })?;
    object
        .iter()
        .map(|(k, v)| match v.as_str() {
            Some(s) => Ok((k.clone(), s.to_string())),
            None => Err(format!(
                "{}: the value of '{k}' is not a string",
                path.display()
            )),
        })
        .collect()
}

/// Logs to standard error at INFO, as text or JSON lines.
fn init_tracing(format: LogFormat) {
    use std::io::IsTerminal;
    let builder = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_max_level(tracing::Level::INFO);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}
