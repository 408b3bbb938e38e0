//! Source files: text, path, and byte offset → line/column conversion.

use gatehouse_grammar::Span;

/// A policy file as read from disk, with a line index.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The path as given by the user, used in every diagnostic.
    pub path: String,
    /// The file's text (invalid UTF-8 replaced; see [`SourceFile::from_bytes`]).
    pub text: String,
    line_starts: Vec<usize>,
}

/// A 1-based line and column; columns count characters, not bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineCol {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl SourceFile {
    /// A source file from text.
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            path: path.into(),
            text,
            line_starts,
        }
    }

    /// A source file from bytes. Invalid UTF-8 is replaced by U+FFFD and the offset of the
    /// first invalid byte is returned, so the caller can report it.
    pub fn from_bytes(path: impl Into<String>, bytes: Vec<u8>) -> (Self, Option<usize>) {
        match String::from_utf8(bytes) {
            Ok(text) => (SourceFile::new(path, text), None),
            Err(e) => {
                let bad = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                (SourceFile::new(path, text), Some(bad))
            }
        }
    }

    /// Line and column of a byte offset (clamped to the text, moved back to a char boundary).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1);
        let start = self.line_starts[line - 1];
        let column = self.text[start..offset].chars().count() + 1;
        LineCol { line, column }
    }

    /// Start and end positions of a span.
    pub fn span_lines(&self, span: Span) -> (LineCol, LineCol) {
        (
            self.line_col(span.start as usize),
            self.line_col(span.end as usize),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_char_columns() {
        let f = SourceFile::new("f", "ab\nçd\n");
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(3), LineCol { line: 2, column: 1 });
        assert_eq!(f.line_col(5), LineCol { line: 2, column: 2 });
        assert_eq!(f.line_col(4), LineCol { line: 2, column: 1 });
        assert_eq!(f.line_col(100), LineCol { line: 3, column: 1 });
    }

    #[test]
    fn invalid_utf8_is_located() {
        let (f, bad) = SourceFile::from_bytes("f", b"ab\xffc".to_vec());
        assert_eq!(bad, Some(2));
        assert_eq!(f.text, "ab\u{fffd}c");
    }
}
