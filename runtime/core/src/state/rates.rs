//! Fixed-window rate-limit counters: the [`RateStore`] trait and its in-process implementation.

use std::collections::HashMap;
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

/// Counters keyed by string, each in a fixed window that starts at its first call.
pub trait RateStore: Send + Sync + std::fmt::Debug {
    /// Checks counter `key` at time `now_ms` against `limit` calls per `period_ms`, adding
    /// `count` when the call is allowed (`count` 0 only checks: the call is allowed while
    /// the counter is below the limit).
    fn hit(&self, key: &str, limit: u64, period_ms: u64, count: u64, now_ms: u64) -> RateCheck;

    /// Adds `count` to counter `key` (a deferred increment, after the response).
    fn add(&self, key: &str, period_ms: u64, count: u64, now_ms: u64);
}

#[derive(Clone, Copy, Debug)]
struct Window {
    start: u64,
    period: u64,
    count: u64,
}

impl Window {
    fn current(&mut self, period: u64, now: u64) {
        if now >= self.start.saturating_add(self.period) || now < self.start {
            *self = Window {
                start: now,
                period,
                count: 0,
            };
        }
    }

    fn retry_after(&self, now: u64) -> u64 {
        let end = self.start.saturating_add(self.period);
        end.saturating_sub(now).div_ceil(1000).max(1)
    }
}

const SHARDS: usize = 16;

/// The shard of `key` (FNV-1a).
fn shard_of(key: &str) -> usize {
    let h = key.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    });
    (h % SHARDS as u64) as usize
}

/// In-process counters: sharded `Mutex<HashMap>`s. Expired windows are dropped when a
/// shard grows past `sweep_at` entries.
#[derive(Debug)]
pub struct LocalRates {
    shards: Vec<Mutex<HashMap<String, Window>>>,
    sweep_at: usize,
}

impl Default for LocalRates {
    fn default() -> Self {
        LocalRates::new(4096)
    }
}

impl LocalRates {
    /// Counters whose shards sweep expired windows past `sweep_at` entries.
    pub fn new(sweep_at: usize) -> LocalRates {
        LocalRates {
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
            sweep_at,
        }
    }

    fn with<R>(&self, key: &str, now: u64, f: impl FnOnce(&mut HashMap<String, Window>) -> R) -> R {
        let Some(shard) = self.shards.get(shard_of(key)) else {
            return f(&mut HashMap::new());
        };
        let mut map = shard.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > self.sweep_at {
            map.retain(|_, w| now < w.start.saturating_add(w.period));
        }
        f(&mut map)
    }
}

fn window<'a>(
    map: &'a mut HashMap<String, Window>,
    key: &str,
    period: u64,
    now: u64,
) -> Option<&'a mut Window> {
    if !map.contains_key(key) {
        let fresh = Window {
            start: now,
            period,
            count: 0,
        };
        map.insert(key.to_string(), fresh);
    }
    let w = map.get_mut(key)?;
    w.current(period, now);
    Some(w)
}

impl RateStore for LocalRates {
    fn hit(&self, key: &str, limit: u64, period_ms: u64, count: u64, now_ms: u64) -> RateCheck {
        self.with(key, now_ms, |map| {
            let Some(w) = window(map, key, period_ms, now_ms) else {
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
                retry_after: w.retry_after(now_ms),
            }
        })
    }

    fn add(&self, key: &str, period_ms: u64, count: u64, now_ms: u64) {
        self.with(key, now_ms, |map| {
            if let Some(w) = window(map, key, period_ms, now_ms) {
                w.count = w.count.saturating_add(count);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_window_counts_then_renews() {
        let r = LocalRates::default();
        assert!(r.hit("k", 2, 10_000, 1, 0).allowed);
        let second = r.hit("k", 2, 10_000, 1, 1_000);
        assert_eq!((second.allowed, second.remaining), (true, 0));
        let third = r.hit("k", 2, 10_000, 1, 2_500);
        assert_eq!((third.allowed, third.retry_after), (false, 8));
        assert!(r.hit("other", 2, 10_000, 1, 2_500).allowed);
        assert!(r.hit("k", 2, 10_000, 1, 10_000).allowed);
    }

    #[test]
    fn check_only_and_deferred_add() {
        let r = LocalRates::default();
        assert!(r.hit("k", 1, 1_000, 0, 0).allowed);
        r.add("k", 1_000, 1, 0);
        assert!(!r.hit("k", 1, 1_000, 0, 10).allowed);
    }

    #[test]
    fn expired_windows_are_swept() {
        let r = LocalRates::new(1);
        let same: Vec<String> = (0..1000)
            .map(|i| format!("k{i}"))
            .filter(|k| shard_of(k) == 3)
            .take(3)
            .collect();
        r.hit(&same[0], 1, 10, 1, 0);
        r.hit(&same[1], 1, 10, 1, 0);
        r.hit(&same[2], 1, 10, 1, 100);
        let len = r.shards[3].lock().map_or(0, |m| m.len());
        assert_eq!(len, 1);
    }
}
