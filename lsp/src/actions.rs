//! Quick fixes for the diagnostics whose help names the fix: a `did you mean` name, a
//! missing `<base />`, a policy in the wrong section.

use crate::locate::locate;
use crate::text::LineIndex;
use crate::workspace::View;
use gatehouse_compiler::Diagnostic;
use gatehouse_grammar::syntax::Element;
use lsp_types::{CodeAction, CodeActionKind, Range, TextEdit, Uri, WorkspaceEdit};
use std::collections::HashMap;

/// The quick fixes for `diagnostics` of the view's document that overlap `range`.
pub fn quick_fixes(view: &View<'_>, diagnostics: &[Diagnostic], range: Range) -> Vec<CodeAction> {
    let text = &view.doc.file.text;
    let idx = LineIndex::new(text);
    let (from, to) = (idx.offset(range.start), idx.offset(range.end));
    let mut out = Vec::new();
    for d in diagnostics {
        let (s, e) = (d.span.start as usize, d.span.end as usize);
        if e < from || s > to {
            continue;
        }
        let edits = match d.code.as_str() {
            "gatehouse::missing-base" => missing_base(view, s),
            "gatehouse::policy-not-allowed-in-section" => wrong_section(view, d, s),
            _ => did_you_mean(text, d),
        };
        for (title, edits) in edits {
            out.push(action(view.doc.uri.clone(), title, edits, d, &idx));
        }
    }
    out
}

fn action(
    uri: Uri,
    title: String,
    edits: Vec<(usize, usize, String)>,
    d: &Diagnostic,
    idx: &LineIndex<'_>,
) -> CodeAction {
    let edits = edits
        .into_iter()
        .map(|(s, e, t)| TextEdit::new(idx.range(s as u32, e as u32), t))
        .collect();
    let diagnostic = crate::convert::diagnostic(d, idx);
    CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri, edits)])),
            ..WorkspaceEdit::default()
        }),
        is_preferred: Some(true),
        ..CodeAction::default()
    }
}

type Fix = (String, Vec<(usize, usize, String)>);

/// `did you mean `X`?`: replace the span's name with `X` (keeping `<`/`{{` punctuation out).
fn did_you_mean(text: &str, d: &Diagnostic) -> Vec<Fix> {
    let Some(help) = &d.help else {
        return Vec::new();
    };
    let Some(rest) = help.split("did you mean `").nth(1) else {
        return Vec::new();
    };
    let Some(name) = rest.split('`').next() else {
        return Vec::new();
    };
    let name = name.trim_start_matches('<').trim_end_matches('>');
    let name = name.trim_start_matches("{{").trim_end_matches("}}");
    let (s, e) = (d.span.start as usize, d.span.end as usize);
    let Some(written) = text.get(s..e) else {
        return Vec::new();
    };
    // The span may cover `{{name}}` or a quoted value: replace the name inside it.
    let inner = written.trim_start_matches("{{").trim_end_matches("}}");
    let lead = written.len() - written.trim_start_matches("{{").len();
    let start = s + lead;
    let end = start + inner.len();
    if name.is_empty() || inner == name {
        return Vec::new();
    }
    vec![(
        format!("Replace with `{name}`"),
        vec![(start, end, name.to_string())],
    )]
}

/// Inserts `<base />` as the section's first statement.
fn missing_base(view: &View<'_>, at: usize) -> Vec<Fix> {
    let (path, _) = locate(&view.doc.parsed.document, at);
    let Some(section) = path.last() else {
        return Vec::new();
    };
    let insert = section.start_tag.end as usize;
    if section.end_tag.is_none() {
        return Vec::new();
    }
    let indent = indent_of(&view.doc.file.text, section.span.start as usize);
    let text = format!("\n{indent}    <base />");
    vec![("Add `<base />`".into(), vec![(insert, insert, text)])]
}

/// Moves the element to the end of each section the help allows that the document has.
fn wrong_section(view: &View<'_>, d: &Diagnostic, at: usize) -> Vec<Fix> {
    let Some(help) = &d.help else {
        return Vec::new();
    };
    let (path, _) = locate(&view.doc.parsed.document, at);
    let Some(&element) = path.last() else {
        return Vec::new();
    };
    let Some(root) = path.first() else {
        return Vec::new();
    };
    let text = &view.doc.file.text;
    let Some(written) = text.get(element.span.start as usize..element.span.end as usize) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for target in help
        .split("`<")
        .skip(1)
        .filter_map(|s| s.split(">`").next())
    {
        let Some(section) = root.child_elements().find(|c| &*c.name.text == target) else {
            continue;
        };
        if let Some(edits) = move_into(text, element, section, written) {
            out.push((
                format!("Move `<{}>` to `<{target}>`", element.name.text),
                edits,
            ));
        }
    }
    out
}

fn move_into(
    text: &str,
    element: &Element,
    section: &Element,
    written: &str,
) -> Option<Vec<(usize, usize, String)>> {
    let end_tag = section.end_tag?;
    let indent = indent_of(text, section.span.start as usize);
    let insert = end_tag.start as usize;
    // Remove the element with its line's leading whitespace.
    let start = element.span.start as usize;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let remove_from = if text[line_start..start].trim().is_empty() {
        line_start
    } else {
        start
    };
    let mut remove_to = element.span.end as usize;
    if text[remove_to..].starts_with('\n') && remove_from == line_start {
        remove_to += 1;
    }
    if (remove_from..remove_to).contains(&insert) {
        return None;
    }
    Some(vec![
        (remove_from, remove_to, String::new()),
        (insert, insert, format!("    {written}\n{indent}")),
    ])
}

fn indent_of(text: &str, at: usize) -> String {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..at]
        .chars()
        .take_while(|c| c.is_whitespace())
        .collect()
}
