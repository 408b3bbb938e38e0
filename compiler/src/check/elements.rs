//! Policies against the catalogue: known elements, known and required attributes, allowed content.

use super::Context;
use crate::diagnostic::codes;
use crate::Diagnostic;
use gatehouse_grammar::catalogue::{catalogue, ChildKind, Content, ElementSpec, COMMON_ATTRIBUTES};
use gatehouse_grammar::syntax::{Element, Node};
use gatehouse_grammar::Span;

/// Checks the children of a section, fragment or other statement container.
pub(crate) fn statements(cx: &mut Context<'_>, parent: &Element) {
    for node in &parent.children {
        match node {
            Node::Element(e) => statement(cx, e),
            Node::Text(v) | Node::CData(v) if !v.is_blank() || v.expression().is_some() => {
                unexpected_text(cx, parent, v.span)
            }
            _ => {}
        }
    }
}

/// Checks one statement: `<base/>` or a catalogued policy.
fn statement(cx: &mut Context<'_>, e: &Element) {
    let name = &*e.name.text;
    if name == "base" {
        return base(cx, e);
    }
    match catalogue().policy(name) {
        Some(spec) => element(cx, e, &spec.element, true),
        None => unknown_policy(cx, e),
    }
}

fn base(cx: &mut Context<'_>, e: &Element) {
    for a in &e.attributes {
        cx.report(
            Diagnostic::error(
                cx.file,
                codes::UNKNOWN_ATTRIBUTE,
                "`<base/>` takes no attributes",
                a.name.span,
                "unknown attribute",
            )
            .with_help(format!("remove `{}`", a.name.text)),
        );
    }
    let content = e.children.iter().find(|n| match n {
        Node::Element(_) => true,
        Node::Text(v) | Node::CData(v) => !v.is_blank() || v.expression().is_some(),
        Node::Comment(_) | Node::ProcessingInstruction(_) => false,
    });
    if let Some(node) = content {
        cx.report(
            Diagnostic::error(
                cx.file,
                codes::UNEXPECTED_CONTENT,
                "`<base/>` has no content",
                trim(cx, node.span()),
                "content here",
            )
            .with_help("write it as `<base />`"),
        );
    }
}

fn unknown_policy(cx: &mut Context<'_>, e: &Element) {
    let name = &*e.name.text;
    let help = match catalogue().suggest_policy(name) {
        Some(s) => format!("did you mean `{s}`?"),
        None => "see docs/policies.md for the policies gatehouse knows".to_string(),
    };
    cx.report(
        Diagnostic::error(
            cx.file,
            codes::UNKNOWN_POLICY,
            format!("`<{name}>` is not an APIM policy"),
            e.name.span,
            "unknown policy",
        )
        .with_help(help),
    );
}

/// Checks an element against its spec, then its content.
fn element(cx: &mut Context<'_>, e: &Element, spec: &ElementSpec, is_policy: bool) {
    attributes(cx, e, spec, is_policy);
    conflicts(cx, e, spec);
    match &spec.content {
        Content::AnyXml => {}
        Content::Policies => statements(cx, e),
        Content::Empty => no_content(cx, e, false),
        Content::Text { .. } => no_content(cx, e, true),
        Content::Elements => children(cx, e, spec),
        Content::ElementsOrText { .. } if e.child_elements().next().is_none() => {}
        Content::ElementsOrText { .. } => children(cx, e, spec),
    }
}

fn attributes(cx: &mut Context<'_>, e: &Element, spec: &ElementSpec, is_policy: bool) {
    for a in &e.attributes {
        let name = &*a.name.text;
        let known = spec.any_attributes
            || spec.attribute(name).is_some()
            || (is_policy && COMMON_ATTRIBUTES.contains(&name));
        if known || name == "xmlns" || name.starts_with("xmlns:") {
            continue;
        }
        let help = match spec.suggest_attribute(name) {
            Some(s) => format!("did you mean `{s}`?"),
            None => known_list(
                "attributes",
                spec.attributes.iter().map(|a| a.name.as_str()),
            ),
        };
        cx.report(
            Diagnostic::error(
                cx.file,
                codes::UNKNOWN_ATTRIBUTE,
                format!("`<{}>` has no attribute `{name}`", e.name.text),
                a.name.span,
                "unknown attribute",
            )
            .with_help(help),
        );
    }
    for want in spec.attributes.iter().filter(|a| a.required) {
        if e.attribute(&want.name).is_none() {
            cx.report(
                Diagnostic::error(
                    cx.file,
                    codes::MISSING_ATTRIBUTE,
                    format!("`<{}>` needs the attribute `{}`", e.name.text, want.name),
                    e.name.span,
                    "attribute missing",
                )
                .with_help(format!("add `{}=\"...\"`", want.name)),
            );
        }
    }
    for group in &spec.one_of {
        if !group.iter().any(|n| e.attribute(n).is_some()) {
            let names = group
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(" or ");
            cx.report(
                Diagnostic::error(
                    cx.file,
                    codes::MISSING_ATTRIBUTE,
                    format!("`<{}>` needs {names}", e.name.text),
                    e.name.span,
                    "attribute missing",
                )
                .with_help(format!("add one of {names}")),
            );
        }
    }
}

