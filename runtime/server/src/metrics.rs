//! Gateway metrics, counted with atomics and rendered as Prometheus text.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// Upper bounds of the latency histogram's buckets, seconds.
pub const LATENCY_BUCKETS: [f64; 12] = [
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Request-count maps (serving runtimes beyond this share them).
const SHARDS: usize = 8;

/// Request counts of one API: operation → status → count.
type Operations = HashMap<Box<str>, HashMap<u16, u64>>;

/// The gateway's counters.
#[derive(Debug, Default)]
pub struct Metrics {
    /// api → operation → status → count (looked up without allocating), one map per
    /// serving runtime (modulo [`SHARDS`]) so runtimes do not contend for one lock.
    requests: [Mutex<HashMap<Box<str>, Operations>>; SHARDS],
    backend_errors: Mutex<BTreeMap<(String, &'static str), u64>>,
    buckets: [AtomicU64; LATENCY_BUCKETS.len()],
    latency_count: AtomicU64,
    latency_sum_us: AtomicU64,
    in_flight: AtomicI64,
    reloads_ok: AtomicU64,
    reloads_failed: AtomicU64,
    key_vault_ok: AtomicU64,
    key_vault_failed: AtomicU64,
    key_vault_stale: AtomicI64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Metrics {
    /// Counts one answered request and its latency (until the response head).
    pub fn request(&self, api: &str, operation: &str, status: u16, latency: Duration) {
        let shard = crate::backend::client::worker() % SHARDS;
        count(&mut lock(&self.requests[shard]), api, operation, status);
        // One bucket counted per request (the first that holds it); `/metrics` adds
        // them up into Prometheus's cumulative buckets.
        let secs = latency.as_secs_f64();
        if let Some(i) = LATENCY_BUCKETS.iter().position(|bound| secs <= *bound) {
            self.buckets[i].fetch_add(1, Ordering::Relaxed);
        }
        self.latency_count.fetch_add(1, Ordering::Relaxed);
        let us = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        self.latency_sum_us.fetch_add(us, Ordering::Relaxed);
    }

    /// Counts a failed backend call (`reason` is `Timeout` for timeouts).
    pub fn backend_error(&self, backend: &str, reason: &'static str) {
        *lock(&self.backend_errors)
            .entry((backend.to_string(), reason))
            .or_default() += 1;
    }

    /// A request started (`+1`) or finished (`-1`).
    pub fn in_flight(&self, delta: i64) {
        self.in_flight.fetch_add(delta, Ordering::Relaxed);
    }

    /// Counts a reload.
    pub fn reload(&self, ok: bool) {
        let c = if ok {
            &self.reloads_ok
        } else {
            &self.reloads_failed
        };
        c.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts Key Vault named value reads of a refresh (`ok` and `failed`), and how many
    /// named values now serve a last good value after a failed refresh.
    pub fn key_vault_refresh(&self, ok: u64, failed: u64, stale: usize) {
        self.key_vault_ok.fetch_add(ok, Ordering::Relaxed);
        self.key_vault_failed.fetch_add(failed, Ordering::Relaxed);
        let stale = i64::try_from(stale).unwrap_or(i64::MAX);
        self.key_vault_stale.store(stale, Ordering::Relaxed);
    }

    /// The number of requests counted with `status` (all routes).
    pub fn requests_with_status(&self, status: u16) -> u64 {
        self.request_counts()
            .iter()
            .filter(|(k, _)| k.2 == status)
            .map(|(_, v)| *v)
            .sum()
    }

    /// Every request counter, sorted by api, operation and status.
    fn request_counts(&self) -> BTreeMap<(String, String, u16), u64> {
        let mut out = BTreeMap::new();
        for shard in &self.requests {
            for (api, ops) in lock(shard).iter() {
                for (op, statuses) in ops {
                    for (status, n) in statuses {
                        *out.entry((api.to_string(), op.to_string(), *status))
                            .or_default() += *n;
                    }
                }
            }
        }
        out
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP gatehouse_requests_total Requests answered.\n");
        out.push_str("# TYPE gatehouse_requests_total counter\n");
        for ((api, op, status), n) in &self.request_counts() {
            let _ = writeln!(
                out,
                "gatehouse_requests_total{{api=\"{}\",operation=\"{}\",status=\"{status}\"}} {n}",
                escape(api),
                escape(op)
            );
        }
        self.render_latency(&mut out);
        out.push_str("# HELP gatehouse_backend_errors_total Failed backend calls by reason.\n");
        out.push_str("# TYPE gatehouse_backend_errors_total counter\n");
        let errors = lock(&self.backend_errors);
        for ((backend, reason), n) in errors.iter() {
            let _ = writeln!(
                out,
                "gatehouse_backend_errors_total{{backend=\"{}\",reason=\"{reason}\"}} {n}",
                escape(backend)
            );
        }
        out.push_str("# HELP gatehouse_backend_timeouts_total Backend calls that timed out.\n");
        out.push_str("# TYPE gatehouse_backend_timeouts_total counter\n");
        let timeouts: u64 = errors
            .iter()
            .filter(|(k, _)| k.1 == "Timeout")
            .map(|(_, v)| v)
            .sum();
        let _ = writeln!(out, "gatehouse_backend_timeouts_total {timeouts}");
        out.push_str("# HELP gatehouse_requests_in_flight Requests being served.\n");
        out.push_str("# TYPE gatehouse_requests_in_flight gauge\n");
        let _ = writeln!(
            out,
            "gatehouse_requests_in_flight {}",
            self.in_flight.load(Ordering::Relaxed)
        );
        out.push_str("# HELP gatehouse_reloads_total Program reloads by result.\n");
        out.push_str("# TYPE gatehouse_reloads_total counter\n");
        let _ = writeln!(
            out,
            "gatehouse_reloads_total{{result=\"ok\"}} {}",
            self.reloads_ok.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "gatehouse_reloads_total{{result=\"failed\"}} {}",
            self.reloads_failed.load(Ordering::Relaxed)
        );
        self.render_key_vault(&mut out);
        out.push_str("# HELP gatehouse_access_log_dropped_total Access log lines dropped because the writer could not keep up.\n");
        out.push_str("# TYPE gatehouse_access_log_dropped_total counter\n");
        let _ = writeln!(
            out,
            "gatehouse_access_log_dropped_total {}",
            crate::access_log::dropped()
        );
        out
    }

    fn render_key_vault(&self, out: &mut String) {
        out.push_str("# HELP gatehouse_key_vault_refreshes_total Key Vault named value reads by the periodic refresh, by result.\n");
        out.push_str("# TYPE gatehouse_key_vault_refreshes_total counter\n");
        for (result, c) in [
            ("ok", &self.key_vault_ok),
            ("failed", &self.key_vault_failed),
        ] {
            let n = c.load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "gatehouse_key_vault_refreshes_total{{result=\"{result}\"}} {n}"
            );
        }
        out.push_str("# HELP gatehouse_key_vault_stale_values Key Vault named values served from their last good value after a failed refresh.\n");
        out.push_str("# TYPE gatehouse_key_vault_stale_values gauge\n");
        let n = self.key_vault_stale.load(Ordering::Relaxed);
        let _ = writeln!(out, "gatehouse_key_vault_stale_values {n}");
    }

    fn render_latency(&self, out: &mut String) {
        out.push_str("# HELP gatehouse_request_duration_seconds Time to the response head.\n");
        out.push_str("# TYPE gatehouse_request_duration_seconds histogram\n");
        let mut cumulative = 0;
        for (i, bound) in LATENCY_BUCKETS.iter().enumerate() {
            cumulative += self.buckets[i].load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "gatehouse_request_duration_seconds_bucket{{le=\"{bound}\"}} {cumulative}"
            );
        }
        let count = self.latency_count.load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "gatehouse_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}"
        );
        let sum = self.latency_sum_us.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "gatehouse_request_duration_seconds_sum {sum}");
        let _ = writeln!(out, "gatehouse_request_duration_seconds_count {count}");
    }
}

