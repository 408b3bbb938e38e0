//! Completion: element names valid where the cursor is, attributes and their values,
//! declared names (backends, fragments, named values, variables) and expression members.

use crate::catalogue::spec_of;
use crate::locate::{locate, section, Token};
use crate::members::{access_before, members_of, signature, static_types, type_of, word_before};
use crate::names::{backends, fragments, named_values, variables};
use crate::workspace::View;
use gatehouse_grammar::catalogue::{catalogue, AttrType, Content, NameKind, Section};
use gatehouse_grammar::syntax::{Element, Expression};
use gatehouse_runtime::library::Kind;
use lsp_types::{CompletionItem, CompletionItemKind, Documentation};

/// The completions at byte `offset` of the document.
pub fn complete(view: &View<'_>, offset: usize) -> Vec<CompletionItem> {
    let text = &view.doc.file.text;
    let offset = offset.min(text.len());
    let (path, token) = locate(&view.doc.parsed.document, offset);
    if let Token::Expression(x, at) = token {
        return in_expression(view, x, at);
    }
    let before = &text[..offset];
    if let Some(open) = before.rfind("{{") {
        if !before[open..].contains("}}") && !before[open..].contains(['\n', '"', '<']) {
            return item_list(
                named_values(view.project),
                CompletionItemKind::CONSTANT,
                "named value",
            );
        }
    }
    let lt = before.rfind('<');
    let gt = before.rfind('>');
    match (lt, gt) {
        (Some(lt), gt) if gt.is_none_or(|g| g < lt) => in_tag(view, &path, lt, &before[lt + 1..]),
        _ => Vec::new(),
    }
}

/// Inside a tag being written: its name, an attribute name, or an attribute value.
fn in_tag(view: &View<'_>, path: &[&Element], lt: usize, tag: &str) -> Vec<CompletionItem> {
    if tag.starts_with(['/', '!', '?']) {
        return Vec::new();
    }
    // The elements around the tag, without the tag itself.
    let outer: Vec<&Element> = path
        .iter()
        .copied()
        .filter(|e| e.start_tag.start as usize != lt)
        .collect();
    let Some(space) = tag.find(char::is_whitespace) else {
        return element_names(&outer);
    };
    let name = &tag[..space];
    let mut with_self = outer.clone();
    let own = path
        .iter()
        .copied()
        .find(|e| e.start_tag.start as usize == lt);
    let spec = match own {
        Some(e) => {
            with_self.push(e);
            spec_of(&with_self)
        }
        None => crate::catalogue::child_spec(spec_of(&outer), name),
    };
    let Some(spec) = spec else {
        return Vec::new();
    };
    match open_value(&tag[space..]) {
        Some(attribute) => attribute_values(view, spec, attribute),
        None => attribute_names(spec, &tag[space..]),
    }
}

/// The attribute whose quoted value the cursor is in, if any.
fn open_value(attrs: &str) -> Option<&str> {
    let mut quote: Option<char> = None;
    let mut name_end = 0;
    for (i, c) in attrs.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => {
                quote = Some(c);
                name_end = i;
            }
            (Some(q), c) if c == q => quote = None,
            _ => {}
        }
    }
    quote?;
    let head = attrs[..name_end].trim_end().strip_suffix('=')?.trim_end();
    let start = head.rfind(|c: char| c.is_whitespace()).map_or(0, |i| i + 1);
    Some(&head[start..])
}

/// Element names valid as children of the last element of `outer`.
fn element_names(outer: &[&Element]) -> Vec<CompletionItem> {
    let cat = catalogue();
    let Some(parent) = outer.last() else {
        return item_list(
            ["policies", "fragment"].map(String::from).to_vec(),
            CompletionItemKind::MODULE,
            "root",
        );
    };
    if &*parent.name.text == "policies" {
        let sections = Section::ALL
            .iter()
            .map(|s| s.as_str().to_string())
            .collect();
        return item_list(sections, CompletionItemKind::MODULE, "section");
    }
    let Some(spec) = spec_of(outer) else {
        return Vec::new();
    };
    if spec.content != Content::Policies {
        return spec
            .children
            .iter()
            .map(|c| {
                item(
                    c.name(),
                    CompletionItemKind::PROPERTY,
                    "child element",
                    c.notes.clone(),
                )
            })
            .collect();
    }
    let section = section(outer).and_then(Section::parse);
    let mut out: Vec<CompletionItem> = cat
        .policies()
        .filter(|p| !p.is_resolver_only())
        .filter(|p| section.is_none_or(|s| p.sections.contains(s)))
        .map(|p| {
            let detail = format!("{} policy", p.category.as_str());
            item(
                p.name(),
                CompletionItemKind::FUNCTION,
                &detail,
                p.notes.clone(),
            )
        })
        .collect();
    if matches!(
        &*parent.name.text,
        "inbound" | "backend" | "outbound" | "on-error"
    ) {
        out.push(item(
            "base",
            CompletionItemKind::KEYWORD,
            "the parent scope's policies",
            None,
        ));
    }
    out
}

