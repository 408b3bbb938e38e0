//! Start tags, end tags, names and attributes: the tag-level half of the markup reader.

use super::markup::{unclosed_construct, Markup};
use super::value::{self, End};
use crate::syntax::{Attribute, Element, Name, Node, SyntaxError};
use crate::Span;

impl Markup<'_> {
    pub(super) fn name(&mut self) -> Option<Name> {
        let start = self.pos;
        let mut chars = self.src[start..].char_indices();
        match chars.next() {
            Some((_, c)) if is_name_start(c) => {}
            _ => return None,
        }
        // ASCII names (nearly all) without decoding characters; fall back for the rest.
        let ascii = self.bytes[start..]
            .iter()
            .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'-' | b'.')))
            .unwrap_or(self.bytes.len() - start);
        let len = if self.bytes.get(start + ascii).is_some_and(|b| !b.is_ascii()) {
            chars
                .find(|&(_, c)| !is_name_char(c))
                .map_or(self.src.len() - start, |(i, _)| i)
        } else {
            ascii
        };
        self.pos = start + len;
        Some(Name {
            text: self.src[start..start + len].into(),
            span: Span::new(start, start + len),
        })
    }

    pub(super) fn skip_ws(&mut self) -> bool {
        let n = self.bytes[self.pos..]
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
        self.pos += n;
        n > 0
    }

    pub(super) fn start_tag(&mut self) -> bool {
        let start = self.pos;
        self.pos += 1;
        let Some(name) = self.name_after_space(start, "<") else {
            self.errors.push(
                SyntaxError::new(
                    "syntax::expected-name",
                    "expected an element name after `<`",
                    Span::new(start, start + 1),
                    "`<` here starts no element",
                )
                .with_help("write `&lt;` for a literal `<`"),
            );
            return true;
        };
        if self.open.len() >= self.limits.max_element_depth {
            self.errors.push(
                SyntaxError::new(
                    "syntax::too-deep",
                    format!(
                        "elements are nested more than {} deep",
                        self.limits.max_element_depth
                    ),
                    name.span,
                    "too deep",
                )
                .with_help("flatten the document; the limit is `max_element_depth`"),
            );
            return false;
        }
        let attributes = self.attributes(&name);
        let self_closing = self.tag_close(&name);
        let mut element = Element {
            name,
            attributes,
            children: Vec::new(),
            span: Span::new(start, self.pos),
            start_tag: Span::new(start, self.pos),
            end_tag: None,
        };
        if self.open.is_empty() {
            self.check_single_root(&element);
        }
        if self_closing {
            element.span = Span::new(start, self.pos);
            self.push(Node::Element(element));
        } else {
            self.open.push(element);
        }
        true
    }

    fn check_single_root(&mut self, element: &Element) {
        if let Some(first) = self.doc.root_elements().next() {
            let first_name = first.name.text.clone();
            self.errors.push(
                SyntaxError::new(
                    "syntax::multiple-roots",
                    format!("a policy document has one root element, but `<{}>` follows `<{first_name}>`", element.name.text),
                    element.name.span,
                    "second root element",
                )
                .with_help(if crate::catalogue::catalogue().policy(&first_name).is_some() {
                    "several policies without `<policies>` are a snippet: check it with \
                     `gatehouse check --snippet SECTION FILE`"
                        .to_string()
                } else if element.name.text == first_name {
                    format!("a file holds one `<{first_name}>`: merge this one's sections into the first, or delete it")
                } else {
                    format!("move this element inside `<{first_name}>`, or delete it")
                }),
            );
        }
    }

    /// Reads `>` or `/>` after the attributes; returns whether the tag is self-closing.
    fn tag_close(&mut self, name: &Name) -> bool {
        let rest = &self.bytes[self.pos..];
        if rest.starts_with(b"/>") {
            self.pos += 2;
            return true;
        }
        if rest.starts_with(b">") {
            self.pos += 1;
            return false;
        }
        let at = self.pos.min(self.bytes.len());
        self.errors.push(
            SyntaxError::new(
                "syntax::unclosed-tag",
                format!("the start tag of `<{}>` is not closed", name.text),
                Span::new(at, (at + 1).min(self.bytes.len()).max(at)),
                "expected `>` or `/>`",
            )
            .with_help("close the tag with `>` (or `/>` for an empty element)"),
        );
        false
    }

    fn attributes(&mut self, owner: &Name) -> Vec<Attribute> {
        let mut attrs: Vec<Attribute> = Vec::new();
        // Where the last unexpected character ended: a run of them is one mistake, reported
        // once (a file of thousands of stray quotes must not make thousands of errors).
        let mut bad_until = None;
        loop {
            let had_ws = self.skip_ws();
            match self.bytes.get(self.pos) {
                None | Some(b'>') | Some(b'<') => return attrs,
                Some(b'/') if self.bytes.get(self.pos + 1) == Some(&b'>') => return attrs,
                _ => {}
            }
            let at = self.pos;
            let Some(name) = self.name() else {
                if bad_until != Some(at) {
                    self.errors.push(bad_attribute_char(self.src, at, owner));
                }
                self.pos = at + self.src[at..].chars().next().map_or(1, char::len_utf8);
                bad_until = Some(self.pos);
                continue;
            };
            if !had_ws {
                self.errors.push(missing_space(name.span));
            }
            if let Some(attr) = self.attribute_value(name) {
                if let Some(prev) = attrs.iter().find(|a| a.name.text == attr.name.text) {
                    self.errors.push(duplicate_attribute(&attr, prev));
                }
                attrs.push(attr);
            }
        }
    }

    fn attribute_value(&mut self, name: Name) -> Option<Attribute> {
        self.skip_ws();
        if self.bytes.get(self.pos) != Some(&b'=') {
            self.errors.push(
                SyntaxError::new(
                    "syntax::expected-equals",
                    format!("attribute `{}` has no value", name.text),
                    name.span,
                    "expected `=\"...\"` after this",
                )
                .with_help(format!("write `{}=\"value\"`", name.text)),
            );
            return None;
        }
        self.pos += 1;
        self.skip_ws();
        let quote = match self.bytes.get(self.pos) {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => {
                self.unquoted_value(&name);
                return None;
            }
        };
        let (value, stop) = value::read(
            self.src,
            self.pos + 1,
            self.bytes.len(),
            End::Quote(quote),
            &mut self.errors,
        );
        let end = if stop < self.bytes.len() {
            stop + 1
        } else {
            self.errors.push(unclosed_construct(
                "attribute value",
                if quote == b'"' { "\"" } else { "'" },
                self.pos,
                1,
            ));
            stop
        };
        self.pos = end;
        let span = Span::new(name.span.start as usize, end);
        Some(Attribute {
            name,
            value,
            quote: quote as char,
            span,
        })
    }

    fn unquoted_value(&mut self, name: &Name) {
        let start = self.pos;
        let len = self.bytes[start..]
            .iter()
            .take_while(|&&b| !b.is_ascii_whitespace() && b != b'>' && b != b'/')
            .count();
        self.pos = start + len;
        let raw = &self.src[start..start + len];
        self.errors.push(
            SyntaxError::new(
                "syntax::unquoted-attribute",
                format!("the value of `{}` is not in quotes", name.text),
                Span::new(start, (start + len).max(start)),
                "unquoted value",
            )
            .with_help(format!("write `{}=\"{}\"`", name.text, raw)),
        );
    }

    /// The name after `<` or `</`; a space before it is reported and skipped, since
    /// `< set-header` can only mean `<set-header`.
    fn name_after_space(&mut self, start: usize, opener: &str) -> Option<Name> {
        let before = self.pos;
        if !self.skip_ws() {
            return self.name();
        }
        let name = self.name();
        match &name {
            Some(n) => self.errors.push(
                SyntaxError::new(
                    "syntax::expected-name",
                    format!("a space between `{opener}` and `{}`", n.text),
                    Span::new(start, before + (self.pos - before).min(1)),
                    "space here",
                )
                .with_help(format!("write `{opener}{}`", n.text)),
            ),
            None => self.pos = before,
        }
        name
    }

    pub(super) fn end_tag(&mut self) {
        let start = self.pos;
        self.pos += 2;
        let name = self.name_after_space(start, "</");
        let name_end = self.pos;
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b'>') {
            self.pos += 1;
        } else {
            let at = name_end;
            self.errors.push(
                SyntaxError::new(
                    "syntax::unclosed-tag",
                    "end tag is not closed",
                    Span::new(at, at),
                    "expected `>` here",
                )
                .with_help("close the end tag with `>`"),
            );
        }
        let span = Span::new(start, self.pos);
        let Some(name) = name else {
            self.errors.push(SyntaxError::new(
                "syntax::expected-name",
                "expected an element name after `</`",
                span,
                "end tag without a name",
            ));
            return;
        };
        self.close(&name, span);
    }
}

fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || c == ':'
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | ':' | '-' | '.')
}

fn bad_attribute_char(src: &str, at: usize, owner: &Name) -> SyntaxError {
    let c = src[at..].chars().next().unwrap_or(' ');
    SyntaxError::new(
        "syntax::expected-attribute",
        format!("unexpected `{c}` in the start tag of `<{}>`", shortened(&owner.text)),
        Span::new(at, at + c.len_utf8()),
        "expected an attribute name, `>` or `/>`",
    )
    .with_help("attributes are written `name=\"value\"`, separated by spaces; close the tag with `>` or `/>`")
}

fn missing_space(span: Span) -> SyntaxError {
    SyntaxError::new(
        "syntax::missing-space",
        "attributes must be separated by whitespace",
        Span::empty(span.start as usize),
        "add a space here",
    )
    .with_help("separate attributes with a space: `a=\"1\" b=\"2\"`")
}

fn duplicate_attribute(attr: &Attribute, prev: &Attribute) -> SyntaxError {
    SyntaxError::new(
        "syntax::duplicate-attribute",
        format!("attribute `{}` is given twice", attr.name.text),
        attr.name.span,
        "second occurrence",
    )
    .with_help(format!(
        "remove one of them; the first is at byte {}",
        prev.name.span.start
    ))
}

/// A name as messages quote it: at most 64 characters (a hostile name must not make every
/// message as long as the file).
fn shortened(name: &str) -> std::borrow::Cow<'_, str> {
    match name.char_indices().nth(64) {
        Some((cut, _)) => format!("{}…", &name[..cut]).into(),
        None => name.into(),
    }
}
