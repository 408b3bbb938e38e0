//! Located diagnostics for test files: `file:line:column`, a message, an excerpt and help.

use crate::yaml::Pos;

/// A mistake in a test file (or a project that does not build).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diag {
    /// The file, as given.
    pub file: String,
    /// Where (line and column are 1-based; 0 when the whole file is meant).
    pub pos: Pos,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

impl Diag {
    /// A diagnostic at `pos` of `file`.
    pub fn new(file: &str, pos: Pos, message: impl Into<String>) -> Diag {
        Diag {
            file: file.to_string(),
            pos,
            message: message.into(),
            help: None,
        }
    }

    /// With help.
    pub fn help(mut self, help: impl Into<String>) -> Diag {
        self.help = Some(help.into());
        self
    }

    /// `file:line:col: error: message`, the source line with a caret, and the help.
    pub fn render(&self, source: Option<&str>) -> String {
        let mut out = format!(
            "{}:{}:{}: error: {}\n",
            self.file, self.pos.line, self.pos.col, self.message
        );
        let line = source.and_then(|s| s.lines().nth(self.pos.line.saturating_sub(1) as usize));
        if let Some(line) = line.filter(|_| self.pos.line > 0) {
            let n = self.pos.line.to_string();
            out.push_str(&format!("{n} | {line}\n"));
            let pad = " ".repeat(n.len() + 3 + self.pos.col.saturating_sub(1) as usize);
            out.push_str(&format!("{pad}^\n"));
        }
        if let Some(h) = &self.help {
            out.push_str(&format!("  help: {h}\n"));
        }
        out
    }

    /// The diagnostic as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "file": self.file, "line": self.pos.line, "column": self.pos.col,
            "message": self.message, "help": self.help,
        })
    }
}
