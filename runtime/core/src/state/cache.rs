//! Keyed bytes with a time to live per entry: the [`CacheStore`] trait behind
//! `cache-store-value` / `cache-lookup-value` / `cache-remove-value` and `cache-store` /
//! `cache-lookup`, and its bounded in-process implementation on moka.
//!
//! An entry expires by the gateway's [`super::Clock`] (so tests can move time), and moka
//! also drops it after its time to live by its own clock, so expired entries free their
//! memory without being read. The cache is bounded by weight: the sum of its keys' and
//! values' bytes (and a fixed overhead per entry) stays under [`CacheLimits::max_bytes`].

use super::rates::stored_key;
use super::stats::CacheStats;
use bytes::Bytes;
use moka::sync::Cache;
use moka::Expiry;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Keyed bytes with a time to live.
pub trait CacheStore: Send + Sync + std::fmt::Debug {
    /// The bytes stored under `key`, unless missing or expired at `now_ms`.
    fn get(&self, key: &str, now_ms: u64) -> Option<Bytes>;

    /// Stores `value` under `key` until `now_ms + ttl_ms` (replacing an earlier value).
    /// A value the store cannot hold (larger than its entry limit) is not stored.
    fn put(&self, key: &str, value: Bytes, ttl_ms: u64, now_ms: u64);

    /// Removes `key`.
    fn remove(&self, key: &str);

    /// Appends the store's metrics, labelled `store="<store>"`, to `out`; none by default.
    fn render_metrics(&self, _store: &str, _out: &mut String) {}
}

/// Bounds of the in-process cache (configuration; the defaults are safe for any keys).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheLimits {
    /// Bytes all entries may take together (keys, values and a fixed overhead each).
    pub max_bytes: u64,
    /// Largest value stored; larger ones are not cached.
    pub max_entry_bytes: usize,
    /// Longest key stored as written; longer keys are stored as their SHA-256.
    pub max_key_bytes: usize,
}

impl Default for CacheLimits {
    fn default() -> Self {
        CacheLimits {
            max_bytes: 64 << 20,
            max_entry_bytes: 1 << 20,
            max_key_bytes: 256,
        }
    }
}

/// Bytes counted for each entry besides its key and value (moka's node and our entry).
const ENTRY_OVERHEAD: usize = 160;

/// One cached value and when it expires.
#[derive(Clone, Debug)]
struct Entry {
    bytes: Bytes,
    /// Expiry by the gateway's clock, ms.
    expires_ms: u64,
    /// Time to live, for moka's own expiry.
    ttl: Duration,
}

/// Each entry lives its own time to live.
struct PerEntry;

impl Expiry<Box<[u8]>, Entry> for PerEntry {
    fn expire_after_create(
        &self,
        _key: &Box<[u8]>,
        value: &Entry,
        _at: Instant,
    ) -> Option<Duration> {
        Some(value.ttl)
    }

    fn expire_after_update(
        &self,
        _key: &Box<[u8]>,
        value: &Entry,
        _at: Instant,
        _left: Option<Duration>,
    ) -> Option<Duration> {
        Some(value.ttl)
    }
}

/// The in-process cache: moka, bounded by weight, one time to live per entry.
pub struct LocalCache {
    cache: Cache<Box<[u8]>, Entry>,
    limits: CacheLimits,
    stats: Arc<CacheStats>,
}

impl std::fmt::Debug for LocalCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalCache")
            .field("entries", &self.cache.entry_count())
            .field("limits", &self.limits)
            .finish()
    }
}

impl Default for LocalCache {
    fn default() -> Self {
        LocalCache::new(CacheLimits::default())
    }
}

impl LocalCache {
    /// A cache within `limits`.
    pub fn new(limits: CacheLimits) -> LocalCache {
        let stats = Arc::new(CacheStats::default());
        let evicted = stats.clone();
        let cache = Cache::<Box<[u8]>, Entry>::builder()
            .max_capacity(limits.max_bytes)
            .weigher(|k, v| {
                let w = k.len() + v.bytes.len() + ENTRY_OVERHEAD;
                u32::try_from(w).unwrap_or(u32::MAX)
            })
            .expire_after(PerEntry)
            .eviction_listener(move |_k, _v, cause| {
                if cause == moka::notification::RemovalCause::Size {
                    evicted.evictions.fetch_add(1, Ordering::Relaxed);
                }
            })
            .build();
        LocalCache {
            cache,
            limits,
            stats,
        }
    }

