//! Completion, hover, definitions and references on `policies/sample` (an APIOps
//! project), with the editor's unsaved text over the files on disk.

use super::client::{uri, Client};
use crate::support::root;
use serde_json::{json, Value};
use std::path::PathBuf;

fn sample() -> PathBuf {
    root()
        .join("policies/sample")
        .canonicalize()
        .expect("policies/sample")
}

fn api_policy() -> PathBuf {
    sample().join("apis/orders/policy.xml")
}

/// The LSP position just after the first `marker` in `text` (plus `delta` bytes).
fn after(text: &str, marker: &str, delta: isize) -> Value {
    let at = text.find(marker).unwrap_or_else(|| panic!("no {marker:?}")) as isize;
    let offset = (at + marker.len() as isize + delta) as usize;
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let character = before.len() - before.rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": character})
}

/// A server with the orders API policy open, its text edited to `text`.
fn open_api(text: &str) -> (Client, String) {
    let mut c = Client::initialized(Some(&sample()));
    let uri = c.open(&api_policy(), text);
    c.diagnostics();
    (c, uri)
}

fn labels(c: &mut Client, uri: &str, pos: Value) -> Vec<String> {
    let r = c.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": pos}),
    );
    let items = r["result"].as_array().unwrap_or_else(|| panic!("{r}"));
    items
        .iter()
        .map(|i| {
            format!(
                "{} — {}",
                i["label"].as_str().unwrap_or(""),
                i["detail"].as_str().unwrap_or("")
            )
        })
        .collect()
}

