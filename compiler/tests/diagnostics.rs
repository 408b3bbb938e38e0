//! The diagnostics catalogue against the outside world: `docs/diagnostics.md` is generated
//! from it, and every code the sources emit is registered in it.

use gatehouse_compiler::diagnostic::codes::{lookup, CODES};
use gatehouse_compiler::diagnostic::diagnostics_markdown;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn diagnostics_page_is_up_to_date() {
    let path = root().join("docs/diagnostics.md");
    let expected = diagnostics_markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &expected).expect("write docs/diagnostics.md");
        return;
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/diagnostics.md is stale; regenerate with UPDATE_DOCS=1 cargo test -p gatehouse-compiler --test diagnostics"
    );
}

/// Library sources, without test files.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        if path.is_dir() && name != "tests" {
            sources(&path, out);
        } else if name.ends_with(".rs") && name != "tests.rs" {
            out.push(path);
        }
    }
}

/// Whether `s` looks like a diagnostic code: `word-word` or `syntax::word-word`.
fn is_code(s: &str) -> bool {
    let name = s.strip_prefix("syntax::").unwrap_or(s);
    !name.is_empty()
        && name.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// The string literals in `text`, with the byte offset of each.
fn literals(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut at = 0;
    while let Some(start) = rest.find('"') {
        let after = &rest[start + 1..];
        let Some(len) = after.find(['"', '\\']) else {
            break;
        };
        if after.as_bytes()[len] == b'"' {
            out.push((at + start, &after[..len]));
        }
        let skip = start + 1 + len + 1;
        at += skip;
        rest = &rest[skip.min(rest.len())..];
    }
    out
}

/// Codes emitted in one source file: every `"syntax::…"` literal, and the second argument
/// of `Diagnostic::error(` / `Diagnostic::warning(` when it is a code-like literal.
fn emitted(text: &str) -> Vec<String> {
    let lits = literals(text);
    let mut codes: Vec<String> = lits
        .iter()
        .filter(|(_, s)| s.starts_with("syntax::") && is_code(s))
        .map(|(_, s)| s.to_string())
        .collect();
    for ctor in ["Diagnostic::error(", "Diagnostic::warning("] {
        for (pos, _) in text.match_indices(ctor) {
            let first = lits
                .iter()
                .find(|(at, _)| *at > pos)
                .filter(|(at, s)| *at < pos + 200 && is_code(s))
                .filter(|(at, _)| text[pos + ctor.len()..*at].matches(',').count() == 1);
            if let Some((_, s)) = first {
                codes.push(s.to_string());
            }
        }
    }
    codes
}

#[test]
fn every_emitted_code_is_registered() {
    // The grammar's syntax errors carry their codes as literals: each must be registered.
    let mut files = Vec::new();
    sources(&root().join("grammar/src"), &mut files);
    let mut missing = Vec::new();
    let mut found = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read source");
        for code in emitted(&text) {
            found += 1;
            if lookup(&code).is_none() {
                missing.push(format!("{}: {code}", file.display()));
            }
        }
    }
    assert!(found > 10, "the scan found only {found} codes");
    assert!(
        missing.is_empty(),
        "codes missing from compiler/src/diagnostic/codes.rs:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_compiler_names_codes_by_their_constants() {
    // Every code the compiler emits is a constant of `diagnostic::codes`, declared once
    // with its documentation; no call site spells one as a string.
    let mut files = Vec::new();
    sources(&root().join("compiler/src"), &mut files);
    let spelled: Vec<String> = files
        .iter()
        .filter(|f| !f.ends_with("diagnostic/codes.rs"))
        .flat_map(|f| {
            let text = std::fs::read_to_string(f).expect("read source");
            emitted(&text)
                .into_iter()
                .map(|c| format!("{}: {c}", f.display()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        spelled.is_empty(),
        "codes spelled as strings:\n{}",
        spelled.join("\n")
    );
}

#[test]
fn the_scan_finds_codes() {
    let text =
        "Diagnostic::error(\n cx.file,\n \"unknown-thing\", \"msg\");\n code: \"syntax::a-b\"";
    assert_eq!(emitted(text), ["syntax::a-b", "unknown-thing"]);
    assert!(CODES.len() > 60);
}
