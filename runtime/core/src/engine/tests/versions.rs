//! Version sets (segment, header and query schemes, the version-less original), revisions
//! by `;rev=N`, fallback to a shorter prefix, and the global `on-error` for a request no
//! operation answers.

use super::*;
use crate::program::{OpKind, ReturnResponse, Versioning};
use crate::value::Entity;

/// A pipeline answering `return-response` with body `tag`.
fn answering(b: &mut B, tag: &str) -> u32 {
    let body = b.lit(tag);
    let rr = ReturnResponse {
        variable: None,
        status: None,
        headers: Vec::new(),
        body: Some(body),
    };
    b.pipeline(vec![OpKind::ReturnResponse(rr)], None, vec![], vec![])
}

/// API `name` at `orders` in a set with `scheme`, version `v` (`None`: the original), one
/// `GET /items` answering `name`.
fn versioned(b: &mut B, name: &str, scheme: Versioning, v: Option<&str>) {
    let p = answering(b, name);
    let a = b.api(name, "orders", false);
    b.op(a, "list", "GET", "/items", vec![(u32::MAX, p)]);
    let version = v.map(|v| b.s(v));
    let api = &mut b.p.apis[a as usize];
    api.versioning = Some(scheme);
    api.version = version;
}

fn hit(gw: &Gateway, path: &str, headers: &[(&str, &str)]) -> (StatusCode, String) {
    let o = run(gw, head("GET", path, headers), "");
    (o.response.status, body(&o).to_string())
}

#[test]
fn segment_versions_and_the_original() {
    let mut b = B::new();
    versioned(&mut b, "v1", Versioning::Segment, Some("v1"));
    versioned(&mut b, "v2", Versioning::Segment, Some("v2"));
    versioned(&mut b, "original", Versioning::Segment, None);
    let (gw, _) = b.gateway();
    assert_eq!(hit(&gw, "/orders/v1/items", &[]).1, "v1");
    assert_eq!(hit(&gw, "/orders/V2/items", &[]).1, "v2");
    assert_eq!(hit(&gw, "/orders/items", &[]).1, "original");
    assert_eq!(hit(&gw, "/orders/v3/items", &[]).0, StatusCode::NOT_FOUND);
}

#[test]
fn header_versions_and_the_original() {
    let mut b = B::new();
    let name = b.s("Api-Version");
    versioned(&mut b, "v1", Versioning::Header(name), Some("v1"));
    versioned(&mut b, "v2", Versioning::Header(name), Some("v2"));
    versioned(&mut b, "original", Versioning::Header(name), None);
    let (gw, _) = b.gateway();
    assert_eq!(hit(&gw, "/orders/items", &[("api-version", "v2")]).1, "v2");
    assert_eq!(hit(&gw, "/orders/items", &[("Api-Version", "v1")]).1, "v1");
    assert_eq!(hit(&gw, "/orders/items", &[]).1, "original");
    let unknown = hit(&gw, "/orders/items", &[("Api-Version", "v9")]);
    assert_eq!(unknown.0, StatusCode::NOT_FOUND);
}

#[test]
fn query_versions_without_an_original_need_the_version() {
    let mut b = B::new();
    let name = b.s("api-version");
    versioned(&mut b, "v1", Versioning::Query(name), Some("2024-01-01"));
    versioned(&mut b, "v2", Versioning::Query(name), Some("2025-01-01"));
    let (gw, _) = b.gateway();
    let got = hit(&gw, "/orders/items?api-version=2025-01-01", &[]);
    assert_eq!(got.1, "v2");
    assert_eq!(
        hit(&gw, "/orders/items?api-version=2024-01-01", &[]).1,
        "v1"
    );
    assert_eq!(hit(&gw, "/orders/items", &[]).0, StatusCode::NOT_FOUND);
}

#[test]
fn api_version_and_revision_reach_expressions() {
    let mut b = B::new();
    let set = set_entity_header(&mut b, "X-Version", Entity::Api, "Version");
    let p = b.pipeline(vec![], None, vec![set], vec![]);
    let a = b.api("v2", "orders", false);
    b.op(a, "list", "GET", "/items", vec![(u32::MAX, p)]);
    let v = b.s("v2");
    b.p.apis[a as usize].versioning = Some(Versioning::Segment);
    b.p.apis[a as usize].version = Some(v);
    let (gw, _) = b.gateway();
    let o = run(&gw, head("GET", "/orders/v2/items", &[]), "");
    assert_eq!(header(&o, "x-version"), Some("v2"));
    // The backend gets the path after the version segment.
    assert_eq!(o.forwarded[0].path_and_query, "/items");
}

#[test]
fn rev_selects_a_revision_and_the_current_answers_without() {
    let mut b = B::new();
    let (one, two) = (answering(&mut b, "rev1"), answering(&mut b, "rev2"));
    let a1 = b.api("orders", "orders", false);
    b.op(a1, "list", "GET", "/items", vec![(u32::MAX, one)]);
    let a2 = b.api("orders", "orders", false);
    b.op(a2, "list", "GET", "/items", vec![(u32::MAX, two)]);
    let r2 = b.s("2");
    b.p.apis[a2 as usize].revision = r2;
    b.p.apis[a2 as usize].is_current = false;
    let (gw, _) = b.gateway();
    assert_eq!(hit(&gw, "/orders/items", &[]).1, "rev1");
    assert_eq!(hit(&gw, "/orders;rev=2/items", &[]).1, "rev2");
    assert_eq!(hit(&gw, "/orders;rev=1/items", &[]).1, "rev1");
    assert_eq!(
        hit(&gw, "/orders;rev=3/items", &[]).0,
        StatusCode::NOT_FOUND
    );
}

#[test]
fn a_shorter_prefix_answers_when_the_longest_has_no_operation() {
    let mut b = B::new();
    let (short, long) = (answering(&mut b, "short"), answering(&mut b, "long"));
    let a = b.api("a", "shop", false);
    b.op(
        a,
        "deep",
        "GET",
        "/orders/archive/{id}",
        vec![(u32::MAX, short)],
    );
    let o = b.api("o", "shop/orders", false);
    b.op(o, "item", "GET", "/{id}", vec![(u32::MAX, long)]);
    let (gw, _) = b.gateway();
    assert_eq!(hit(&gw, "/shop/orders/7", &[]).1, "long");
    assert_eq!(hit(&gw, "/shop/orders/archive/7", &[]).1, "short");
}

#[test]
fn no_match_runs_the_global_on_error() {
    let mut b = B::new();
    let report = set_entity_header(&mut b, "X-Reason", Entity::LastError, "Reason");
    let p = answering(&mut b, "x");
    single(&mut b, p);
    let global = b.pipeline(vec![], None, vec![], vec![report]);
    b.p.global = Some(global);
    let (gw, _) = b.gateway();
    let o = run(&gw, head("GET", "/nope", &[]), "");
    assert_eq!(o.response.status, StatusCode::NOT_FOUND);
    assert_eq!(header(&o, "x-reason"), Some("OperationNotFound"));
    assert!(o.forwarded.is_empty());
}
