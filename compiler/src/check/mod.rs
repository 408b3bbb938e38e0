//! Checks over a parsed policy document, each pass in its own file.

mod elements;
mod structure;

use crate::{Diagnostic, SourceFile};
use gatehouse_grammar::syntax::Document;
use std::sync::Arc;

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
