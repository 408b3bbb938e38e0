//! Robustness: mutated corpus files never panic the front end, and every rejection is located.

use crate::support::{corpus_dir, relative, xml_files};
use gatehouse_compiler::{check_bytes, CheckOptions, Severity};
use std::panic::{catch_unwind, AssertUnwindSafe};

#[path = "../compiler/src/project/tests/rng.rs"]
mod rng;

use rng::Rng;

const SWAPS: &[(u8, u8)] = &[
    (b'"', b'\''),
    (b'(', b')'),
    (b'{', b'}'),
    (b'<', b'>'),
    (b'[', b']'),
    (b'@', b' '),
];

/// The mutations of one file: truncations, deleted and duplicated bytes, swapped quotes and
/// brackets, and deep nesting.
fn mutations(bytes: &[u8], rng: &mut Rng) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let len = bytes.len();
    for _ in 0..6 {
        let at = rng.below(len);
        out.push((format!("truncate at {at}"), bytes[..at].to_vec()));
        let at = rng.below(len);
        let mut v = bytes.to_vec();
        v.remove(at.min(len.saturating_sub(1)));
        out.push((format!("delete byte {at}"), v));
        let at = rng.below(len);
        let mut v = bytes.to_vec();
        v.insert(at, bytes[at.min(len - 1)]);
        out.push((format!("duplicate byte {at}"), v));
    }
    for &(a, b) in SWAPS {
        let hits: Vec<usize> = bytes
            .iter()
            .enumerate()
            .filter(|(_, &c)| c == a || c == b)
            .map(|(i, _)| i)
            .collect();
        for _ in 0..2 {
            if let Some(&at) = hits.get(rng.below(hits.len())) {
                let mut v = bytes.to_vec();
                v[at] = if v[at] == a { b } else { a };
                out.push((format!("swap {} at {at}", a as char), v));
            }
        }
    }
    let mut deep = b"<policies><inbound>".repeat(40);
    deep.extend_from_slice(&b"<choose><when condition=\"@(true)\">".repeat(40));
    deep.extend_from_slice(bytes);
    out.push(("deep nesting".into(), deep));
    let mut exprs = bytes.to_vec();
    exprs.splice(len / 2..len / 2, b"@((((((((((((".repeat(50));
    out.push(("nested brackets".into(), exprs));
    out
}

#[test]
fn mutated_corpus_never_panics_and_rejections_are_located() {
    let base = corpus_dir();
    let mut rng = Rng::new();
    let mut failures = Vec::new();
    let mut runs = 0;
    for path in xml_files(&base) {
        let bytes = std::fs::read(&path).expect("corpus file");
        let rel = relative(&path, &base);
        for (what, input) in mutations(&bytes, &mut rng) {
            runs += 1;
            let len = input.len();
            let result = catch_unwind(AssertUnwindSafe(|| {
                check_bytes("m.xml", input, &CheckOptions::default())
            }));
            let Ok(report) = result else {
                failures.push(format!("{rel}: {what}: panicked"));
                continue;
            };
            let has_error = report
                .diagnostics
                .iter()
                .any(|d| d.severity == Severity::Error);
            if report
                .parsed
                .document
                .expressions()
                .iter()
                .any(|e| e.syntax.is_none())
                && !has_error
            {
                failures.push(format!(
                    "{rel}: {what}: an expression did not parse but nothing was reported"
                ));
            }
            for d in &report.diagnostics {
                if d.span.end as usize > len.max(report.file.text.len())
                    || d.span.start > d.span.end
                {
                    failures.push(format!(
                        "{rel}: {what}: {} has span {:?} outside the input",
                        d.code, d.span
                    ));
                }
            }
        }
    }
    assert!(runs > 10_000, "only {runs} mutations ran");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn in_policy(value: &str) -> Vec<u8> {
    format!("<policies><inbound><set-variable name=\"x\" value=\"{value}\" /></inbound></policies>")
        .into_bytes()
}

#[test]
fn hostile_inputs_are_rejected_without_panic() {
    let cases: Vec<Vec<u8>> = vec![
        b"<policies>".repeat(100_000),
        in_policy(&format!("@({})", "(".repeat(100_000))),
        in_policy(&format!("@({}x)", "!".repeat(100_000))),
        in_policy(&format!("@({}x)", "-".repeat(100_000))),
        in_policy(&format!("@{{{}}}", "{".repeat(50_000))),
        in_policy(&format!("@({}1)", "x=>".repeat(20_000))),
        in_policy(&format!("@({}1)", "1+".repeat(100_000))),
        in_policy(&format!("@({}1)", "a?b:".repeat(50_000))),
        in_policy(&format!("@({})", "$&quot;{".repeat(20_000))),
        in_policy(&format!("@({}1)", "new[]{".repeat(20_000))),
        vec![0xff; 1000],
        b"\xef\xbb\xbf".to_vec(),
        Vec::new(),
    ];
    for input in cases {
        let head = String::from_utf8_lossy(&input[..input.len().min(80)]).into_owned();
        let report = check_bytes("h.xml", input, &CheckOptions::default());
        assert!(
            report
                .diagnostics
                .iter()
                .any(|d| d.severity == Severity::Error),
            "no error for {head}"
        );
    }
}
