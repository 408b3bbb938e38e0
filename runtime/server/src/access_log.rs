//! The access log: one `tracing` event per request, target `gatehouse::access`.
//!
//! The path is logged without its query, which may carry a subscription key.

use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

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
pub struct AccessEntry<'a> {
    /// Method.
    pub method: &'a str,
    /// Path and query as received (the query is not logged).
    pub path_and_query: &'a str,
    /// Status answered.
    pub status: u16,
    /// API routed to (empty: none).
    pub api: &'a str,
    /// Operation routed to (empty: none).
    pub operation: &'a str,
    /// The client.
    pub client: IpAddr,
    /// Time to the response head.
    pub duration: Duration,
}

/// The path of `path_and_query`, without the query.
pub fn path_only(path_and_query: &str) -> &str {
    path_and_query.split('?').next().unwrap_or(path_and_query)
}

/// Logs `e` at INFO (unless the access log is turned off).
pub fn log(e: &AccessEntry<'_>) {
    if !enabled() {
        return;
    }
    tracing::info!(
        target: "gatehouse::access",
        method = e.method,
        path = path_only(e.path_and_query),
        status = e.status,
        api = e.api,
        operation = e.operation,
        client = %e.client,
        duration_ms = e.duration.as_secs_f64() * 1000.0,
        "request"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_is_not_logged() {
        assert_eq!(path_only("/a/b?subscription-key=secret"), "/a/b");
        assert_eq!(path_only("/a"), "/a");
    }
}
