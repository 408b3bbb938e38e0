//! The lifecycle, out-of-order and malformed messages: each answered with an error, the
//! server never stops before `exit`.

use super::client::Client;
use serde_json::{json, Value};

fn error_code(v: &Value) -> i64 {
    v["error"]["code"]
        .as_i64()
        .unwrap_or_else(|| panic!("no error in {v}"))
}

#[test]
fn requests_before_initialize_are_refused_and_then_served() {
    let mut c = Client::start();
    let r = c.request("textDocument/hover", json!({}));
    assert_eq!(error_code(&r), -32002);
    // A notification before `initialize` is ignored, not fatal.
    c.notify("textDocument/didOpen", json!({"textDocument": {}}));
    let r = c.request("initialize", json!({"capabilities": {}}));
    assert!(r["result"]["capabilities"].is_object(), "{r}");
    let again = c.request("initialize", json!({"capabilities": {}}));
    assert_eq!(error_code(&again), -32600);
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn malformed_messages_are_answered_with_errors() {
    let mut c = Client::initialized(None);
    c.send_raw("{not json");
    assert_eq!(error_code(&c.response(&Value::Null)), -32700);
    c.send_raw("[1, 2]");
    assert_eq!(error_code(&c.response(&Value::Null)), -32600);
    // A response to nothing the server asked is ignored (the next request is answered).
    c.send_raw(r#"{"jsonrpc": "2.0", "id": 5, "result": null}"#);
    let unknown = c.request("no/such-method", json!({}));
    assert_eq!(error_code(&unknown), -32601);
    let bad = c.request("textDocument/hover", json!({"textDocument": 3}));
    assert_eq!(error_code(&bad), -32602);
    let closed = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///nowhere.xml"}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(error_code(&closed), -32602);
    // Edits to documents never opened, and positions far outside the text, are harmless.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": "file:///nowhere.xml", "version": 2}, "contentChanges": [{"text": "x"}]}),
    );
    let uri = c.open(
        std::path::Path::new("/tmp/gatehouse-lsp-protocol.xml"),
        "<policies><inbound>",
    );
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": 99, "character": 99}, "end": {"line": 0, "character": 0}}, "text": "é"}
        ]}),
    );
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 4000, "character": 4000}}),
    );
    assert!(hover.get("result").is_some(), "{hover}");
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn after_shutdown_only_exit_is_accepted() {
    let mut c = Client::initialized(None);
    let r = c.request("shutdown", Value::Null);
    assert_eq!(r["result"], Value::Null);
    let late = c.request("textDocument/hover", json!({}));
    assert_eq!(error_code(&late), -32600);
    c.notify("exit", Value::Null);
    assert_eq!(c.wait(), Some(0));
}

#[test]
fn exit_without_shutdown_is_an_error_exit() {
    let mut c = Client::initialized(None);
    c.notify("exit", Value::Null);
    assert_eq!(c.wait(), Some(1));
}

#[test]
fn open_change_close_publishes_and_clears_diagnostics() {
    let mut c = Client::initialized(None);
    let path = std::path::Path::new("/tmp/gatehouse-lsp-occ.xml");
    let uri = c.open(
        path,
        "<policies><inbound><set-heder /></inbound></policies>",
    );
    let d = c.diagnostics();
    let codes: Vec<&str> = d[&uri].iter().filter_map(|d| d["code"].as_str()).collect();
    assert!(codes.contains(&"gatehouse::unknown-policy"), "{codes:?}");
    // Fix the typo with an incremental edit: `heder` → `header`.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": 0, "character": 24}, "end": {"line": 0, "character": 29}}, "text": "header"}
        ]}),
    );
    let d = c.diagnostics();
    let codes: Vec<&str> = d[&uri].iter().filter_map(|d| d["code"].as_str()).collect();
    assert!(!codes.contains(&"gatehouse::unknown-policy"), "{codes:?}");
    assert!(codes.contains(&"gatehouse::missing-attribute"), "{codes:?}");
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    let d = c.diagnostics();
    assert_eq!(d[&uri], Vec::<Value>::new());
    assert_eq!(c.shutdown(), Some(0));
}
