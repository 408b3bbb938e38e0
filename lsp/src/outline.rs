//! Document symbols (sections and policies, nested) and folding ranges.

use crate::text::LineIndex;
use gatehouse_grammar::syntax::{Document, Element, Node};
use lsp_types::{DocumentSymbol, FoldingRange, FoldingRangeKind, SymbolKind};

/// The document's elements as nested symbols.
pub fn document_symbols(doc: &Document, text: &str) -> Vec<DocumentSymbol> {
    let idx = LineIndex::new(text);
    doc.root_elements().map(|e| symbol(e, &idx)).collect()
}

#[allow(deprecated)] // `deprecated` is a required field of the type.
fn symbol(e: &Element, idx: &LineIndex<'_>) -> DocumentSymbol {
    let name = &*e.name.text;
    let kind = match name {
        "policies" | "fragment" => SymbolKind::MODULE,
        "inbound" | "backend" | "outbound" | "on-error" => SymbolKind::NAMESPACE,
        "base" => SymbolKind::KEY,
        n if gatehouse_grammar::catalogue::catalogue()
            .policy(n)
            .is_some() =>
        {
            SymbolKind::FUNCTION
        }
        _ => SymbolKind::FIELD,
    };
    let detail = ["id", "name", "condition", "backend-id", "fragment-id"]
        .iter()
        .find_map(|a| e.attribute(a))
        .map(|a| {
            format!(
                "{}={}",
                a.name.text,
                a.value.as_literal().unwrap_or_else(|| "@(…)".into())
            )
        });
    let children: Vec<DocumentSymbol> = e.child_elements().map(|c| symbol(c, idx)).collect();
    DocumentSymbol {
        name: name.to_string(),
        detail,
        kind,
        tags: None,
        deprecated: None,
        range: idx.range(e.span.start, e.span.end),
        selection_range: idx.range(e.name.span.start, e.name.span.end),
        children: (!children.is_empty()).then_some(children),
    }
}

/// A folding range for every element and comment spanning several lines.
pub fn folding_ranges(doc: &Document, text: &str) -> Vec<FoldingRange> {
    let idx = LineIndex::new(text);
    let mut out = Vec::new();
    for n in &doc.nodes {
        fold(n, &idx, &mut out);
    }
    out
}

fn fold(n: &Node, idx: &LineIndex<'_>, out: &mut Vec<FoldingRange>) {
    let span = n.span();
    let (start, end) = (
        idx.position(span.start as usize),
        idx.position(span.end as usize),
    );
    if end.line > start.line {
        out.push(FoldingRange {
            start_line: start.line,
            end_line: end.line,
            kind: matches!(n, Node::Comment(_)).then_some(FoldingRangeKind::Comment),
            ..FoldingRange::default()
        });
    }
    if let Node::Element(e) = n {
        for c in &e.children {
            fold(c, idx, out);
        }
    }
}
