//! The compiler's diagnostics as LSP diagnostics: same code, message, span, label and help.

use crate::text::LineIndex;
use gatehouse_compiler::{Diagnostic, Severity};
use lsp_types::{DiagnosticSeverity, NumberOrString};

/// One diagnostic; the message is `check`'s, with the label and help on following lines.
pub fn diagnostic(d: &Diagnostic, idx: &LineIndex<'_>) -> lsp_types::Diagnostic {
    let severity = match d.severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Advice => DiagnosticSeverity::HINT,
    };
    let mut message = d.message.clone();
    if !d.label.is_empty() {
        message.push_str(&format!("\n{}", d.label));
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    lsp_types::Diagnostic {
        range: idx.range(d.span.start, d.span.end),
        severity: Some(severity),
        code: Some(NumberOrString::String(d.code.clone())),
        source: Some("gatehouse".into()),
        message,
        ..lsp_types::Diagnostic::default()
    }
}

/// All diagnostics of one file's text.
pub fn diagnostics(found: &[Diagnostic], text: &str) -> Vec<lsp_types::Diagnostic> {
    let idx = LineIndex::new(text);
    found.iter().map(|d| diagnostic(d, &idx)).collect()
}
