//! The JSON rendering of diagnostics (`gatehouse check --format json`).

use super::Diagnostic;
use serde::Serialize;

/// One diagnostic as JSON: 1-based lines and columns, columns in characters, end exclusive.
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
pub struct JsonDiagnostic {
    /// `error`, `warning` or `advice`.
    pub severity: &'static str,
    /// Stable code, e.g. `gatehouse::unknown-policy`.
    pub code: String,
    /// What is wrong.
    pub message: String,
    /// The file's path as given.
    pub file: String,
    /// Line of the span's start.
    pub line: usize,
    /// Column of the span's start.
    pub column: usize,
    /// Line of the span's end.
    pub end_line: usize,
    /// Column just after the span's last character.
    pub end_column: usize,
    /// How to fix it, if known.
    pub help: Option<String>,
}

impl From<&Diagnostic> for JsonDiagnostic {
    fn from(d: &Diagnostic) -> Self {
        let (start, end) = d.file.span_lines(d.span);
        JsonDiagnostic {
            severity: d.severity.as_str(),
            code: d.code.clone(),
            message: d.message.clone(),
            file: d.file.path.clone(),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            help: d.help.clone(),
        }
    }
}

#[derive(Serialize)]
struct JsonReport {
    files_checked: usize,
    diagnostics: Vec<JsonDiagnostic>,
}

/// `{"files_checked": N, "diagnostics": [...]}`, pretty-printed.
pub fn render_json(files_checked: usize, diagnostics: &[Diagnostic]) -> String {
    let report = JsonReport {
        files_checked,
        diagnostics: diagnostics.iter().map(JsonDiagnostic::from).collect(),
    };
    serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
