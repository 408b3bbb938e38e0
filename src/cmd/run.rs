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
use gatehouse_server::backend::certs;
use gatehouse_server::reload::{self, Rebuild};
use gatehouse_server::shutdown::{self, Shutdown};
use gatehouse_server::{admin, echo, listener, Loaded, ServerConfig, Shared};
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
    /// Worker threads (default: the cores this process may run on). With one, the gateway
    /// runs on a single-threaded runtime: no cross-thread wake-ups per request.
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
    /// MiB the in-process value and response cache may take (keys, values and a fixed
    /// overhead per entry; past it the least valuable entries are evicted).
    #[arg(long, value_name = "MIB", default_value_t = EngineConfig::default().cache.max_bytes >> 20)]
    cache_memory: u64,
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
    let config = ServerConfig {
        max_connections: args.max_connections.max(1),
        header_read_timeout: secs(args.header_timeout),
        idle_timeout: secs(args.idle_timeout),
        body_read_timeout: secs(args.body_timeout),
        ..ServerConfig::default()
    };
    let path = args.path.clone();
    let client = config.client.clone();
    let given: HashMap<String, PathBuf> = args.certificates.iter().cloned().collect();
    let mut engine = EngineConfig::default();
    engine.counters.max_bytes = usize::try_from(args.counter_memory.max(1))
        .unwrap_or(usize::MAX >> 20)
        .saturating_mul(1 << 20);
    engine.cache.max_bytes = args.cache_memory.max(1).saturating_mul(1 << 20);
    // One set of stores for the life of the process: counters, caches and concurrency
    // slots survive a reload.
    let stores = Stores::local(engine.counters, engine.cache);
    let rebuild: Rebuild<Gateway> = Arc::new(move || {
        let program = load_program(&path, &secrets)?;
        let mut client = client.clone();
        client.certificates = load_certificates(&program, &given)?;
        let gateway = Gateway::with_stores(Arc::new(program), engine.clone(), stores.clone());
        Loaded::new(gateway, &client)
    });
    let first = match rebuild() {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return ERRORS;
        }
    };
    gatehouse_server::access_log::set_enabled(!args.no_access_log);
    let threads = args.threads.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    let mut builder = if threads <= 1 {
        tokio::runtime::Builder::new_current_thread()
    } else {
        let mut b = tokio::runtime::Builder::new_multi_thread();
        b.worker_threads(threads);
        b
    };
    let runtime = match builder.enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return FAILURE;
        }
    };
    match runtime.block_on(serve(args, first, rebuild, config)) {
        Ok(()) => OK,
        Err(e) => {
            eprintln!("error: {e}");
            FAILURE
        }
    }
}

/// Binds the listeners, serves, and drains on a termination signal.
async fn serve(
    args: &Args,
    first: Loaded<Gateway>,
    rebuild: Rebuild<Gateway>,
    config: ServerConfig,
) -> Result<(), String> {
    let bind = |addr: String| async move {
        TcpListener::bind(addr.as_str())
            .await
            .map_err(|e| format!("cannot listen on {addr}: {e}"))
    };
    let gateway = bind(args.listen.clone()).await?;
    let admin_l = bind(args.admin.clone()).await?;
    let echo_l = match args.echo {
        Some(a) => Some(bind(a.to_string()).await?),
        None => None,
    };
    let shown = |l: &TcpListener, given: &str| {
        l.local_addr()
            .map_or_else(|_| given.to_string(), |a| a.to_string())
    };
    let (listen, admin) = (shown(&gateway, &args.listen), shown(&admin_l, &args.admin));

    let shared = Arc::new(Shared::new(first, config));
    let stop = Shutdown::new();
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
    #[cfg(unix)]
    tokio::spawn(reload::on_sighup(
        shared.clone(),
        rebuild.clone(),
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
    let serving = tokio::spawn(listener::serve(gateway, shared, stop.clone()));
    match args.echo {
        Some(echo) => tracing::info!(listen, admin, echo = %echo, "gatehouse ready"),
        None => tracing::info!(listen, admin, "gatehouse ready"),
    }
    shutdown::termination().await;
    tracing::info!("shutting down: draining requests in flight");
    stop.trigger();
    let drained = serving
        .await
        .map_err(|e| format!("the listener failed: {e}"));
    admin_stop.trigger();
    drained
}

/// The program at `path` (a bundle, or a project compiled now) with secrets resolved.
fn load_program(path: &Path, secrets: &HashMap<String, String>) -> Result<Program, String> {
    let (mut program, declared) = if is_bundle(path) {
        (read_bundle(path)?, HashMap::new())
    } else {
        compile(path)?
    };
    let lookup = |name: &str| {
        std::env::var(gatehouse_runtime::program::secret_env_name(name))
            .ok()
            .or_else(|| secrets.get(name).cloned())
            .or_else(|| declared.get(name).cloned())
    };
    program
        .resolve_secrets(&lookup)
        .map_err(|e| e.to_string())?;
    Ok(program)
}

/// The client certificates the backends of `program` present, read from the files the
/// environment or `--certificate` name (read again on every reload).
fn load_certificates(
    program: &Program,
    given: &HashMap<String, PathBuf>,
) -> Result<certs::Certificates, String> {
    let path_of = |name: &str| {
        std::env::var_os(certs::certificate_env_name(name))
            .map(PathBuf::from)
            .or_else(|| given.get(name).cloned())
    };
    certs::load_for(program, path_of).map_err(|e| e.to_string())
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
