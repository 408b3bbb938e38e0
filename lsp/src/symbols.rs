//! Named things in documents: where backends, fragments, named values and variables are
//! referred to (and where variables are set), for definitions, references and hovers.

use crate::catalogue::spec_of;
use gatehouse_grammar::catalogue::{AttrType, NameKind};
use gatehouse_grammar::syntax::{Document, Element, Expression, Node, Part, Value};
use gatehouse_grammar::Span;

/// A declared name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Symbol {
    /// A backend entity.
    Backend(String),
    /// A policy fragment.
    Fragment(String),
    /// A named value.
    NamedValue(String),
    /// A `context.Variables` entry.
    Variable(String),
}

/// One mention of a symbol in a document.
#[derive(Clone, Debug)]
pub struct Occurrence {
    /// What is mentioned.
    pub symbol: Symbol,
    /// Where (the name itself, or the whole `{{name}}`).
    pub span: Span,
    /// Whether this mention sets it (a variable's `set-variable name`).
    pub sets: bool,
}

/// Every mention of a symbol in the document, in document order.
pub fn occurrences(doc: &Document) -> Vec<Occurrence> {
    let mut out = Vec::new();
    let mut path = Vec::new();
    for n in &doc.nodes {
        walk(n, &mut path, &mut out);
    }
    out
}

fn walk<'d>(node: &'d Node, path: &mut Vec<&'d Element>, out: &mut Vec<Occurrence>) {
    match node {
        Node::Element(e) => {
            path.push(e);
            element(e, path, out);
            for c in &e.children {
                walk(c, path, out);
            }
            path.pop();
        }
        Node::Text(v) | Node::CData(v) => value(v, out),
        _ => {}
    }
}

fn element(e: &Element, path: &[&Element], out: &mut Vec<Occurrence>) {
    let spec = spec_of(path);
    for a in &e.attributes {
        value(&a.value, out);
        let Some(literal) = a.value.as_literal() else {
            continue;
        };
        let name = &*a.name.text;
        let typed = spec.and_then(|s| s.attribute(name)).map(|s| &s.ty);
        let sets =
            (&*e.name.text == "set-variable" && name == "name") || name.ends_with("variable-name");
        let symbol = match (name, typed) {
            ("backend-id", _) | (_, Some(AttrType::Name(NameKind::Backend))) => {
                Symbol::Backend(literal)
            }
            ("fragment-id", _) | (_, Some(AttrType::Name(NameKind::Fragment))) => {
                Symbol::Fragment(literal)
            }
            _ if sets => Symbol::Variable(literal),
            (_, Some(AttrType::Name(NameKind::Variable))) => Symbol::Variable(literal),
            _ => continue,
        };
        out.push(Occurrence {
            symbol,
            span: a.value.span,
            sets,
        });
    }
}

fn value(v: &Value, out: &mut Vec<Occurrence>) {
    for p in &v.parts {
        match p {
            Part::NamedValue(n) => out.push(Occurrence {
                symbol: Symbol::NamedValue(n.name.to_string()),
                span: n.span,
                sets: false,
            }),
            Part::Expression(x) => expression(x, out),
            Part::Literal { .. } => {}
        }
    }
}

fn expression(x: &Expression, out: &mut Vec<Occurrence>) {
    for n in &x.named_values {
        out.push(Occurrence {
            symbol: Symbol::NamedValue(n.name.to_string()),
            span: n.span,
            sets: false,
        });
    }
    for (start, end) in variable_literals(&x.code) {
        out.push(Occurrence {
            symbol: Symbol::Variable(x.code[start..end].to_string()),
            span: x.map.span_to_file(Span::new(start, end)),
            sets: false,
        });
    }
}

/// The string literals naming variables in code: `Variables["n"]`,
/// `Variables.GetValueOrDefault<T>("n")`, `.ContainsKey("n")`, `.TryGetValue("n", ...)`;
/// each as the span of the name between the quotes.
pub fn variable_literals(code: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (at, _) in code.match_indices("Variables") {
        let rest = &code[at + "Variables".len()..];
        let trimmed = rest.trim_start();
        let skipped = rest.len() - trimmed.len();
        let after = if let Some(r) = trimmed.strip_prefix('[') {
            Some(r)
        } else if let Some(r) = trimmed.strip_prefix('.') {
            let r = r.trim_start();
            let method = ["GetValueOrDefault", "ContainsKey", "TryGetValue"]
                .into_iter()
                .find(|m| r.starts_with(m));
            method.and_then(|m| {
                let r = r[m.len()..].trim_start();
                let r = match r.strip_prefix('<') {
                    Some(g) => &g[g.find('>')? + 1..],
                    None => r,
                };
                r.trim_start().strip_prefix('(')
            })
        } else {
            None
        };
        let Some(after) = after else { continue };
        let lit = after.trim_start();
        let Some(body) = lit.strip_prefix('"') else {
            continue;
        };
        let Some(len) = body.find('"') else { continue };
        let start = code.len() - body.len();
        let _ = skipped;
        out.push((start, start + len));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_variable_names_in_code() {
        let code = r#"(string)context.Variables["a"] + context.Variables.GetValueOrDefault<string>("b", "") + context.Variables.ContainsKey( "c")"#;
        let names: Vec<&str> = variable_literals(code)
            .into_iter()
            .map(|(s, e)| &code[s..e])
            .collect();
        assert_eq!(names, ["a", "b", "c"]);
    }
}
