//! Prints a syntax tree as an indented outline without spans, for snapshots and round trips.

use super::{Document, Element, ExpressionKind, ExpressionSyntax, Node, Part, Value};
use crate::expr;
use std::fmt::Write;

/// The document as an outline: one line per element, attribute and value part; expressions
/// as their expression trees. Spans are left out, so two parses of equivalent text dump
/// the same.
pub fn dump_document(doc: &Document) -> String {
    let mut out = String::new();
    for node in &doc.nodes {
        dump_node(&mut out, node, 0);
    }
    out
}

fn line(out: &mut String, depth: usize, text: &str) {
    for _ in 0..depth {
        out.push_str("  ");
    }
    out.push_str(text);
    out.push('\n');
}

fn dump_node(out: &mut String, node: &Node, depth: usize) {
    match node {
        Node::Element(e) => dump_element(out, e, depth),
        Node::Text(v) => dump_value(out, "text", v, depth),
        Node::CData(v) => dump_value(out, "cdata", v, depth),
        Node::Comment(c) => line(out, depth, &format!("comment {:?}", c.text)),
        Node::ProcessingInstruction(p) => line(out, depth, &format!("pi {:?}", p.text)),
    }
}

fn dump_element(out: &mut String, e: &Element, depth: usize) {
    line(out, depth, &format!("element {}", e.name.text));
    for a in &e.attributes {
        dump_value(out, &format!("@{}", a.name.text), &a.value, depth + 1);
    }
    for child in &e.children {
        dump_node(out, child, depth + 1);
    }
}

fn dump_value(out: &mut String, label: &str, v: &Value, depth: usize) {
    let mut head = String::from(label);
    let mut exprs = Vec::new();
    for part in &v.parts {
        match part {
            Part::Literal { text, .. } => {
                let _ = write!(head, " {text:?}");
            }
            Part::NamedValue(n) => {
                let _ = write!(head, " {{{{{}}}}}", n.name);
            }
            Part::Expression(e) => {
                head.push_str(match e.kind {
                    ExpressionKind::Inline => " @(...)",
                    ExpressionKind::Block => " @{...}",
                });
                exprs.push(e);
            }
        }
    }
    line(out, depth, &head);
    for e in exprs {
        let tree = match &e.syntax {
            Some(ExpressionSyntax::Inline(x)) => expr::dump_expression(x),
            Some(ExpressionSyntax::Block(b)) => expr::dump_block(b),
            None => format!("unparsed {:?}", e.code),
        };
        for l in tree.lines() {
            line(out, depth + 1, l);
        }
    }
}
