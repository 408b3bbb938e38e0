//! Calls sent off the request's path (`send-one-way-request`): at most a configured
//! number in flight, the others dropped and counted; a call that asks for it is tried
//! again after a failure, with back-off. Nothing waits for their answers.

use crate::identity::Tokens;
use crate::{Engine, Loaded};
use gatehouse_runtime::engine::{Delivery, DetachedCall};
use http::HeaderValue;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// The first back-off wait; it doubles with each further try.
const FIRST_BACKOFF: Duration = Duration::from_millis(200);

/// The longest back-off wait.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Detached calls of a server: the bound and the counters.
#[derive(Debug)]
pub struct Detached {
    permits: Arc<Semaphore>,
    counters: Arc<Counters>,
}

/// What happened to detached calls.
#[derive(Debug, Default)]
struct Counters {
    queued: AtomicU64,
    dropped: AtomicU64,
    failed: AtomicU64,
}

impl Detached {
    /// At most `max_in_flight` calls at once.
    pub fn new(max_in_flight: usize) -> Detached {
        Detached {
            permits: Arc::new(Semaphore::new(max_in_flight)),
            counters: Arc::default(),
        }
    }

    /// Sends `call` through `loaded`'s clients in a task of its own, or drops it (counted)
    /// when as many calls as allowed are in flight already.
    pub fn send<E: Engine>(&self, loaded: Arc<Loaded<E>>, tokens: Arc<Tokens>, call: DetachedCall) {
        let Ok(permit) = self.permits.clone().try_acquire_owned() else {
            self.counters.dropped.fetch_add(1, Ordering::Relaxed);
            tracing::debug!(source = call.source, "detached call dropped: queue full");
            return;
        };
        self.counters.queued.fetch_add(1, Ordering::Relaxed);
        let counters = self.counters.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let mut backoff = FIRST_BACKOFF;
            for attempt in 0..=call.retries {
                if attempt > 0 {
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
                if try_once(&loaded, &tokens, &call).await {
                    return;
                }
            }
            counters.failed.fetch_add(1, Ordering::Relaxed);
            tracing::debug!(source = call.source, "detached call failed");
        });
    }

    /// Calls in flight now.
    pub fn in_flight(&self, max_in_flight: usize) -> usize {
        max_in_flight.saturating_sub(self.permits.available_permits())
    }

    /// The counters as Prometheus text.
    pub fn render(&self, out: &mut String) {
        let c = &self.counters;
        out.push_str("# HELP gatehouse_detached_calls_total Calls sent off the request path (send-one-way-request) by outcome.\n");
        out.push_str("# TYPE gatehouse_detached_calls_total counter\n");
        for (outcome, n) in [
            ("queued", &c.queued),
            ("dropped", &c.dropped),
            ("failed", &c.failed),
        ] {
            let _ = writeln!(
                out,
                "gatehouse_detached_calls_total{{outcome=\"{outcome}\"}} {}",
                n.load(Ordering::Relaxed)
            );
        }
    }
}

/// One try: `true` when the call was answered with neither a 5xx nor a 429. The whole
/// call, answer included, is bounded by the call's timeout; the answer is dropped unread.
async fn try_once<E: Engine>(loaded: &Loaded<E>, tokens: &Tokens, call: &DetachedCall) -> bool {
    let timeout = call.request.timeout;
    let mut request = call.request.clone();
    let line = || {
        let mut l = request_line(call);
        l.push(b'\n');
        l
    };
    match &call.delivery {
        Delivery::Http => {}
        Delivery::HttpWithToken(req) => match tokens.get(req).await {
            Ok(token) => {
                let Ok(v) = HeaderValue::from_str(&format!("Bearer {}", token.secret())) else {
                    return false;
                };
                request.headers.insert(http::header::AUTHORIZATION, v);
            }
            Err(_) => return false,
        },
        Delivery::AppendFile(_) | Delivery::Stdout => {
            let (delivery, line) = (call.delivery.clone(), line());
            let write = move || -> std::io::Result<()> {
                use std::io::Write;
                match delivery {
                    Delivery::AppendFile(path) => std::fs::OpenOptions::new()
                        .create(true)
                        .append(true)
                        .open(&*path)?
                        .write_all(&line),
                    _ => std::io::stdout().lock().write_all(&line),
                }
            };
            return matches!(tokio::task::spawn_blocking(write).await, Ok(Ok(())));
        }
    }
    let sent = loaded.backends.forward(request, None);
    match tokio::time::timeout(timeout, sent).await {
        Ok(Ok(resp)) => {
            let s = resp.status().as_u16();
            s < 500 && s != 429
        }
        _ => false,
    }
}

/// A local logger's line: the message with its line breaks escaped, so one event is one
/// line.
fn request_line(call: &DetachedCall) -> Vec<u8> {
    let body = call.request.body.as_deref().unwrap_or_default();
    let mut out = Vec::with_capacity(body.len());
    for &b in body {
        match b {
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(b),
        }
    }
    out
}
