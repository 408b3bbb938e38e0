//! The world of a case: mocked failures, delays and the clock, the seed, sequences,
//! `send-request` mocks, test tokens, counters, named values and secrets.

mod common;
use common::{mismatches, run, POLICY};

#[test]
fn every_failure_kind_of_a_mocked_backend() {
    let r = run(
        POLICY,
        r#"
cases:
  - name: refused
    world: { backends: { "*": { failure: refused } } }
    request: { url: /shop/items/1 }
    expect:
      status: 500
      last-error: { reason: BackendConnectionFailure, message: connection refused }
  - name: reset
    world: { backends: { "*": { failure: reset } } }
    request: { url: /shop/items/1 }
    expect:
      last-error: { reason: BackendConnectionFailure, message: { contains: reset } }
  - name: timeout
    world: { backends: { "*": { failure: timeout } } }
    request: { url: /shop/items/1 }
    expect:
      status: 504
      headers: { X-Err: Timeout }
      last-error: { reason: Timeout, source: forward-request }
  - name: a delay past the timeout is a timeout
    world: { backends: { "*": { delay: 5s } } }
    request: { url: /shop/items/1 }
    expect: { status: 504 }
  - name: a delay within the timeout moves the clock
    world: { clock: 2024-05-01T12:00:00Z, backends: { "*": { delay: 4999ms, status: 203 } } }
    request: { url: /shop/items/1 }
    expect:
      status: 203
      headers: { X-Now: "2024-05-01T12:00:04.9990000Z" }
  - name: answers in turn, the last repeating
    world:
      backends:
        "*": [ { status: 500 }, { status: 201 } ]
    steps:
      - { request: { url: /shop/items/1 }, expect: { status: 500 } }
      - { request: { url: /shop/items/1 }, expect: { status: 201 } }
      - { request: { url: /shop/items/1 }, expect: { status: 201 } }
  - name: an unmocked backend is a problem of the case
    request: { url: /shop/items/1 }
"#,
    );
    assert_eq!(
        mismatches(&r),
        ["an unmocked backend is a problem of the case: problem step 1: no mock answers a call to `http://backend.test/base/items/1`: add it under `world: backends:` (or `*`)"]
    );
}

#[test]
fn the_clock_and_the_seed_make_runs_repeatable() {
    let yaml = r#"
world: { backends: { "*": { status: 200 } } }
cases:
  - name: default clock
    request: { url: /shop/items/1 }
    expect: { headers: { X-Now: "2024-01-01T00:00:00.0000000Z" } }
  - name: advancing
    world: { clock: 1714564800000 }
    steps:
      - request: { url: /shop/items/1 }
        expect: { headers: { X-Now: "2024-05-01T12:00:00.0000000Z" } }
      - advance: 90m
        request: { url: /shop/items/1 }
        expect: { headers: { X-Now: "2024-05-01T13:30:00.0000000Z" } }
  - name: seed 1
    world: { seed: 1 }
    request: { url: /shop/items/1 }
  - name: seed 1 again
    world: { seed: 1 }
    request: { url: /shop/items/1 }
  - name: seed 2
    world: { seed: 2 }
    request: { url: /shop/items/1 }
"#;
    let r = run(POLICY, yaml);
    assert!(mismatches(&r).is_empty(), "{:?}", mismatches(&r));
    assert_eq!(r.cases.len(), 5);
    // The same seed gives the same Guid.NewGuid(), run after run; another seed another.
    let with_guid = |seed: u64, guid: &str| {
        format!("cases:\n  - name: g\n    world: {{ seed: {seed}, backends: {{ \"*\": {{ status: 200 }} }} }}\n    request: {{ url: /shop/items/1 }}\n    expect: {{ headers: {{ X-Guid: \"{guid}\" }} }}\n")
    };
    let first = run(POLICY, &with_guid(1, "?"));
    let got = first.cases[0].failures[0]
        .1
        .actual
        .trim_matches('"')
        .to_string();
    assert_eq!(got.len(), 36, "a Guid: {got}");
    assert!(
        run(POLICY, &with_guid(1, &got)).cases[0].passed(),
        "same seed, same Guid"
    );
    assert!(
        !run(POLICY, &with_guid(2, &got)).cases[0].passed(),
        "another seed, another Guid"
    );
}

const LIMITED: &str = r#"<policies>
    <inbound>
        <rate-limit-by-key calls="2" renewal-period="60" counter-key="@(context.Request.IpAddress)" remaining-calls-variable-name="left" />
    </inbound>
    <backend><forward-request /></backend>
    <outbound />
    <on-error />
</policies>
"#;

