//! Diagnostic helpers shared by the project loader: warnings, did-you-mean, file spans.

use crate::{Diagnostic, Severity, SourceFile};
use gatehouse_grammar::Span;
use std::sync::Arc;

/// The same diagnostic as a warning.
pub(crate) fn warning(mut d: Diagnostic) -> Diagnostic {
    d.severity = Severity::Warning;
    d
}

/// The whole file, for findings about a file as a whole.
pub(crate) fn whole(file: &SourceFile) -> Span {
    Span::new(0, file.text.len())
}

/// The first line of a file (or an empty span for an empty file), for findings about a
/// file that are not about any part of it.
pub(crate) fn first_line(file: &SourceFile) -> Span {
    let end = file.text.find('\n').unwrap_or(file.text.len());
    Span::new(0, end)
}

/// An error about a file that could not be read (missing, a folder, unreadable): located
/// in an empty stand-in for the file, since there is no text to point at.
pub(crate) fn unreadable(path: &str, code: &str, message: String, help: &str) -> Diagnostic {
    let file = Arc::new(SourceFile::new(path, ""));
    Diagnostic::error(&file, code, message, Span::empty(0), "here").with_help(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_of_whole_files() {
        let f = SourceFile::new("f", "ab\ncd");
        assert_eq!(whole(&f), Span::new(0, 5));
        assert_eq!(first_line(&f), Span::new(0, 2));
    }
}
