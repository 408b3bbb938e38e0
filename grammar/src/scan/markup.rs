//! Reads the markup of a policy document into a syntax tree, recovering from errors.

use super::value::{self, End};
use crate::syntax::{Comment, Document, Element, Name, Node, Part, SyntaxError, Value};
use crate::{Limits, Span};

/// Builds the tree; errors accumulate in `errors`.
pub(crate) struct Markup<'a> {
    pub(super) src: &'a str,
    pub(super) bytes: &'a [u8],
    pub(super) pos: usize,
    pub(super) limits: &'a Limits,
    /// Elements whose end tag has not been read yet, outermost first.
    pub(super) open: Vec<Element>,
    pub(super) doc: Document,
    pub(crate) errors: Vec<SyntaxError>,
}

impl<'a> Markup<'a> {
    pub(crate) fn new(src: &'a str, limits: &'a Limits) -> Self {
        let pos = if src.starts_with('\u{feff}') { 3 } else { 0 };
        Markup {
            src,
            bytes: src.as_bytes(),
            pos,
            limits,
            open: Vec::new(),
            doc: Document::default(),
            errors: Vec::new(),
        }
    }

    /// Reads the whole document.
    pub(crate) fn run(mut self) -> (Document, Vec<SyntaxError>) {
        while self.pos < self.bytes.len() {
            if !self.step() {
                // A limit was hit and reported: close what is open without more errors.
                while let Some(e) = self.open.pop() {
                    self.push(Node::Element(e));
                }
                return (self.doc, self.errors);
            }
        }
        self.close_unclosed();
        (self.doc, self.errors)
    }

    /// Reads one construct; `false` stops the scan (a limit was hit).
    fn step(&mut self) -> bool {
        let rest = &self.bytes[self.pos..];
        if rest.starts_with(b"<!--") {
            self.comment();
        } else if rest.starts_with(b"<![CDATA[") {
            self.cdata();
        } else if rest.starts_with(b"<?") {
            self.processing_instruction();
        } else if rest.starts_with(b"<!") {
            self.declaration();
        } else if rest.starts_with(b"</") {
            self.end_tag();
        } else if rest.starts_with(b"<") {
            return self.start_tag();
        } else {
            self.text();
        }
        true
    }

    pub(super) fn push(&mut self, node: Node) {
        match self.open.last_mut() {
            Some(parent) => parent.children.push(node),
            None => self.doc.nodes.push(node),
        }
    }

    fn find(&self, from: usize, needle: &[u8]) -> Option<usize> {
        memchr::memmem::find(&self.bytes[from..], needle).map(|p| from + p)
    }

    fn comment(&mut self) {
        let start = self.pos;
        let (end, body_end) = match self.find(start + 4, b"-->") {
            Some(e) => (e + 3, e),
            None => {
                self.errors
                    .push(unclosed_construct("comment", "-->", start, 4));
                (self.bytes.len(), self.bytes.len())
            }
        };
        let text = self.src[start + 4..body_end].into();
        self.push(Node::Comment(Comment {
            text,
            span: Span::new(start, end),
        }));
        self.pos = end;
    }

    fn processing_instruction(&mut self) {
        let start = self.pos;
        let (end, body_end) = match self.find(start + 2, b"?>") {
            Some(e) => (e + 2, e),
            None => {
                self.errors
                    .push(unclosed_construct("processing instruction", "?>", start, 2));
                (self.bytes.len(), self.bytes.len())
            }
        };
        let text = self.src[start + 2..body_end].into();
        self.push(Node::ProcessingInstruction(Comment {
            text,
            span: Span::new(start, end),
        }));
        self.pos = end;
    }

    fn declaration(&mut self) {
        let start = self.pos;
        let end = self.find(start, b">").map_or(self.bytes.len(), |e| e + 1);
        self.errors.push(
            SyntaxError::new(
                "syntax::unsupported-declaration",
                "document type declarations are not allowed in policy documents",
                Span::new(start, end),
                "declaration",
            )
            .with_help("remove the `<!...>` declaration"),
        );
        self.pos = end;
    }

    fn cdata(&mut self) {
        let start = self.pos;
        let body = start + 9;
        let (end, body_end) = match self.find(body, b"]]>") {
            Some(e) => (e + 3, e),
            None => {
                self.errors
                    .push(unclosed_construct("CDATA section", "]]>", start, 9));
                (self.bytes.len(), self.bytes.len())
            }
        };
        let (value, _) = value::read(self.src, body, body_end, End::CData, &mut self.errors);
        if self.open.is_empty() {
            self.errors.push(top_level_text(Span::new(start, end)));
        }
        self.push(Node::CData(value));
        self.pos = end;
    }

