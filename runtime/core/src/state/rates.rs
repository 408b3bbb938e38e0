//! Fixed-window counters: the [`RateStore`] trait and its bounded in-process implementation.

use super::table::{Entry, Shard};
use sha2::{Digest, Sha256};
use std::hash::{BuildHasher, RandomState};
use std::sync::Mutex;

/// The outcome of one counter check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateCheck {
    /// Whether the call is within the limit.
    pub allowed: bool,
    /// Calls left in the current window after this one.
    pub remaining: u64,
    /// Seconds until the window renews (at least 1).
    pub retry_after: u64,
}

/// How a counter's windows are laid out in time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    /// Window length, ms; 0: one window that never ends.
    pub ms: u64,
    /// `None`: a window starts at the first call after the previous one ended (rate
    /// limits). `Some(t)`: windows are `[t + k·ms, t + (k+1)·ms)` (quotas).
    pub anchor: Option<u64>,
}

impl Period {
    /// Windows of `ms` starting at the first call.
    pub fn from_first_call(ms: u64) -> Period {
        Period { ms, anchor: None }
    }

    /// Windows of `ms` aligned on `anchor`.
    pub fn aligned(ms: u64, anchor: u64) -> Period {
        Period {
            ms,
            anchor: Some(anchor),
        }
    }

    /// The window holding `now`, as `(start, end)`; `end` is `u64::MAX` for a window that
    /// never ends.
    pub fn window_at(&self, now: u64) -> (u64, u64) {
        let anchor = self.anchor.unwrap_or(now);
        if self.ms == 0 {
            return (anchor, u64::MAX);
        }
        if now >= anchor {
            let start = now - (now - anchor) % self.ms;
            (start, start.saturating_add(self.ms))
        } else {
            // Before the anchor the grid extends backwards (clamped at the epoch).
            let k = (anchor - now).div_ceil(self.ms);
            let end = anchor - (k - 1) * self.ms;
            (end.saturating_sub(self.ms), end)
        }
    }

    /// Whether `e` is still the current window at `now`.
    fn holds(&self, e: &Entry, now: u64) -> bool {
        match self.anchor {
            None => now >= e.start && now < e.end,
            Some(_) => self.window_at(now).0 == e.start && now < e.end,
        }
    }
}

/// Counters keyed by string, each in fixed windows laid out by a [`Period`].
pub trait RateStore: Send + Sync + std::fmt::Debug {
    /// Checks counter `key` at time `now_ms` against `limit` per window, adding `count` when
    /// the call is allowed (`count` 0 only checks: the call is allowed while the counter is
    /// below the limit).
    fn hit(&self, key: &str, limit: u64, period: Period, count: u64, now_ms: u64) -> RateCheck;

    /// Adds `count` to counter `key` (a deferred increment, after the response).
    fn add(&self, key: &str, period: Period, count: u64, now_ms: u64);

    /// Appends the store's own metrics to `out` (a shared store's health); none by default.
    fn render_metrics(&self, _out: &mut String) {}
}

/// Bounds of the in-process counters (configuration; the defaults are safe for any keys).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CounterLimits {
    /// Most counters held at once.
    pub max_entries: usize,
    /// Estimated bytes all counters may take (table and keys).
    pub max_bytes: usize,
    /// Longest key stored as written; longer keys are stored as their SHA-256.
    pub max_key_bytes: usize,
}

impl Default for CounterLimits {
    fn default() -> Self {
        CounterLimits {
            max_entries: 1 << 20,
            max_bytes: 64 << 20,
            max_key_bytes: 64,
        }
    }
}

const SHARDS: usize = 16;

/// In-process counters: sixteen bounded shards (chosen by a keyed hash, so clients cannot
/// aim at one), each holding at most a sixteenth of the [`CounterLimits`]: as many entries
/// as fit in its bytes when every key has the longest stored length.
#[derive(Debug)]
pub struct LocalRates {
    shards: Vec<Mutex<Shard>>,
    hasher: RandomState,
    limits: CounterLimits,
}

impl Default for LocalRates {
    fn default() -> Self {
        LocalRates::new(CounterLimits::default())
    }
}

/// The stored form of `key`: a tag byte, then the key, or its SHA-256 when longer than `max`.
pub fn stored_key(key: &str, max: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(key.len().min(max.max(32)) + 1);
    if key.len() <= max {
        out.push(b'k');
        out.extend_from_slice(key.as_bytes());
    } else {
        out.push(b'h');
        out.extend_from_slice(&Sha256::digest(key.as_bytes()));
    }
    out
}

impl LocalRates {
    /// Counters within `limits`.
    pub fn new(limits: CounterLimits) -> LocalRates {
        LocalRates {
            shards: (0..SHARDS)
                .map(|_| {
                    Mutex::new(Shard::for_bytes(
                        (limits.max_entries / SHARDS).max(1),
                        limits.max_bytes / SHARDS,
                        limits.max_key_bytes.max(32) + 1,
                    ))
                })
                .collect(),
            hasher: RandomState::new(),
            limits,
        }
    }

