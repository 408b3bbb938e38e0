//! The language server's latency: diagnostics for a 200-line policy after one keystroke
//! (a loose file, and the same text as an API policy of `policies/sample`, where the
//! project is kept loaded and only the edited document is re-checked), and completion
//! inside an expression. Each iteration is one message handled by the server, as the
//! editor would send it, and includes building the published diagnostics.

#![allow(missing_docs)] // criterion_group! generates undocumented items

use criterion::{criterion_group, criterion_main, Criterion};
use gatehouse_lsp::{path_to_uri, Server};
use lsp_server::{Message, Notification, Request, RequestId};
use serde_json::json;
use std::hint::black_box;
use std::path::{Path, PathBuf};

/// The same allocator as the `gatehouse` binary, so the figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A policy of at least 200 lines: headers, branches, variables and expressions.
fn policy_200_lines() -> String {
    let mut out = String::from("<policies>\n    <inbound>\n        <base />\n");
    for i in 0..16 {
        out.push_str(&format!(
            "        <set-variable name=\"v{i}\" value=\"@(context.Request.Headers.GetValueOrDefault(&quot;x-{i}&quot;, &quot;&quot;))\" />\n\
             \x20       <choose>\n\
             \x20           <when condition=\"@(((string)context.Variables[&quot;v{i}&quot;]).Length &gt; {i})\">\n\
             \x20               <set-header name=\"x-out-{i}\" exists-action=\"override\">\n\
             \x20                   <value>@(context.Request.Url.Path + &quot;/{i}&quot;)</value>\n\
             \x20               </set-header>\n\
             \x20           </when>\n\
             \x20           <otherwise>\n\
             \x20               <set-query-parameter name=\"q{i}\" exists-action=\"append\">\n\
             \x20                   <value>{i}</value>\n\
             \x20               </set-query-parameter>\n\
             \x20           </otherwise>\n\
             \x20       </choose>\n"
        ));
    }
    out.push_str("    </inbound>\n    <backend>\n        <base />\n    </backend>\n    <outbound>\n        <base />\n    </outbound>\n    <on-error>\n        <base />\n    </on-error>\n</policies>\n");
    assert!(out.lines().count() >= 200, "{} lines", out.lines().count());
    out
}

fn notification(method: &str, params: serde_json::Value) -> Message {
    Message::Notification(Notification::new(method.into(), params))
}

fn server() -> Server {
    let mut s = Server::new();
    let init = Request::new(
        RequestId::from(0),
        "initialize".into(),
        json!({"capabilities": {}}),
    );
    s.handle(Message::Request(init));
    s
}

/// A server with `text` open at `path`.
fn opened(path: &Path, text: &str) -> (Server, String) {
    let mut s = server();
    let uri = path_to_uri(path).expect("uri").as_str().to_string();
    s.handle(notification(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "xml", "version": 1, "text": text}}),
    ));
    (s, uri)
}

/// One keystroke on line 6 (inside a header name), typed then deleted on alternate runs.
fn keystroke(c: &mut Criterion, name: &str, path: &Path) {
    let text = policy_200_lines();
    let (mut s, uri) = opened(path, &text);
    let mut version = 1;
    c.bench_function(name, |b| {
        b.iter(|| {
            version += 1;
            let (range, insert) = if version % 2 == 0 {
                (json!({"start": {"line": 6, "character": 40}, "end": {"line": 6, "character": 40}}), "a")
            } else {
                (json!({"start": {"line": 6, "character": 40}, "end": {"line": 6, "character": 41}}), "")
            };
            let change = notification(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"range": range, "text": insert}]}),
            );
            let (out, _) = s.handle(change);
            assert!(!out.is_empty(), "diagnostics are published");
            black_box(out)
        })
    });
}

fn completion(c: &mut Criterion) {
    let text = policy_200_lines();
    let (mut s, uri) = opened(&sample().join("apis/orders/policy.xml"), &text);
    let marker = "context.Request.Url.";
    let at = text.rfind(marker).expect("marker") + marker.len();
    let line = text[..at].matches('\n').count();
    let character = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
    let mut id = 1;
    c.bench_function("lsp/completion_in_expression", |b| {
        b.iter(|| {
            id += 1;
            let req = Request::new(
                RequestId::from(id),
                "textDocument/completion".into(),
                json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
            );
            let (out, _) = s.handle(Message::Request(req));
            black_box(out)
        })
    });
}

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("policies/sample")
        .canonicalize()
        .expect("policies/sample")
}

fn benches(c: &mut Criterion) {
    let loose = std::env::temp_dir().join("gatehouse-bench-lsp-loose.xml");
    keystroke(c, "lsp/keystroke_diagnostics_loose", &loose);
    keystroke(
        c,
        "lsp/keystroke_diagnostics_project",
        &sample().join("apis/orders/policy.xml"),
    );
    completion(c);
}

criterion_group!(lsp, benches);
criterion_main!(lsp);
