//! `cache-lookup`: for a GET (without `Authorization` unless private caching is allowed),
//! the response cache key of APIM's rules — API, operation, path, the query parameters and
//! headers it varies by, the developer — and on a hit the cached response, after which
//! processing continues in `outbound` after the `cache-store` (APIM's "continue from the
//! step in the response pipeline that is after the corresponding cache-store").

use super::super::exchange::{Body, Exchange, Reply};
use super::super::headers::Headers;
use super::super::run::Next;
use crate::program::{Arg, CacheLookup, CachingType, Op, OpKind, Program};
use crate::state::decode_response;
use crate::vm::Fault;
use http::header::{HeaderValue, AUTHORIZATION, CACHE_CONTROL};
use http::Method;
use std::fmt::Write;

/// `downstream-caching-type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Downstream {
    /// Downstream caches may not keep the response (gatehouse leaves `Cache-Control` as is).
    None,
    /// Private caches may.
    Private,
    /// Private and shared caches may.
    Public,
}

/// What `cache-lookup` decided, for `cache-store` and the hit's outbound.
#[derive(Clone, Debug)]
pub(crate) struct ResponseCache {
    /// The response's key in the cache.
    pub key: String,
    /// Which cache.
    pub caching_type: CachingType,
    /// `downstream-caching-type`.
    pub downstream: Downstream,
    /// `must-revalidate`.
    pub must_revalidate: bool,
    /// The response came from the cache.
    pub hit: bool,
    /// A hit's outbound is skipping operations up to its `cache-store`.
    pub skipping: bool,
}

/// A boolean attribute (`true`, case-insensitive, or an expression's `true`).
pub(super) fn flag(x: &mut Exchange, program: &Program, a: &Arg) -> Result<bool, Fault> {
    Ok(x.arg_text(program, a)?.trim().eq_ignore_ascii_case("true"))
}

fn opt_flag(
    x: &mut Exchange,
    program: &Program,
    a: Option<Arg>,
    default: bool,
) -> Result<bool, Fault> {
    a.map_or(Ok(default), |a| flag(x, program, &a))
}

/// Looks the response up.
pub(super) fn cache_lookup(x: &mut Exchange, program: &Program, op: &Op, c: &CacheLookup) -> Next {
    match lookup(x, program, c) {
        Ok(next) => next,
        Err(f) => Next::Error(x.fault_at(program, op, &f)),
    }
}

fn lookup(x: &mut Exchange, program: &Program, c: &CacheLookup) -> Result<Next, Fault> {
    if x.ctx.req.method != Method::GET {
        return Ok(Next::Go);
    }
    let private = opt_flag(x, program, c.allow_private_response_caching, false)?;
    if !private && x.ctx.req.headers.map().contains_key(AUTHORIZATION) {
        return Ok(Next::Go);
    }
    let by_developer = flag(x, program, &c.vary_by_developer)?;
    let by_groups = flag(x, program, &c.vary_by_developer_groups)?;
    let downstream = match c.downstream_caching_type {
        None => Downstream::None,
        Some(a) => match x.arg_text(program, &a)?.trim() {
            "none" => Downstream::None,
            "private" => Downstream::Private,
            "public" => Downstream::Public,
            other => {
                let msg =
                    format!("'{other}' is not a downstream caching type (none, private, public)");
                return Err(Fault::unsupported(&msg));
            }
        },
    };
    let must_revalidate = opt_flag(x, program, c.must_revalidate, true)?;
    let key = cache_key(x, program, c, by_developer || by_groups)?;
    let sh = x.ctx.sh.clone();
    let now = sh.clock.now_ms();
    let found = sh
        .stores
        .cache_for(c.caching_type)
        .get(&key, now)
        .and_then(|b| decode_response(&b));
    let hit = found.is_some();
    x.response_cache = Some(ResponseCache {
        key,
        caching_type: c.caching_type,
        downstream,
        must_revalidate,
        hit,
        skipping: hit,
    });
    let Some(r) = found else {
        return Ok(Next::Go);
    };
    x.ctx.resp = Reply {
        status: r.status,
        reason: None,
        headers: Headers::new(r.headers),
        body: Body::Held(r.body),
    };
    let max_age = r.expires_ms.saturating_sub(now) / 1000;
    apply_downstream(x, max_age);
    x.enter(2);
    Ok(Next::Go)
}

/// The response's key: API, operation, path, query parameters (those named, or all),
/// the headers named, and the developer (the subscription) when it varies by developer.
fn cache_key(
    x: &mut Exchange,
    program: &Program,
    c: &CacheLookup,
    by_developer: bool,
) -> Result<String, Fault> {
    let mut params: Vec<String> = Vec::new();
    for a in &c.vary_by_query_parameter {
        let text = x.arg_text(program, a)?;
        params.extend(
            text.split(';')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_owned),
        );
    }
    let mut headers: Vec<String> = Vec::with_capacity(c.vary_by_header.len());
    for a in &c.vary_by_header {
        headers.push(x.arg_text(program, a)?.trim().to_owned());
    }
    let req = &x.ctx.req;
    let mut key = format!(
        "response\0{}\0{}\0{}",
        x.ctx.api.map_or(-1, i64::from),
        x.ctx.op.map_or(-1, i64::from),
        req.received_path()
    );
    let mut query: Vec<_> = req
        .query()
        .iter()
        .filter(|(k, _)| params.is_empty() || params.iter().any(|p| p.eq_ignore_ascii_case(k)))
        .collect();
    query.sort_by(|a, b| a.0.cmp(&b.0));
    for (k, vs) in query {
        let _ = write!(key, "\0q{}={}", k.len(), k);
        for v in vs {
            let _ = write!(key, "\0{}={}", v.len(), v);
        }
    }
    for h in &headers {
        let _ = write!(key, "\0h{}={}", h.len(), h.to_ascii_lowercase());
        for v in req.headers.map().get_all(h.as_str()) {
            let _ = write!(key, "\0{}=", v.len());
            key.push_str(&String::from_utf8_lossy(v.as_bytes()));
        }
    }
    if by_developer {
        let sub = x.ctx.sub.as_ref().map_or(-1, |s| i64::from(s.sub));
        let _ = write!(key, "\0d{sub}");
    }
    Ok(key)
}

/// Sets `Cache-Control` for downstream caches (`private`/`public` with `max-age`, and
/// `must-revalidate`); `none` leaves the response's header as it is.
pub(super) fn apply_downstream(x: &mut Exchange, max_age: u64) {
    let Some(c) = &x.response_cache else {
        return;
    };
    let scope = match c.downstream {
        Downstream::None => return,
        Downstream::Private => "private",
        Downstream::Public => "public",
    };
    let mut value = format!("{scope}, max-age={max_age}");
    if c.must_revalidate {
        value.push_str(", must-revalidate");
    }
    if let Ok(v) = HeaderValue::from_str(&value) {
        x.ctx.resp.headers.map_mut().insert(CACHE_CONTROL, v);
    }
}

/// A hit's outbound: operations up to its `cache-store` do not run (shared blocks are
/// entered to find it).
pub(super) fn skip(x: &mut Exchange, op: &Op) -> Next {
    match &op.kind {
        OpKind::Call(b) => Next::Enter(*b),
        OpKind::CacheStore(_)
        | OpKind::LlmSemanticCacheStore(_)
        | OpKind::AzureOpenAiSemanticCacheStore(_) => {
            if let Some(c) = x.response_cache.as_mut() {
                c.skipping = false;
            }
            Next::Go
        }
        _ => Next::Go,
    }
}
