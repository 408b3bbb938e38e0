//! The front end's entry point: scan a document, then parse every expression region in it.

use super::{
    Document, Expression, ExpressionKind, ExpressionSyntax, Node, Part, SyntaxError, Value,
};
use crate::{expr, scan, Limits};

/// A parsed document and every error found on the way.
#[derive(Debug)]
pub struct Parsed {
    /// The syntax tree; complete where the input could be read.
    pub document: Document,
    /// Syntax errors in source order.
    pub errors: Vec<SyntaxError>,
}

/// Scans `src` and parses each `@(...)` / `@{...}` region into an expression tree.
pub fn parse_document(src: &str, limits: &Limits) -> Parsed {
    let (mut document, mut errors) = scan::scan(src, limits);
    for node in &mut document.nodes {
        parse_node(node, limits, &mut errors);
    }
    errors.sort_by_key(|e| (e.span.start, e.span.end));
    Parsed { document, errors }
}

/// Walks one node; nesting is bounded by the scanner's element depth limit.
fn parse_node(node: &mut Node, limits: &Limits, errors: &mut Vec<SyntaxError>) {
    match node {
        Node::Element(e) => {
            for a in &mut e.attributes {
                parse_value(&mut a.value, limits, errors);
            }
            for child in &mut e.children {
                parse_node(child, limits, errors);
            }
        }
        Node::Text(v) | Node::CData(v) => parse_value(v, limits, errors),
        Node::Comment(_) | Node::ProcessingInstruction(_) => {}
    }
}

fn parse_value(value: &mut Value, limits: &Limits, errors: &mut Vec<SyntaxError>) {
    for part in &mut value.parts {
        if let Part::Expression(e) = part {
            parse_expression(e, limits, errors);
        }
    }
}

/// Parses one region in place; a parse error is mapped back to the file.
pub(crate) fn parse_expression(e: &mut Expression, limits: &Limits, errors: &mut Vec<SyntaxError>) {
    let result = match e.kind {
        ExpressionKind::Inline => {
            expr::parse_expression(&e.code, limits).map(ExpressionSyntax::Inline)
        }
        ExpressionKind::Block => expr::parse_block(&e.code, limits).map(ExpressionSyntax::Block),
    };
    match result {
        Ok(syntax) => e.syntax = Some(syntax),
        Err(err) => errors.push(SyntaxError {
            code: err.code,
            message: err.message,
            span: e.map.span_to_file(err.span),
            label: err.label,
            help: err.help,
        }),
    }
}
