//! Silencing warnings with `<!-- gatehouse-disable CODE, CODE -->` comments.

use crate::{Diagnostic, Severity};
use gatehouse_grammar::syntax::{Document, Node};

/// The comment keyword that silences warnings for the whole file.
pub const DISABLE: &str = "gatehouse-disable";

/// Removes warnings whose codes a `<!-- gatehouse-disable CODE[, CODE...] -->` comment
/// anywhere in the document names. Codes may be written with or without `gatehouse::`.
/// Errors are never removed, and for a build (`build`) neither are the warnings `build`
/// refuses (e.g. `policy::not-executed`): a comment cannot make the gateway skip a policy.
pub fn silence(doc: &Document, diagnostics: &mut Vec<Diagnostic>, build: bool) {
    let mut codes = Vec::new();
    collect(&doc.nodes, &mut codes, 0);
    if codes.is_empty() {
        return;
    }
    let refused = |d: &Diagnostic| {
        build
            && crate::diagnostic::codes::lookup(&d.code).is_some_and(|c| c.build == Severity::Error)
    };
    diagnostics.retain(|d| {
        d.severity == Severity::Error
            || refused(d)
            || !codes
                .iter()
                .any(|c| d.code == *c || d.code.strip_prefix("gatehouse::") == Some(c))
    });
}

fn collect(nodes: &[Node], codes: &mut Vec<String>, depth: usize) {
    if depth > 512 {
        return;
    }
    for node in nodes {
        match node {
            Node::Comment(c) => codes.extend(disabled(&c.text)),
            Node::Element(e) => collect(&e.children, codes, depth + 1),
            _ => {}
        }
    }
}

/// The codes a comment's text disables, if it is a `gatehouse-disable` comment.
fn disabled(text: &str) -> Vec<String> {
    let Some(rest) = text.trim().strip_prefix(DISABLE) else {
        return Vec::new();
    };
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
        return Vec::new();
    }
    rest.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::disabled;

    #[test]
    fn reads_codes_with_and_without_prefix() {
        assert_eq!(
            disabled(" gatehouse-disable missing-base, gatehouse::unreachable-policy "),
            ["missing-base", "gatehouse::unreachable-policy"]
        );
        assert!(disabled("gatehouse-disabled x").is_empty());
        assert!(disabled("note: gatehouse-disable x").is_empty());
        assert!(disabled("gatehouse-disable").is_empty());
    }
}
