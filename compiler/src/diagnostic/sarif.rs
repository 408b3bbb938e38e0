//! The SARIF 2.1.0 rendering of diagnostics (`gatehouse check --format sarif`), for code
//! scanning tools.

use super::codes::lookup;
use super::{Diagnostic, JsonDiagnostic, Severity};
use serde_json::{json, Value};

/// One SARIF log with one run of the `gatehouse` tool, pretty-printed.
pub fn render_sarif(diagnostics: &[Diagnostic]) -> String {
    let mut codes: Vec<&str> = Vec::new();
    for d in diagnostics {
        if !codes.contains(&d.code.as_str()) {
            codes.push(&d.code);
        }
    }
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| result(d, codes.iter().position(|c| *c == d.code)))
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "gatehouse",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": codes.iter().map(|c| rule(c)).collect::<Vec<_>>(),
                }
            },
            "results": results,
        }]
    });
    serde_json::to_string_pretty(&log).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

fn rule(code: &str) -> Value {
    let doc = lookup(code);
    let summary = doc.map_or("see the diagnostics catalogue", |c| c.summary);
    let mut rule = json!({
        "id": code,
        "shortDescription": { "text": summary },
    });
    if let Some(doc) = doc {
        rule["defaultConfiguration"] = json!({ "level": level(doc.severity) });
        rule["help"] = json!({ "text": doc.fix });
    }
    rule
}

fn result(d: &Diagnostic, rule_index: Option<usize>) -> Value {
    let at = JsonDiagnostic::from(d);
    let text = match &d.help {
        Some(help) => format!("{}\nhelp: {help}", d.message),
        None => d.message.clone(),
    };
    let mut result = json!({
        "ruleId": d.code,
        "level": level(d.severity),
        "message": { "text": text },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": uri(&at.file) },
                "region": {
                    "startLine": at.line,
                    "startColumn": at.column,
                    "endLine": at.end_line,
                    "endColumn": at.end_column,
                }
            }
        }]
    });
    if let Some(i) = rule_index {
        result["ruleIndex"] = json!(i);
    }
    result
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Advice => "note",
    }
}

/// The path as a URI reference: `/` separators, reserved bytes percent-encoded; an
/// absolute path becomes a `file://` URI.
pub(crate) fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut out = String::new();
    if path.starts_with('/') {
        out.push_str("file://");
    } else if path.as_bytes().get(1) == Some(&b':') {
        out.push_str("file:///");
    }
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            b':' if out.starts_with("file:") => out.push(':'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("apis/a b/policy.xml"), "apis/a%20b/policy.xml");
        assert_eq!(uri("dir\\p.xml"), "dir/p.xml");
        assert_eq!(uri("/tmp/p.xml"), "file:///tmp/p.xml");
        assert_eq!(uri("C:\\x\\p.xml"), "file:///C:/x/p.xml");
    }
}
