//! Shared gateway state: the clock, rate-limit and quota counters, and the value and
//! response cache, behind small traits gathered in [`Stores`].
//!
//! The engine reads time through [`Clock`], counts calls through [`RateStore`] and caches
//! through [`CacheStore`], so tests inject a [`ManualClock`] and a shared store (Redis) can
//! replace the in-process ones. [`LocalRates`] and [`LocalCache`] are bounded whatever keys
//! clients send ([`CounterLimits`], [`CacheLimits`]).

mod cache;
mod concurrency;
mod keys;
mod rates;
mod responses;
pub mod semantic;
mod stats;
mod table;
mod values;
mod verifier;

pub use cache::{CacheLimits, CacheStore, LocalCache};
pub use concurrency::{Concurrency, Held};
pub use keys::{
    certificate_ids, certificate_name, parse_discovery, parse_jwks, KeyCache, KeyCacheTiming,
    KeySet, VerifyKey,
};
pub use rates::{stored_key, CounterLimits, LocalRates, Period, RateCheck, RateStore};
pub use responses::{decode_response, encode_response, CachedResponse};
pub use stats::CacheStats;
pub use values::{decode_value, encode_value, value_key};

use std::sync::Arc;

/// Every store a gateway's policies use, chosen once by configuration.
#[derive(Clone, Debug)]
pub struct Stores {
    /// The clock windows and expiries are read by.
    pub clock: Arc<dyn Clock>,
    /// Counters (`rate-limit*`, `quota*`).
    pub rates: Arc<dyn RateStore>,
    /// The built-in cache (`caching-type="internal"`, and `prefer-external` without an
    /// external one).
    pub cache: Arc<dyn CacheStore>,
    /// The external cache, when one is configured (Redis).
    pub external: Option<Arc<dyn CacheStore>>,
    /// `limit-concurrency` slots (in process: per replica).
    pub concurrency: Arc<Concurrency>,
}

impl Stores {
    /// In-process stores within these limits, on the system clock.
    pub fn local(counters: CounterLimits, cache: CacheLimits) -> Stores {
        Stores {
            clock: Arc::new(SystemClock),
            rates: Arc::new(LocalRates::new(counters)),
            cache: Arc::new(LocalCache::new(cache)),
            external: None,
            concurrency: Arc::default(),
        }
    }

    /// The cache a policy with `caching-type` `t` uses. Without an external cache,
    /// `external` uses the built-in one (see docs/gateway.md, **Differs**).
    pub fn cache_for(&self, t: crate::program::CachingType) -> &Arc<dyn CacheStore> {
        match (t, &self.external) {
            (crate::program::CachingType::Internal, _) | (_, None) => &self.cache,
            (_, Some(e)) => e,
        }
    }

    /// Appends the stores' own metrics (cache use, an external store's health) to `out`.
    pub fn render_metrics(&self, out: &mut String) {
        self.cache.render_metrics("internal", out);
        if let Some(e) = &self.external {
            e.render_metrics("external", out);
        }
        self.rates.render_metrics(out);
    }
}

use std::sync::atomic::{AtomicU64, Ordering};

/// Wall-clock time in milliseconds since the Unix epoch.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Now.
    fn now_ms(&self) -> u64;
}

/// The system clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64)
    }
}

/// A clock that moves only when told to (tests).
#[derive(Debug, Default)]
pub struct ManualClock(AtomicU64);

impl ManualClock {
    /// A clock showing `ms`.
    pub fn new(ms: u64) -> ManualClock {
        ManualClock(AtomicU64::new(ms))
    }

    /// Moves the clock forward by `ms`.
    pub fn advance(&self, ms: u64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}