    fn text(&mut self) {
        let start = self.pos;
        let blank = self.bytes[start..]
            .iter()
            .position(|b| !b.is_ascii_whitespace());
        match blank.map(|n| start + n) {
            None => {
                self.pos = self.bytes.len();
                return;
            }
            // Whitespace between tags: nothing to keep unless it is an element's only content.
            Some(next)
                if self.bytes[next] == b'<' && !self.bytes[next..].starts_with(b"<![CDATA[") =>
            {
                if self.open.last().is_some_and(|p| p.children.is_empty())
                    && self.bytes[next..].starts_with(b"</")
                {
                    let span = Span::new(start, next);
                    let text = self.src[start..next].into();
                    self.push(Node::Text(Value {
                        parts: vec![Part::Literal { text, span }],
                        span,
                    }));
                }
                self.pos = next;
                return;
            }
            Some(_) => {}
        }
        let (value, end) = value::read(
            self.src,
            start,
            self.bytes.len(),
            End::Text,
            &mut self.errors,
        );
        self.pos = end.max(start + 1).min(self.bytes.len());
        if value.is_blank() && value.expression().is_none() {
            return self.keep_blank(value);
        }
        if self.open.is_empty() {
            let t = &self.src[start..self.pos];
            let lead = t.len() - t.trim_start().len();
            self.errors.push(top_level_text(Span::new(
                start + lead,
                start + lead + t.trim().len(),
            )));
        }
        self.push(Node::Text(value));
    }

    /// Whitespace-only text is kept only as the sole content of an element (decided at its end tag).
    fn keep_blank(&mut self, value: Value) {
        if let Some(parent) = self.open.last_mut() {
            if parent.children.is_empty() && !value.parts.is_empty() {
                parent.children.push(Node::Text(value));
            }
        }
    }

    /// Closes the open element named `name` (and any unclosed ones inside it).
    pub(super) fn close(&mut self, name: &Name, span: Span) {
        let Some(depth) = self.open.iter().rposition(|e| e.name.text == name.text) else {
            let help = match self.open.last() {
                Some(e) => format!(
                    "the innermost open element is `<{}>`; close it with `</{}>`",
                    e.name.text, e.name.text
                ),
                None => "remove this end tag".to_string(),
            };
            self.errors.push(
                SyntaxError::new(
                    "syntax::unexpected-end-tag",
                    format!("`</{}>` closes no open element", name.text),
                    span,
                    "unexpected end tag",
                )
                .with_help(help),
            );
            return;
        };
        while self.open.len() > depth + 1 {
            self.finish_unclosed();
        }
        if let Some(mut element) = self.open.pop() {
            element.end_tag = Some(span);
            element.span = Span::new(element.span.start as usize, span.end as usize);
            finish_children(&mut element);
            self.push(Node::Element(element));
        }
    }

    fn finish_unclosed(&mut self) {
        if let Some(mut element) = self.open.pop() {
            self.errors.push(
                SyntaxError::new(
                    "syntax::unclosed-element",
                    format!("`<{}>` is never closed", element.name.text),
                    element.start_tag,
                    "opened here",
                )
                .with_help(format!(
                    "add `</{}>` where the element ends, or write it as `<{} ... />`",
                    element.name.text, element.name.text
                )),
            );
            element.span = Span::new(element.span.start as usize, self.pos);
            finish_children(&mut element);
            self.push(Node::Element(element));
        }
    }

    fn close_unclosed(&mut self) {
        while !self.open.is_empty() {
            self.finish_unclosed();
        }
    }
}

/// Drops whitespace-only text from elements that have other content.
fn finish_children(element: &mut Element) {
    if element.children.len() > 1 {
        element
            .children
            .retain(|n| !matches!(n, Node::Text(v) if v.is_blank() && v.expression().is_none()));
    }
}

pub(super) fn unclosed_construct(
    what: &str,
    closer: &str,
    start: usize,
    len: usize,
) -> SyntaxError {
    SyntaxError::new(
        "syntax::unclosed-construct",
        format!("this {what} is never closed"),
        Span::new(start, start + len),
        format!("{what} starts here"),
    )
    .with_help(format!("close it with `{closer}`"))
}

fn top_level_text(span: Span) -> SyntaxError {
    SyntaxError::new(
        "syntax::text-outside-root",
        "text outside the root element",
        span,
        "not inside any element",
    )
    .with_help("put the text inside an element, or remove it")
}
