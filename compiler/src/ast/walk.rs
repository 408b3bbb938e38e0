//! A walk over a document's statements and catalogued elements, with the section and
//! nesting each one sits in.

use gatehouse_grammar::catalogue::{catalogue, ChildKind, Content, ElementSpec, Section};
use gatehouse_grammar::syntax::{Document, Element};

/// Deeper trees are not walked (the parser's limits normally stop them much earlier).
const MAX_DEPTH: usize = 512;

/// Where a block or element sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct At {
    /// The section, when known: `None` inside a `<fragment>`.
    pub section: Option<Section>,
    /// How many elements enclose it below the section (0: directly in a section or fragment).
    pub depth: usize,
}

/// What a pass does at each block and element; both default to nothing.
pub(crate) trait Visitor<'d, C: ?Sized> {
    /// A list of statements: a section, a fragment, or a policy (or `when`) holding policies.
    fn block(&mut self, _cx: &mut C, _block: &'d Element, _at: At) {}

    /// An element the catalogue describes: a policy or one of its child elements.
    fn element(&mut self, _cx: &mut C, _e: &'d Element, _spec: &'static ElementSpec, _at: At) {}
}

/// Walks the sections of `<policies>` (or the `<fragment>`), in document order.
pub(crate) fn document<'d, C: ?Sized>(cx: &mut C, doc: &'d Document, v: &mut impl Visitor<'d, C>) {
    let Some(root) = doc.root_elements().next() else {
        return;
    };
    match &*root.name.text {
        "policies" => {
            for section in root.child_elements() {
                if let Some(s) = Section::parse(&section.name.text) {
                    let at = At {
                        section: Some(s),
                        depth: 0,
                    };
                    block(cx, v, section, at);
                }
            }
        }
        "fragment" => block(
            cx,
            v,
            root,
            At {
                section: None,
                depth: 0,
            },
        ),
        _ => {}
    }
}

fn block<'d, C: ?Sized>(cx: &mut C, v: &mut impl Visitor<'d, C>, b: &'d Element, at: At) {
    if at.depth > MAX_DEPTH {
        return;
    }
    v.block(cx, b, at);
    for e in b.child_elements() {
        if let Some(spec) = catalogue().policy(&e.name.text) {
            element(cx, v, e, &spec.element, at);
        }
    }
}

fn element<'d, C: ?Sized>(
    cx: &mut C,
    v: &mut impl Visitor<'d, C>,
    e: &'d Element,
    spec: &'static ElementSpec,
    at: At,
) {
    v.element(cx, e, spec, at);
    let inner = At {
        depth: at.depth + 1,
        ..at
    };
    match &spec.content {
        Content::Policies => block(cx, v, e, inner),
        Content::Elements | Content::ElementsOrText { .. } if inner.depth <= MAX_DEPTH => {
            for child in e.child_elements() {
                match spec.child(&child.name.text).map(|c| &c.kind) {
                    Some(ChildKind::Element(cs)) => element(cx, v, child, cs, inner),
                    Some(ChildKind::Policy(p)) => {
                        if let Some(ps) = catalogue().policy(p) {
                            element(cx, v, child, &ps.element, inner);
                        }
                    }
                    None => {}
                }
            }
        }
        _ => {}
    }
}