fn hover(c: &mut Client, uri: &str, pos: Value) -> String {
    let r = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": pos}),
    );
    r["result"]["contents"]["value"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

fn disk_text() -> String {
    std::fs::read_to_string(api_policy()).expect("read")
}

#[test]
fn completes_backends_fragments_and_enum_values() {
    let text = disk_text();
    let (mut c, uri) = open_api(&text);
    let backends = labels(&mut c, &uri, after(&text, "backend-id=\"orders-", 0));
    insta::assert_snapshot!("backend_ids", backends.join("\n"));
    let fragments = labels(&mut c, &uri, after(&text, "fragment-id=\"", 0));
    assert_eq!(fragments, ["forward-context — fragment"]);
    let values = labels(&mut c, &uri, after(&text, "exists-action=\"", 0));
    insta::assert_snapshot!("exists_action", values.join("\n"));
    let attrs = labels(&mut c, &uri, after(&text, "<set-header ", 0));
    insta::assert_snapshot!("set_header_attributes", attrs.join("\n"));
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn completes_policies_valid_in_the_section() {
    let text = disk_text().replace(
        "<outbound>\n        <base />",
        "<outbound>\n        <base />\n        <",
    );
    let (mut c, uri) = open_api(&text);
    let names = labels(
        &mut c,
        &uri,
        after(&text, "<outbound>\n        <base />\n        <", 0),
    );
    let name = |n: &str| names.iter().any(|l| l.starts_with(&format!("{n} —")));
    assert!(
        name("set-header") && name("set-body") && name("base"),
        "{names:?}"
    );
    assert!(
        !name("forward-request") && !name("rewrite-uri"),
        "{names:?}"
    );
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn completes_members_inside_expressions_with_their_types() {
    let text = disk_text();
    let (mut c, uri) = open_api(&text);
    let members = labels(&mut c, &uri, after(&text, "context.Request.", 0));
    insta::assert_snapshot!("request_members", members.join("\n"));
    let headers = labels(&mut c, &uri, after(&text, "context.Request.Headers.", 0));
    assert!(
        headers.iter().any(|l| l.starts_with("GetValueOrDefault —")),
        "{headers:?}"
    );
    let top = labels(&mut c, &uri, after(&text, "@(context", -7));
    assert!(top.iter().any(|l| l.starts_with("context —")), "{top:?}");
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn completes_named_values_and_variables_set_upstream() {
    let text = disk_text().replace(
        "<base />\n        <include-fragment",
        "<base />\n        <set-variable name=\"region\" value=\"eu\" />\n        <set-header name=\"v\" exists-action=\"override\"><value>@((string)context.Variables[\"\"])</value></set-header>\n        <include-fragment",
    );
    let (mut c, uri) = open_api(&text);
    let vars = labels(&mut c, &uri, after(&text, "context.Variables[\"", 0));
    assert_eq!(vars, ["region — variable"]);
    let nv = labels(&mut c, &uri, after(&text, "{{orders-", -7));
    insta::assert_snapshot!("named_values", nv.join("\n"));
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn hovers_policies_attributes_members_and_base() {
    let text = disk_text();
    let (mut c, uri) = open_api(&text);
    insta::assert_snapshot!(
        "hover_policy",
        hover(&mut c, &uri, after(&text, "<choo", 0))
    );
    insta::assert_snapshot!(
        "hover_attribute",
        hover(&mut c, &uri, after(&text, "exists-act", 0))
    );
    insta::assert_snapshot!(
        "hover_member",
        hover(&mut c, &uri, after(&text, "GetValueOr", 0))
    );
    let base = hover(&mut c, &uri, after(&text, "<inbound>\n        <ba", 0));
    insta::assert_snapshot!(
        "hover_base",
        base.replace(&sample().display().to_string(), "SAMPLE")
    );
    let backend = hover(&mut c, &uri, after(&text, "backend-id=\"orders-po", 0));
    assert!(
        backend.contains("Pool members") && backend.contains("orders-eu"),
        "{backend}"
    );
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn hover_never_shows_a_secret_value() {
    let text = disk_text().replace("{{orders-api-version}}", "{{orders-api-key}}");
    let (mut c, uri) = open_api(&text);
    let h = hover(&mut c, &uri, after(&text, "{{orders-api", 0));
    assert!(h.contains("secret") && h.contains("orders-api-key"), "{h}");
    assert!(!h.contains("sample-key-not-a-secret"), "{h}");
    assert_eq!(c.shutdown(), Some(0));
}

fn locations(r: &Value) -> Vec<String> {
    let base = uri(&sample());
    let mut out: Vec<String> = r["result"]
        .as_array()
        .unwrap_or_else(|| panic!("{r}"))
        .iter()
        .map(|l| {
            let u = l["uri"].as_str().unwrap_or("").replace(&base, "SAMPLE");
            format!("{u}:{}", l["range"]["start"]["line"])
        })
        .collect();
    out.sort();
    out
}

#[test]
fn definitions_and_references_across_files() {
    let text = disk_text();
    let (mut c, uri) = open_api(&text);
    let def = |c: &mut Client, marker: &str| {
        let r = c.request(
            "textDocument/definition",
            json!({"textDocument": {"uri": uri}, "position": after(&text, marker, 0)}),
        );
        locations(&r)
    };
    assert_eq!(
        def(&mut c, "backend-id=\"orders-u"),
        ["SAMPLE/backends/orders-us/backendInformation.json:1"]
    );
    assert_eq!(
        def(&mut c, "fragment-id=\"forward"),
        ["SAMPLE/policy%20fragments/forward-context/policy.xml:0"]
    );
    let nv = def(&mut c, "{{orders-api");
    assert_eq!(nv.len(), 1, "{nv:?}");
    assert!(
        nv[0].starts_with("SAMPLE/named%20values/orders-api-version/namedValueInformation.json"),
        "{nv:?}"
    );
    let refs = c.request(
        "textDocument/references",
        json!({"textDocument": {"uri": uri}, "position": after(&text, "backend-id=\"orders-po", 0), "context": {"includeDeclaration": false}}),
    );
    assert_eq!(locations(&refs), ["SAMPLE/apis/orders/policy.xml:10"]);
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(symbols["result"][0]["name"], "policies");
    assert_eq!(symbols["result"][0]["children"][0]["name"], "inbound");
    let folds = c.request(
        "textDocument/foldingRange",
        json!({"textDocument": {"uri": uri}}),
    );
    assert!(
        folds["result"].as_array().is_some_and(|f| f.len() > 4),
        "{folds}"
    );
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn quick_fixes_for_a_typo_and_a_missing_base() {
    let text = disk_text()
        .replace("<rate-limit-by-key", "<rate-limit-by-kye")
        .replace("<outbound>\n        <base />", "<outbound>");
    let (mut c, uri) = open_api(&text);
    let all = json!({"start": {"line": 0, "character": 0}, "end": {"line": 40, "character": 0}});
    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": all, "context": {"diagnostics": []}}),
    );
    let titles: Vec<&str> = r["result"]
        .as_array()
        .unwrap_or_else(|| panic!("{r}"))
        .iter()
        .filter_map(|a| a["title"].as_str())
        .collect();
    assert!(
        titles.contains(&"Replace with `rate-limit-by-key`"),
        "{titles:?}"
    );
    assert!(titles.contains(&"Add `<base />`"), "{titles:?}");
    assert_eq!(c.shutdown(), Some(0));
}
