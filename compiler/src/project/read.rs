//! Reading project files: source text, policy documents and information files, each with
//! located diagnostics for what cannot be read.

use super::fields::{open_info, Fields};
use super::model::PolicyDoc;
use super::report::unreadable;
use crate::diagnostic::codes;
use crate::{Diagnostic, SourceFile};
use gatehouse_grammar::syntax::parse_document;
use gatehouse_grammar::{Limits, Span};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Stands in for an information file that could not be read, so fields take their defaults.
static NO_INFO: Value = Value::Null;

/// The loader's state: limits, the diagnostics so far, and how many files were read.
pub(crate) struct Reader<'l> {
    /// Front-end limits for policy documents.
    pub limits: &'l Limits,
    /// Files read from memory instead of the disk.
    pub overlay: &'l super::Overlay,
    /// Everything found so far.
    pub diagnostics: Vec<Diagnostic>,
    /// Files read.
    pub files_checked: usize,
}

/// A path as shown in diagnostics.
pub(crate) fn display(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// The sub-folders of `dir` by name, sorted; nothing when `dir` is not a readable folder.
pub(crate) fn subdirs(dir: &Path) -> Vec<(String, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .collect();
    out.sort();
    out
}

impl Reader<'_> {
    /// Reads a file; `None` when it does not exist, or (with a diagnostic) cannot be read.
    /// Invalid UTF-8 is reported with `utf8_code` and replaced.
    pub fn read(&mut self, path: &Path, utf8_code: &str) -> Option<Arc<SourceFile>> {
        let shown = display(path);
        if let Some(text) = self.overlay.get(path) {
            self.files_checked += 1;
            return Some(Arc::new(SourceFile::new(shown, text.clone())));
        }
        let help = "make it a readable file, or remove it";
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Ok(m) if m.is_dir() => {
                let message = format!("`{shown}` is a folder, not a file");
                self.diagnostics
                    .push(unreadable(&shown, codes::UNREADABLE_FILE, message, help));
                return None;
            }
            _ => {}
        }
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                let message = format!("cannot read `{shown}`: {e}");
                self.diagnostics
                    .push(unreadable(&shown, codes::UNREADABLE_FILE, message, help));
                return None;
            }
        };
        self.files_checked += 1;
        let (file, bad) = SourceFile::from_bytes(shown, bytes);
        let file = Arc::new(file);
        if let Some(at) = bad {
            let d = Diagnostic::error(
                &file,
                utf8_code,
                "the file is not valid UTF-8",
                Span::new(at, at + 1),
                "invalid byte",
            );
            self.diagnostics.push(d.with_help("save the file as UTF-8"));
        }
        Some(file)
    }

    /// Reads a file that must exist; a missing one is reported as `missing-file`.
    pub fn read_required(&mut self, path: &Path, what: &str) -> Option<Arc<SourceFile>> {
        if !path.exists() {
            let shown = display(path);
            let message = format!("{what} has no `{}`", file_name(path));
            let help = format!("add `{shown}`, or remove the folder");
            self.diagnostics
                .push(unreadable(&shown, codes::MISSING_FILE, message, &help));
            return None;
        }
        self.read(path, codes::INVALID_UTF8)
    }

    /// Reads and parses a policy document, if the file exists.
    pub fn policy(&mut self, path: &Path) -> Option<PolicyDoc> {
        let file = self.read(path, codes::SYNTAX_INVALID_UTF8)?;
        let parsed = parse_document(&file.text, self.limits);
        let errors = parsed.errors.iter().cloned();
        self.diagnostics
            .extend(errors.map(|e| Diagnostic::from_syntax(&file, e)));
        Some(PolicyDoc::new(file, parsed))
    }

    /// Reads an information file: the file (or an empty stand-in when it is missing) and its
    /// JSON when it has the `{"properties": {...}}` shape. `required` reports a missing file.
    pub fn info(
        &mut self,
        path: &Path,
        required: Option<&str>,
    ) -> Option<(Arc<SourceFile>, Option<Value>)> {
        let file = match required {
            Some(what) => self.read_required(path, what),
            None => self.read(path, codes::INVALID_UTF8),
        };
        let Some(file) = file else {
            let stand_in = Arc::new(SourceFile::new(display(path), ""));
            return required.map(|_| (stand_in, None));
        };
        let value = open_info(&file, &mut self.diagnostics);
        Some((file, value))
    }

    /// Runs `read` over the fields of an information file; when the file is unusable the
    /// fields read as absent and nothing more is reported.
    pub fn with_fields<T>(
        &mut self,
        file: &Arc<SourceFile>,
        value: Option<&Value>,
        read: impl FnOnce(&mut Fields) -> T,
    ) -> T {
        match value {
            Some(v) => read(&mut Fields::new(file, v, &mut self.diagnostics)),
            None => read(&mut Fields::new(file, &NO_INFO, &mut Vec::new())),
        }
    }
}

/// The last component of a path, for messages.
fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(|| display(path), |n| n.to_string_lossy().into_owned())
}
