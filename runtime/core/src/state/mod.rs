//! Shared gateway state: the clock and rate-limit counters, behind small traits.
//!
//! The engine reads time through [`Clock`] and counts calls through [`RateStore`], so tests
//! inject a [`ManualClock`] and a Redis-backed store can replace [`LocalRates`] later.
//! [`LocalRates`] is bounded whatever keys clients send ([`CounterLimits`]).

mod keys;
mod rates;
mod table;

pub use keys::{
    certificate_ids, certificate_name, parse_discovery, parse_jwks, KeyCache, KeyCacheTiming,
    KeySet, VerifyKey,
};
pub use rates::{CounterLimits, LocalRates, Period, RateCheck, RateStore};

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
