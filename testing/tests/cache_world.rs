//! A case's world may hold cache entries: `cache-lookup-value` finds them, with their
//! type, until their duration runs out on the case's clock.

mod common;
use common::{mismatches, run};

const POLICY: &str = r#"<policies>
    <inbound>
        <cache-lookup-value key="greeting" variable-name="g" />
        <cache-lookup-value key="n" variable-name="n" />
        <return-response>
            <set-status code="200" reason="OK" />
            <set-header name="X-G" exists-action="override">
                <value>@(context.Variables.GetValueOrDefault<string>("g", "miss"))</value>
            </set-header>
            <set-header name="X-N" exists-action="override">
                <value>@((context.Variables.GetValueOrDefault<int>("n") + 1).ToString())</value>
            </set-header>
        </return-response>
    </inbound>
</policies>"#;

const YAML: &str = r#"
cases:
  - name: entries are found with their type
    world:
      cache:
        - { key: greeting, value: hello }
        - { key: n, value: 41, duration: 10s }
    steps:
      - request: { url: /shop/items/1 }
        expect: { headers: { X-G: hello, X-N: "42" } }
      - advance: 11s
        request: { url: /shop/items/1 }
        expect: { headers: { X-G: hello, X-N: "1" } }
  - name: an empty cache
    request: { url: /shop/items/1 }
    expect: { headers: { X-G: miss, X-N: "1" } }
"#;

#[test]
fn world_cache_entries_are_looked_up_until_they_expire() {
    let r = run(POLICY, YAML);
    assert!(mismatches(&r).is_empty(), "{:?}", mismatches(&r));
    // And the expectation can fail: a wrong value is reported.
    let r = run(
        POLICY,
        &YAML.replace("X-G: hello, X-N: \"42\"", "X-G: bye, X-N: \"42\""),
    );
    assert_eq!(mismatches(&r).len(), 1, "{:?}", mismatches(&r));
}
