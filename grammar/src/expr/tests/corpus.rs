//! Every `@(...)`/`@{...}` in the real-policy corpus parses and round-trips.

use super::{check_span, round_trip_block, round_trip_expr};
use crate::expr::literal::{scan_interpolated, Scan};
use crate::expr::{parse_block, parse_expression};
use crate::Limits;
use std::path::{Path, PathBuf};

const DEFECTIVE: &str = "Apim-Samples-rendered/samples/load-balancing/apim-policies/aca-backend-pool-load-balancing-with-retry-tracked.xml";

fn corpus_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/corpus/real"
    ))
}

fn xml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            xml_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "xml") {
            out.push(p);
        }
    }
}

/// Decodes XML entities outside CDATA and drops XML comments.
pub(super) fn decode_xml(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(c) = rest.chars().next() {
        if let Some(r) = rest.strip_prefix("<![CDATA[") {
            let end = r.find("]]>").unwrap_or(r.len());
            out.push_str(&r[..end]);
            rest = r.get(end + 3..).unwrap_or("");
        } else if let Some(r) = rest.strip_prefix("<!--") {
            let end = r.find("-->").map_or(r.len(), |e| e + 3);
            rest = &r[end..];
        } else if c == '&' {
            let end = rest.find(';').filter(|&e| e < 12).unwrap_or(0);
            let ent = &rest[1..end.max(1)];
            let decoded = match ent {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => ent
                    .strip_prefix("#x")
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| ent.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            match decoded {
                Some(d) if end > 0 => {
                    out.push(d);
                    rest = &rest[end + 1..];
                }
                _ => {
                    out.push('&');
                    rest = &rest[1..];
                }
            }
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// Finds the index of the bracket closing the one just before `start`.
pub(super) fn balanced_end(b: &[u8], start: usize, open: u8, close: u8) -> Option<usize> {
    let mut depth = 1;
    let mut i = start;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        match c {
            b'$' | b'@'
                if matches!(next, Some(b'"'))
                    || matches!((next, b.get(i + 2)), (Some(b'$' | b'@'), Some(b'"'))) =>
            {
                let q = if next == Some(b'"') { i + 1 } else { i + 2 };
                let interp = b[i..q].contains(&b'$');
                let verbatim = b[i..q].contains(&b'@');
                if interp {
                    match scan_interpolated(&b[q + 1..], verbatim, &mut |_| {}) {
                        Scan::Done(n) => i = q + 1 + n,
                        Scan::Unterminated => return None,
                    }
                } else {
                    i = q + 1;
                    while i < b.len() && !(b[i] == b'"' && b.get(i + 1) != Some(&b'"')) {
                        i += if b[i] == b'"' { 2 } else { 1 };
                    }
                    i += 1;
                }
                continue;
            }
            b'"' | b'\'' => {
                i += 1;
                while i < b.len() && b[i] != c && b[i] != b'\n' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if next == Some(b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if next == Some(b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            c if c == open => depth += 1,
            c if c == close => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// All `(is_block, code)` regions of a decoded policy document.
pub(super) fn regions(text: &str) -> Vec<(bool, String)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < b.len() {
        let (open, close) = match (b[i], b[i + 1]) {
            (b'@', b'(') => (b'(', b')'),
            (b'@', b'{') => (b'{', b'}'),
            _ => {
                i += 1;
                continue;
            }
        };
        match balanced_end(b, i + 2, open, close) {
            Some(end) => {
                out.push((open == b'{', text[i + 2..end].to_string()));
                i = end + 1;
            }
            None => i += 2,
        }
    }
    out
}

/// Every region of every corpus file, with its file's path relative to the corpus.
pub(super) fn all_regions() -> Vec<(String, bool, String)> {
    let dir = corpus_dir();
    let mut files = Vec::new();
    xml_files(&dir, &mut files);
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let Ok(raw) = std::fs::read_to_string(&f) else {
            continue;
        };
        let rel = f
            .strip_prefix(&dir)
            .unwrap_or(&f)
            .to_string_lossy()
            .replace('\\', "/");
        for (is_block, code) in regions(&decode_xml(&raw)) {
            out.push((rel.clone(), is_block, code));
        }
    }
    out
}

#[test]
fn corpus_parses_and_round_trips() {
    let regions = all_regions();
    assert!(
        regions.len() > 500,
        "corpus not found or too small: {}",
        regions.len()
    );
    let limits = Limits::default();
    let mut failures = Vec::new();
    let mut defective_errors = 0;
    for (file, is_block, code) in &regions {
        let res = if *is_block {
            parse_block(code, &limits).map(|_| ())
        } else {
            parse_expression(code, &limits).map(|_| ())
        };
        match res {
            Ok(()) if *is_block => round_trip_block(code),
            Ok(()) => round_trip_expr(code),
            Err(e) if file == DEFECTIVE => {
                check_span(code, &e);
                assert_eq!(e.code, "syntax::invalid-char-literal", "{e:?}");
                let lit = &code[e.span.range()];
                assert!(
                    lit.len() > 3 && lit.starts_with('\'') && lit.ends_with('\''),
                    "{lit}"
                );
                let inner = &lit[1..lit.len() - 1];
                assert!(e
                    .help
                    .as_deref()
                    .unwrap_or("")
                    .contains(&format!("\"{inner}\"")));
                if lit == "'updatedRetryEpoch'" {
                    defective_errors += 1;
                }
            }
            Err(e) => failures.push(format!("{file}: {e:?}\n--- code ---\n{code}\n")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} regions failed:\n{}",
        failures.len(),
        regions.len(),
        failures.join("\n")
    );
    assert!(
        defective_errors > 0,
        "the defective file's char literals were not rejected"
    );
}

#[test]
fn corpus_spans_are_in_bounds_and_point_at_their_text() {
    let limits = Limits::default();
    let mut nodes = 0;
    for (_, is_block, code) in all_regions() {
        let mut check = |e: &crate::expr::Expr| {
            nodes += 1;
            let r = e.span.range();
            assert!(
                r.start <= r.end && r.end <= code.len(),
                "{:?} in {code}",
                e.span
            );
            if let crate::expr::ExprKind::Name(n, _) = &e.kind {
                assert_eq!(code[n.span.range()].trim_start_matches('@'), &*n.name);
            }
        };
        if is_block {
            if let Ok(b) = parse_block(&code, &limits) {
                crate::expr::for_each_expr_in_block(&b, &mut check);
            }
        } else if let Ok(e) = parse_expression(&code, &limits) {
            crate::expr::for_each_expr(&e, &mut check);
        }
    }
    assert!(nodes > 10_000, "only {nodes} nodes visited");
}

/// Throughput over the corpus; run with `cargo test --release -- --ignored --nocapture`.
#[test]
#[ignore]
fn corpus_throughput() {
    let regions = all_regions();
    let bytes: usize = regions.iter().map(|r| r.2.len()).sum();
    let limits = Limits::default();
    let start = std::time::Instant::now();
    let rounds = 200;
    for _ in 0..rounds {
        for (_, is_block, code) in &regions {
            if *is_block {
                let _ = std::hint::black_box(parse_block(code, &limits));
            } else {
                let _ = std::hint::black_box(parse_expression(code, &limits));
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let mbps = (bytes * rounds) as f64 / secs / 1e6;
    eprintln!("{} regions, {bytes} bytes: {mbps:.1} MB/s", regions.len());
}
