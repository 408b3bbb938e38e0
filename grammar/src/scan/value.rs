//! Reads attribute values and character data into literal, named-value and expression parts.

use super::entities::{self, Entity};
use super::region::{self, Source};
use crate::syntax::{Expression, ExpressionKind, NamedValueRef, Part, SyntaxError, Value};
use crate::Span;

/// Where a value ends.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum End {
    /// An attribute value, ended by this quote.
    Quote(u8),
    /// Element text, ended by `<`.
    Text,
    /// A CDATA section's content, ended at the given limit (the `]]>`).
    CData,
}

/// Reads a value from `start` up to at most `limit`. Returns the value and the offset of
/// its terminator (the quote or `<`), or `limit` when none was found.
pub(crate) fn read(
    src: &str,
    start: usize,
    limit: usize,
    end: End,
    errors: &mut Vec<SyntaxError>,
) -> (Value, usize) {
    let bytes = src.as_bytes();
    let lead = start
        + bytes[start..limit]
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
    if bytes[lead..limit].starts_with(b"@(") || bytes[lead..limit].starts_with(b"@{") {
        let source = match end {
            End::Quote(q) => Source::Attribute(q),
            End::Text => Source::Text,
            End::CData => Source::CData,
        };
        match region::scan(src, lead, limit, source) {
            Ok(r) => return expression_value(src, start, lead, r, limit, end, errors),
            Err(e) => {
                errors.push(e);
                return raw_value(src, start, recover(src.as_bytes(), lead, limit, end));
            }
        }
    }
    literal_value(src, start, limit, end, errors)
}

/// After a broken expression: where the value most plausibly ends. For an attribute, the
/// first quote followed by the end of the tag or another attribute; for text, the next `<`.
fn recover(bytes: &[u8], from: usize, limit: usize, end: End) -> usize {
    let End::Quote(q) = end else {
        return find_end(bytes, from, limit, end);
    };
    let ends_tag = |p: usize| {
        let rest = &bytes[p + 1..limit];
        let next = rest
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .map(|i| &rest[i..]);
        match next {
            None => true,
            Some(r) => {
                r[0] == b'>'
                    || r.starts_with(b"/>")
                    || (r[0].is_ascii_alphabetic() && attribute_follows(r))
            }
        }
    };
    (from..limit)
        .find(|&p| bytes[p] == q && ends_tag(p))
        .unwrap_or_else(|| find_end(bytes, from, limit, end))
}

fn attribute_follows(rest: &[u8]) -> bool {
    let n = rest
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.'))
        .count();
    rest[n..].iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'=')
}

/// The text from `start` to `stop` kept as it is, so nothing is lost after an error.
fn raw_value(src: &str, start: usize, stop: usize) -> (Value, usize) {
    let span = Span::new(start, stop);
    let parts = vec![Part::Literal {
        text: src[start..stop].into(),
        span,
    }];
    (Value { parts, span }, stop)
}

fn expression_value(
    src: &str,
    start: usize,
    lead: usize,
    r: region::Region,
    limit: usize,
    end: End,
    errors: &mut Vec<SyntaxError>,
) -> (Value, usize) {
    let kind = match src.as_bytes()[lead + 1] {
        b'(' => ExpressionKind::Inline,
        _ => ExpressionKind::Block,
    };
    let named_values = named_values_in(&r.code)
        .map(|(name, span)| NamedValueRef {
            name: name.into(),
            span: r.map.span_to_file(span),
        })
        .collect();
    let expr = Expression {
        kind,
        code: r.code.into(),
        map: r.map,
        span: Span::new(lead, r.end),
        named_values,
        syntax: None,
    };
    let stop = find_end(src.as_bytes(), r.end, limit, end);
    let trailing = &src[r.end..stop];
    if !trailing.trim().is_empty() {
        let t = r.end + (trailing.len() - trailing.trim_start().len());
        errors.push(
            SyntaxError::new(
                "syntax::text-after-expression",
                "a policy expression must be the whole value",
                Span::new(t, t + trailing.trim().len()),
                "text after the expression",
            )
            .with_help(
                "move this text into the expression, e.g. `@(\"prefix\" + ...)`, or remove it",
            ),
        );
    }
    let value = Value {
        parts: vec![Part::Expression(expr)],
        span: Span::new(start, stop),
    };
    (value, stop)
}

fn find_end(bytes: &[u8], from: usize, limit: usize, end: End) -> usize {
    let stop = match end {
        End::Quote(q) => memchr::memchr(q, &bytes[from..limit]),
        End::Text => memchr::memchr(b'<', &bytes[from..limit]),
        End::CData => None,
    };
    stop.map_or(limit, |p| from + p)
}