    /// The weight of all entries (after pending evictions are applied).
    pub fn weighted_bytes(&self) -> u64 {
        self.cache.run_pending_tasks();
        self.cache.weighted_size()
    }
}

impl CacheStore for LocalCache {
    fn get(&self, key: &str, now_ms: u64) -> Option<Bytes> {
        let k = stored_key(key, self.limits.max_key_bytes);
        let found = self.cache.get(&k[..]).filter(|e| {
            now_ms < e.expires_ms || {
                self.cache.invalidate(&k[..]);
                false
            }
        });
        self.stats.lookup(found.is_some());
        Some(found?.bytes)
    }

    fn put(&self, key: &str, value: Bytes, ttl_ms: u64, now_ms: u64) {
        let k = stored_key(key, self.limits.max_key_bytes);
        if ttl_ms == 0 || value.len() > self.limits.max_entry_bytes {
            self.cache.invalidate(&k[..]);
            return;
        }
        let entry = Entry {
            bytes: value,
            expires_ms: now_ms.saturating_add(ttl_ms),
            ttl: Duration::from_millis(ttl_ms),
        };
        self.cache.insert(k.into_boxed_slice(), entry);
        self.stats.stored();
    }

    fn remove(&self, key: &str) {
        let k = stored_key(key, self.limits.max_key_bytes);
        self.cache.invalidate(&k[..]);
    }

    fn render_metrics(&self, store: &str, out: &mut String) {
        self.stats.render(store, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_live_their_own_time() {
        let c = LocalCache::default();
        c.put("a", Bytes::from_static(b"1"), 1_000, 0);
        c.put("b", Bytes::from_static(b"2"), 5_000, 0);
        assert_eq!(c.get("a", 999).as_deref(), Some(&b"1"[..]));
        assert_eq!(c.get("a", 1_000), None);
        assert_eq!(c.get("b", 4_999).as_deref(), Some(&b"2"[..]));
        c.remove("b");
        assert_eq!(c.get("b", 0), None);
        c.put("z", Bytes::from_static(b"0"), 0, 0);
        assert_eq!(c.get("z", 0), None, "a zero duration stores nothing");
        let (hits, misses) = (&c.stats.hits, &c.stats.misses);
        assert_eq!(
            (hits.load(Ordering::Relaxed), misses.load(Ordering::Relaxed)),
            (2, 3)
        );
    }

    #[test]
    fn long_keys_hash_and_large_values_are_refused() {
        let c = LocalCache::new(CacheLimits {
            max_entry_bytes: 4,
            max_key_bytes: 8,
            ..CacheLimits::default()
        });
        let long = "k".repeat(10_000);
        c.put(&long, Bytes::from_static(b"v"), 60_000, 0);
        assert_eq!(c.get(&long, 1).as_deref(), Some(&b"v"[..]));
        assert_eq!(c.get(&"k".repeat(9_999), 1), None);
        c.put("big", Bytes::from_static(b"12345"), 60_000, 0);
        assert_eq!(c.get("big", 1), None);
    }

    #[test]
    fn stays_under_its_weight_whatever_the_keys() {
        let limits = CacheLimits {
            max_bytes: 256 << 10,
            ..CacheLimits::default()
        };
        let c = LocalCache::new(limits);
        let value = Bytes::from(vec![7u8; 1_000]);
        for i in 0..5_000 {
            c.put(&format!("key-{i}"), value.clone(), 600_000, 0);
        }
        let w = c.weighted_bytes();
        assert!(w <= limits.max_bytes, "{w}");
        assert!(w > limits.max_bytes / 4, "{w}");
        let mut text = String::new();
        c.render_metrics("internal", &mut text);
        assert!(text.contains("gatehouse_cache_stores_total{store=\"internal\"} 5000"));
        assert!(
            !text.contains("gatehouse_cache_evictions_total{store=\"internal\"} 0\n"),
            "{text}"
        );
    }
}
