//! Hover: catalogue documentation of policies and attributes, expression member
//! signatures, declarations (backends, named values — never a secret's value —,
//! fragments, variables) and, on `<base/>`, the scopes that run there.

use crate::catalogue::spec_of;
use crate::completion::describe_type;
use crate::locate::{locate, section, Token};
use crate::members::{access_before, overloads, signature, type_of, word_at};
use crate::names::{all_backends, all_fragments, all_named_values};
use crate::navigate::symbol_at;
use crate::symbols::Symbol;
use crate::workspace::View;
use gatehouse_compiler::project::{BackendKind, PolicyDoc, Project};
use gatehouse_compiler::types::Ty;
use gatehouse_compiler::DocKind;
use gatehouse_grammar::catalogue::{catalogue, AttributeSpec, PolicySpec};
use gatehouse_grammar::syntax::{Element, Expression};
use std::fmt::Write;

/// The hover text (markdown) at byte `offset`.
pub fn hover(view: &View<'_>, offset: usize) -> Option<String> {
    let (path, token) = locate(&view.doc.parsed.document, offset);
    match token {
        Token::ElementName(e) if &*e.name.text == "base" => Some(base(view, &path)),
        Token::ElementName(e) => element_doc(e, &path),
        Token::AttributeName(a) => {
            let spec = spec_of(&path)?;
            let attr = spec.attribute(&a.name.text)?;
            Some(attribute_doc(&spec.name, attr))
        }
        Token::AttributeValue | Token::NamedValue => declaration(view, offset),
        Token::Expression(x, at) => expression_doc(x, at).or_else(|| declaration(view, offset)),
        Token::Other => None,
    }
}

fn element_doc(e: &Element, path: &[&Element]) -> Option<String> {
    if let Some(p) = catalogue().policy(&e.name.text) {
        return Some(policy_doc(p));
    }
    let spec = spec_of(path)?;
    let mut out = format!("**`<{}>`**\n", spec.name);
    for a in &spec.attributes {
        let _ = writeln!(out, "\n* `{}`: {}", a.name, describe_type(&a.ty));
    }
    if let Some(s) = catalogue().structural(&spec.name) {
        if let Some(notes) = &s.notes {
            let _ = write!(out, "\n{notes}\n");
        }
    }
    Some(out)
}

/// A policy's catalogue entry as markdown.
pub fn policy_doc(p: &PolicySpec) -> String {
    let mut out = format!("**`<{}>`** — {} policy\n\n", p.name(), p.category.as_str());
    let sections: Vec<&str> = p.sections.iter().map(|s| s.as_str()).collect();
    let scopes: Vec<&str> = p.scopes.iter().map(|s| s.as_str()).collect();
    let _ = writeln!(
        out,
        "Sections: {}  \nScopes: {}\n",
        sections.join(", "),
        scopes.join(", ")
    );
    if !p.element.attributes.is_empty() {
        out.push_str(
            "| attribute | type | required | default | expressions |\n|---|---|---|---|---|\n",
        );
        for a in p.element.attributes.iter().filter(|a| a.alias_of.is_none()) {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {:?} |",
                a.name,
                describe_type(&a.ty).replace('|', "\\|"),
                if a.required { "yes" } else { "no" },
                a.default.as_deref().unwrap_or(""),
                a.expressions
            );
        }
    }
    let children: Vec<&str> = p.element.children.iter().map(|c| c.name()).collect();
    if !children.is_empty() {
        let _ = write!(out, "\nChildren: `{}`\n", children.join("`, `"));
    }
    if let Some(notes) = &p.notes {
        let _ = write!(out, "\n{notes}\n");
    }
    let _ = write!(out, "\nSource: {}", p.source);
    out
}

fn attribute_doc(element: &str, a: &AttributeSpec) -> String {
    let mut out = format!(
        "**`{}`** of `<{element}>`: {}\n\n",
        a.name,
        describe_type(&a.ty)
    );
    let _ = writeln!(out, "* required: {}", if a.required { "yes" } else { "no" });
    if let Some(d) = &a.default {
        let _ = writeln!(out, "* default: `{d}`");
    }
    let _ = writeln!(out, "* policy expressions: {:?}", a.expressions);
    if let Some(n) = &a.notes {
        let _ = write!(out, "\n{n}\n");
    }
    out
}

/// The member under the cursor: its signatures, or the type of `context` / a type name.
fn expression_doc(x: &Expression, at: usize) -> Option<String> {
    let code = &x.code;
    let (start, end) = word_at(code, at)?;
    let word = &code[start..end];
    if let Some(access) = access_before(code, end) {
        let ty = type_of(code, x.kind, access.receiver, access.receiver_start);
        let found = overloads(&ty, word);
        if found.is_empty() {
            return None;
        }
        let sigs: Vec<String> = found.iter().map(|m| signature(m)).collect();
        return Some(format!("```csharp\n{}\n```", sigs.join("\n")));
    }
    let ty = type_of(word, x.kind, word, 0);
    match ty {
        Ty::Unknown => None,
        Ty::TypeName(t) => Some(format!("```csharp\ntype {t}\n```")),
        t => Some(format!("```csharp\n{word} : {}\n```", t.display())),
    }
}

