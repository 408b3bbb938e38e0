//! `gatehouse fmt`: rewriting in place, `--check` and refusing broken documents.

use crate::support::TempDir;
use std::process::{Command, Output};

fn gatehouse(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args(args)
        .output()
        .expect("run gatehouse")
}

const MESSY: &str = "<policies>\n  <inbound><base/>\n<set-header name=\"a\"  exists-action=\"override\"><value>@(\"x\")</value></set-header>\n</inbound>\n</policies>\n";
const TIDY: &str = "<policies>\n    <inbound>\n        <base />\n        <set-header name=\"a\" exists-action=\"override\">\n            <value>@(\"x\")</value>\n        </set-header>\n    </inbound>\n</policies>\n";

#[test]
fn check_lists_files_that_would_change_and_changes_nothing() {
    let dir = TempDir::new("fmt-check");
    dir.write("messy.xml", MESSY).write("tidy.xml", TIDY);
    let out = gatehouse(&["fmt", "--check", &dir.arg()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("messy.xml") && !stdout.contains("tidy.xml"),
        "{stdout}"
    );
    let kept = std::fs::read_to_string(dir.0.join("messy.xml")).expect("read");
    assert_eq!(kept, MESSY);
}

#[test]
fn rewrites_in_place_then_check_passes() {
    let dir = TempDir::new("fmt-write");
    dir.write("p.xml", MESSY);
    let out = gatehouse(&["fmt", &dir.arg()]);
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(dir.0.join("p.xml")).expect("read");
    assert_eq!(text, TIDY);
    let again = gatehouse(&["fmt", "--check", &dir.arg()]);
    assert_eq!(again.status.code(), Some(0));
}

#[test]
fn refuses_a_document_with_syntax_errors_and_leaves_it_alone() {
    let dir = TempDir::new("fmt-broken");
    dir.write("b.xml", "<policies><inbound>");
    let out = gatehouse(&["fmt", &dir.arg()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("syntax errors"));
    let kept = std::fs::read_to_string(dir.0.join("b.xml")).expect("read");
    assert_eq!(kept, "<policies><inbound>");
}

#[test]
fn a_missing_path_is_a_usage_failure() {
    let out = gatehouse(&["fmt", "/nonexistent/gatehouse-fmt"]);
    assert_eq!(out.status.code(), Some(2));
}
