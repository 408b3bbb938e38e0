//! Go to definition and find references, across the project's files.

use crate::locate::contains;
use crate::names::{all_backends, all_fragments, all_named_values};
use crate::symbols::{occurrences, Occurrence, Symbol};
use crate::text::{path_to_uri, LineIndex};
use crate::workspace::View;
use gatehouse_compiler::check::project::documents;
use gatehouse_compiler::SourceFile;
use gatehouse_grammar::syntax::Document;
use gatehouse_grammar::Span;
use lsp_types::{Location, Uri};
use std::path::Path;
use std::str::FromStr;

/// The symbol mentioned at `offset` of the view's document.
pub fn symbol_at(view: &View<'_>, offset: usize) -> Option<Occurrence> {
    occurrences(&view.doc.parsed.document)
        .into_iter()
        .find(|o| contains(o.span, offset))
}

/// Where the symbol at `offset` is declared (a variable: where it is set).
pub fn definition(view: &View<'_>, offset: usize) -> Vec<Location> {
    let Some(occ) = symbol_at(view, offset) else {
        return Vec::new();
    };
    let Some(project) = view.project else {
        return local(view, &occ.symbol, true);
    };
    match &occ.symbol {
        Symbol::Backend(name) => all_backends(project)
            .into_iter()
            .filter(|b| &b.name == name)
            .filter_map(|b| location(&b.origin.file, b.origin.span))
            .collect(),
        Symbol::NamedValue(name) => all_named_values(project)
            .into_iter()
            .filter(|n| &n.name == name)
            .filter_map(|n| location(&n.origin.file, n.origin.span))
            .collect(),
        Symbol::Fragment(name) => all_fragments(project)
            .into_iter()
            .filter(|f| &f.name == name)
            .filter_map(|f| {
                let root = f.policy.parsed.document.root_elements().next();
                let span = root.map_or(Span::empty(0), |e| e.name.span);
                location(&f.policy.file, span)
            })
            .collect(),
        Symbol::Variable(_) => mentions(view, &occ.symbol, true),
    }
}

/// Every mention of the symbol at `offset`, across the project.
pub fn references(view: &View<'_>, offset: usize, include_declaration: bool) -> Vec<Location> {
    let Some(occ) = symbol_at(view, offset) else {
        return Vec::new();
    };
    let mut out = mentions(view, &occ.symbol, false);
    if include_declaration && !matches!(occ.symbol, Symbol::Variable(_)) {
        for d in definition(view, offset) {
            if !out.contains(&d) {
                out.push(d);
            }
        }
    }
    out
}

/// The mentions of `symbol` in every document of the view's project (or the view's own
/// document outside a project); `setters` keeps only those that set it.
fn mentions(view: &View<'_>, symbol: &Symbol, setters: bool) -> Vec<Location> {
    let Some(project) = view.project else {
        return local(view, symbol, setters);
    };
    let mut out = Vec::new();
    for (doc, _) in documents(project) {
        collect(&doc.file, &doc.parsed.document, symbol, setters, &mut out);
    }
    out
}

fn local(view: &View<'_>, symbol: &Symbol, setters: bool) -> Vec<Location> {
    let mut out = Vec::new();
    collect(
        &view.doc.file,
        &view.doc.parsed.document,
        symbol,
        setters,
        &mut out,
    );
    out
}

fn collect(
    file: &SourceFile,
    doc: &Document,
    symbol: &Symbol,
    setters: bool,
    out: &mut Vec<Location>,
) {
    for o in occurrences(doc) {
        if &o.symbol == symbol && (!setters || o.sets) {
            out.extend(location(file, o.span));
        }
    }
}

/// The location of a span of a file (the path as the project shows it).
pub fn location(file: &SourceFile, span: Span) -> Option<Location> {
    let uri = uri_of(&file.path)?;
    let range = LineIndex::new(&file.text).range(span.start, span.end);
    Some(Location::new(uri, range))
}

/// The URI of a file as the project names it (a path, or already a URI).
pub fn uri_of(path: &str) -> Option<Uri> {
    if path.contains("://") {
        return Uri::from_str(path).ok();
    }
    path_to_uri(Path::new(path))
}
