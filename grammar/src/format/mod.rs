//! `gatehouse fmt`: one canonical layout for policy documents, from the syntax tree.
//!
//! The layout: one element per line, four spaces per level, one space between attributes
//! (kept in their order, each value byte for byte in its own quotes), `<name />` for
//! empty elements written self-closing. What the layout could change the meaning of is
//! copied byte for byte from the file: every attribute value (so every expression),
//! comments and processing instructions, and the whole content of an element that holds
//! text, CDATA or opaque markup (`set-body`, `xsl-transform`, `<value>`, unknown elements).
//! Formatting a formatted document changes nothing.

use crate::catalogue::{catalogue, ChildKind, Content, ElementSpec};
use crate::syntax::{parse_document, Element, Node, SyntaxError};
use crate::Limits;

#[cfg(test)]
mod tests;

/// Formats `src`; a document with syntax errors is refused with them (the layout of a
/// document that was not read completely could lose text).
pub fn format_document(src: &str, limits: &Limits) -> Result<String, Vec<SyntaxError>> {
    let parsed = parse_document(src, limits);
    if !parsed.errors.is_empty() {
        return Err(parsed.errors);
    }
    let mut f = Formatter {
        src,
        out: String::with_capacity(src.len() + src.len() / 8),
    };
    for node in &parsed.document.nodes {
        f.node(node, 0, Parent::Statements);
    }
    Ok(f.out)
}

/// How the children of an element are looked up in the catalogue.
#[derive(Clone, Copy)]
enum Parent<'c> {
    /// Policy statements (and the document's top level): policies and structural elements.
    Statements,
    /// The children the element spec lists.
    Spec(&'c ElementSpec),
}

impl<'c> Parent<'c> {
    /// The spec of a child called `name`, if the catalogue knows it there.
    fn child(self, name: &str) -> Option<&'c ElementSpec> {
        let cat = catalogue();
        let listed = match self {
            Parent::Spec(spec) => spec.child(name).and_then(|c| match &c.kind {
                ChildKind::Element(e) => Some(e),
                ChildKind::Policy(p) => cat.policy(p).map(|p| &p.element),
            }),
            Parent::Statements => None,
        };
        listed
            .or_else(|| cat.policy(name).map(|p| &p.element))
            .or_else(|| cat.structural(name).map(|s| &s.element))
    }
}

struct Formatter<'s> {
    src: &'s str,
    out: String,
}

impl Formatter<'_> {
    fn indent(&mut self, depth: usize) {
        for _ in 0..depth {
            self.out.push_str("    ");
        }
    }

    fn slice(&self, start: u32, end: u32) -> &str {
        self.src.get(start as usize..end as usize).unwrap_or("")
    }

    /// One node on its own line(s), at `depth`.
    fn node(&mut self, node: &Node, depth: usize, parent: Parent<'_>) {
        self.indent(depth);
        match node {
            Node::Element(e) => self.element(e, depth, parent.child(&e.name.text)),
            other => {
                let span = other.span();
                let text = self.slice(span.start, span.end).to_owned();
                self.out.push_str(&text);
            }
        }
        self.out.push('\n');
    }

    fn element(&mut self, e: &Element, depth: usize, spec: Option<&ElementSpec>) {
        self.start_tag(e);
        if e.children.is_empty() {
            match e.end_tag {
                None => self.out.push_str(" />"),
                Some(_) => {
                    self.out.push('>');
                    self.end_tag(e);
                }
            }
            return;
        }
        self.out.push('>');
        let structured = spec.is_some_and(|s| {
            matches!(
                s.content,
                Content::Policies
                    | Content::Elements
                    | Content::ElementsOrText { .. }
                    | Content::Empty
            )
        });
        let has_text = e
            .children
            .iter()
            .any(|c| matches!(c, Node::Text(_) | Node::CData(_)));
        match spec {
            Some(spec) if structured && !has_text => {
                let parent = match spec.content {
                    Content::Policies => Parent::Statements,
                    _ => Parent::Spec(spec),
                };
                self.out.push('\n');
                for child in &e.children {
                    self.node(child, depth + 1, parent);
                }
                self.indent(depth);
            }
            _ if structured && is_blank_only(e) => self.blank_content(e, depth),
            _ => self.verbatim_content(e),
        }
        self.end_tag(e);
    }

    /// `<name a="v" b='w'`: names as written, values byte for byte in their quotes.
    fn start_tag(&mut self, e: &Element) {
        self.out.push('<');
        self.out.push_str(&e.name.text);
        for a in &e.attributes {
            self.out.push(' ');
            self.out.push_str(&a.name.text);
            self.out.push('=');
            self.out.push(a.quote);
            let value = self.slice(a.value.span.start, a.value.span.end).to_owned();
            self.out.push_str(&value);
            self.out.push(a.quote);
        }
    }

    fn end_tag(&mut self, e: &Element) {
        self.out.push_str("</");
        self.out.push_str(&e.name.text);
        self.out.push('>');
    }

    /// Everything between the start and end tags, as written.
    fn verbatim_content(&mut self, e: &Element) {
        let start = e.start_tag.end;
        let end = e.end_tag.map_or(start, |t| t.start);
        let inner = self.slice(start, end).to_owned();
        self.out.push_str(&inner);
    }

    /// A structural element holding only whitespace: the closing tag on its own line when
    /// the whitespace spans lines, else kept as written.
    fn blank_content(&mut self, e: &Element, depth: usize) {
        let start = e.start_tag.end;
        let end = e.end_tag.map_or(start, |t| t.start);
        if self.slice(start, end).contains('\n') {
            self.out.push('\n');
            self.indent(depth);
        } else {
            self.verbatim_content(e);
        }
    }
}

/// Whether the element's only content is whitespace text.
fn is_blank_only(e: &Element) -> bool {
    e.children.iter().all(|c| match c {
        Node::Text(v) => v.is_blank(),
        _ => false,
    })
}
