//! Fuzz target `expressions`: mutated policy expressions through the expression parser
//! (`parse_expression`, `parse_block`), lowering (`lower_source`) and the checker (a
//! document holding the expression, through `check_bytes`): no panic, errors located inside
//! the input, and every lowered expression accepted by the bundle verifier unchanged.

use super::mutate::{mutate, EXPR_TOKENS};
use super::{assert_clean, run, span_inside, xml_seeds, Budget, Target};
use gatehouse_compiler::lower::lower_source;
use gatehouse_compiler::{check_bytes, CheckOptions};
use gatehouse_grammar::expr::{parse_block, parse_expression};
use gatehouse_grammar::Limits;
use gatehouse_runtime::bundle::{decode, encode, DecodeLimits};

/// Largest input made.
const MAX_LEN: usize = 64 << 10;

/// Every `expr` of `tests/eval/*.toml`.
pub fn eval_exprs() -> Vec<String> {
    let dir = crate::support::root().join("tests/eval");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/eval")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).expect("utf-8 toml");
        let table: toml::Table = toml::from_str(&text).expect("valid toml");
        let cases = table.get("case").and_then(|c| c.as_array());
        for case in cases.into_iter().flatten() {
            if let Some(e) = case.get("expr").and_then(|e| e.as_str()) {
                out.push(e.to_string());
            }
        }
    }
    out
}

/// The `@(...)` and `@{...}` regions of `text`, found by bracket counting (strings are not
/// skipped: a seed need not be valid).
fn regions(text: &str, out: &mut Vec<Vec<u8>>) {
    let b = text.as_bytes();
    let mut i = 0;
    while i + 1 < b.len() && out.len() < 100_000 {
        if b[i] == b'@' && (b[i + 1] == b'(' || b[i + 1] == b'{') {
            let (open, close) = if b[i + 1] == b'(' {
                (b'(', b')')
            } else {
                (b'{', b'}')
            };
            let mut depth = 0usize;
            let mut j = i + 1;
            while j < b.len() && j - i < 4096 {
                if b[j] == open {
                    depth += 1;
                } else if b[j] == close {
                    depth -= 1;
                    if depth == 0 {
                        out.push(b[i..=j].to_vec());
                        break;
                    }
                }
                j += 1;
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
}

/// Seeds: the eval cases and every expression region of the corpus.
pub fn seeds() -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = eval_exprs().into_iter().map(String::into_bytes).collect();
    for doc in xml_seeds() {
        regions(&String::from_utf8_lossy(&doc), &mut out);
    }
    out.sort();
    out.dedup();
    out
}

/// `{{name}}` resolves for a few names, so named values are exercised both ways.
fn named(n: &str) -> Option<String> {
    match n {
        "x" => Some("42".into()),
        "greeting" => Some("\"hello\"".into()),
        "expr" => Some("@(context.Request.Method)".into()),
        _ => None,
    }
}

/// Runs one input.
pub fn check(input: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(input);
    let limits = Limits::default();
    let t = text.trim_end();
    if let Some(body) = t.strip_prefix("@(").and_then(|b| b.strip_suffix(')')) {
        if let Err(e) = parse_expression(body, &limits) {
            span_inside(e.code, e.span.start, e.span.end, body)?;
        }
    } else if let Some(body) = t.strip_prefix("@{").and_then(|b| b.strip_suffix('}')) {
        if let Err(e) = parse_block(body, &limits) {
            span_inside(e.code, e.span.start, e.span.end, body)?;
        }
    } else {
        let _ = parse_expression(t, &limits);
        let _ = parse_block(t, &limits);
    }
    match lower_source(&text, &named) {
        Err(e) => span_inside(e.code, e.span.start, e.span.end, &text)?,
        Ok((code, _)) => {
            let bytes = encode(&code);
            match decode(&bytes, &DecodeLimits::default()) {
                Ok(back) if back == code => {}
                Ok(_) => return Err("lowered code decodes to different code".into()),
                Err(e) => return Err(format!("the verifier refuses lowered code: {e}")),
            }
        }
    }
    // The checker sees the expression in an attribute and in an element.
    let doc = format!(
        "<policies><inbound><base /><set-variable name=\"v\" value=\"{text}\" />\
         <set-body>{text}</set-body></inbound><backend><base /></backend>\
         <outbound><base /></outbound><on-error><base /></on-error></policies>"
    );
    let report = check_bytes("fuzz.xml", doc.into_bytes(), &CheckOptions::default());
    for d in &report.diagnostics {
        span_inside(&d.code, d.span.start, d.span.end, &d.file.text)?;
    }
    Ok(())
}

#[test]
fn expressions() {
    let seeds = seeds();
    assert!(!seeds.is_empty(), "no seed expressions");
    let mut generate = |rng: &mut super::Rng| {
        let seed = rng.pick(&seeds);
        mutate(seed, &seeds, EXPR_TOKENS, rng, MAX_LEN)
    };
    let report = run(Target {
        name: "expressions",
        budget: Budget::of(6_000),
        generate: &mut generate,
        check: &check,
    });
    assert_clean("expressions", &report);
}
