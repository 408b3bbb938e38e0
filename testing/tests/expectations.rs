//! Every expectation kind passes when it holds and fails, located, when it does not.

mod common;
use common::{mismatches, run, POLICY};

const WORLD: &str = r#"
world:
  clock: 2024-05-01T12:00:00Z
  backends:
    http://backend.test:
      status: 200
      headers: { Content-Type: application/json, X-From: backend }
      body: { json: { id: 7, tags: [a, b], nested: { ok: true } } }
"#;

fn suite(cases: &str) -> String {
    format!("{WORLD}cases:\n{cases}")
}

#[test]
fn the_response_status_headers_and_body() {
    let r = run(
        POLICY,
        &suite(
            r#"
  - name: pass
    request: { url: /shop/items/7, headers: { X-Who: ann } }
    expect:
      status: 200
      headers:
        X-From: backend
        X-Now: "2024-05-01T12:00:00.0000000Z"
        X-Missing: null
        Content-Type: { contains: json }
        X-Guid: { present: true }
      body:
        contains: ['"id"']
        not-contains: [secret]
        json: { id: 7, tags: [a, b], nested: { ok: true } }
        json-path:
          $.id: 7
          "$.tags[1]": b
          "$['nested'].ok": true
          $.absent: null
  - name: fail
    request: { url: /shop/items/7 }
    expect:
      status: 201
      headers:
        X-From: other
        X-Now: null
        X-Guid: { starts-with: zz }
      body: { json-path: { "$.tags[0]": z } }
  - name: fail exact body
    request: { url: /shop/items/7 }
    expect:
      body: "{}"
"#,
        ),
    );
    assert_eq!(
        mismatches(&r),
        [
            "fail: status",
            "fail: header X-From",
            "fail: header X-Now",
            "fail: header X-Guid",
            "fail: body",
            "fail exact body: body",
        ]
    );
    let fail = &r.cases[1];
    assert_eq!(
        (fail.failures[0].1.at.line, fail.failures[0].1.at.col),
        (33, 15),
        "located at the expectation"
    );
    assert_eq!(fail.failures[0].1.expected, "201");
    assert_eq!(fail.failures[0].1.actual, "200");
    assert_eq!(
        fail.failures[1].1.policies,
        ["apis/shop/policy.xml:20:9 forward-request (backend/forward-request[1])"],
        "no set-header names X-From: it came from the backend"
    );
    let now = &fail.failures[2].1;
    assert!(
        now.policies
            .iter()
            .any(|p| p.starts_with("apis/shop/policy.xml:23:9 set-header")),
        "{:?}",
        now.policies
    );
}

#[test]
fn what_reached_the_backend() {
    let r = run(
        POLICY,
        &suite(
            r#"
  - name: pass
    request:
      url: /shop/items
      method: POST
      query: { q: a b }
      headers: { X-Who: bo }
      body: { json: { name: x } }
    expect:
      status: 200
      backends:
        http://backend.test:
          calls: 1
          method: POST
          url: { equals: "http://backend.test/base/items?q=a%20b" }
          headers: { X-To-Backend: bo, X-Who: bo }
          body: { json: { name: x } }
  - name: fail
    request: { url: /shop/items, method: POST, body: hi }
    expect:
      backends:
        http://backend.test: { calls: 2, method: GET, url: { contains: nope }, headers: { X-To-Backend: ann }, body: ho }
        http://other.test: { calls: 1 }
"#,
        ),
    );
    assert_eq!(
        mismatches(&r),
        [
            "fail: backend http://backend.test calls",
            "fail: backend http://backend.test method",
            "fail: backend http://backend.test url",
            "fail: backend http://backend.test header X-To-Backend",
            "fail: backend http://backend.test body",
            "fail: backend http://other.test calls",
        ]
    );
}

#[test]
fn variables_traces_last_error_and_policies_that_ran() {
    let r = run(
        POLICY,
        &suite(
            r#"
  - name: pass
    request: { url: /shop/items/7, headers: { X-Who: cy, X-Teapot: "1" } }
    expect:
      status: 418
      body: teapot
      variables: { who: cy, other: null }
      traces:
        - { source: shop, severity: information, message: hello cy }
        - { message: { contains: hello } }
      last-error: null
      ran: [return-response, "apis/shop/policy.xml:9", "when[1]/return-response[1]"]
      not-ran: [forward-request]
      routed: shop/get-item
      backends: { "*": { calls: 0 } }
  - name: fail
    request: { url: /shop/items/7 }
    expect:
      variables: { who: cy }
      traces: [ { message: bye } ]
      last-error: { reason: Timeout }
      ran: [return-response]
      not-ran: [forward-request]
      routed: shop/create-item
"#,
        ),
    );
    assert_eq!(
        mismatches(&r),
        [
            "fail: variable who",
            "fail: traces",
            "fail: last-error",
            "fail: ran",
            "fail: not-ran",
            "fail: routed"
        ]
    );
    let not_ran = &r.cases[1].failures[4].1;
    assert_eq!(
        not_ran.policies,
        ["apis/shop/policy.xml:20:9 forward-request (backend/forward-request[1])"]
    );
}

#[test]
fn last_error_fields() {
    let r = run(
        POLICY,
        &suite(
            r#"
  - name: pass
    world: { backends: { http://backend.test: { failure: refused } } }
    request: { url: /shop/items/7 }
    expect:
      status: 500
      headers: { X-Err: BackendConnectionFailure }
      last-error:
        source: forward-request
        reason: BackendConnectionFailure
        message: { contains: refused }
        section: backend
        scope: api
        path: { present: true }
  - name: fail
    world: { backends: { http://backend.test: { failure: refused } } }
    request: { url: /shop/items/7 }
    expect:
      last-error: null
"#,
        ),
    );
    assert_eq!(mismatches(&r), ["fail: last-error"]);
}
