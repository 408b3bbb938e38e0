//! The catalogue seen from a position: the spec of an element given the elements around it.

use gatehouse_grammar::catalogue::{catalogue, ChildKind, Content, ElementSpec};
use gatehouse_grammar::syntax::Element;

/// The spec of the last element of `path` (outermost first), as the checks read it:
/// children listed by the parent's spec, else policies and structural elements by name.
pub fn spec_of(path: &[&Element]) -> Option<&'static ElementSpec> {
    let mut parent: Option<&'static ElementSpec> = None;
    let mut spec = None;
    for e in path {
        spec = child_spec(parent, &e.name.text);
        parent = spec;
    }
    spec
}

/// The spec of a child called `name` of an element with spec `parent`.
pub fn child_spec(
    parent: Option<&'static ElementSpec>,
    name: &str,
) -> Option<&'static ElementSpec> {
    let cat = catalogue();
    let listed = parent
        .filter(|p| p.content != Content::Policies)
        .and_then(|p| p.child(name))
        .and_then(|c| match &c.kind {
            ChildKind::Element(e) => Some(e),
            ChildKind::Policy(p) => cat.policy(p).map(|p| &p.element),
        });
    listed
        .or_else(|| cat.policy(name).map(|p| &p.element))
        .or_else(|| cat.structural(name).map(|s| &s.element))
}

/// Whether `name` is a policy (not structural, not a child element).
pub fn is_policy(name: &str) -> bool {
    catalogue().policy(name).is_some()
}
