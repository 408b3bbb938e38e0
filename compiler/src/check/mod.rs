//! Checks over a parsed policy document, each pass in its own file.

pub mod backends;
mod effective;
mod elements;
mod lints;
pub(crate) mod liquid;
mod placement;
pub mod project;
pub mod references;
mod silence;
mod structure;
mod types;
mod values;

pub use silence::silence;

use crate::{Diagnostic, SourceFile};
use gatehouse_grammar::catalogue::Scope;
use gatehouse_grammar::syntax::Document;
use std::sync::Arc;

/// Where a policy document sits, which decides what may appear in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocKind {
    /// A file checked on its own: any scope is possible.
    Loose,
    /// The global (service) policy.
    Global,
    /// A workspace policy.
    Workspace,
    /// A product policy.
    Product,
    /// An API policy.
    Api,
    /// An operation policy.
    Operation,
    /// A policy fragment (`<fragment>` root).
    Fragment,
}

impl DocKind {
    /// The scope the document is configured at, when it is known.
    pub fn scope(self) -> Option<Scope> {
        match self {
            DocKind::Global => Some(Scope::Global),
            DocKind::Workspace => Some(Scope::Workspace),
            DocKind::Product => Some(Scope::Product),
            DocKind::Api => Some(Scope::Api),
            DocKind::Operation => Some(Scope::Operation),
            DocKind::Loose | DocKind::Fragment => None,
        }
    }

    /// Parses a scope name as written in the feature corpus (`api`, `fragment`, ...).
    pub fn parse(name: &str) -> Option<DocKind> {
        Some(match name {
            "loose" => DocKind::Loose,
            "global" => DocKind::Global,
            "workspace" => DocKind::Workspace,
            "product" => DocKind::Product,
            "api" => DocKind::Api,
            "operation" => DocKind::Operation,
            "fragment" => DocKind::Fragment,
            _ => return None,
        })
    }
}

/// Runs every document-level check: root and sections, each policy against the catalogue,
/// placement, attribute values, then the lints.
pub fn document(
    file: &Arc<SourceFile>,
    doc: &Document,
    typed: &crate::ast::Policies,
    kind: DocKind,
    out: &mut Vec<Diagnostic>,
) {
    let mut cx = Context { file, kind, out };
    structure::document(&mut cx, doc);
    placement::document(&mut cx, doc);
    values::document(&mut cx, typed);
    types::document(&mut cx, doc);
    lints::document(&mut cx, doc);
}

/// What every check pass has: the file, its kind and where findings go.
pub(crate) struct Context<'a> {
    pub file: &'a Arc<SourceFile>,
    pub kind: DocKind,
    pub out: &'a mut Vec<Diagnostic>,
}

impl Context<'_> {
    /// Records a finding.
    pub fn report(&mut self, d: Diagnostic) {
        self.out.push(d);
    }
}

/// The codes found in `text` checked as a document of `kind`, in order (without
/// `policy::not-executed`, which is about gatehouse rather than the document).
#[cfg(test)]
pub(crate) fn codes(text: &str, kind: DocKind) -> Vec<String> {
    let file = Arc::new(SourceFile::new("test.xml", text));
    let report = crate::check_file_as(&file, kind, &crate::CheckOptions::default());
    report
        .diagnostics
        .iter()
        .map(|d| d.code.trim_start_matches("gatehouse::").to_string())
        .filter(|c| c != crate::program::NOT_EXECUTED)
        .collect()
}
