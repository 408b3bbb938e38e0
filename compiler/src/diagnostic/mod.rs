//! Diagnostics: located, coded findings about a policy file, and their renderings.

pub mod codes;
mod docs;
mod human;
mod json;
pub mod levels;
mod sarif;
mod suggest;

pub use docs::diagnostics_markdown;
pub use human::{render_human, Style};
pub use json::{render_json, JsonDiagnostic};
pub use levels::Levels;
pub use sarif::render_sarif;
pub use suggest::{did_you_mean, suggestion};

use crate::source::SourceFile;
use gatehouse_grammar::syntax::SyntaxError;
use gatehouse_grammar::Span;
use std::sync::Arc;

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The document is wrong; `check` exits 1 and `build` stops.
    Error,
    /// Probably a mistake, or something gatehouse cannot vouch for.
    Warning,
    /// A suggestion.
    Advice,
}

impl Severity {
    /// The lower-case name used in JSON and SARIF output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Advice => "advice",
        }
    }
}

/// One finding, located in one file.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// How serious it is.
    pub severity: Severity,
    /// Stable code, e.g. `gatehouse::unknown-policy`.
    pub code: String,
    /// One sentence saying what is wrong.
    pub message: String,
    /// The file it is in.
    pub file: Arc<SourceFile>,
    /// The byte range it is about.
    pub span: Span,
    /// Short text under the span.
    pub label: String,
    /// How to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error with code `gatehouse::{code}`.
    pub fn error(
        file: &Arc<SourceFile>,
        code: &str,
        message: impl Into<String>,
        span: Span,
        label: impl Into<String>,
    ) -> Self {
        let (message, label) = (message.into(), label.into());
        Diagnostic::new(Severity::Error, file, code, message, span, label)
    }

    /// A warning with code `gatehouse::{code}`.
    pub fn warning(
        file: &Arc<SourceFile>,
        code: &str,
        message: impl Into<String>,
        span: Span,
        label: impl Into<String>,
    ) -> Self {
        let (message, label) = (message.into(), label.into());
        Diagnostic::new(Severity::Warning, file, code, message, span, label)
    }

    fn new(
        severity: Severity,
        file: &Arc<SourceFile>,
        code: &str,
        message: String,
        span: Span,
        label: String,
    ) -> Self {
        Diagnostic {
            severity,
            code: format!("gatehouse::{code}"),
            message,
            file: Arc::clone(file),
            span,
            label,
            help: None,
        }
    }

    /// The same diagnostic with help text.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The same diagnostic with help only when there is some.
    pub fn with_help_opt(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    /// A syntax error from the front end, as an error diagnostic.
    pub fn from_syntax(file: &Arc<SourceFile>, e: SyntaxError) -> Self {
        Diagnostic::error(file, e.code, e.message, e.span, e.label).with_help_opt(e.help)
    }
}

/// Sorts diagnostics by file, position and code, for stable output.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (a.file.path.as_str(), a.span.start, a.span.end, &a.code).cmp(&(
            b.file.path.as_str(),
            b.span.start,
            b.span.end,
            &b.code,
        ))
    });
}
