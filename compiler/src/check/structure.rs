//! The document's frame: a `<policies>` root with its four sections, or a `<fragment>`.

use super::{elements, Context};
use crate::diagnostic::codes;
use crate::Diagnostic;
use gatehouse_grammar::syntax::{Document, Element, Node};
use gatehouse_grammar::Span;

/// The sections of `<policies>`, in the order they run.
pub(crate) const SECTIONS: [&str; 4] = ["inbound", "backend", "outbound", "on-error"];

pub(super) fn document(cx: &mut Context<'_>, doc: &Document) {
    let mut roots = doc.root_elements();
    let Some(root) = roots.next() else {
        let end = cx.file.text.len();
        cx.report(
            Diagnostic::error(cx.file, codes::MISSING_ROOT, "the file has no root element", Span::new(0, end), "no element here")
                .with_help("a policy document is `<policies>` with `<inbound>`, `<backend>`, `<outbound>` and `<on-error>` sections"),
        );
        return;
    };
    match &*root.name.text {
        "policies" => policies(cx, root),
        "fragment" => {
            no_attributes(cx, root);
            elements::statements(cx, root);
        }
        other => unknown_root(cx, root, other),
    }
}

fn unknown_root(cx: &mut Context<'_>, root: &Element, name: &str) {
    if let Some(p) = gatehouse_grammar::catalogue::catalogue().policy(name) {
        let section = p.sections.iter().next().map_or("inbound", |s| s.as_str());
        cx.report(
            Diagnostic::error(
                cx.file,
                codes::SNIPPET,
                format!(
                    "`<{name}>` is a single policy: this file is a snippet, not a policy document"
                ),
                root.name.span,
                "a policy as the root",
            )
            .with_help(format!(
                "check it as a snippet: `gatehouse check --snippet {section} FILE`; or put it in \
                 a section: `<policies><{section}><{name} …/></{section}></policies>`"
            )),
        );
        return;
    }
    let is_policy = false;
    let help = if is_policy {
        format!("`<{name}>` is a policy: put it inside a section, e.g. `<policies><inbound><{name} .../></inbound></policies>`")
    } else {
        "a policy document's root is `<policies>` (or `<fragment>` for a policy fragment)"
            .to_string()
    };
    cx.report(
        Diagnostic::error(
            cx.file,
            codes::UNKNOWN_ROOT,
            format!("`<{name}>` cannot be the root of a policy document"),
            root.name.span,
            "expected `<policies>` or `<fragment>`",
        )
        .with_help(help),
    );
}

fn no_attributes(cx: &mut Context<'_>, e: &Element) {
    for a in &e.attributes {
        cx.report(
            Diagnostic::error(
                cx.file,
                codes::UNKNOWN_ATTRIBUTE,
                format!("`<{}>` takes no attributes", e.name.text),
                a.name.span,
                "unknown attribute",
            )
            .with_help(format!("remove `{}`", a.name.text)),
        );
    }
}

fn policies(cx: &mut Context<'_>, root: &Element) {
    no_attributes(cx, root);
    let mut seen: Vec<&Element> = Vec::new();
    for node in &root.children {
        match node {
            Node::Element(section) => {
                if !SECTIONS.contains(&&*section.name.text) {
                    unknown_section(cx, section);
                    continue;
                }
                if let Some(first) = seen.iter().find(|s| s.name.text == section.name.text) {
                    let line = cx.file.line_col(first.name.span.start as usize).line;
                    cx.report(
                        Diagnostic::error(
                            cx.file,
                            codes::DUPLICATE_SECTION,
                            format!("section `<{}>` appears twice", section.name.text),
                            section.name.span,
                            "second section",
                        )
                        .with_help(format!(
                            "merge it into the `<{}>` on line {line}",
                            section.name.text
                        )),
                    );
                }
                seen.push(section);
                no_attributes(cx, section);
                elements::statements(cx, section);
            }
            Node::Text(v) | Node::CData(v) if !v.is_blank() => {
                elements::unexpected_text(cx, root, v.span)
            }
            _ => {}
        }
    }
}

fn unknown_section(cx: &mut Context<'_>, section: &Element) {
    let name = &*section.name.text;
    let is_policy = gatehouse_grammar::catalogue::catalogue()
        .policy(name)
        .is_some();
    let help = match crate::diagnostic::did_you_mean(name, SECTIONS.iter().copied()) {
        Some(s) => format!("did you mean `<{s}>`?"),
        None if is_policy => {
            format!("`<{name}>` is a policy: put it inside a section such as `<inbound>`")
        }
        None => {
            "the sections are `<inbound>`, `<backend>`, `<outbound>` and `<on-error>`".to_string()
        }
    };
    cx.report(
        Diagnostic::error(
            cx.file,
            codes::UNKNOWN_SECTION,
            format!("`<{name}>` is not a section of `<policies>`"),
            section.name.span,
            "unknown section",
        )
        .with_help(help),
    );
}
