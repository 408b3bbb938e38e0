//! Whether Redis answers: failures counted per policy family, one log line per outage
//! (and one when it ends), and the state shown on `/metrics`.

use std::fmt::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// The policy families, each with its own behaviour while Redis is down.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Family {
    /// `rate-limit*`, token-per-minute limits: counted per replica meanwhile.
    RateLimit,
    /// `quota*`, token quotas: let through, uncounted, meanwhile (fail-open).
    Quota,
    /// Value and response caches: lookups miss, stores and removals are dropped.
    Cache,
}

const FAMILIES: [(Family, &str); 3] = [
    (Family::RateLimit, "rate-limit"),
    (Family::Quota, "quota"),
    (Family::Cache, "cache"),
];

/// The store's health and counters.
#[derive(Debug)]
pub(super) struct Health {
    /// `host:port` (never the URL: it may hold a password).
    pub(super) server: String,
    up: AtomicBool,
    errors: AtomicU64,
    outages: AtomicU64,
    fallbacks: [AtomicU64; 3],
}

impl Health {
    pub(super) fn new(server: String) -> Health {
        Health {
            server,
            up: AtomicBool::new(true),
            errors: AtomicU64::new(0),
            outages: AtomicU64::new(0),
            fallbacks: Default::default(),
        }
    }

    pub(super) fn is_up(&self) -> bool {
        self.up.load(Ordering::Acquire)
    }

    /// Counts a failed call; `true` when it starts an outage (logged once, here).
    pub(super) fn failed(&self, error: &str) -> bool {
        self.errors.fetch_add(1, Ordering::Relaxed);
        let started = self.up.swap(false, Ordering::AcqRel);
        if started {
            self.outages.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(
                server = %self.server,
                error,
                "redis unreachable: rate limits count per replica, quotas let calls through, caches miss, until it answers again"
            );
        }
        started
    }

    /// Redis answered a probe: the outage is over.
    pub(super) fn recovered(&self) {
        if !self.up.swap(true, Ordering::AcqRel) {
            tracing::info!(server = %self.server, "redis reachable again: shared state resumes");
        }
    }

    /// Counts a call of `family` answered without Redis.
    pub(super) fn fell_back(&self, family: Family) {
        if let Some(i) = FAMILIES.iter().position(|(f, _)| *f == family) {
            self.fallbacks[i].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Appends the Redis metrics to `out`.
    pub(super) fn render(&self, out: &mut String) {
        let _ = writeln!(
            out,
            "# HELP gatehouse_redis_up Whether the shared Redis store answers (1) or not (0).\n\
             # TYPE gatehouse_redis_up gauge\ngatehouse_redis_up {}",
            u8::from(self.is_up())
        );
        let _ = writeln!(
            out,
            "# HELP gatehouse_redis_errors_total Redis calls that failed or timed out.\n\
             # TYPE gatehouse_redis_errors_total counter\ngatehouse_redis_errors_total {}",
            self.errors.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP gatehouse_redis_outages_total Times Redis became unreachable.\n\
             # TYPE gatehouse_redis_outages_total counter\ngatehouse_redis_outages_total {}",
            self.outages.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP gatehouse_redis_fallback_total Policy calls answered without Redis, by family.\n\
             # TYPE gatehouse_redis_fallback_total counter"
        );
        for (i, (_, name)) in FAMILIES.iter().enumerate() {
            let _ = writeln!(
                out,
                "gatehouse_redis_fallback_total{{family=\"{name}\"}} {}",
                self.fallbacks[i].load(Ordering::Relaxed)
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outage_starts_once_and_ends_on_recovery() {
        let h = Health::new("127.0.0.1:1".into());
        assert!(h.failed("refused"));
        assert!(!h.failed("refused"), "the same outage");
        h.fell_back(Family::Quota);
        let mut text = String::new();
        h.render(&mut text);
        assert!(text.contains("gatehouse_redis_up 0\n"), "{text}");
        assert!(text.contains("gatehouse_redis_errors_total 2\n"), "{text}");
        assert!(text.contains("gatehouse_redis_outages_total 1\n"), "{text}");
        assert!(text.contains("{family=\"quota\"} 1\n"), "{text}");
        h.recovered();
        assert!(h.is_up());
        assert!(h.failed("refused"), "a new outage");
    }
}
