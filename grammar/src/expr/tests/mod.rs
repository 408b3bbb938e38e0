//! Tests of the expression front end: unit cases, corpus, robustness and snapshots.

mod corpus;
mod robust;
mod snapshots;
mod unit;

use super::*;
use crate::Limits;

/// Parses an expression with default limits, panicking with the error on failure.
pub(super) fn expr(code: &str) -> Expr {
    match parse_expression(code, &Limits::default()) {
        Ok(e) => e,
        Err(e) => panic!("{code}\n{e:?}"),
    }
}

/// Parses a block with default limits, panicking with the error on failure.
pub(super) fn block(code: &str) -> Block {
    match parse_block(code, &Limits::default()) {
        Ok(b) => b,
        Err(e) => panic!("{code}\n{e:?}"),
    }
}

/// Asserts that printing and re-parsing gives the same tree dump.
pub(super) fn round_trip_expr(code: &str) {
    let e = expr(code);
    let printed = print_expression(&e);
    let again = parse_expression(&printed, &Limits::default())
        .unwrap_or_else(|err| panic!("reparse of {printed:?} (from {code:?}) failed: {err:?}"));
    assert_eq!(
        dump_expression(&again),
        dump_expression(&e),
        "printed: {printed}"
    );
}

/// Asserts that printing and re-parsing a block gives the same tree dump.
pub(super) fn round_trip_block(code: &str) {
    let b = block(code);
    let printed = print_block(&b);
    let again = parse_block(&printed, &Limits::default())
        .unwrap_or_else(|err| panic!("reparse of {printed:?} (from {code:?}) failed: {err:?}"));
    assert_eq!(dump_block(&again), dump_block(&b), "printed: {printed}");
}

/// Asserts an error's span is in bounds and on char boundaries.
pub(super) fn check_span(code: &str, e: &ExprError) {
    let (s, t) = (e.span.start as usize, e.span.end as usize);
    assert!(
        s <= t && t <= code.len(),
        "span {:?} out of 0..{}",
        e.span,
        code.len()
    );
    assert!(
        code.is_char_boundary(s) && code.is_char_boundary(t),
        "span {:?} splits a char",
        e.span
    );
}
