//! A case's world may preset `quota-by-key` counters: the quota is spent from the first
//! request, in the window aligned on the policy's `first-period-start`.

mod common;
use common::{mismatches, run};

const POLICY: &str = r#"<policies>
    <inbound>
        <quota-by-key calls="2" renewal-period="3600" counter-key="acme" first-period-start="2024-01-01T00:00:00Z" />
        <return-response><set-status code="200" reason="OK" /></return-response>
    </inbound>
</policies>"#;

const YAML: &str = r#"
cases:
  - name: a spent quota refuses the first call
    world:
      clock: 2024-05-01T12:30:00Z
      counters:
        - { key: acme, count: 2, period: 3600s, quota-first-period-start: 2024-01-01T00:00:00Z }
    steps:
      - request: { url: /shop/items/1 }
        expect: { status: 403 }
      - advance: 30m
        request: { url: /shop/items/1 }
        expect: { status: 200 }
  - name: a fresh quota lets two calls through
    world: { clock: 2024-05-01T12:30:00Z }
    steps:
      - request: { url: /shop/items/1 }
        expect: { status: 200 }
      - request: { url: /shop/items/1 }
        expect: { status: 200 }
      - request: { url: /shop/items/1 }
        expect: { status: 403 }
"#;

#[test]
fn world_quota_counters_are_spent_in_their_aligned_window() {
    let r = run(POLICY, YAML);
    assert!(mismatches(&r).is_empty(), "{:?}", mismatches(&r));
}
