//! Finding the span of a value in JSON text by its JSON pointer (serde_json keeps no spans).

use gatehouse_grammar::Span;

/// The byte span of the value at `pointer` (RFC 6901, e.g. `/properties/url`) in `text`.
///
/// `text` should be JSON that serde_json accepted; on anything else the walk gives up and
/// returns `None` rather than guess. With duplicate keys the last one wins, as in serde_json.
/// Only the values along the path are entered; everything else is skipped without recursion.
pub fn value_span(text: &str, pointer: &str) -> Option<Span> {
    let mut cur = Cursor {
        bytes: text.as_bytes(),
        text,
        pos: 0,
    };
    cur.ws();
    if !pointer.is_empty() {
        for token in pointer.strip_prefix('/')?.split('/') {
            let token = token.replace("~1", "/").replace("~0", "~");
            cur.enter(&token)?;
        }
    }
    let start = cur.pos;
    cur.skip_value()?;
    Some(Span::new(start, cur.pos))
}

/// The byte offset of 1-based `line` and `column` (in bytes) in `text`, clamped to the text
/// and moved back to a character boundary.
pub fn line_col_offset(text: &str, line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(line - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    let mut at = (line_start + column.saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// A position in JSON text.
struct Cursor<'t> {
    bytes: &'t [u8],
    text: &'t str,
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        self.ws();
        (self.peek()? == b).then(|| self.pos += 1)
    }

    /// Moves to the member `token` of the object or array at the cursor.
    fn enter(&mut self, token: &str) -> Option<()> {
        self.ws();
        match self.peek()? {
            b'{' => self.enter_object(token),
            b'[' => self.enter_array(token.parse().ok()?),
            _ => None,
        }
    }

    fn enter_object(&mut self, token: &str) -> Option<()> {
        self.pos += 1;
        let mut found = None;
        loop {
            self.ws();
            if self.peek()? == b'}' {
                break;
            }
            let (start, end) = self.string()?;
            self.eat(b':')?;
            self.ws();
            if key_is(&self.text[start..end], token) {
                found = Some(self.pos);
            }
            self.skip_value()?;
            self.ws();
            match self.peek()? {
                b',' => self.pos += 1,
                b'}' => break,
                _ => return None,
            }
        }
        self.pos = found?;
        Some(())
    }

    fn enter_array(&mut self, index: usize) -> Option<()> {
        self.pos += 1;
        for _ in 0..index {
            self.ws();
            self.skip_value()?;
            self.eat(b',')?;
        }
        self.ws();
        (self.peek()? != b']').then_some(())
    }

    /// Skips a string at the cursor, returning its span including the quotes.
    fn string(&mut self) -> Option<(usize, usize)> {
        let start = self.pos;
        (self.peek()? == b'"').then_some(())?;
        self.pos += 1;
        loop {
            match self.peek()? {
                b'\\' => self.pos += 2,
                b'"' => {
                    self.pos += 1;
                    return Some((start, self.pos));
                }
                _ => self.pos += 1,
            }
        }
    }

    /// Skips one value at the cursor.
    fn skip_value(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => self.string().map(|_| ()),
            b'{' | b'[' => self.skip_container(),
            _ => {
                let start = self.pos;
                while !matches!(
                    self.peek(),
                    None | Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                ) {
                    self.pos += 1;
                }
                (self.pos > start).then_some(())
            }
        }
    }

    /// Skips an object or array by counting brackets outside strings.
    fn skip_container(&mut self) -> Option<()> {
        let mut depth = 0usize;
        loop {
            match self.peek()? {
                b'"' => {
                    self.string()?;
                    continue;
                }
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        self.pos += 1;
                        return Some(());
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
    }
}

/// Whether the quoted JSON key `raw` is `token`.
fn key_is(raw: &str, token: &str) -> bool {
    if raw.contains('\\') {
        serde_json::from_str::<String>(raw).is_ok_and(|k| k == token)
    } else {
        raw.get(1..raw.len() - 1) == Some(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at<'t>(text: &'t str, pointer: &str) -> Option<&'t str> {
        value_span(text, pointer).map(|s| &text[s.range()])
    }

    const DOC: &str = r#"{
  "properties": {
    "url": "https://a.example",
    "n": 42, "t": true,
    "list": [ {"a": 1}, {"a": [2, 3]}, "x\"y" ],
    "odd\"key": null,
    "a/b": 7
  }
}"#;

    #[test]
    fn finds_values_by_pointer() {
        assert_eq!(at(DOC, "/properties/url"), Some("\"https://a.example\""));
        assert_eq!(at(DOC, "/properties/n"), Some("42"));
        assert_eq!(at(DOC, "/properties/t"), Some("true"));
        assert_eq!(at(DOC, "/properties/list/1/a"), Some("[2, 3]"));
        assert_eq!(at(DOC, "/properties/list/1/a/1"), Some("3"));
        assert_eq!(at(DOC, "/properties/list/2"), Some("\"x\\\"y\""));
        assert_eq!(at(DOC, "/properties/odd\"key"), Some("null"));
        assert_eq!(at(DOC, "/properties/a~1b"), Some("7"));
        assert!(at(DOC, "").is_some_and(|s| s.starts_with('{') && s.ends_with('}')));
    }

    #[test]
    fn missing_and_malformed_give_none() {
        assert_eq!(at(DOC, "/properties/nope"), None);
        assert_eq!(at(DOC, "/properties/list/3"), None);
        assert_eq!(at(DOC, "/properties/url/x"), None);
        assert_eq!(at("{\"a\": ", "/a"), None);
        assert_eq!(at("{\"a\"", "/a"), None);
        assert_eq!(at("", "/a"), None);
    }

    #[test]
    fn duplicate_keys_take_the_last() {
        assert_eq!(at(r#"{"a": 1, "a": 2}"#, "/a"), Some("2"));
    }

    #[test]
    fn line_and_column_to_offset() {
        let text = "ab\ncde\nf";
        assert_eq!(line_col_offset(text, 1, 1), 0);
        assert_eq!(line_col_offset(text, 2, 2), 4);
        assert_eq!(line_col_offset(text, 3, 9), 8);
        assert_eq!(line_col_offset(text, 9, 1), 8);
        assert_eq!(line_col_offset("é", 1, 2), 0);
    }
}
