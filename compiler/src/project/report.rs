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

/// The closest candidate to `name`, if one is close enough to be a likely typo.
pub(crate) fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (strsim::osa_distance(name, c), c))
        .filter(|&(d, _)| d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// `did you mean` help text, or a fallback when nothing is close.
pub(crate) fn suggestion<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    otherwise: &str,
) -> String {
    match did_you_mean(name, candidates) {
        Some(c) => format!("did you mean `{c}`?"),
        None => otherwise.to_string(),
    }
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
    fn suggests_close_names_only() {
        let names = ["orders-eu", "orders-us", "billing"];
        assert_eq!(did_you_mean("orders-ue", names), Some("orders-eu"));
        assert_eq!(did_you_mean("payments", names), None);
    }

    #[test]
    fn spans_of_whole_files() {
        let f = SourceFile::new("f", "ab\ncd");
        assert_eq!(whole(&f), Span::new(0, 5));
        assert_eq!(first_line(&f), Span::new(0, 2));
    }
}
