//! Fuzz target `scanner`: mutated corpus documents through the scanner and parser
//! (`parse_document`) and the whole file front end (`check_bytes`): no panic, every error
//! and diagnostic located inside the input, and the diagnostics' text linear in the input.

use super::mutate::{mutate, XML_TOKENS};
use super::{assert_clean, run, span_inside, xml_seeds, Budget, Target};
use gatehouse_compiler::{check_bytes, CheckOptions};
use gatehouse_grammar::syntax::parse_document;
use gatehouse_grammar::Limits;

/// Largest input made (the corpus files are far smaller).
const MAX_LEN: usize = 256 << 10;

/// Runs one input.
pub fn check(input: &[u8]) -> Result<(), String> {
    if let Ok(text) = std::str::from_utf8(input) {
        let parsed = parse_document(text, &Limits::default());
        for e in &parsed.errors {
            span_inside(e.code, e.span.start, e.span.end, text)?;
        }
    }
    let report = check_bytes("fuzz.xml", input.to_vec(), &CheckOptions::default());
    for d in &report.diagnostics {
        span_inside(&d.code, d.span.start, d.span.end, &d.file.text)?;
    }
    diagnostic_volume(&report.diagnostics, input.len())
}

/// The diagnostics' text grows at most linearly with the input: 1 KiB per input byte plus
/// 1 MiB (one error per byte, each with a message, a label and a help, stays far below).
/// Messages that quote the input can otherwise make a small file produce gigabytes.
pub fn diagnostic_volume(
    diagnostics: &[gatehouse_compiler::Diagnostic],
    len: usize,
) -> Result<(), String> {
    let total: usize = diagnostics
        .iter()
        .map(|d| d.message.len() + d.label.len() + d.help.as_ref().map_or(0, String::len))
        .sum();
    if total > len * 1024 + (1 << 20) {
        return Err(format!(
            "{} diagnostics hold {total} bytes of text for a {len}-byte input",
            diagnostics.len()
        ));
    }
    Ok(())
}

#[test]
fn scanner() {
    let seeds = xml_seeds();
    assert!(!seeds.is_empty(), "no seed documents");
    let mut generate = |rng: &mut super::Rng| {
        let seed = rng.pick(&seeds);
        mutate(seed, &seeds, XML_TOKENS, rng, MAX_LEN)
    };
    let report = run(Target {
        name: "scanner",
        budget: Budget::of(5_000),
        generate: &mut generate,
        check: &check,
    });
    assert_clean("scanner", &report);
}
