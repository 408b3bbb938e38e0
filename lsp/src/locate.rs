//! What is at a position of a document: the elements around it and the token under it.

use gatehouse_grammar::syntax::{Attribute, Document, Element, Expression, Node, Part, Value};
use gatehouse_grammar::Span;

/// The token under the cursor.
#[derive(Clone, Copy)]
pub enum Token<'d> {
    /// An element's name (start or end tag).
    ElementName(&'d Element),
    /// An attribute's name.
    AttributeName(&'d Attribute),
    /// Literal text of an attribute value.
    AttributeValue,
    /// A `{{name}}` reference.
    NamedValue,
    /// Inside a policy expression; the offset is in the expression's decoded code.
    Expression(&'d Expression, usize),
    /// Anything else (content, whitespace, comments).
    Other,
}

/// The elements containing `offset`, outermost first, and the token under it.
pub fn locate(doc: &Document, offset: usize) -> (Vec<&Element>, Token<'_>) {
    let mut path = Vec::new();
    let mut nodes = &doc.nodes;
    'down: loop {
        for n in nodes {
            if let Node::Element(e) = n {
                if contains(e.span, offset) {
                    path.push(e);
                    nodes = &e.children;
                    continue 'down;
                }
            }
        }
        break;
    }
    let Some(&e) = path.last() else {
        return (path, Token::Other);
    };
    (path, token_in(e, offset))
}

/// Whether `offset` is in `span`, its end included (the cursor just after a word).
pub fn contains(span: Span, offset: usize) -> bool {
    span.start as usize <= offset && offset <= span.end as usize
}

fn token_in(e: &Element, offset: usize) -> Token<'_> {
    if contains(e.name.span, offset) {
        return Token::ElementName(e);
    }
    if let Some(end) = e.end_tag {
        if contains(end, offset) && offset > end.start as usize + 1 {
            return Token::ElementName(e);
        }
    }
    for a in &e.attributes {
        if contains(a.name.span, offset) {
            return Token::AttributeName(a);
        }
        if contains(a.value.span, offset) {
            return match in_value(&a.value, offset) {
                Token::Other => Token::AttributeValue,
                t => t,
            };
        }
    }
    for n in &e.children {
        if let Node::Text(v) | Node::CData(v) = n {
            if contains(v.span, offset) {
                return in_value(v, offset);
            }
        }
    }
    Token::Other
}

fn in_value(v: &Value, offset: usize) -> Token<'_> {
    for p in &v.parts {
        match p {
            Part::NamedValue(n) if contains(n.span, offset) => return Token::NamedValue,
            Part::Expression(x) if contains(x.span, offset) => {
                if x.named_values.iter().any(|n| contains(n.span, offset)) {
                    return Token::NamedValue;
                }
                return Token::Expression(x, code_offset(x, offset));
            }
            _ => {}
        }
    }
    Token::Other
}

/// The offset in the expression's decoded code that maps to file offset `offset`.
pub fn code_offset(x: &Expression, offset: usize) -> usize {
    // The code starts after `@(` / `@{`; decoding only shrinks text, so search up to it.
    let mut best = 0;
    for i in 0..=x.code.len() {
        if !x.code.is_char_boundary(i) {
            continue;
        }
        if x.map.to_file(i) <= offset {
            best = i;
        } else {
            break;
        }
    }
    best
}

/// The section (`inbound`, `backend`, `outbound`, `on-error`) the path is in, if any.
pub fn section<'d>(path: &[&'d Element]) -> Option<&'d str> {
    path.iter()
        .map(|e| &*e.name.text)
        .find(|n| matches!(*n, "inbound" | "backend" | "outbound" | "on-error"))
}
