//! Checks over a parsed policy document, each pass in its own file.

mod backends;
mod effective;
mod elements;
pub mod project;
pub mod references;
mod structure;

use crate::{Diagnostic, SourceFile};
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

/// Runs every document-level check: root and sections, then each policy against the catalogue.
pub fn document(file: &Arc<SourceFile>, doc: &Document, out: &mut Vec<Diagnostic>) {
    let mut cx = Context { file, out };
    structure::document(&mut cx, doc);
}

/// What every check pass has: the file and where findings go.
pub(crate) struct Context<'a> {
    pub file: &'a Arc<SourceFile>,
    pub out: &'a mut Vec<Diagnostic>,
}

impl Context<'_> {
    /// Records a finding.
    pub fn report(&mut self, d: Diagnostic) {
        self.out.push(d);
    }
}
