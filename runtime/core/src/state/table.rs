//! One shard of in-process counters, bounded in entries so that its bytes stay under a cap.
//!
//! Keys arrive already shortened (see [`super::rates`]), so the worst case of a shard with
//! `n` entries is known: [`Shard::for_bytes`] picks the largest `n` whose worst case fits.
//! A new key that finds the shard full first sweeps expired windows (when one may have
//! ended), then evicts: of the first [`SAMPLE`] entries the table yields, the one with the
//! smallest count (ties: the earliest end). An evicted counter restarts from zero, so a key
//! can go over its limit by at most the count it had; flooding keys each count one, so they
//! evict each other before a busy key.

use hashbrown::HashMap;
use std::hash::RandomState;
use std::mem::size_of;

/// Entries looked at to choose one to evict.
const SAMPLE: usize = 8;

/// One counter's window.
#[derive(Clone, Copy, Debug)]
pub(super) struct Entry {
    /// When the window started, ms.
    pub start: u64,
    /// When it ends, ms (`u64::MAX`: never).
    pub end: u64,
    /// Calls counted in it.
    pub count: u64,
}

/// Bytes one table bucket takes: the key's box, the entry and the control byte.
const BUCKET: usize = size_of::<(Box<[u8]>, Entry)>() + 1;

/// Estimated heap bytes of a key of `len` bytes (allocator rounding and header).
pub(super) fn key_bytes(len: usize) -> usize {
    len.div_ceil(16) * 16 + 16
}

/// The most bytes a shard of at most `n` entries with keys of at most `key_len` bytes can
/// take: the table's buckets (load factor 7/8, a power of two, and one doubling more when
/// deleted slots fill it before a rehash) and the keys.
fn worst_bytes(n: usize, key_len: usize) -> usize {
    let buckets = (n.saturating_mul(8) / 7 + 1).next_power_of_two();
    buckets
        .saturating_mul(2 * BUCKET)
        .saturating_add(64)
        .saturating_add(n.saturating_mul(key_bytes(key_len)))
}

/// A bounded map from key to window.
#[derive(Debug)]
pub(super) struct Shard {
    map: HashMap<Box<[u8]>, Entry, RandomState>,
    cap: usize,
    key_heap: usize,
    /// No window ends before this (so no sweep can free anything earlier).
    next_end: u64,
}

impl Shard {
    /// A shard of at most `max_entries` entries whose keys are at most `key_len` bytes, and
    /// as many as fit in `max_bytes` in the worst case.
    pub fn for_bytes(max_entries: usize, max_bytes: usize, key_len: usize) -> Shard {
        let (mut lo, mut hi) = (0, max_entries.min(max_bytes));
        while lo < hi {
            let mid = lo + (hi - lo).div_ceil(2);
            if worst_bytes(mid, key_len) <= max_bytes {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        Shard {
            map: HashMap::with_hasher(RandomState::new()),
            cap: lo,
            key_heap: 0,
            next_end: u64::MAX,
        }
    }

    /// Bytes held: the table's allocation and the keys' (estimated) heap.
    pub fn bytes(&self) -> usize {
        self.map.allocation_size() + self.key_heap
    }

    /// Entries held.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// The entry of `key`, inserted as `fresh` when absent, making room first (`None`: the
    /// shard holds no entry at all).
    pub fn entry(&mut self, key: &[u8], fresh: Entry, now: u64) -> Option<&mut Entry> {
        if !self.map.contains_key(key) {
            if self.cap == 0 {
                return None;
            }
            if self.map.len() >= self.cap && now >= self.next_end {
                self.sweep(now);
            }
            while self.map.len() >= self.cap {
                self.evict_one();
            }
            self.key_heap += key_bytes(key.len());
            self.next_end = self.next_end.min(fresh.end);
            self.map.insert(key.into(), fresh);
        }
        self.map.get_mut(key)
    }

    /// Notes that an entry's window now ends at `end`.
    pub fn renewed(&mut self, end: u64) {
        self.next_end = self.next_end.min(end);
    }

    /// Drops every window that has ended.
    fn sweep(&mut self, now: u64) {
        let mut freed = 0;
        let mut next_end = u64::MAX;
        self.map.retain(|k, e| {
            let keep = now < e.end;
            if keep {
                next_end = next_end.min(e.end);
            } else {
                freed += key_bytes(k.len());
            }
            keep
        });
        self.key_heap -= freed;
        self.next_end = next_end;
    }

    fn evict_one(&mut self) {
        let victim = self
            .map
            .iter()
            .take(SAMPLE)
            .min_by_key(|(_, e)| (e.count, e.end))
            .map(|(k, _)| k.clone());
        match victim {
            Some(k) => {
                self.map.remove(&k);
                self.key_heap -= key_bytes(k.len());
            }
            None => self.map.clear(),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn fresh(end: u64) -> Entry {
        Entry {
            start: 0,
            end,
            count: 0,
        }
    }

    #[test]
    fn bounded_in_entries_and_bytes() {
        let mut s = Shard::for_bytes(100, usize::MAX, 8);
        for i in 0..10_000u32 {
            s.entry(&i.to_le_bytes(), fresh(u64::MAX), 0).unwrap().count = 1;
        }
        assert_eq!(s.len(), 100);
        let mut s = Shard::for_bytes(usize::MAX, 8 << 10, 8);
        assert!(s.cap > 30, "{}", s.cap);
        for i in 0..10_000u32 {
            s.entry(&i.to_le_bytes(), fresh(u64::MAX), 0);
            assert!(s.bytes() <= 8 << 10, "{}", s.bytes());
        }
        assert!(Shard::for_bytes(10, 10, 8)
            .entry(b"k", fresh(1), 0)
            .is_none());
    }

    #[test]
    fn busy_keys_outlive_a_flood() {
        let mut s = Shard::for_bytes(64, usize::MAX, 8);
        s.entry(b"busy", fresh(u64::MAX), 0).unwrap().count = 50;
        for i in 0..100_000u32 {
            s.entry(&i.to_le_bytes(), fresh(u64::MAX), 0).unwrap().count = 1;
        }
        assert_eq!(s.map.get(&b"busy"[..]).map(|e| e.count), Some(50));
    }

    #[test]
    fn expired_windows_are_swept_before_evicting() {
        let mut s = Shard::for_bytes(2, usize::MAX, 8);
        s.entry(b"old", fresh(10), 0).unwrap().count = 9;
        s.entry(b"live", fresh(1_000), 0).unwrap().count = 1;
        s.entry(b"new", fresh(1_000), 20);
        assert!(s.map.contains_key(&b"live"[..]));
        assert!(!s.map.contains_key(&b"old"[..]));
        assert_eq!(s.key_heap, key_bytes(4) + key_bytes(3));
    }
}
