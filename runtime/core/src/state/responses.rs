//! The stored form of a cached response (`cache-store`): when it expires, its status, its
//! headers and its body, so that any store (in process or Redis) holds the same bytes.

use bytes::{Buf, BufMut, Bytes};
use http::header::{HeaderName, HeaderValue};
use http::{HeaderMap, StatusCode};

/// A response read back from the cache.
#[derive(Clone, Debug)]
pub struct CachedResponse {
    /// When it expires, ms since the epoch (for downstream `max-age`).
    pub expires_ms: u64,
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body.
    pub body: Bytes,
}

/// The stored form of a response.
pub fn encode_response(
    expires_ms: u64,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> Bytes {
    let mut out = Vec::with_capacity(16 + body.len() + headers.len() * 32);
    out.put_u64_le(expires_ms);
    out.put_u16_le(status.as_u16());
    out.put_u32_le(headers.len() as u32);
    for (k, v) in headers {
        out.put_u32_le(k.as_str().len() as u32);
        out.put_slice(k.as_str().as_bytes());
        out.put_u32_le(v.as_bytes().len() as u32);
        out.put_slice(v.as_bytes());
    }
    out.put_slice(body);
    Bytes::from(out)
}

/// A response stored by [`encode_response`]; `None` when the bytes are not one.
pub fn decode_response(stored: &Bytes) -> Option<CachedResponse> {
    let mut b = stored.clone();
    if b.remaining() < 14 {
        return None;
    }
    let expires_ms = b.get_u64_le();
    let status = StatusCode::from_u16(b.get_u16_le()).ok()?;
    let n = b.get_u32_le() as usize;
    let mut headers = HeaderMap::with_capacity(n.min(256));
    for _ in 0..n {
        let name = take(&mut b)?;
        let value = take(&mut b)?;
        let name = HeaderName::from_bytes(&name).ok()?;
        headers.append(name, HeaderValue::from_maybe_shared(value).ok()?);
    }
    Some(CachedResponse {
        expires_ms,
        status,
        headers,
        body: b,
    })
}

fn take(b: &mut Bytes) -> Option<Bytes> {
    if b.remaining() < 4 {
        return None;
    }
    let len = b.get_u32_le() as usize;
    (b.remaining() >= len).then(|| b.split_to(len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_response_round_trips_and_truncations_are_refused() {
        let mut h = HeaderMap::new();
        h.append("content-type", HeaderValue::from_static("application/json"));
        h.append("x-a", HeaderValue::from_static("1"));
        h.append("x-a", HeaderValue::from_static("2"));
        let b = encode_response(99, StatusCode::CREATED, &h, b"{\"ok\":true}");
        let r = decode_response(&b).unwrap_or_else(|| panic!("decodes"));
        assert_eq!((r.expires_ms, r.status), (99, StatusCode::CREATED));
        assert_eq!(r.headers, h);
        assert_eq!(&r.body[..], b"{\"ok\":true}");
        for cut in 0..b.len() - 11 {
            assert!(decode_response(&b.slice(..cut)).is_none(), "{cut}");
        }
    }
}