/// Adds one to the count of (`api`, `operation`, `status`), allocating only for new names.
fn count(apis: &mut HashMap<Box<str>, Operations>, api: &str, operation: &str, status: u16) {
    if let Some(ops) = apis.get_mut(api) {
        if let Some(statuses) = ops.get_mut(operation) {
            *statuses.entry(status).or_default() += 1;
        } else {
            ops.insert(operation.into(), HashMap::from([(status, 1)]));
        }
        return;
    }
    let ops = HashMap::from([(operation.into(), HashMap::from([(status, 1)]))]);
    apis.insert(api.into(), ops);
}

/// A label value with `\`, `"` and newlines escaped.
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_histogram_and_escapes_labels() {
        let m = Metrics::default();
        m.request("orders", "get \"one\"", 200, Duration::from_millis(3));
        m.request("orders", "get \"one\"", 200, Duration::from_millis(300));
        m.backend_error("b1", "Timeout");
        m.backend_error("b1", "BackendConnectionFailure");
        let text = m.render();
        assert!(
            text.contains("gatehouse_requests_total{api=\"orders\",operation=\"get \\\"one\\\"\",status=\"200\"} 2"),
            "{text}"
        );
        assert!(text.contains("gatehouse_request_duration_seconds_bucket{le=\"0.005\"} 1"));
        assert!(text.contains("gatehouse_request_duration_seconds_bucket{le=\"0.5\"} 2"));
        assert!(text.contains("gatehouse_request_duration_seconds_count 2"));
        assert!(text.contains("gatehouse_backend_timeouts_total 1"));
        assert!(text.contains(
            "gatehouse_backend_errors_total{backend=\"b1\",reason=\"BackendConnectionFailure\"} 1"
        ));
        assert_eq!(m.requests_with_status(200), 2);
    }
}
