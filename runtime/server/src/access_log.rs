//! The access log: one `tracing` event per request, target `gatehouse::access`, written
//! when the response body is done (or the client went away), so `duration_ms` covers
//! the whole exchange.
//!
//! The path is logged without its query, which may carry a subscription key. A 5xx that
//! the gateway made carries `context.LastError`'s source and reason (never its message,
//! which may quote values).

use super::handler::RespBody;
use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::{Body, Frame, SizeHint};
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

static ENABLED: AtomicBool = AtomicBool::new(true);

/// Turns the access log on or off for the whole process (`gatehouse run --no-access-log`).
pub fn set_enabled(on: bool) {
    ENABLED.store(on, Ordering::Relaxed);
}

/// Whether the access log is on (the driver keeps what it logs only then).
pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// What the access log records about one request.
#[derive(Debug)]
pub struct AccessEntry {
    /// Method.
    pub method: http::Method,
    /// Path as received, without the query.
    pub path: String,
    /// Status answered.
    pub status: u16,
    /// API routed to (empty: none).
    pub api: String,
    /// Operation routed to (empty: none).
    pub operation: String,
    /// The client.
    pub client: IpAddr,
    /// When the request's head was received.
    pub started: Instant,
    /// For a 5xx the gateway made: `context.LastError`'s source and reason.
    pub error: Option<(String, String)>,
}

/// The path of `path_and_query`, without the query.
pub fn path_only(path_and_query: &str) -> &str {
    path_and_query.split('?').next().unwrap_or(path_and_query)
}

/// Milliseconds with at most three decimals (no binary-float tail such as
/// `0.30000000000000004`).
pub fn millis(d: Duration) -> f64 {
    d.as_micros() as f64 / 1000.0
}

/// Logs `e` at INFO, `duration` after it started (unless the access log is turned off).
pub fn log(e: &AccessEntry, duration: Duration) {
    if !enabled() {
        return;
    }
    let duration_ms = millis(duration);
    // A 5xx names its cause; `None` fields are not written.
    let (error_source, error_reason) = match &e.error {
        Some((source, reason)) => (Some(source.as_str()), Some(reason.as_str())),
        None => (None, None),
    };
    tracing::info!(
        target: "gatehouse::access",
        method = e.method.as_str(),
        path = e.path.as_str(),
        status = e.status,
        api = e.api.as_str(),
        operation = e.operation.as_str(),
        client = %e.client,
        duration_ms,
        error_source,
        error_reason,
        "request"
    );
}

/// `body`, writing `entry` to the access log once it is done or dropped.
pub fn logged(body: RespBody, entry: AccessEntry) -> RespBody {
    Logged {
        body,
        entry: Some(entry),
    }
    .boxed_unsync()
}

struct Logged {
    body: RespBody,
    entry: Option<AccessEntry>,
}

impl Logged {
    fn finish(&mut self) {
        if let Some(e) = self.entry.take() {
            log(&e, e.started.elapsed());
        }
    }
}

impl Body for Logged {
    type Data = Bytes;
    type Error = crate::backend::client::BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let r = Pin::new(&mut self.body).poll_frame(cx);
        if let Poll::Ready(None) = r {
            self.finish();
        }
        r
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

impl Drop for Logged {
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_is_not_logged() {
        assert_eq!(path_only("/a/b?subscription-key=secret"), "/a/b");
        assert_eq!(path_only("/a"), "/a");
    }

    #[test]
    fn durations_have_at_most_three_decimals() {
        for micros in [0u64, 1, 999, 1_234, 300_001, 12_345_678] {
            let text = millis(Duration::from_micros(micros)).to_string();
            let decimals = text.split('.').nth(1).map_or(0, str::len);
            assert!(decimals <= 3, "{micros} µs -> {text}");
        }
    }
}
