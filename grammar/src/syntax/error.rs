//! Syntax errors: located, coded problems found while reading a policy document.

use crate::Span;

/// A problem found while reading a document or an expression in it.
///
/// The span is a byte range into the original file; `code` is stable across releases
/// (e.g. `syntax::unclosed-element`) so users can search for it and tools can match on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// Stable diagnostic code, without the `gatehouse::` prefix.
    pub code: &'static str,
    /// One-sentence description of the problem.
    pub message: String,
    /// Where the problem is, in the original file.
    pub span: Span,
    /// Short text shown under the span.
    pub label: String,
    /// How to fix it, when we can tell.
    pub help: Option<String>,
}

impl SyntaxError {
    /// An error with a message and a label, without help.
    pub fn new(
        code: &'static str,
        message: impl Into<String>,
        span: Span,
        label: impl Into<String>,
    ) -> Self {
        SyntaxError {
            code,
            message: message.into(),
            span,
            label: label.into(),
            help: None,
        }
    }

    /// The same error with help text attached.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}
