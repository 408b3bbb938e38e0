//! Pools and circuit breakers in a case: members mocked one by one, weights and priorities,
//! breakers tripping and healing on the case's clock, a pool with every member open.

mod common;
use common::{mismatches, project, temp};

const POLICY: &str = r#"<policies>
    <inbound><set-backend-service backend-id="pool" /></inbound>
    <backend><forward-request /></backend>
    <outbound />
    <on-error>
        <set-header name="X-Reason" exists-action="override">
            <value>@(context.LastError.Reason)</value>
        </set-header>
    </on-error>
</policies>"#;

/// A member with a breaker that opens on one 429 or 5xx for the `Retry-After` (or 60 s).
fn member(name: &str) -> String {
    format!(
        r#"{{ "properties": {{ "title": "{name}", "url": "http://{name}.test", "protocol": "http",
  "type": "Single", "circuitBreaker": {{ "rules": [ {{ "name": "r",
    "failureCondition": {{ "count": 1, "interval": "PT1M",
      "statusCodeRanges": [ {{ "min": 429, "max": 429 }}, {{ "min": 500, "max": 599 }} ] }},
    "tripDuration": "PT1M", "acceptRetryAfter": true }} ] }} }} }}"#
    )
}

const POOL: &str = r#"{ "properties": { "type": "Pool", "protocol": "http", "pool": { "services": [
  { "id": "/backends/a", "priority": 1, "weight": 3 },
  { "id": "/backends/b", "priority": 1, "weight": 1 },
  { "id": "/backends/c", "priority": 2 } ] } } }"#;

fn run(yaml: &str) -> gatehouse_testing::Report {
    let t = temp();
    project(&t.0, POLICY, yaml);
    for (name, json) in [
        ("a", member("a")),
        ("b", member("b")),
        ("c", member("c")),
        ("pool", POOL.to_string()),
    ] {
        let dir = t.0.join("backends").join(name);
        std::fs::create_dir_all(&dir).expect("backend dir");
        std::fs::write(dir.join("backendInformation.json"), json).expect("backend");
    }
    let mut suite = match gatehouse_testing::load(&t.0) {
        Ok(s) => s,
        Err(d) => panic!("does not load: {d:?}"),
    };
    gatehouse_testing::run(&mut suite, &gatehouse_testing::Options::default())
}

#[test]
fn weights_share_a_priority_group_and_members_are_mocked_by_name() {
    let step = |a: u32, b: u32| {
        format!(
            "      - request: {{ url: /shop/items/1 }}\n        expect: {{ status: 200, \
             backends: {{ a: {{ calls: {a} }}, b: {{ calls: {b} }}, c: {{ calls: 0 }}, \
             pool: {{ calls: 1 }} }} }}\n"
        )
    };
    let steps: String = [(1, 0), (1, 0), (1, 0), (0, 1), (1, 0)]
        .iter()
        .map(|(a, b)| step(*a, *b))
        .collect();
    let yaml = format!(
        "world: {{ backends: {{ a: {{ status: 200 }}, pool: {{ status: 200 }} }} }}\n\
         cases:\n  - name: three to a, one to b\n    steps:\n{steps}"
    );
    let r = run(&yaml);
    assert_eq!(mismatches(&r), Vec::<String>::new());
}

#[test]
fn breakers_move_traffic_and_an_all_open_pool_is_unavailable() {
    let r = run(r#"
world:
  backends:
    a: { status: 429, headers: { Retry-After: "10" } }
    b: { status: 503 }
    c: [ { status: 500 }, { status: 200 } ]
cases:
  - name: each member fails once, then the pool has nobody to call until the waits pass
    steps:
      - request: { url: /shop/items/1 }
        expect: { status: 429, backends: { a: { calls: 1 } } }
      - request: { url: /shop/items/1 }
        expect: { status: 503, backends: { b: { calls: 1 } } }
      - request: { url: /shop/items/1 }
        expect: { status: 500, backends: { c: { calls: 1 } } }
      - request: { url: /shop/items/1 }
        expect:
          status: 503
          headers: { X-Reason: BackendUnavailable, Retry-After: "10" }
          backends: { "*": { calls: 0 } }
          last-error: { reason: BackendUnavailable, message: { contains: "'pool'" } }
      - advance: 11s
        request: { url: /shop/items/1 }
        expect: { status: 429, backends: { a: { calls: 1 } } }
"#);
    assert_eq!(mismatches(&r), Vec::<String>::new());
}
