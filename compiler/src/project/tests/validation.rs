//! Each validation diagnostic: its code, and a span on the offending value.

use super::{codes, load_dir, TempDir};
use crate::project::backend::read_backend;
use crate::project::entities::{read_named_value, read_subscription};
use crate::project::fields::{open_info, Fields};
use crate::project::{links, member_name, parse_scope, split_revision, Backend, Project};
use crate::project::{NamedValue, SubscriptionScope};
use crate::{Diagnostic, Severity, SourceFile};
use std::sync::Arc;

/// Reads `json` with `read`; returns what it made and the diagnostics.
fn with<T>(json: &str, read: impl FnOnce(&mut Fields) -> T) -> (T, Vec<Diagnostic>) {
    let file = Arc::new(SourceFile::new("info.json", json));
    let mut out = Vec::new();
    let value = open_info(&file, &mut out).expect("valid information file");
    let made = read(&mut Fields::new(&file, &value, &mut out));
    (made, out)
}

/// The one diagnostic of `json` read as a backend: (code, text under the span).
fn backend_finding(props: &str) -> Vec<(String, String)> {
    let json = format!(r#"{{"properties": {props}}}"#);
    let (_, out) = with(&json, |f| read_backend("b", f));
    out.iter()
        .map(|d| {
            (
                d.code.replace("gatehouse::", ""),
                json[d.span.range()].to_string(),
            )
        })
        .collect()
}

fn one(code: &str, under: &str) -> Vec<(String, String)> {
    vec![(code.to_string(), under.to_string())]
}

const URL: &str = r#""url": "https://a.example""#;

#[test]
fn backend_fields() {
    assert_eq!(backend_finding("{}"), one("missing-field", "{"));
    assert_eq!(backend_finding(r#"{"url": 3}"#), one("invalid-field", "3"));
    assert_eq!(
        backend_finding(r#"{"url": "ftp://x"}"#),
        one("invalid-field", "\"ftp://x\"")
    );
    assert_eq!(
        backend_finding(&format!(r#"{{{URL}, "protocol": "grpc"}}"#)),
        one("invalid-field", "\"grpc\"")
    );
    assert_eq!(
        backend_finding(&format!(r#"{{{URL}, "type": "Many"}}"#)),
        one("invalid-field", "\"Many\"")
    );
    let tls = format!(r#"{{{URL}, "tls": {{"validateCertificateChain": "no"}}}}"#);
    assert_eq!(backend_finding(&tls), one("invalid-field", "\"no\""));
    assert_eq!(
        backend_finding(r#"{"type": "Pool", "pool": {"services": [{"id": "/backends/x"}]}}"#),
        []
    );
}

#[test]
fn backend_credentials_and_proxy() {
    let auth = format!(r#"{{{URL}, "credentials": {{"authorization": {{"scheme": "Bearer"}}}}}}"#);
    assert_eq!(backend_finding(&auth), one("missing-field", "{"));
    let header = format!(r#"{{{URL}, "credentials": {{"header": {{"k": "v"}}}}}}"#);
    assert_eq!(backend_finding(&header), one("invalid-field", "\"v\""));
    let proxy = format!(r#"{{{URL}, "proxy": {{"username": "u"}}}}"#);
    assert_eq!(backend_finding(&proxy), one("missing-field", "{"));
}

fn breaker(rules: &str) -> Vec<(String, String)> {
    backend_finding(&format!(
        r#"{{{URL}, "circuitBreaker": {{"rules": [{rules}]}}}}"#
    ))
}

const RULE: &str = r#"{"failureCondition": {"count": 3, "interval": "PT1M", "statusCodeRanges": [{"min": 500, "max": 599}]}, "tripDuration": "PT30S"}"#;

#[test]
fn breaker_rules() {
    assert_eq!(breaker(RULE), []);
    let two = breaker(&format!("{RULE}, {RULE}"));
    assert_eq!(two, one("multiple-breaker-rules", RULE));
    let bad_interval = RULE.replace("PT1M", "1 minute");
    assert_eq!(breaker(&bad_interval), one("invalid-field", "\"1 minute\""));
    let no_threshold = RULE.replace(r#""count": 3, "#, "");
    assert_eq!(breaker(&no_threshold)[0].0, "missing-field");
    assert_eq!(
        breaker(&RULE.replace("599", "700")),
        one("invalid-field", "700")
    );
    let inverted = RULE.replace(r#""min": 500, "max": 599"#, r#""min": 599, "max": 500"#);
    assert_eq!(
        breaker(&inverted),
        one("invalid-field", r#"{"min": 599, "max": 500}"#)
    );
    let ranges = [r#"{"min": 500, "max": 599}"#; 11].join(", ");
    let many = RULE.replace(r#"[{"min": 500, "max": 599}]"#, &format!("[{ranges}]"));
    assert_eq!(
        breaker(&many),
        one("invalid-field", r#"{"min": 500, "max": 599}"#)
    );
    let reasons = ["\"e\""; 11].join(", ");
    let many = RULE.replace(
        r#""count": 3"#,
        &format!(r#""count": 3, "errorReasons": [{reasons}]"#),
    );
    assert_eq!(breaker(&many), one("invalid-field", "\"e\""));
    assert_eq!(
        breaker(&RULE.replace(r#", "tripDuration": "PT30S""#, ""))[0].0,
        "missing-field"
    );
}

#[test]
fn multiple_rules_are_a_warning() {
    let json =
        format!(r#"{{"properties": {{{URL}, "circuitBreaker": {{"rules": [{RULE}, {RULE}]}}}}}}"#);
    let (b, out) = with(&json, |f| read_backend("b", f));
    assert_eq!(out[0].severity, Severity::Warning);
    assert_eq!(b.circuit_breaker.len(), 2);
}

#[test]
fn pool_rules() {
    let pool = |services: &str| {
        backend_finding(&format!(
            r#"{{"type": "Pool", "pool": {{"services": {services}}}}}"#
        ))
    };
    assert_eq!(pool("[]"), one("invalid-field", "[]"));
    assert_eq!(
        pool(r#"[{"id": "/backends/a", "weight": 101}]"#),
        one("invalid-field", "101")
    );
    assert_eq!(
        pool(r#"[{"id": "/backends/a", "priority": -1}]"#),
        one("invalid-field", "-1")
    );
    assert_eq!(
        pool(r#"[{"id": "/backends/"}]"#),
        one("invalid-field", "\"/backends/\"")
    );
    let many = vec![r#"{"id": "b"}"#; 31].join(", ");
    assert_eq!(
        pool(&format!("[{many}]")),
        one("invalid-field", r#"{"id": "b"}"#)
    );
    assert_eq!(backend_finding(r#"{"type": "Pool"}"#)[0].0, "missing-field");
}

#[test]
fn pool_member_ids_resolve_by_last_segment() {
    let arm =
        "/subscriptions/s/resourceGroups/r/providers/Microsoft.ApiManagement/service/x/backends/eu";
    assert_eq!(member_name(arm), Some("eu"));
    assert_eq!(member_name("/backends/eu"), Some("eu"));
    assert_eq!(member_name("backends/eu"), Some("eu"));
    assert_eq!(member_name("eu"), Some("eu"));
    assert_eq!(member_name("/backends/"), None);
    assert_eq!(member_name(""), None);
}

fn backend(name: &str, props: &str) -> Backend {
    let json = format!(r#"{{"properties": {props}}}"#);
    with(&json, |f| read_backend(name, f)).0
}

#[test]
fn pool_members_must_be_declared_single_backends() {
    let pool = r#"{"type": "Pool", "pool": {"services": [{"id": "/backends/orders-ue"}, {"id": "/backends/inner"}]}}"#;
    let project = Project {
        backends: vec![
            backend("orders-eu", r#"{"url": "https://a.example"}"#),
            backend(
                "inner",
                r#"{"type": "Pool", "pool": {"services": [{"id": "orders-eu"}]}}"#,
            ),
            backend("outer", pool),
        ],
        ..Project::default()
    };
    let mut out = Vec::new();
    links::check(&project, &mut out);
    let found: Vec<(&str, &str)> = out
        .iter()
        .map(|d| (d.code.as_str(), &d.file.text[d.span.range()]))
        .collect();
    assert_eq!(
        found,
        [
            ("gatehouse::unknown-pool-member", "\"/backends/orders-ue\""),
            ("gatehouse::nested-pool", "\"/backends/inner\""),
        ]
    );
    assert_eq!(out[0].help.as_deref(), Some("did you mean `orders-eu`?"));
}

fn named_value(props: &str) -> (NamedValue, Vec<Diagnostic>) {
    with(&format!(r#"{{"properties": {props}}}"#), |f| {
        read_named_value(f, "nv")
    })
}

#[test]
fn named_values() {
    // APIOps exports secrets without their values: the value comes at run time.
    let (nv, out) = named_value(r#"{"displayName": "key", "secret": true}"#);
    assert!(nv.secret && nv.value.is_none());
    assert!(out.is_empty(), "{out:?}");
    let (_, out) = named_value(r#"{"displayName": "plain", "secret": false}"#);
    assert_eq!(codes_of(&out), ["missing-field"]);
    let (nv, out) =
        named_value(r#"{"secret": true, "keyVault": {"secretIdentifier": "https://v.example/s"}}"#);
    assert_eq!((nv.name.as_str(), out.len()), ("nv", 0));
    let (_, out) = named_value(r#"{"displayName": "a b", "value": "x"}"#);
    assert_eq!(codes_of(&out), ["invalid-field"]);
    let (_, out) = named_value(r#"{"value": 3}"#);
    assert_eq!(codes_of(&out), ["invalid-field", "missing-field"]);
}

fn codes_of(out: &[Diagnostic]) -> Vec<&str> {
    out.iter()
        .map(|d| d.code.trim_start_matches("gatehouse::"))
        .collect()
}

#[test]
fn duplicate_named_values() {
    let dir = TempDir::new("dupnv");
    for folder in ["a", "b"] {
        let json = r#"{"properties": {"displayName": "same", "value": "v"}}"#;
        dir.write(
            &format!("named values/{folder}/namedValueInformation.json"),
            json,
        );
    }
    let loaded = load_dir(dir.path());
    assert_eq!(codes(&loaded), ["duplicate-named-value"]);
    let d = &loaded.diagnostics[0];
    assert!(d.file.path.contains("/b/"));
    assert_eq!(&d.file.text[d.span.range()], "\"same\"");
}

#[test]
fn subscriptions() {
    assert_eq!(
        parse_scope("/products/starter"),
        Some(SubscriptionScope::Product("starter".into()))
    );
    assert_eq!(
        parse_scope("/apis/orders"),
        Some(SubscriptionScope::Api("orders".into()))
    );
    assert_eq!(parse_scope("/apis"), Some(SubscriptionScope::AllApis));
    assert_eq!(
        parse_scope("/subscriptions/s/service/x/products/p"),
        Some(SubscriptionScope::Product("p".into()))
    );
    assert_eq!(parse_scope("/users/u"), None);
    let json = r#"{"properties": {"scope": "/users/u"}}"#;
    let (s, out) = with(json, |f| read_subscription(f, "s"));
    assert!(s.is_none());
    assert_eq!(&json[out[0].span.range()], "\"/users/u\"");
}

#[test]
fn unknown_scopes_and_memberships() {
    let dir = TempDir::new("links");
    dir.write(
        "apis/orders/apiInformation.json",
        r#"{"properties": {"path": "o"}}"#,
    );
    dir.write(
        "products/p/productInformation.json",
        r#"{"properties": {}}"#,
    );
    dir.write("products/p/apis/ordres/productApiInformation.json", "{}");
    dir.write(
        "subscriptions/s/subscriptionInformation.json",
        r#"{"properties": {"scope": "/products/q"}}"#,
    );
    let loaded = load_dir(dir.path());
    assert_eq!(codes(&loaded), ["unknown-api", "unknown-product"]);
    assert_eq!(
        loaded.diagnostics[0].help.as_deref(),
        Some("did you mean `orders`?")
    );
    let d = &loaded.diagnostics[1];
    assert_eq!(&d.file.text[d.span.range()], "\"/products/q\"");
}

#[test]
fn missing_and_unreadable_files() {
    let dir = TempDir::new("files");
    std::fs::create_dir_all(dir.path().join("backends/b")).expect("mkdir");
    std::fs::create_dir_all(dir.path().join("apis/a/apiInformation.json")).expect("mkdir");
    dir.write("apis/a/policy.xml", "<policies>");
    let loaded = load_dir(dir.path());
    let mut found = codes(&loaded);
    found.sort();
    assert!(found.contains(&"missing-file".to_string()), "{found:?}");
    assert!(found.contains(&"unreadable-file".to_string()), "{found:?}");
    assert!(found.len() >= 3, "{found:?}");
}

#[test]
fn revision_folder_names() {
    assert_eq!(split_revision("orders;rev=2"), ("orders", Some("2")));
    assert_eq!(split_revision("orders"), ("orders", None));
    assert_eq!(split_revision("orders;rev="), ("orders;rev=", None));
    assert_eq!(split_revision("orders;rev=x"), ("orders;rev=x", None));
    assert_eq!(split_revision("orders;rev=0"), ("orders;rev=0", None));
    assert_eq!(split_revision(";rev=1"), (";rev=1", None));
}
