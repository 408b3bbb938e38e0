//! Robustness: deep nesting and long chains are errors, never crashes; mutations never panic.

use super::check_span;
use super::corpus::all_regions;
use crate::expr::*;
use crate::Limits;

const N: usize = 100_000;

fn outcome(code: &str, is_block: bool) -> Result<(), ExprError> {
    let limits = Limits::default();
    let r = if is_block {
        parse_block(code, &limits).map(|b| {
            let again = parse_block(&print_block(&b), &limits);
            assert_eq!(
                again.map(|b| dump_block(&b)).ok(),
                Some(dump_block(&b)),
                "{code}"
            );
        })
    } else {
        parse_expression(code, &limits).map(|e| {
            let printed = print_expression(&e);
            let again = parse_expression(&printed, &limits).map(|e| dump_expression(&e));
            assert_eq!(
                again.ok(),
                Some(dump_expression(&e)),
                "{code}\nprinted: {printed}"
            );
        })
    };
    if let Err(e) = &r {
        check_span(code, e);
    }
    r
}

fn too_deep(code: &str, is_block: bool) {
    let e = outcome(code, is_block).expect_err("should be too deep");
    assert_eq!(e.code, "syntax::too-deep", "{e:?}");
}

fn nest(open: &str, mid: &str, close: &str, n: usize) -> String {
    format!("{}{mid}{}", open.repeat(n), close.repeat(n))
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    too_deep(&nest("(", "x", ")", N), false);
    too_deep(&"(".repeat(N), false);
    too_deep(&nest("!", "x", "", N), false);
    too_deep(&nest("-", "x", "", N), false);
    too_deep(&nest("- ", "x", "", N), false);
    too_deep(&nest("(int)", "x", "", N), false);
    too_deep(&nest("x => ", "x", "", N), false);
    too_deep(&nest("() => {", "", "}", N), false);
    too_deep(&nest("new[]{", "1", "}", N), false);
    too_deep(&nest("F(", "1", ")", N), false);
    too_deep(&nest("a[", "1", "]", N), false);
    too_deep(&nest("{", "", "}", N), true);
    too_deep(&nest("if (a) ", ";", "", N), true);
    too_deep(&nest("$\"{", "x", "}\"", N), false);
    too_deep(&nest("c ? ", "x", " : y", N), false);
    too_deep(&format!("a{}", " ?? a".repeat(N)), false);
    too_deep(&format!("a{}", " = a".repeat(N)), false);
    too_deep(
        &format!("new {}int{}()", "List<".repeat(N), ">".repeat(N)),
        false,
    );
    too_deep(&format!("x is {}null", "not ".repeat(N)), false);
}

#[test]
fn long_chains_loop_and_are_bounded() {
    too_deep(&format!("a{}", ".b".repeat(N)), false);
    too_deep(&format!("a{}", "+a".repeat(N)), false);
    too_deep(&format!("a{}", "()".repeat(N)), false);
    too_deep(&format!("a{}", " && a".repeat(N)), false);
    assert!(outcome(&format!("a{}", ".b".repeat(200)), false).is_ok());
    assert!(outcome(&format!("a{}", " + a".repeat(200)), false).is_ok());
    assert!(outcome(&nest("(", "x", ")", 100), false).is_ok());
    assert!(outcome(&"x = 1;".repeat(N / 10), true).is_ok());
}

#[test]
fn limit_is_configurable() {
    let limits = Limits {
        max_expression_depth: 4,
        ..Limits::default()
    };
    let e = parse_expression("((((((x))))))", &limits).expect_err("too deep");
    assert_eq!(e.code, "syntax::too-deep");
    assert!(parse_expression("(x)", &limits).is_ok());
}

struct Rng(u64);

impl Rng {
    fn next(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

fn mutate(code: &str, rng: &mut Rng) -> String {
    let mut c: Vec<char> = code.chars().collect();
    if c.is_empty() {
        return String::new();
    }
    let i = rng.next(c.len());
    match rng.next(7) {
        0 => c.truncate(i),
        1 => {
            c.remove(i);
        }
        2 => c.insert(i, c[i]),
        3 => {
            let swap = ['"', '\'', '(', ')', '[', ']', '{', '}', '<', '>', '$', '@'];
            c[i] = swap[rng.next(swap.len())];
        }
        4 => {
            let j = rng.next(c.len());
            c.swap(i, j);
        }
        _ => {
            let snippets = [
                " ? ",
                " => ",
                " is ",
                " as ",
                " new ",
                "<",
                ">",
                ":",
                ",",
                " switch { ",
                "{{",
                "$\"",
                "(int)",
                " not ",
                " when ",
                "out var ",
                "[]",
                "?.",
                "!",
                "=",
                "@",
                "'",
                ";",
            ];
            let snip = snippets[rng.next(snippets.len())];
            for (k, ch) in snip.chars().enumerate() {
                c.insert(i + k, ch);
            }
        }
    }
    c.into_iter().collect()
}

#[test]
fn mutated_corpus_never_panics() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut checked = 0;
    for (_, is_block, code) in all_regions() {
        for _ in 0..12 {
            let m = mutate(&code, &mut rng);
            let _ = outcome(&m, is_block);
            let _ = outcome(&m, !is_block);
            checked += 1;
        }
    }
    assert!(checked > 5000);
}

#[test]
fn mutated_constructs_never_panic() {
    let mut rng = Rng(0x7777_8888_9999_1111);
    let cases = super::unit::EXPRS.iter().map(|c| (false, c));
    let cases = cases.chain(super::unit::BLOCKS.iter().map(|c| (true, c)));
    for (is_block, code) in cases {
        for _ in 0..ROUNDS {
            let m = mutate(code, &mut rng);
            let _ = outcome(&m, is_block);
            let _ = outcome(&m, !is_block);
        }
    }
}

const ROUNDS: usize = 200;
