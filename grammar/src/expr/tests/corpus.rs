//! Every `@(...)`/`@{...}` in the real-policy corpus parses and round-trips.

use super::{check_span, round_trip_block, round_trip_expr};
use crate::expr::{parse_block, parse_expression};
use crate::scan::scan;
use crate::syntax::ExpressionKind;
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

/// The expression regions of a document as the scanner finds them: (is block, code).
fn regions(text: &str) -> Vec<(bool, String)> {
    let doc = scan(text, &Limits::default()).0;
    let regions = doc.expressions().into_iter();
    regions
        .map(|e| (e.kind == ExpressionKind::Block, e.code.to_string()))
        .collect()
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
        for (is_block, code) in regions(&raw) {
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
