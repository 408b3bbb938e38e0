//! The policy document syntax tree: elements, attributes, text and expression regions, with spans.

use crate::Span;

/// A whole policy document as written, before any meaning is assigned.
#[derive(Clone, Debug, Default)]
pub struct Document {
    /// Top-level nodes in order: the XML declaration, comments and (normally) one root element.
    pub nodes: Vec<Node>,
}

impl Document {
    /// The top-level elements (a valid policy document has exactly one).
    pub fn root_elements(&self) -> impl Iterator<Item = &Element> {
        self.nodes.iter().filter_map(Node::as_element)
    }

    /// Every policy expression region of the document, in document order (an element's
    /// attributes before its content).
    pub fn expressions(&self) -> Vec<&Expression> {
        let mut out = Vec::new();
        collect_expressions(&self.nodes, &mut out);
        out
    }
}

/// Walks nodes for expressions; nesting is bounded by the scanner's element depth limit.
fn collect_expressions<'d>(nodes: &'d [Node], out: &mut Vec<&'d Expression>) {
    for node in nodes {
        match node {
            Node::Element(e) => {
                for a in &e.attributes {
                    out.extend(a.value.expression());
                }
                collect_expressions(&e.children, out);
            }
            Node::Text(v) | Node::CData(v) => out.extend(v.expression()),
            Node::Comment(_) | Node::ProcessingInstruction(_) => {}
        }
    }
}

/// One node of the markup tree.
#[derive(Clone, Debug)]
pub enum Node {
    /// An element with attributes and children.
    Element(Element),
    /// Character data: literal text, named-value references and at most one expression.
    Text(Value),
    /// A `<![CDATA[...]]>` section; its content is not entity-decoded.
    CData(Value),
    /// An XML comment `<!-- ... -->`.
    Comment(Comment),
    /// A processing instruction, such as the `<?xml ...?>` declaration.
    ProcessingInstruction(Comment),
}

impl Node {
    /// The node as an element, if it is one.
    pub fn as_element(&self) -> Option<&Element> {
        match self {
            Node::Element(e) => Some(e),
            _ => None,
        }
    }

    /// The node's span in the file.
    pub fn span(&self) -> Span {
        match self {
            Node::Element(e) => e.span,
            Node::Text(v) | Node::CData(v) => v.span,
            Node::Comment(c) | Node::ProcessingInstruction(c) => c.span,
        }
    }
}

/// An element: `<name attr="v">children</name>` or `<name attr="v"/>`.
#[derive(Clone, Debug)]
pub struct Element {
    /// The tag name, e.g. `set-header` or `xsl:stylesheet`.
    pub name: Name,
    /// Attributes in source order.
    pub attributes: Vec<Attribute>,
    /// Child nodes in source order (whitespace-only text between elements is dropped).
    pub children: Vec<Node>,
    /// The whole element, from `<` of the start tag to `>` of the end tag.
    pub span: Span,
    /// The start tag, `<name ...>` or `<name .../>`.
    pub start_tag: Span,
    /// The end tag `</name>`; `None` for a self-closing element.
    pub end_tag: Option<Span>,
}

impl Element {
    /// The attribute called `name`, if present.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| &*a.name.text == name)
    }

    /// Child elements, skipping text, comments and CDATA.
    pub fn child_elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(Node::as_element)
    }

    /// The element's character data (text and CDATA children), if it has any.
    pub fn text_values(&self) -> impl Iterator<Item = &Value> {
        self.children.iter().filter_map(|n| match n {
            Node::Text(v) | Node::CData(v) => Some(v),
            _ => None,
        })
    }
}

/// A name (element or attribute) with its span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    /// The name as written.
    pub text: Box<str>,
    /// Where it is written.
    pub span: Span,
}

/// An attribute `name="value"`.
#[derive(Clone, Debug)]
pub struct Attribute {
    /// The attribute name.
    pub name: Name,
    /// The value between the quotes.
    pub value: Value,
    /// The quote character used, `"` or `'`.
    pub quote: char,
    /// From the first byte of the name to the closing quote.
    pub span: Span,
}