fn literal_value(
    src: &str,
    start: usize,
    limit: usize,
    end: End,
    errors: &mut Vec<SyntaxError>,
) -> (Value, usize) {
    let bytes = src.as_bytes();
    let stop = find_end(bytes, start, limit, end);
    let mut parts = Vec::new();
    let mut text = String::new();
    let mut text_start = start;
    let mut i = start;
    while i < stop {
        match bytes[i] {
            b'{' if bytes[i..stop].starts_with(b"{{") => {
                if let Some(len) = named_value_len(&bytes[i..stop]) {
                    flush(&mut parts, &mut text, text_start, i);
                    let name = &src[i + 2..i + len - 2];
                    parts.push(Part::NamedValue(NamedValueRef {
                        name: name.into(),
                        span: Span::new(i, i + len),
                    }));
                    i += len;
                    text_start = i;
                    continue;
                }
                text.push('{');
                i += 1;
            }
            b'&' if end != End::CData => i += decode_entity(src, i, stop, &mut text, errors),
            b'<' if end != End::CData => {
                errors.push(less_than(i));
                text.push('<');
                i += 1;
            }
            _ => {
                // Copy the run up to the next byte that needs attention in one piece.
                let run = memchr::memchr3(b'{', b'&', b'<', &bytes[i + 1..stop])
                    .map_or(stop, |p| i + 1 + p);
                text.push_str(&src[i..run]);
                i = run;
            }
        }
    }
    flush(&mut parts, &mut text, text_start, stop);
    (
        Value {
            parts,
            span: Span::new(start, stop),
        },
        stop,
    )
}

fn flush(parts: &mut Vec<Part>, text: &mut String, start: usize, end: usize) {
    if !text.is_empty() {
        parts.push(Part::Literal {
            text: std::mem::take(text).into(),
            span: Span::new(start, end),
        });
    }
}

fn decode_entity(
    src: &str,
    i: usize,
    stop: usize,
    text: &mut String,
    errors: &mut Vec<SyntaxError>,
) -> usize {
    match entities::read(&src.as_bytes()[i..stop]) {
        Entity::Char(c, len) => {
            text.push(c);
            len
        }
        Entity::Unknown(len) => {
            errors.push(
                SyntaxError::new(
                    "syntax::unknown-entity",
                    format!("`{}` is not an XML entity", &src[i..i + len]),
                    Span::new(i, i + len),
                    "unknown entity",
                )
                .with_help("XML predefines only `&lt;` `&gt;` `&amp;` `&quot;` `&apos;`; use a character reference such as `&#160;` for others"),
            );
            text.push_str(&src[i..i + len]);
            len
        }
        Entity::Bare => {
            errors.push(
                SyntaxError::new(
                    "syntax::bare-ampersand",
                    "`&` must be written as `&amp;` outside policy expressions",
                    Span::new(i, i + 1),
                    "bare `&`",
                )
                .with_help("write `&amp;`, or wrap the text in `<![CDATA[ ... ]]>`"),
            );
            text.push('&');
            1
        }
    }
}

fn less_than(i: usize) -> SyntaxError {
    SyntaxError::new(
        "syntax::raw-less-than",
        "`<` is not allowed in an attribute value",
        Span::new(i, i + 1),
        "write `&lt;`",
    )
    .with_help("escape it as `&lt;`, or compute the value with a policy expression `@(...)`")
}

/// Length of a `{{name}}` reference at the start of `bytes`, if there is one. Names are
/// letters, digits, `.`, `_` and `-`, as APIM allows in display names.
pub fn named_value_len(bytes: &[u8]) -> Option<usize> {
    let body = bytes.get(2..)?;
    let n = body.iter().take_while(|&&b| is_named_value_char(b)).count();
    (n > 0 && body[n..].starts_with(b"}}")).then_some(n + 4)
}

fn is_named_value_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')
}

/// `{{name}}` references in decoded code: (name, span in the code).
pub(crate) fn named_values_in(code: &str) -> impl Iterator<Item = (&str, Span)> {
    let bytes = code.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i + 4 <= bytes.len() {
            if bytes[i] == b'{' && bytes[i + 1] == b'{' {
                if let Some(len) = named_value_len(&bytes[i..]) {
                    let found = (&code[i + 2..i + len - 2], Span::new(i, i + len));
                    i += len;
                    return Some(found);
                }
            }
            i += 1;
        }
        None
    })
}
