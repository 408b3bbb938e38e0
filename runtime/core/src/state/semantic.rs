//! The semantic cache's vectors: per partition, an index of prompt embeddings with their
//! expiry, and each cached response beside it, kept in a [`CacheStore`] (so the built-in
//! cache's weight budget bounds them). A lookup finds the nearest prompt by cosine distance.
//!
//! The seam for a shared store: both functions take any `CacheStore`. The policies pass the
//! built-in one, so across replicas the semantic cache is not shared yet (docs/gateway.md).

use super::cache::CacheStore;
use bytes::{Buf, BufMut, Bytes};
use std::sync::atomic::{AtomicU64, Ordering};

/// One indexed prompt.
#[derive(Clone, Debug, PartialEq)]
struct Indexed {
    id: u64,
    expires_ms: u64,
    vector: Vec<f32>,
}

fn index_key(partition: &str) -> String {
    format!("semantic-index\u{1f}{partition}")
}

fn entry_key(partition: &str, id: u64) -> String {
    format!("semantic-entry\u{1f}{partition}\u{1f}{id}")
}

fn encode(entries: &[Indexed]) -> Bytes {
    let size: usize = entries.iter().map(|e| 20 + 4 * e.vector.len()).sum();
    let mut out = Vec::with_capacity(size);
    for e in entries {
        out.put_u64_le(e.id);
        out.put_u64_le(e.expires_ms);
        out.put_u32_le(e.vector.len() as u32);
        for f in &e.vector {
            out.put_f32_le(*f);
        }
    }
    Bytes::from(out)
}

fn decode(mut b: Bytes) -> Vec<Indexed> {
    let mut out = Vec::new();
    while b.remaining() >= 20 {
        let id = b.get_u64_le();
        let expires_ms = b.get_u64_le();
        let n = b.get_u32_le() as usize;
        if b.remaining() < n.saturating_mul(4) {
            break;
        }
        let vector = (0..n).map(|_| b.get_f32_le()).collect();
        out.push(Indexed {
            id,
            expires_ms,
            vector,
        });
    }
    out
}

/// The cosine distance of two vectors (1 − cosine similarity; 1 when either is zero or
/// their lengths differ).
pub fn cosine_distance(a: &[f32], b: &[f32]) -> f64 {
    if a.len() != b.len() || a.is_empty() {
        return 1.0;
    }
    let (mut dot, mut na, mut nb) = (0f64, 0f64, 0f64);
    for (x, y) in a.iter().zip(b) {
        let (x, y) = (f64::from(*x), f64::from(*y));
        dot += x * y;
        na += x * x;
        nb += y * y;
    }
    if na == 0.0 || nb == 0.0 {
        return 1.0;
    }
    1.0 - dot / (na.sqrt() * nb.sqrt())
}

/// The cached response of the prompt nearest to `vector` in `partition`, with its distance,
/// when one is within `threshold` (a distance: lower is stricter) and not expired at `now_ms`.
pub fn nearest(
    cache: &dyn CacheStore,
    partition: &str,
    vector: &[f32],
    threshold: f64,
    now_ms: u64,
) -> Option<(f64, Bytes)> {
    let index = decode(cache.get(&index_key(partition), now_ms)?);
    let mut best: Option<(f64, u64)> = None;
    for e in index.iter().filter(|e| e.expires_ms > now_ms) {
        let d = cosine_distance(vector, &e.vector);
        if d <= threshold && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, e.id));
        }
    }
    let (d, id) = best?;
    cache.get(&entry_key(partition, id), now_ms).map(|r| (d, r))
}

/// Ids of entries, unique within the process.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// Keeps `response` for the prompt `vector` in `partition` for `ttl_ms`; a partition holds
/// at most `max_entries` prompts (the one expiring first is replaced).
pub fn insert(
    cache: &dyn CacheStore,
    partition: &str,
    vector: Vec<f32>,
    response: Bytes,
    ttl_ms: u64,
    now_ms: u64,
    max_entries: usize,
) {
    if ttl_ms == 0 || max_entries == 0 {
        return;
    }
    let key = index_key(partition);
    let mut index: Vec<Indexed> = cache
        .get(&key, now_ms)
        .map(decode)
        .unwrap_or_default()
        .into_iter()
        .filter(|e| e.expires_ms > now_ms)
        .collect();
    while index.len() >= max_entries {
        let Some(i) = (0..index.len()).min_by_key(|i| index[*i].expires_ms) else {
            break;
        };
        let gone = index.swap_remove(i);
        cache.remove(&entry_key(partition, gone.id));
    }
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let expires_ms = now_ms.saturating_add(ttl_ms);
    cache.put(&entry_key(partition, id), response, ttl_ms, now_ms);
    index.push(Indexed {
        id,
        expires_ms,
        vector,
    });
    let last = index
        .iter()
        .map(|e| e.expires_ms)
        .max()
        .unwrap_or(expires_ms);
    cache.put(&key, encode(&index), last.saturating_sub(now_ms), now_ms);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{CacheLimits, LocalCache};

    #[test]
    fn finds_the_nearest_prompt_within_the_threshold_until_it_expires() {
        let cache = LocalCache::new(CacheLimits::default());
        let now = 1_000;
        insert(
            &cache,
            "p",
            vec![1.0, 0.0],
            Bytes::from("east"),
            10_000,
            now,
            8,
        );
        insert(
            &cache,
            "p",
            vec![0.0, 1.0],
            Bytes::from("north"),
            10_000,
            now,
            8,
        );
        let near_east = [0.99, 0.05];
        let (d, r) = nearest(&cache, "p", &near_east, 0.01, now).expect("present");
        assert_eq!(r, Bytes::from("east"));
        assert!(d < 0.01, "{d}");
        // Stricter than the distance: a miss. Another partition: a miss.
        assert_eq!(nearest(&cache, "p", &near_east, d / 2.0, now), None);
        assert_eq!(nearest(&cache, "q", &near_east, 0.5, now), None);
        assert_eq!(nearest(&cache, "p", &near_east, 0.5, now + 10_000), None);
    }

    #[test]
    fn a_full_partition_replaces_the_entry_expiring_first() {
        let cache = LocalCache::new(CacheLimits::default());
        insert(&cache, "p", vec![1.0, 0.0], Bytes::from("a"), 5_000, 0, 2);
        insert(&cache, "p", vec![0.0, 1.0], Bytes::from("b"), 9_000, 0, 2);
        insert(&cache, "p", vec![-1.0, 0.0], Bytes::from("c"), 9_000, 0, 2);
        assert_eq!(nearest(&cache, "p", &[1.0, 0.0], 0.1, 1), None);
        assert!(nearest(&cache, "p", &[-1.0, 0.0], 0.1, 1).is_some());
        assert_eq!(cosine_distance(&[1.0], &[1.0, 2.0]), 1.0);
        assert_eq!(cosine_distance(&[0.0, 0.0], &[1.0, 2.0]), 1.0);
    }
}
