//! `cache-lookup` / `cache-store`: APIM's key and rules, with an injected clock.

use super::*;
use crate::program::{CacheLookup, CacheStore, CachingType, ExistsAction, HeaderOp, OpKind};

fn set(b: &mut B, name: &str, value: &str) -> OpKind {
    OpKind::SetHeader(HeaderOp {
        name: b.lit(name),
        action: ExistsAction::Override,
        values: vec![b.lit(value)],
    })
}

/// GET /orders/items/{id}: lookup varying by `Accept` and query parameter `v`, public
/// downstream caching; outbound sets `X-Before`, stores for 60 s, sets `X-After`.
fn gateway(cache_response: Option<&str>) -> (Gateway, Arc<ManualClock>) {
    let mut b = B::new();
    let lookup = OpKind::CacheLookup(CacheLookup {
        vary_by_developer: b.lit("false"),
        vary_by_developer_groups: b.lit("false"),
        caching_type: CachingType::Internal,
        downstream_caching_type: Some(b.lit("public")),
        must_revalidate: None,
        allow_private_response_caching: None,
        vary_by_header: vec![b.lit("Accept")],
        vary_by_query_parameter: vec![b.lit("v;w")],
    });
    let store = OpKind::CacheStore(CacheStore {
        duration: b.lit("60"),
        cache_response: cache_response.map(|c| b.lit(c)),
    });
    let outbound = vec![
        set(&mut b, "X-Before", "b"),
        store,
        set(&mut b, "X-After", "a"),
    ];
    let p = b.pipeline(vec![lookup], None, outbound, vec![]);
    let api = b.api("orders", "orders", false);
    b.op(api, "get-item", "GET", "/items/{id}", vec![(u32::MAX, p)]);
    b.op(api, "post-item", "POST", "/items/{id}", vec![(u32::MAX, p)]);
    b.gateway()
}

/// Calls `gw`; the backend answers `status` with a body counting its calls.
fn call(
    gw: &Gateway,
    calls: &mut u32,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    status: u16,
) -> Outcome {
    let mut backend = |_: &BackendRequest, _: &Bytes| {
        *calls += 1;
        Ok((
            BackendResponse {
                status: StatusCode::from_u16(status).unwrap(),
                headers: HeaderMap::new(),
            },
            Bytes::from(format!("backend-{calls}")),
        ))
    };
    run_in_process(gw, head(method, path, headers), Bytes::new(), &mut backend)
}

#[test]
fn a_hit_answers_without_the_backend_and_continues_after_cache_store() {
    let (gw, clock) = gateway(None);
    let mut n = 0;
    let first = call(&gw, &mut n, "GET", "/orders/items/1?v=1", &[], 200);
    assert_eq!((n, body(&first)), (1, "backend-1"));
    assert_eq!(
        header(&first, "cache-control"),
        Some("public, max-age=60, must-revalidate")
    );
    clock.advance(15_000);
    let hit = call(&gw, &mut n, "GET", "/orders/items/1?v=1&other=x", &[], 200);
    assert_eq!(
        (n, body(&hit)),
        (1, "backend-1"),
        "unlisted parameters do not vary"
    );
    assert!(hit.forwarded.is_empty());
    assert_eq!(
        header(&hit, "x-before"),
        Some("b"),
        "stored with the response"
    );
    assert_eq!(header(&hit, "x-after"), Some("a"), "runs after cache-store");
    assert_eq!(
        header(&hit, "cache-control"),
        Some("public, max-age=45, must-revalidate")
    );
    clock.advance(45_000);
    let expired = call(&gw, &mut n, "GET", "/orders/items/1?v=1", &[], 200);
    assert_eq!((n, body(&expired)), (2, "backend-2"));
}

#[test]
fn the_key_varies_by_path_listed_parameters_and_headers() {
    let (gw, _clock) = gateway(None);
    let mut n = 0;
    call(
        &gw,
        &mut n,
        "GET",
        "/orders/items/1?v=1",
        &[("Accept", "a/b")],
        200,
    );
    call(
        &gw,
        &mut n,
        "GET",
        "/orders/items/1?v=1",
        &[("Accept", "a/b")],
        200,
    );
    assert_eq!(n, 1);
    call(
        &gw,
        &mut n,
        "GET",
        "/orders/items/1?v=2",
        &[("Accept", "a/b")],
        200,
    );
    call(
        &gw,
        &mut n,
        "GET",
        "/orders/items/1?v=1&w=3",
        &[("Accept", "a/b")],
        200,
    );
    call(
        &gw,
        &mut n,
        "GET",
        "/orders/items/1?v=1",
        &[("Accept", "c/d")],
        200,
    );
    call(
        &gw,
        &mut n,
        "GET",
        "/orders/items/2?v=1",
        &[("Accept", "a/b")],
        200,
    );
    assert_eq!(n, 5);
}

#[test]
fn only_get_without_authorization_and_200_by_default_is_cached() {
    let (gw, _clock) = gateway(None);
    let mut n = 0;
    for _ in 0..2 {
        call(&gw, &mut n, "POST", "/orders/items/1", &[], 200);
        call(
            &gw,
            &mut n,
            "GET",
            "/orders/items/2",
            &[("Authorization", "Bearer x")],
            200,
        );
        call(&gw, &mut n, "GET", "/orders/items/3", &[], 500);
    }
    assert_eq!(n, 6);
    let (gw, _clock) = gateway(Some("true"));
    let mut n = 0;
    call(&gw, &mut n, "GET", "/orders/items/3", &[], 404);
    let again = call(&gw, &mut n, "GET", "/orders/items/3", &[], 200);
    assert_eq!(
        (n, again.response.status.as_u16()),
        (1, 404),
        "cache-response=true caches any status"
    );
    let (gw, _clock) = gateway(Some("false"));
    let mut n = 0;
    call(&gw, &mut n, "GET", "/orders/items/3", &[], 200);
    call(&gw, &mut n, "GET", "/orders/items/3", &[], 200);
    assert_eq!(n, 2, "cache-response=false caches nothing");
}
