//! Counts a cache keeps of its own use (hits, misses, stores, evictions), rendered on
//! `/metrics` as Prometheus text.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

/// A cache's counters, each monotonic.
#[derive(Debug, Default)]
pub struct CacheStats {
    /// Lookups that found an entry.
    pub hits: AtomicU64,
    /// Lookups that found none (missing, expired, or the store unreachable).
    pub misses: AtomicU64,
    /// Entries stored.
    pub stores: AtomicU64,
    /// Entries dropped to stay under the memory cap (not expiries).
    pub evictions: AtomicU64,
}

impl CacheStats {
    /// Counts one lookup.
    pub fn lookup(&self, hit: bool) {
        let c = if hit { &self.hits } else { &self.misses };
        c.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts one stored entry.
    pub fn stored(&self) {
        self.stores.fetch_add(1, Ordering::Relaxed);
    }

    /// Appends the counters, labelled `store="<store>"`, to `out`.
    pub fn render(&self, store: &str, out: &mut String) {
        let rows = [
            ("hits", &self.hits, "Cache lookups that found an entry"),
            ("misses", &self.misses, "Cache lookups that found none"),
            ("stores", &self.stores, "Entries stored in the cache"),
            (
                "evictions",
                &self.evictions,
                "Entries dropped to stay under the cache's memory cap",
            ),
        ];
        for (name, v, help) in rows {
            let _ = writeln!(out, "# HELP gatehouse_cache_{name}_total {help}.");
            let _ = writeln!(out, "# TYPE gatehouse_cache_{name}_total counter");
            let _ = writeln!(
                out,
                "gatehouse_cache_{name}_total{{store=\"{store}\"}} {}",
                v.load(Ordering::Relaxed)
            );
        }
    }
}
