//! `limit-concurrency` slots: how many requests hold each key now. A [`Held`] slot is
//! given back when dropped, so an exchange that ends any way (answered, failed, dropped
//! on a client abort or a timeout) releases its keys. Only held keys have an entry, so the
//! table is bounded by the requests in flight.

use super::rates::stored_key;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The slots of every key, in process.
#[derive(Debug, Default)]
pub struct Concurrency {
    held: Mutex<HashMap<Vec<u8>, u64>>,
}

/// Keys longer than this are held as their SHA-256.
const MAX_KEY: usize = 256;

/// One request's slot of a key; released when dropped.
#[derive(Debug)]
pub struct Held {
    table: Arc<Concurrency>,
    key: Vec<u8>,
}

impl Concurrency {
    /// A slot of `key` if fewer than `max` are held.
    pub fn acquire(self: &Arc<Self>, key: &str, max: u64) -> Option<Held> {
        let key = stored_key(key, MAX_KEY);
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        let n = held.entry(key.clone()).or_default();
        if *n >= max {
            if *n == 0 {
                held.remove(&key);
            }
            return None;
        }
        *n += 1;
        Some(Held {
            table: self.clone(),
            key,
        })
    }

    /// Slots of `key` held now.
    pub fn holding(&self, key: &str) -> u64 {
        let key = stored_key(key, MAX_KEY);
        let held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        held.get(&key).copied().unwrap_or(0)
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        let mut held = self.table.held.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = held.get_mut(&self.key) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                held.remove(&self.key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_bounded_and_given_back_when_dropped() {
        let c = Arc::new(Concurrency::default());
        let a = c.acquire("k", 2);
        let b = c.acquire("k", 2);
        assert!(a.is_some() && b.is_some());
        assert!(c.acquire("k", 2).is_none());
        assert!(c.acquire("other", 2).is_some(), "keys apart");
        drop(a);
        let again = c.acquire("k", 2);
        assert!(again.is_some());
        drop((b, again));
        assert_eq!(c.holding("k"), 0);
        assert!(c.held.lock().map(|h| h.is_empty()).unwrap_or(false));
        assert!(c.acquire("z", 0).is_none());
        assert!(c.held.lock().map(|h| h.is_empty()).unwrap_or(false));
    }
}
