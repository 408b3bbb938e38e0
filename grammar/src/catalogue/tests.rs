//! Unit tests for the catalogue: consistency of the embedded data and suggestions.

use super::*;

fn cat() -> &'static Catalogue {
    catalogue()
}

#[test]
fn embedded_data_parses_and_is_consistent() {
    // `parse` runs every cross-check (unique names, child policies exist, enum defaults,
    // one-of/exclusive names, required-without-default, sections unless resolver-only,
    // duplicate attributes/children) and fails with the full list of problems.
    let parsed = Catalogue::parse(DATA_FILES);
    assert!(
        parsed.is_ok(),
        "{}",
        parsed.err().map(|e| e.to_string()).unwrap_or_default()
    );
    assert!(load::check(cat()).is_empty());
    assert!(cat().len() >= 70, "only {} policies", cat().len());
}

#[test]
fn checks_catch_broken_data() {
    let bad = r#"
[[policy]]
name = "p"
category = "routing"
sections = ["inbound"]
scopes = ["all"]
status = "documented"
source = "test"
one-of = [["a", "missing"]]
attrs = [
  { name = "a", type = "enum", values = ["x"], default = "y" },
  { name = "b", type = "string", required = true, default = "z" },
  { name = "b", type = "string" },
]
[[policy.child]]
policy = "nope"
[[policy]]
name = "p"
category = "routing"
sections = []
scopes = ["all"]
status = "documented"
source = "test"
"#;
    let err = Catalogue::parse(&[("bad.toml", bad)])
        .expect_err("broken data must be rejected")
        .to_string();
    for needle in [
        "duplicate policy `p`",
        "default `y` not a value",
        "required attribute with a default",
        "duplicate attribute `b`",
        "child policy `nope` is not catalogued",
        "unknown attribute `missing`",
        "sections must be empty exactly for resolver-only",
    ] {
        assert!(err.contains(needle), "missing `{needle}` in:\n{err}");
    }
    let unknown_field = "[[policy]]\nname = \"p\"\nbogus = 1\n";
    assert!(Catalogue::parse(&[("x.toml", unknown_field)]).is_err());
}

#[test]
fn index_policies_are_present() {
    for name in [
        "rate-limit",
        "rate-limit-by-key",
        "quota",
        "quota-by-key",
        "limit-concurrency",
        "llm-token-limit",
        "azure-openai-token-limit",
        "check-header",
        "get-authorization-context",
        "ip-filter",
        "validate-azure-ad-token",
        "validate-jwt",
        "validate-client-certificate",
        "authentication-basic",
        "authentication-certificate",
        "authentication-managed-identity",
        "validate-content",
        "validate-graphql-request",
        "validate-odata-request",
        "validate-parameters",
        "validate-headers",
        "validate-status-code",
        "forward-request",
        "set-backend-service",
        "proxy",
        "cache-lookup",
        "cache-store",
        "cache-lookup-value",
        "cache-store-value",
        "cache-remove-value",
        "llm-semantic-cache-lookup",
        "azure-openai-semantic-cache-lookup",
        "llm-semantic-cache-store",
        "azure-openai-semantic-cache-store",
        "set-method",
        "set-status",
        "set-variable",
        "set-body",
        "set-header",
        "set-query-parameter",
        "rewrite-uri",
        "json-to-xml",
        "xml-to-json",
        "find-and-replace",
        "redirect-content-urls",
        "xsl-transform",
        "return-response",
        "mock-response",
        "cross-domain",
        "cors",
        "jsonp",
        "send-request",
        "send-one-way-request",
        "log-to-eventhub",
        "publish-to-dapr",
        "invoke-dapr-binding",
        "trace",
        "emit-metric",
        "llm-emit-token-metric",
        "azure-openai-emit-token-metric",
        "llm-content-safety",
        "sql-data-source",
        "cosmosdb-data-source",
        "http-data-source",
        "publish-event",
        "choose",
        "include-fragment",
        "retry",
        "wait",
        "send-service-bus-message",
        "cache-value",
        "invoke-request",
    ] {
        assert!(cat().policy(name).is_some(), "missing policy {name}");
    }
    for name in [
        "policies", "inbound", "backend", "outbound", "on-error", "base", "fragment",
    ] {
        assert!(
            cat().structural(name).is_some(),
            "missing structural {name}"
        );
        assert!(cat().policy(name).is_none(), "{name} must not be a policy");
    }
    for slip in [
        "invoke-darp-binding",
        "publish-to-darp",
        "set-header-if-not-exist",
    ] {
        assert!(cat().policy(slip).is_none(), "{slip} must not be a policy");
    }
}

