//! Prints an effective pipeline as policy XML, like APIM's "calculate effective policy".

use super::{Declared, Effective, EffectiveItem, NamedValueEnv, SECTIONS};
use crate::check::DocKind;
use gatehouse_grammar::expr;
use gatehouse_grammar::syntax::{
    print_element_as_written, Comment, Element, ExpressionKind, ExpressionSyntax, Node, Part, Value,
};
use gatehouse_grammar::Limits;

/// The effective policy as XML. Plain named values are substituted; secret ones stay as
/// `{{name}}`, so no secret is ever printed. Each run of statements from one file is
/// preceded by a comment naming its scope and file, and fragments are expanded in place.
pub fn print_effective(eff: &Effective<'_>, declared: &Declared<'_>) -> String {
    let product = eff
        .product
        .map_or(String::new(), |p| format!(" via product {}", p.name));
    let mut out = format!(
        "<!-- effective policy of {}/{}{} -->\n<policies>\n",
        eff.api.name, eff.operation.name, product
    );
    for (name, section) in SECTIONS.iter().zip(&eff.sections) {
        if section.items.is_empty() {
            out.push_str(&format!("    <{name} />\n"));
            continue;
        }
        out.push_str(&format!("    <{name}>\n"));
        let mut last_file = None;
        for item in &section.items {
            if last_file != Some(item.origin.file.path.as_str()) {
                out.push_str(&origin_comment(item, 2));
                last_file = Some(item.origin.file.path.as_str());
            }
            out.push_str(&print_statement(item.element, declared, 2, 0));
        }
        out.push_str(&format!("    </{name}>\n"));
    }
    out.push_str("</policies>\n");
    out
}

fn origin_comment(item: &EffectiveItem<'_>, depth: usize) -> String {
    let scope = match item.origin.kind {
        DocKind::Global => "global",
        DocKind::Workspace => "workspace",
        DocKind::Product => "product",
        DocKind::Api => "api",
        DocKind::Operation => "operation",
        DocKind::Fragment => "fragment",
        DocKind::Loose => "file",
    };
    let line = item
        .origin
        .file
        .line_col(item.element.span.start as usize)
        .line;
    format!(
        "{}<!-- {scope}: {}:{line} -->\n",
        "    ".repeat(depth),
        item.origin.file.path
    )
}

/// One statement with named values substituted; `<include-fragment>` expands to the
/// fragment's statements, at the top level and inside `choose`, `retry` and the like.
fn print_statement(e: &Element, declared: &Declared<'_>, depth: usize, nesting: usize) -> String {
    if let Some(nodes) = fragment_nodes(e, declared, nesting) {
        let mut out = String::new();
        for node in &nodes {
            match node {
                Node::Element(child) => {
                    out.push_str(&print_statement(child, declared, depth, nesting + 1))
                }
                Node::Comment(c) => {
                    out.push_str(&format!("{}<!--{}-->\n", "    ".repeat(depth), c.text))
                }
                _ => {}
            }
        }
        return out;
    }
    let mut copy = e.clone();
    expand(&mut copy, declared, nesting);
    print_element_as_written(&copy, depth)
}

/// The statements an `<include-fragment>` stands for, after a comment naming the fragment.
/// Fragments cannot include fragments in APIM, so expansion stops after one level.
fn fragment_nodes(e: &Element, declared: &Declared<'_>, nesting: usize) -> Option<Vec<Node>> {
    if &*e.name.text != "include-fragment" || nesting > 0 {
        return None;
    }
    let id = e.attribute("fragment-id")?.value.as_literal()?;
    let f = declared.fragments.as_ref()?.get(id.as_str()).copied()?;
    let root = f.policy.parsed.document.root_elements().next()?;
    let comment = Comment {
        text: format!(" fragment {}: {} ", f.name, f.policy.file.path).into(),
        span: e.span,
    };
    let mut nodes = vec![Node::Comment(comment)];
    nodes.extend(root.child_elements().map(|c| Node::Element(c.clone())));
    Some(nodes)
}

/// Substitutes named values in `e` and expands the fragments it includes, recursively.
fn expand(e: &mut Element, declared: &Declared<'_>, nesting: usize) {
    if let Some(env) = &declared.named_values {
        for a in &mut e.attributes {
            substitute_value(&mut a.value, env);
        }
    }
    let children = std::mem::take(&mut e.children);
    for mut child in children {
        if let Node::Element(c) = &child {
            if let Some(nodes) = fragment_nodes(c, declared, nesting) {
                for mut n in nodes {
                    if let Node::Element(inner) = &mut n {
                        expand(inner, declared, nesting + 1);
                    }
                    e.children.push(n);
                }
                continue;
            }
        }
        match &mut child {
            Node::Element(c) => expand(c, declared, nesting),
            Node::Text(v) | Node::CData(v) => {
                if let Some(env) = &declared.named_values {
                    substitute_value(v, env);
                }
            }
            _ => {}
        }
        e.children.push(child);
    }
}

/// Replaces plain named-value references in a value: in literal text directly, in
/// expression code textually and then re-parsed, as APIM substitutes before lexing.
pub(crate) fn substitute_value(v: &mut Value, env: &NamedValueEnv<'_>) {
    for part in &mut v.parts {
        match part {
            Part::NamedValue(n) => {
                if let Some(text) = env.public_value(&n.name) {
                    *part = Part::Literal {
                        text: text.into(),
                        span: n.span,
                    };
                }
            }
            Part::Expression(x) if !x.named_values.is_empty() => {
                let code = env.substitute(&x.code);
                let limits = Limits::default();
                let parsed = match x.kind {
                    ExpressionKind::Inline => {
                        expr::parse_expression(&code, &limits).map(ExpressionSyntax::Inline)
                    }
                    ExpressionKind::Block => {
                        expr::parse_block(&code, &limits).map(ExpressionSyntax::Block)
                    }
                };
                if let Ok(syntax) = parsed {
                    x.code = code.into();
                    x.syntax = Some(syntax);
                }
            }
            _ => {}
        }
    }
}