fn conflicts(cx: &mut Context<'_>, e: &Element, spec: &ElementSpec) {
    for group in &spec.exclusive {
        let present: Vec<&gatehouse_grammar::syntax::Attribute> = e
            .attributes
            .iter()
            .filter(|a| group.iter().any(|n| *n == *a.name.text))
            .collect();
        if let [first, rest @ ..] = present.as_slice() {
            for a in rest {
                cx.report(
                    Diagnostic::error(
                        cx.file,
                        codes::CONFLICTING_ATTRIBUTES,
                        format!(
                            "`{}` and `{}` cannot be used together on `<{}>`",
                            first.name.text, a.name.text, e.name.text
                        ),
                        a.name.span,
                        "conflicts with an earlier attribute",
                    )
                    .with_help(format!(
                        "keep only one of {}",
                        group
                            .iter()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                );
            }
        }
    }
}

fn no_content(cx: &mut Context<'_>, e: &Element, text_allowed: bool) {
    for node in &e.children {
        match node {
            Node::Element(child) => cx.report(
                Diagnostic::error(
                    cx.file,
                    codes::UNKNOWN_ELEMENT,
                    format!("`<{}>` cannot contain `<{}>`", e.name.text, child.name.text),
                    child.name.span,
                    "unexpected element",
                )
                .with_help(if text_allowed {
                    "this element holds text or a policy expression only"
                } else {
                    "this element is empty; write it as `<... />`"
                }),
            ),
            Node::Text(v) | Node::CData(v)
                if !text_allowed && (!v.is_blank() || v.expression().is_some()) =>
            {
                unexpected_text(cx, e, v.span)
            }
            _ => {}
        }
    }
}

fn children(cx: &mut Context<'_>, e: &Element, spec: &ElementSpec) {
    for node in &e.children {
        match node {
            Node::Element(child) => match spec.child(&child.name.text).map(|c| &c.kind) {
                Some(ChildKind::Element(child_spec)) => element(cx, child, child_spec, false),
                Some(ChildKind::Policy(policy)) => match catalogue().policy(policy) {
                    Some(p) => element(cx, child, &p.element, true),
                    None => unknown_policy(cx, child),
                },
                None => unknown_child(cx, e, child, spec),
            },
            Node::Text(v) | Node::CData(v) if !v.is_blank() || v.expression().is_some() => {
                unexpected_text(cx, e, v.span)
            }
            _ => {}
        }
    }
}

fn unknown_child(cx: &mut Context<'_>, parent: &Element, child: &Element, spec: &ElementSpec) {
    let help = match spec.suggest_child(&child.name.text) {
        Some(s) => format!("did you mean `<{s}>`?"),
        None => known_list("child elements", spec.children.iter().map(|c| c.name())),
    };
    cx.report(
        Diagnostic::error(
            cx.file,
            codes::UNKNOWN_ELEMENT,
            format!(
                "`<{}>` cannot contain `<{}>`",
                parent.name.text, child.name.text
            ),
            child.name.span,
            "unknown child element",
        )
        .with_help(help),
    );
}

/// Reports text where only elements may stand.
pub(crate) fn unexpected_text(cx: &mut Context<'_>, parent: &Element, span: Span) {
    cx.report(
        Diagnostic::error(
            cx.file,
            codes::UNEXPECTED_TEXT,
            format!("`<{}>` cannot contain text", parent.name.text),
            trim(cx, span),
            "text here",
        )
        .with_help("remove the text, or put it in a comment `<!-- ... -->`"),
    );
}

fn trim(cx: &Context<'_>, span: Span) -> Span {
    let text = &cx.file.text[span.range()];
    let lead = text.len() - text.trim_start().len();
    let start = span.start as usize + lead;
    Span::new(start, start + text.trim().len())
}

fn known_list<'a>(what: &str, names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<String> = names.map(|n| format!("`{n}`")).collect();
    if names.is_empty() {
        format!("it takes no {what}")
    } else {
        format!("known {what}: {}", names.join(", "))
    }
}