#[test]
fn documented_rules_are_recorded() {
    let p = |n: &str| cat().policy(n).expect(n);
    assert_eq!(p("rate-limit").once_per, Some(OncePer::Document));
    assert_eq!(p("quota").once_per, Some(OncePer::Document));
    for n in [
        "cache-lookup",
        "cache-store",
        "jsonp",
        "redirect-content-urls",
        "cors",
    ] {
        assert_eq!(p(n).once_per, Some(OncePer::Section), "{n}");
    }
    assert!(p("forward-request").sections.iter().eq([Section::Backend]));
    assert!(p("quota").scopes.iter().eq([Scope::Product]));
    assert!(p("http-data-source").is_resolver_only());
    assert!(p("http-data-source").sections.is_empty());

    let rr = &p("return-response").element;
    let order: Vec<&str> = rr.children.iter().map(ChildSpec::name).collect();
    assert_eq!(order, ["set-status", "set-header", "set-body"]);
    assert!(matches!(
        rr.child("set-header").map(|c| &c.kind),
        Some(ChildKind::Policy(_))
    ));

    let jwt = &p("validate-jwt").element;
    let keys = jwt
        .child("issuer-signing-keys")
        .expect("issuer-signing-keys");
    let ChildKind::Element(keys) = &keys.kind else {
        panic!("inline element expected")
    };
    assert!(keys.child("key").is_some());

    let sh = &p("set-header").element;
    let ea = sh.attribute("exists-action").expect("exists-action");
    assert_eq!(ea.default.as_deref(), Some("override"));
    assert_eq!(ea.expressions, ExprAllowed::Yes);
    assert!(matches!(&ea.ty, AttrType::Enum(v) if v.len() == 4));
    assert_eq!(
        p("set-variable")
            .element
            .attribute("name")
            .map(|a| a.expressions),
        Some(ExprAllowed::No)
    );
    assert_eq!(p("set-body").element.content, Content::AnyXml);
    assert_eq!(
        p("choose").element.child("when").map(|c| (c.min, c.max)),
        Some((1, None))
    );
    assert!(COMMON_ATTRIBUTES.contains(&"id"));
}

#[test]
fn suggestions() {
    let c = cat();
    assert_eq!(
        c.suggest_policy("invoke-darp-binding"),
        Some("invoke-dapr-binding")
    );
    assert_eq!(c.suggest_policy("publish-to-darp"), Some("publish-to-dapr"));
    assert_eq!(c.suggest_policy("set-headr"), Some("set-header"));
    assert_eq!(c.suggest_policy("Set-Header"), Some("set-header"));
    assert_eq!(
        c.suggest_policy("rate-limit-by-kee"),
        Some("rate-limit-by-key")
    );
    assert_eq!(c.suggest_policy("foo"), None);
    assert_eq!(c.suggest_policy("set-header"), None);
    assert_eq!(c.suggest_policy("any-xml"), None);

    let dapr = &c
        .policy("publish-to-dapr")
        .expect("publish-to-dapr")
        .element;
    assert_eq!(dapr.suggest_attribute("pub-sub-name"), Some("pubsub-name"));
    assert_eq!(dapr.suggest_attribute("foo"), None);
    let vsc = &c
        .policy("validate-status-code")
        .expect("validate-status-code")
        .element;
    assert_eq!(
        vsc.suggest_attribute("error-variable-name"),
        Some("errors-variable-name")
    );
    let sr = &c.policy("send-request").expect("send-request").element;
    assert_eq!(sr.suggest_child("set-ulr"), Some("set-url"));
    assert_eq!(sr.suggest_child("foo"), None);
    assert_eq!(
        sr.suggest_attribute("respons-variable-name"),
        Some("response-variable-name")
    );
}
