//! The server's diagnostics equal `check`'s (code, severity, span, message, help) for every
//! document of `policies/invalid/`: loose files opened one by one, projects by opening one
//! of their files (the server publishes every file of the project).

use super::client::Client;
use crate::support::root;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One diagnostic as both sides can state it: file, code, severity, 1-based line and
/// character column of start and end, message, help.
type Key = (String, String, String, u64, u64, u64, u64, String, String);

fn check_json(path: &Path) -> Vec<Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args(["check", "--format", "json"])
        .arg(path)
        .output()
        .expect("run check");
    let v: Value = serde_json::from_slice(&out.stdout).expect("check JSON");
    v["diagnostics"].as_array().cloned().unwrap_or_default()
}

fn canonical(file: &str) -> String {
    let p = Path::new(file);
    let p = if p.is_absolute() {
        p.to_path_buf()
    } else {
        root().join(p)
    };
    p.canonicalize().unwrap_or(p).display().to_string()
}

fn from_check(d: &Value) -> Key {
    let s = |k: &str| d[k].as_str().unwrap_or("").to_string();
    let n = |k: &str| d[k].as_u64().unwrap_or(0);
    (
        canonical(&s("file")),
        s("code"),
        s("severity"),
        n("line"),
        n("column"),
        n("end_line"),
        n("end_column"),
        s("message"),
        s("help"),
    )
}

/// The 1-based character column of a UTF-16 position in `text`.
fn char_column(text: &str, line: u64, utf16: u64) -> u64 {
    let Some(l) = text.split('\n').nth(line as usize) else {
        return utf16 + 1;
    };
    let mut units = 0;
    let mut chars = 0;
    for c in l.chars() {
        if units >= utf16 {
            break;
        }
        units += c.len_utf16() as u64;
        chars += 1;
    }
    chars + 1
}

fn from_lsp(uri_path: &str, d: &Value) -> Key {
    let path = canonical(uri_path);
    let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap_or_default()).into_owned();
    let pos = |k: &str, f: &str| d["range"][k][f].as_u64().unwrap_or(0);
    let mut lines = d["message"].as_str().unwrap_or("").lines();
    let message = lines.next().unwrap_or("").to_string();
    let help = lines
        .find_map(|l| l.strip_prefix("help: "))
        .unwrap_or("")
        .to_string();
    let severity = match d["severity"].as_u64() {
        Some(1) => "error",
        Some(2) => "warning",
        _ => "advice",
    };
    let (sl, sc) = (pos("start", "line"), pos("start", "character"));
    let (el, ec) = (pos("end", "line"), pos("end", "character"));
    (
        path,
        d["code"].as_str().unwrap_or("").to_string(),
        severity.to_string(),
        sl + 1,
        char_column(&text, sl, sc),
        el + 1,
        char_column(&text, el, ec),
        message,
        help,
    )
}

fn decode(uri: &str) -> String {
    let raw = uri.strip_prefix("file://").unwrap_or(uri);
    let mut out = Vec::new();
    let b = raw.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&raw[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn published(c: &mut Client) -> BTreeSet<Key> {
    let mut out = BTreeSet::new();
    for (uri, list) in c.diagnostics() {
        let path = decode(&uri);
        out.extend(list.iter().map(|d| from_lsp(&path, d)));
    }
    out
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                pending.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn loose_invalid_documents_match_check() {
    let dir = root()
        .join("policies/invalid")
        .canonicalize()
        .expect("policies/invalid");
    let mut c = Client::initialized(Some(&dir));
    let mut compared = 0;
    for entry in std::fs::read_dir(&dir).expect("read").flatten() {
        let path = entry.path();
        if path.is_dir() || path.extension().is_none_or(|e| e != "xml") {
            continue;
        }
        let Ok(text) = String::from_utf8(std::fs::read(&path).expect("read")) else {
            continue; // an editor cannot send bytes that are not UTF-8
        };
        let expected: BTreeSet<Key> = check_json(&path).iter().map(from_check).collect();
        let uri = c.open(&path, &text);
        let got = published(&mut c);
        c.notify(
            "textDocument/didClose",
            serde_json::json!({"textDocument": {"uri": uri}}),
        );
        assert_eq!(got, expected, "{}", path.display());
        compared += 1;
    }
    assert!(compared > 60, "compared {compared}");
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn invalid_projects_match_check() {
    let dir = root()
        .join("policies/invalid")
        .canonicalize()
        .expect("policies/invalid");
    let mut compared = 0;
    for entry in std::fs::read_dir(&dir).expect("read").flatten() {
        let project = entry.path();
        if !project.is_dir() {
            continue;
        }
        let expected: BTreeSet<Key> = check_json(&project).iter().map(from_check).collect();
        let files = files_under(&project);
        let pick = files
            .iter()
            .filter(|p| p.file_name().is_some_and(|n| n != "EXPECT"))
            .filter(|p| String::from_utf8(std::fs::read(p).unwrap_or_default()).is_ok())
            .min_by_key(|p| p.extension().is_none_or(|e| e != "xml"));
        let Some(pick) = pick else { continue };
        let mut c = Client::initialized(Some(&project));
        let text = std::fs::read_to_string(pick).expect("read");
        c.open(pick, &text);
        let got = published(&mut c);
        assert_eq!(
            got,
            expected,
            "{} (opened {})",
            project.display(),
            pick.display()
        );
        assert_eq!(c.shutdown(), Some(0));
        compared += 1;
    }
    assert!(compared > 20, "compared {compared}");
}