/// Attribute names of `spec` not yet written in the tag.
fn attribute_names(
    spec: &gatehouse_grammar::catalogue::ElementSpec,
    written: &str,
) -> Vec<CompletionItem> {
    let present = |n: &str| written.contains(&format!("{n}="));
    let mut out: Vec<CompletionItem> = spec
        .attributes
        .iter()
        .filter(|a| a.alias_of.is_none() && !present(&a.name))
        .map(|a| {
            let detail = format!(
                "{}{}{}",
                type_name(&a.ty),
                if a.required { ", required" } else { "" },
                a.default
                    .as_ref()
                    .map(|d| format!(", default {d}"))
                    .unwrap_or_default()
            );
            let mut it = item(
                &a.name,
                CompletionItemKind::PROPERTY,
                &detail,
                a.notes.clone(),
            );
            it.insert_text = Some(format!("{}=\"\"", a.name));
            it
        })
        .collect();
    if crate::catalogue::is_policy(&spec.name) && !present("id") {
        out.push(item(
            "id",
            CompletionItemKind::PROPERTY,
            "string, names the statement (context.LastError.PolicyId)",
            None,
        ));
    }
    out
}

/// Values for attribute `name` of `spec`: enum members, booleans, declared names.
fn attribute_values(
    view: &View<'_>,
    spec: &gatehouse_grammar::catalogue::ElementSpec,
    name: &str,
) -> Vec<CompletionItem> {
    let ty = spec.attribute(name).map(|a| &a.ty);
    let (values, kind, detail): (Vec<String>, _, _) = match (name, ty) {
        ("backend-id", _) | (_, Some(AttrType::Name(NameKind::Backend))) => (
            backends(view.project),
            CompletionItemKind::REFERENCE,
            "backend",
        ),
        ("fragment-id", _) | (_, Some(AttrType::Name(NameKind::Fragment))) => (
            fragments(view.project),
            CompletionItemKind::REFERENCE,
            "fragment",
        ),
        (_, Some(AttrType::Name(NameKind::Variable))) => {
            (variables(view), CompletionItemKind::VARIABLE, "variable")
        }
        (_, Some(AttrType::Enum(values))) => {
            (values.clone(), CompletionItemKind::ENUM_MEMBER, "value")
        }
        (_, Some(AttrType::Bool)) => (
            vec!["true".into(), "false".into()],
            CompletionItemKind::ENUM_MEMBER,
            "bool",
        ),
        _ => return Vec::new(),
    };
    item_list(values, kind, detail)
}

/// Inside `@(...)` / `@{...}`: members after a dot, variable names in
/// `Variables["..."]`, else `context` and the types with static members.
fn in_expression(view: &View<'_>, x: &Expression, at: usize) -> Vec<CompletionItem> {
    let code = &x.code;
    let at = at.min(code.len());
    if in_variable_name(&code[..at]) {
        return item_list(variables(view), CompletionItemKind::VARIABLE, "variable");
    }
    if let Some(access) = access_before(code, at) {
        let ty = type_of(code, x.kind, access.receiver, access.receiver_start);
        let typed = access.partial.to_ascii_lowercase();
        return members_of(&ty)
            .into_iter()
            .filter(|m| m.name.to_ascii_lowercase().starts_with(&typed))
            .map(|m| {
                let kind = match m.kind {
                    Kind::Property | Kind::StaticProperty => CompletionItemKind::PROPERTY,
                    _ => CompletionItemKind::METHOD,
                };
                item(m.name, kind, &signature(m), None)
            })
            .collect();
    }
    let (_, word) = word_before(code, at);
    let mut names = vec!["context".to_string()];
    names.extend(static_types().into_iter().map(String::from));
    names.retain(|n| n.starts_with(word) || word.is_empty());
    item_list(names, CompletionItemKind::CLASS, "expression")
}

/// Whether the code ends inside the string argument of a `Variables` lookup.
fn in_variable_name(code: &str) -> bool {
    let Some(quote) = code.rfind('"') else {
        return false;
    };
    if code[..quote].matches('"').count() % 2 == 1 {
        return false;
    }
    let head = code[..quote].trim_end();
    let head = head.strip_suffix('(').or_else(|| head.strip_suffix('['));
    head.is_some_and(|h| {
        let h = h.trim_end();
        let h = match h.strip_suffix('>') {
            Some(g) => g.rsplit_once('<').map_or(g, |(a, _)| a),
            None => h,
        };
        h.ends_with("Variables")
            || h.ends_with("Variables.GetValueOrDefault")
            || h.ends_with("Variables.ContainsKey")
            || h.ends_with("Variables.TryGetValue")
    })
}

fn type_name(ty: &AttrType) -> String {
    match ty {
        AttrType::String => "string".into(),
        AttrType::Bool => "bool".into(),
        AttrType::Int { .. } => "integer".into(),
        AttrType::Number => "number".into(),
        AttrType::Duration { unit, .. } => format!("duration ({unit:?})").to_lowercase(),
        AttrType::Url => "URL".into(),
        AttrType::DateTime => "date-time".into(),
        AttrType::Enum(v) => v.join(" | "),
        AttrType::Name(k) => format!("{k:?} name").to_lowercase(),
    }
}

/// The type of an attribute as hovers and completion details show it.
pub fn describe_type(ty: &AttrType) -> String {
    type_name(ty)
}

fn item(
    label: &str,
    kind: CompletionItemKind,
    detail: &str,
    doc: Option<String>,
) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail: Some(detail.to_string()),
        documentation: doc.map(Documentation::String),
        ..CompletionItem::default()
    }
}

fn item_list(names: Vec<String>, kind: CompletionItemKind, detail: &str) -> Vec<CompletionItem> {
    names.iter().map(|n| item(n, kind, detail, None)).collect()
}