/// An attribute value or a run of character data, split into literal text, named-value
/// references and policy expressions.
#[derive(Clone, Debug, Default)]
pub struct Value {
    /// The parts in source order.
    pub parts: Vec<Part>,
    /// The raw value in the file (inside the quotes, or the whole text/CDATA node).
    pub span: Span,
}

impl Value {
    /// The value's single expression, if it is one.
    pub fn expression(&self) -> Option<&Expression> {
        self.parts.iter().find_map(|p| match p {
            Part::Expression(e) => Some(e),
            _ => None,
        })
    }

    /// The value as plain text if it has no expression and no named value.
    pub fn as_literal(&self) -> Option<String> {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Literal { text, .. } => out.push_str(text),
                _ => return None,
            }
        }
        Some(out)
    }

    /// Whether the value is empty or only whitespace.
    pub fn is_blank(&self) -> bool {
        self.parts.iter().all(|p| match p {
            Part::Literal { text, .. } => text.trim().is_empty(),
            _ => false,
        })
    }
}

/// One piece of a [`Value`].
#[derive(Clone, Debug)]
pub enum Part {
    /// Literal text, entity-decoded (except in CDATA).
    Literal {
        /// The decoded text.
        text: Box<str>,
        /// Its span in the file.
        span: Span,
    },
    /// A `{{name}}` named-value reference in literal text.
    NamedValue(NamedValueRef),
    /// A policy expression `@(...)` or `@{...}`.
    Expression(Expression),
}

/// A `{{name}}` reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedValueRef {
    /// The name between the braces.
    pub name: Box<str>,
    /// The whole `{{name}}` in the file.
    pub span: Span,
}

/// Which bracket form a policy expression uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpressionKind {
    /// `@( expression )`.
    Inline,
    /// `@{ statements }`.
    Block,
}

/// A policy expression region: its decoded C# code and where each code byte came from.
#[derive(Clone, Debug)]
pub struct Expression {
    /// `@(...)` or `@{...}`.
    pub kind: ExpressionKind,
    /// The code between the brackets, entity-decoded (unless it came from CDATA).
    pub code: Box<str>,
    /// Maps byte offsets in `code` back to the file.
    pub map: OffsetMap,
    /// The whole region in the file, from `@` to the closing bracket.
    pub span: Span,
    /// `{{name}}` references inside the code (substituted as text before lexing).
    pub named_values: Vec<NamedValueRef>,
    /// The parsed code, when it parsed.
    pub syntax: Option<ExpressionSyntax>,
}

/// A parsed expression region.
#[derive(Clone, Debug)]
pub enum ExpressionSyntax {
    /// The tree of an `@(...)` expression.
    Inline(crate::expr::Expr),
    /// The statements of an `@{...}` block.
    Block(crate::expr::Block),
}

/// Maps offsets in decoded text back to offsets in the file it was decoded from.
///
/// Decoding only ever shrinks text (`&quot;` → `"`), so the map is a sorted list of
/// checkpoints: at decoded offset `d` the file offset is `f`, and bytes after a checkpoint
/// up to the next one correspond one to one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OffsetMap {
    /// File offset of decoded offset 0.
    pub base: u32,
    /// `(decoded, file)` pairs, sorted by `decoded`, one after each decoded entity.
    pub checkpoints: Vec<(u32, u32)>,
}

impl OffsetMap {
    /// The file offset of decoded offset `at`.
    pub fn to_file(&self, at: usize) -> usize {
        let at = at as u32;
        let i = self.checkpoints.partition_point(|&(d, _)| d <= at);
        match i {
            0 => (self.base + at) as usize,
            _ => {
                let (d, f) = self.checkpoints[i - 1];
                (f + (at - d)) as usize
            }
        }
    }

    /// A span in decoded text mapped to the file.
    pub fn span_to_file(&self, span: Span) -> Span {
        let start = self.to_file(span.start as usize);
        let end = self.to_file(span.end as usize).max(start);
        Span::new(start, end)
    }
}

/// A comment or processing instruction: its text and span.
#[derive(Clone, Debug)]
pub struct Comment {
    /// The text between the delimiters, as written.
    pub text: Box<str>,
    /// The whole construct including delimiters.
    pub span: Span,
}