/// The declaration of the backend, named value, fragment or variable at `offset`.
fn declaration(view: &View<'_>, offset: usize) -> Option<String> {
    let occ = symbol_at(view, offset)?;
    let project = view.project;
    Some(match &occ.symbol {
        Symbol::Backend(name) => {
            let b = project.and_then(|p| all_backends(p).into_iter().find(|b| &b.name == name));
            let Some(b) = b else {
                return Some(format!("backend `{name}`: not declared in this project"));
            };
            let mut out = format!("**backend `{}`** ({})\n\n", b.name, b.protocol);
            if let Some(url) = &b.url {
                let _ = writeln!(out, "URL: `{url}`  ");
            }
            if let BackendKind::Pool(members) = &b.kind {
                out.push_str("\nPool members:\n");
                for m in members {
                    let _ = writeln!(
                        out,
                        "* `{}` priority {} weight {}",
                        m.backend, m.priority, m.weight
                    );
                }
            }
            let _ = write!(out, "\nDeclared in `{}`", b.origin.file.path);
            out
        }
        Symbol::NamedValue(name) => {
            let n = project.and_then(|p| all_named_values(p).into_iter().find(|n| &n.name == name));
            let Some(n) = n else {
                return Some(format!(
                    "named value `{{{{{name}}}}}`: not declared in this project"
                ));
            };
            let value = if n.secret {
                "secret: the value is not shown".to_string()
            } else if n.key_vault.is_some() {
                "from Key Vault: the value is not shown".to_string()
            } else {
                n.value
                    .as_deref()
                    .map_or("no value".into(), |v| format!("`{v}`"))
            };
            format!(
                "**named value `{}`**: {value}\n\nDeclared in `{}`",
                n.name, n.origin.file.path
            )
        }
        Symbol::Fragment(name) => {
            let f = project.and_then(|p| all_fragments(p).into_iter().find(|f| &f.name == name));
            let Some(f) = f else {
                return Some(format!("fragment `{name}`: not declared in this project"));
            };
            let names = statement_names(f.policy.parsed.document.root_elements().next());
            format!(
                "**fragment `{}`**: {}\n\nIn `{}`",
                f.name, names, f.policy.file.path
            )
        }
        Symbol::Variable(name) => {
            let set = crate::names::variables(view).contains(name);
            format!(
                "**variable `{name}`**: {}",
                if set {
                    "set by a policy of the project"
                } else {
                    "no policy sets it"
                }
            )
        }
    })
}

fn statement_names(e: Option<&Element>) -> String {
    let names: Vec<String> = e
        .map(|e| {
            e.child_elements()
                .map(|c| format!("`<{}>`", c.name.text))
                .collect()
        })
        .unwrap_or_default();
    if names.is_empty() {
        "no statements".into()
    } else {
        names.join(", ")
    }
}

/// `<base/>`: the scopes whose policies for this section run here, outermost first, and
/// what of this document runs after.
fn base(view: &View<'_>, path: &[&Element]) -> String {
    let Some(sec) = section(path) else {
        return "`<base/>`: the parent scope's policies (outside a section, nothing)".into();
    };
    let mut out =
        format!("**`<base/>`** in `<{sec}>`: the parent scopes' `<{sec}>` policies run here");
    let Some(project) = view.project else {
        out.push_str(" (open the APIOps project folder to see them).");
        return out;
    };
    out.push_str(", in order:\n\n");
    let parents = parents(project, view, view.kind);
    if parents.is_empty() {
        out.push_str("* nothing: this is the outermost scope\n");
    }
    for (label, doc) in parents {
        let section = doc
            .parsed
            .document
            .root_elements()
            .next()
            .and_then(|r| r.child_elements().find(|c| &*c.name.text == sec));
        let _ = writeln!(
            out,
            "* {label} (`{}`): {}",
            doc.file.path,
            statement_names(section)
        );
    }
    out
}

/// The documents of the scopes above the view's document, outermost first: the global
/// policy, the workspace's (for a document of a workspace), the products including the
/// API, the API (for an operation).
fn parents<'p>(
    project: &'p Project,
    view: &View<'_>,
    kind: DocKind,
) -> Vec<(String, &'p PolicyDoc)> {
    let me = &view.doc.file.path;
    let is = |d: &Option<PolicyDoc>| d.as_ref().is_some_and(|d| &d.file.path == me);
    let mut out: Vec<(String, &PolicyDoc)> = Vec::new();
    let below_global = matches!(
        kind,
        DocKind::Workspace | DocKind::Product | DocKind::Api | DocKind::Operation
    );
    if below_global {
        out.extend(project.global.iter().map(|g| ("global".to_string(), g)));
    }
    let holds = |p: &Project| {
        is(&p.global)
            || p.products.iter().any(|x| is(&x.policy))
            || p.apis
                .iter()
                .any(|a| is(&a.policy) || a.operations.iter().any(|o| is(&o.policy)))
    };
    let workspace = project.workspaces.iter().find(|w| holds(&w.project));
    let scope = match workspace {
        Some(w) => {
            if kind != DocKind::Workspace {
                let label = format!("workspace `{}`", w.name);
                out.extend(w.project.global.iter().map(|d| (label.clone(), d)));
            }
            &w.project
        }
        None => project,
    };
    let api = scope
        .apis
        .iter()
        .find(|a| is(&a.policy) || a.operations.iter().any(|o| is(&o.policy)));
    if let Some(api) = api {
        for p in scope.products.iter().filter(|p| p.apis.contains(&api.name)) {
            out.extend(
                p.policy
                    .iter()
                    .map(|d| (format!("product `{}`", p.name), d)),
            );
        }
        if kind == DocKind::Operation {
            out.extend(
                api.policy
                    .iter()
                    .map(|d| (format!("API `{}`", api.name), d)),
            );
        }
    }
    out
}
