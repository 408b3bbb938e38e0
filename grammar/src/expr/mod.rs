//! C# policy expressions: lexer, parser, syntax tree, printers and walkers.
//!
//! [`parse_expression`] reads the text between `@(` and its `)`; [`parse_block`] the text
//! between `@{` and its `}`. Spans are byte offsets relative to that text. The input is
//! already entity-decoded C#.
//!
//! Robustness: recursion is bounded by [`Limits::max_expression_depth`] (nesting of
//! parentheses, prefix operators, lambdas, statements, types, patterns, interpolation
//! holes); left-associative chains (`a.b.c`, `a + b + c`) are parsed by loops and bounded to
//! a tree height of four times that limit, so recursive consumers of the tree stay safe.
//! Exceeding either is a `syntax::too-deep` error at the offending token.
//!
//! Not supported (reported as syntax errors): LINQ query syntax, raw string literals
//! (`"""`), `await`/`async`, deconstruction (`var (a, b) = ...`), ranges and indices
//! (`..`, `^1`), `with` expressions, positional and list patterns, collection expressions
//! (`[1, 2]`), `using var` declarations, `goto`/labels, `lock`, `yield`, `base` access,
//! attributes, non-ASCII identifiers. `new T {{x}}` reads `{{x}}` as a named value, as
//! APIM's text substitution does.

pub mod ast;
mod ast_new;
mod dump;
mod lexer;
mod literal;
mod parser;
mod printer;
pub mod stmt;
mod walk;

#[cfg(test)]
mod tests;

pub use ast::*;
pub use dump::{dump_block, dump_expression};
pub use printer::{print_block, print_expression, print_type};
pub use stmt::{
    Block, CatchClause, Declarator, ForLoop, LocalFunction, Stmt, StmtKind, SwitchLabel,
    SwitchSection,
};
pub use walk::{for_each_expr, for_each_expr_in_block};

use crate::{Limits, Span};

/// A located syntax error in a policy expression.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ExprError {
    /// Stable machine-readable code, e.g. `syntax::unexpected-token`.
    pub code: &'static str,
    /// One-line description.
    pub message: String,
    /// Where, relative to the parsed text.
    pub span: Span,
    /// Short text for the underline.
    pub label: String,
    /// How to fix it, when known.
    pub help: Option<String>,
}

/// Parses the text between `@(` and its matching `)`.
pub fn parse_expression(code: &str, limits: &Limits) -> Result<Expr, ExprError> {
    let mut p = parser::Parser::new(code, limits).map_err(|e| *e)?;
    let e = p.expr().map_err(|e| *e)?;
    p.finish("the end of the expression").map_err(|e| *e)?;
    Ok(e)
}

/// Parses the text between `@{` and its matching `}`: a list of statements.
pub fn parse_block(code: &str, limits: &Limits) -> Result<Block, ExprError> {
    let mut p = parser::Parser::new(code, limits).map_err(|e| *e)?;
    p.top_block().map_err(|e| *e)
}