#[test]
fn sequences_and_counters_over_time() {
    let r = run(
        LIMITED,
        r#"
world: { backends: { "*": { status: 200 } } }
cases:
  - name: two calls a minute per client
    steps:
      - { request: { url: /shop/items/1, client-ip: 10.0.0.1 }, expect: { status: 200, variables: { left: "1" } } }
      - { request: { url: /shop/items/1, client-ip: 10.0.0.1 }, expect: { status: 200, variables: { left: "0" } } }
      - { request: { url: /shop/items/1, client-ip: 10.0.0.1 }, expect: { status: 429 } }
      - { request: { url: /shop/items/1, client-ip: 10.0.0.2 }, expect: { status: 200 } }
      - { advance: 60s, request: { url: /shop/items/1, client-ip: 10.0.0.1 }, expect: { status: 200 } }
  - name: a counter already counted
    world: { counters: [ { key: 10.0.0.9, count: 2, period: 60s } ] }
    request: { url: /shop/items/1, client-ip: 10.0.0.9 }
    expect: { status: 429, last-error: { reason: RateLimitExceeded } }
  - name: cases do not share counters
    request: { url: /shop/items/1, client-ip: 10.0.0.9 }
    expect: { status: 200 }
"#,
    );
    assert!(mismatches(&r).is_empty(), "{:?}", mismatches(&r));
    assert_eq!(r.cases.len(), 3);
}

const OUTBOUND: &str = r#"<policies>
    <inbound>
        <send-request mode="new" response-variable-name="auth" timeout="5" ignore-error="false">
            <set-url>https://auth.test/token</set-url>
            <set-method>POST</set-method>
            <set-header name="Authorization" exists-action="override">
                <value>@(context.Request.Headers.GetValueOrDefault("Authorization", ""))</value>
            </set-header>
            <set-body>grant</set-body>
        </send-request>
        <return-response>
            <set-status code="200" reason="OK" />
            <set-body>@(((IResponse)context.Variables["auth"]).Body.As<string>())</set-body>
        </return-response>
    </inbound>
    <backend />
    <outbound />
    <on-error />
</policies>
"#;

#[test]
fn send_request_mocks_and_test_tokens() {
    let r = run(
        OUTBOUND,
        r#"
world:
  clock: 2024-05-01T12:00:00Z
  tokens:
    alice: { key: test-key, claims: { sub: alice, aud: shop }, expires-in: 1h }
    bob: { key-base64: dGVzdC1rZXk=, claims: { sub: bob } }
  send-request:
    https://auth.test: { status: 200, body: token-ok }
cases:
  - name: the token reaches the outbound call
    request: { url: /shop/items/1, bearer: alice }
    expect:
      status: 200
      body: token-ok
      send-request:
        https://auth.test/token:
          calls: 1
          method: POST
          body: grant
          headers: { Authorization: { starts-with: "Bearer eyJ" } }
  - name: a failing outbound call
    world: { send-request: { https://auth.test: { failure: timeout } } }
    request: { url: /shop/items/1, headers: { Authorization: "Bearer ${token:alice}" } }
    expect:
      last-error: { source: send-request, reason: Timeout }
"#,
    );
    assert!(mismatches(&r).is_empty(), "{:?}", mismatches(&r));
    assert_eq!(r.cases.len(), 2);
}

#[test]
fn test_tokens_are_hs256_jwts_that_verify() {
    use base64::Engine;
    use hmac::Mac;
    let token = gatehouse_testing::format::Token {
        key: b"k".to_vec(),
        claims: serde_json::json!({"sub": "a"})
            .as_object()
            .cloned()
            .unwrap_or_default(),
        expires_in_s: 60,
        kid: Some("test".into()),
    };
    let jwt = gatehouse_testing::jwt::sign(&token, 1_000_000);
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3);
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let claims: serde_json::Value =
        serde_json::from_slice(&b64.decode(parts[1]).expect("b64")).expect("json");
    assert_eq!(
        claims,
        serde_json::json!({"sub": "a", "iat": 1000, "nbf": 1000, "exp": 1060})
    );
    let head: serde_json::Value =
        serde_json::from_slice(&b64.decode(parts[0]).expect("b64")).expect("json");
    assert_eq!(
        head,
        serde_json::json!({"alg": "HS256", "typ": "JWT", "kid": "test"})
    );
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(b"k").expect("key");
    mac.update(format!("{}.{}", parts[0], parts[1]).as_bytes());
    mac.verify_slice(&b64.decode(parts[2]).expect("b64"))
        .expect("the signature verifies");
}

#[test]
fn a_base64_key_is_decoded_as_validate_jwt_reads_it() {
    let yaml = "world:\n  tokens:\n    bob: { key-base64: dGVzdC1rZXk=, claims: { sub: bob } }\ncases:\n  - name: a\n    request: { url: /x, bearer: bob }\n";
    let f = gatehouse_testing::format::parse_text("t.yaml", yaml, std::path::Path::new("."))
        .expect("valid");
    assert_eq!(f.cases[0].world.tokens["bob"].key, b"test-key");
}
