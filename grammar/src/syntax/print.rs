//! Prints a syntax tree back as well-formed policy XML (the escaped `xml` form APIM stores).

use super::{Document, Element, Expression, ExpressionKind, ExpressionSyntax, Node, Part, Value};
use crate::expr;
use std::fmt::Write;

/// Prints the document as indented XML. Expressions are printed from their trees (or their
/// code if they did not parse) with XML special characters escaped, so the output is
/// well-formed XML that parses back to the same tree.
pub fn print_document(doc: &Document) -> String {
    let mut out = String::new();
    for node in &doc.nodes {
        print_node(&mut out, node, Some(0), Form::Escaped);
    }
    out
}

/// Prints one element, indented `depth` levels, followed by a newline.
pub fn print_element(element: &Element, depth: usize) -> String {
    let mut out = String::new();
    indent(&mut out, depth);
    print_element_at(&mut out, element, Some(depth), Form::Escaped);
    out.push('\n');
    out
}

/// Prints one element as APIM users write it: policy expressions exactly as written (raw
/// quotes, `<` and `&&` inside them) and each attribute in its own quote character; only
/// literal text is escaped. Not always well-formed XML, as APIM's own documents are not.
pub fn print_element_as_written(element: &Element, depth: usize) -> String {
    let mut out = String::new();
    indent(&mut out, depth);
    print_element_at(&mut out, element, Some(depth), Form::AsWritten);
    out.push('\n');
    out
}

/// How values are printed.
#[derive(Clone, Copy, PartialEq)]
enum Form {
    /// Well-formed XML: expressions escaped like text, attributes in `"`.
    Escaped,
    /// Expressions as written, attributes in their own quotes.
    AsWritten,
}

/// Prints a node; `depth` is `Some` when pretty-printing (indent, newline), `None` inside
/// mixed content, where added whitespace would change the text.
fn print_node(out: &mut String, node: &Node, depth: Option<usize>, form: Form) {
    if let Some(d) = depth {
        indent(out, d);
    }
    match node {
        Node::Element(e) => print_element_at(out, e, depth, form),
        Node::Text(v) => print_value(out, v, Escape::Text, form),
        Node::CData(v) => {
            out.push_str("<![CDATA[");
            print_value(out, v, Escape::None, form);
            out.push_str("]]>");
        }
        Node::Comment(c) => {
            let _ = write!(out, "<!--{}-->", c.text);
        }
        Node::ProcessingInstruction(p) => {
            let _ = write!(out, "<?{}?>", p.text);
        }
    }
    if depth.is_some() {
        out.push('\n');
    }
}

fn indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("    ");
    }
}

fn print_element_at(out: &mut String, e: &Element, depth: Option<usize>, form: Form) {
    let _ = write!(out, "<{}", e.name.text);
    for a in &e.attributes {
        let (quote, escape) = match form {
            Form::AsWritten if a.quote == '\'' => ('\'', Escape::SingleQuoted),
            _ => ('"', Escape::Attribute),
        };
        let _ = write!(out, " {}={quote}", a.name.text);
        print_value(out, &a.value, escape, form);
        out.push(quote);
    }
    if e.children.is_empty() {
        out.push_str(" />");
        return;
    }
    out.push('>');
    let mixed = e
        .children
        .iter()
        .any(|c| matches!(c, Node::Text(_) | Node::CData(_)));
    match depth {
        Some(d) if !mixed => {
            out.push('\n');
            for child in &e.children {
                print_node(out, child, Some(d + 1), form);
            }
            indent(out, d);
        }
        _ => {
            for child in &e.children {
                print_node(out, child, None, form);
            }
        }
    }
    let _ = write!(out, "</{}>", e.name.text);
}

#[derive(Clone, Copy, PartialEq)]
enum Escape {
    /// In a `"`-quoted attribute.
    Attribute,
    /// In a `'`-quoted attribute.
    SingleQuoted,
    Text,
    None,
}

fn print_value(out: &mut String, v: &Value, escape: Escape, form: Form) {
    for part in &v.parts {
        match part {
            Part::Literal { text, .. } => escaped(out, text, escape),
            Part::NamedValue(n) => {
                let _ = write!(out, "{{{{{}}}}}", n.name);
            }
            Part::Expression(e) if form == Form::AsWritten => {
                let (open, close) = match e.kind {
                    ExpressionKind::Inline => ("@(", ")"),
                    ExpressionKind::Block => ("@{", "}"),
                };
                let _ = write!(out, "{open}{}{close}", e.code);
            }
            Part::Expression(e) => escaped(out, &expression_source(e), escape),
        }
    }
}

/// The expression as `@(...)` / `@{...}`, printed from its tree when it parsed.
pub(crate) fn expression_source(e: &Expression) -> String {
    match (&e.syntax, e.kind) {
        (Some(ExpressionSyntax::Inline(x)), _) => format!("@({})", expr::print_expression(x)),
        (Some(ExpressionSyntax::Block(b)), _) => format!("@{{{}}}", expr::print_block(b)),
        (None, ExpressionKind::Inline) => format!("@({})", e.code),
        (None, ExpressionKind::Block) => format!("@{{{}}}", e.code),
    }
}

fn escaped(out: &mut String, text: &str, escape: Escape) {
    if escape == Escape::None {
        out.push_str(text);
        return;
    }
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if escape == Escape::Attribute => out.push_str("&quot;"),
            '\'' if escape == Escape::SingleQuoted => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
}
