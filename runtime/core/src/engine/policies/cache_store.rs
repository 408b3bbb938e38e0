//! `cache-store`: the response of a GET whose `cache-lookup` missed goes into the cache for
//! `duration` seconds — only a `200 OK` unless `cache-response` says otherwise.

use super::super::exchange::{Body, Exchange};
use super::super::run::Next;
use super::cache_lookup::{apply_downstream, flag};
use crate::program::{CacheStore, Op, Program};
use crate::state::encode_response;
use http::StatusCode;

/// Stores the response.
pub(super) fn cache_store(x: &mut Exchange, program: &Program, op: &Op, c: &CacheStore) -> Next {
    let Some(state) = x.response_cache.as_ref() else {
        return Next::Go;
    };
    if state.hit {
        return Next::Go;
    }
    let args = (|| {
        let cacheable = match &c.cache_response {
            None => x.ctx.resp.status == StatusCode::OK,
            Some(a) => flag(x, program, a)?,
        };
        Ok::<_, crate::vm::Fault>((cacheable, x.arg_int(program, &c.duration)?))
    })();
    let (cacheable, duration) = match args {
        Ok(a) => a,
        Err(f) => return Next::Error(x.fault_at(program, op, &f)),
    };
    let secs = duration.max(0) as u64;
    if let (true, Some(state), Body::Held(body)) =
        (cacheable, x.response_cache.as_ref(), &x.ctx.resp.body)
    {
        let sh = x.ctx.sh.clone();
        let now = sh.clock.now_ms();
        let ttl = secs.saturating_mul(1000);
        let resp = &x.ctx.resp;
        let bytes = encode_response(
            now.saturating_add(ttl),
            resp.status,
            resp.headers.map(),
            body,
        );
        sh.stores
            .cache_for(state.caching_type)
            .put(&state.key, bytes, ttl, now);
    }
    apply_downstream(x, secs);
    Next::Go
}