    /// Bytes held by all counters: the tables' allocations and the keys (estimated with the
    /// allocator's rounding); never above `limits.max_bytes`.
    pub fn bytes(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().map_or(0, |s| s.bytes()))
            .sum()
    }

    /// Counters held.
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().map_or(0, |s| s.len()))
            .sum()
    }

    /// Whether no counter is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Runs `f` on the current window of `key` (`None`: the shard had no room at all).
    fn with<R>(
        &self,
        key: &str,
        period: Period,
        now: u64,
        f: impl FnOnce(Option<&mut Entry>) -> R,
    ) -> R {
        let stored = stored_key(key, self.limits.max_key_bytes);
        let i = (self.hasher.hash_one(&stored) % SHARDS as u64) as usize;
        let Some(shard) = self.shards.get(i) else {
            return f(None);
        };
        let mut shard = shard.lock().unwrap_or_else(|p| p.into_inner());
        let (start, end) = period.window_at(now);
        let fresh = Entry {
            start,
            end,
            count: 0,
        };
        let mut renewed = false;
        let entry = shard.entry(&stored, fresh, now).map(|e| {
            if !period.holds(e, now) {
                *e = fresh;
                renewed = true;
            }
            e
        });
        let r = f(entry);
        if renewed {
            shard.renewed(end);
        }
        r
    }
}

fn retry_after(end: u64, now: u64) -> u64 {
    end.saturating_sub(now).div_ceil(1000).max(1)
}

impl RateStore for LocalRates {
    fn hit(&self, key: &str, limit: u64, period: Period, count: u64, now_ms: u64) -> RateCheck {
        self.with(key, period, now_ms, |e| {
            let Some(w) = e else {
                return RateCheck {
                    allowed: true,
                    remaining: limit,
                    retry_after: 1,
                };
            };
            let allowed = if count == 0 {
                w.count < limit
            } else {
                w.count.saturating_add(count) <= limit
            };
            if allowed {
                w.count = w.count.saturating_add(count);
            }
            RateCheck {
                allowed,
                remaining: limit.saturating_sub(w.count),
                retry_after: retry_after(w.end, now_ms),
            }
        })
    }

    fn add(&self, key: &str, period: Period, count: u64, now_ms: u64) {
        self.with(key, period, now_ms, |e| {
            if let Some(w) = e {
                w.count = w.count.saturating_add(count);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEN_S: Period = Period {
        ms: 10_000,
        anchor: None,
    };

    #[test]
    fn fixed_window_counts_then_renews() {
        let r = LocalRates::default();
        assert!(r.hit("k", 2, TEN_S, 1, 0).allowed);
        let second = r.hit("k", 2, TEN_S, 1, 1_000);
        assert_eq!((second.allowed, second.remaining), (true, 0));
        let third = r.hit("k", 2, TEN_S, 1, 2_500);
        assert_eq!((third.allowed, third.retry_after), (false, 8));
        assert!(r.hit("other", 2, TEN_S, 1, 2_500).allowed);
        assert!(r.hit("k", 2, TEN_S, 1, 10_000).allowed);
    }

    #[test]
    fn check_only_and_deferred_add() {
        let r = LocalRates::default();
        let p = Period::from_first_call(1_000);
        assert!(r.hit("k", 1, p, 0, 0).allowed);
        r.add("k", p, 1, 0);
        assert!(!r.hit("k", 1, p, 0, 10).allowed);
    }

    #[test]
    fn aligned_windows_renew_on_the_anchor_grid() {
        let r = LocalRates::default();
        let p = Period::aligned(10_000, 3_000);
        assert_eq!(p.window_at(12_999), (3_000, 13_000));
        assert_eq!(p.window_at(13_000), (13_000, 23_000));
        assert_eq!(p.window_at(1_000), (0, 3_000));
        assert!(r.hit("k", 1, p, 1, 12_000).allowed);
        let over = r.hit("k", 1, p, 1, 12_500);
        assert_eq!((over.allowed, over.retry_after), (false, 1));
        assert!(r.hit("k", 1, p, 1, 13_000).allowed);
        let never = Period::aligned(0, 0);
        assert!(r.hit("n", 1, never, 1, 5).allowed);
        assert!(!r.hit("n", 1, never, 1, u64::MAX / 2).allowed);
    }

    #[test]
    fn long_keys_are_stored_as_digests() {
        let r = LocalRates::new(CounterLimits {
            max_key_bytes: 16,
            ..CounterLimits::default()
        });
        let long = "x".repeat(100_000);
        assert!(r.hit(&long, 1, TEN_S, 1, 0).allowed);
        assert!(
            !r.hit(&long, 1, TEN_S, 1, 1).allowed,
            "same digest, same counter"
        );
        assert!(r.bytes() < 4096, "{}", r.bytes());
        assert!(r.hit(&"x".repeat(99_999), 1, TEN_S, 1, 1).allowed);
    }

    #[test]
    fn stays_under_its_cap_whatever_the_keys() {
        let limits = CounterLimits {
            max_entries: usize::MAX,
            max_bytes: 256 << 10,
            max_key_bytes: 64,
        };
        let r = LocalRates::new(limits);
        for i in 0..50_000 {
            r.hit(
                &format!("client-{i}-{}", "y".repeat(i % 200)),
                5,
                TEN_S,
                1,
                0,
            );
        }
        assert!(r.bytes() <= limits.max_bytes, "{}", r.bytes());
        assert!(r.len() > 500, "{}", r.len());
    }
}
