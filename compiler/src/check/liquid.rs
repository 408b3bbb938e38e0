//! `set-body template="liquid"`: the template text as APIM reads it, whether it parses,
//! and the filters APIM would silently ignore (unknown, or spelled in another case).

use super::Context;
use crate::diagnostic::codes;
use crate::Diagnostic;
use gatehouse_grammar::syntax::Element;
use gatehouse_grammar::Span;
use gatehouse_runtime::liquid::{compile, filter_names, FILTERS};

/// Whether `e` is a `set-body` with `template="liquid"`.
pub(crate) fn is_liquid(e: &Element) -> bool {
    &*e.name.text == "set-body"
        && e.attribute("template")
            .and_then(|t| t.value.as_literal())
            .is_some_and(|t| t.eq_ignore_ascii_case("liquid"))
}

/// The template of a Liquid `set-body` in `text` (the file) and where its content starts:
/// markup content as written, text content with its entities and CDATA sections read.
pub(crate) fn template_text(text: &str, e: &Element) -> (String, usize) {
    let start = e.start_tag.end as usize;
    let end = e.end_tag.map_or(start, |t| t.start as usize);
    let raw = text.get(start..end).unwrap_or("");
    if e.child_elements().next().is_some() {
        return (raw.trim().to_string(), start);
    }
    (decode(raw).trim().to_string(), start)
}

/// XML text: CDATA sections verbatim, the five entities and character references read.
fn decode(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find(['&', '<']) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if let Some(after) = rest.strip_prefix("<![CDATA[") {
            let end = after.find("]]>").unwrap_or(after.len());
            out.push_str(&after[..end]);
            rest = after.get(end + 3..).unwrap_or("");
            continue;
        }
        let Some(semi) = rest.find(';').filter(|_| rest.starts_with('&')) else {
            out.push_str(&rest[..1]);
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let c = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e => e
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| e.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Reports a template that does not parse, and each filter APIM would ignore.
pub(super) fn check(cx: &mut Context<'_>, e: &Element) {
    if !is_liquid(e) {
        return;
    }
    let (template, start) = template_text(&cx.file.text, e);
    if let Err(message) = compile(&template) {
        let span = e.start_tag;
        let d = Diagnostic::error(
            cx.file,
            codes::LIQUID_INVALID_TEMPLATE,
            message,
            span,
            "this template",
        )
        .with_help("fix the template; APIM's Liquid is DotLiquid with C# names");
        cx.report(d);
    }
    let end = e.end_tag.map_or(start, |t| t.start as usize);
    let raw = cx.file.text.get(start..end).unwrap_or("");
    for f in filter_names(raw) {
        if FILTERS.contains(&f.name.as_str()) {
            continue;
        }
        let at = start + f.at;
        let span = Span::new(at, at + f.name.len());
        let message = format!(
            "APIM ignores the Liquid filter `{}`: the value passes through unchanged",
            f.name
        );
        let help = match FILTERS.iter().find(|k| k.eq_ignore_ascii_case(&f.name)) {
            Some(k) => format!("APIM's filters use C# names: write `{k}`"),
            None => {
                "use one of the filters APIM documents (`docs/gateway.md`), or remove it".into()
            }
        };
        let d = Diagnostic::warning(
            cx.file,
            codes::LIQUID_UNKNOWN_FILTER,
            message,
            span,
            "not an APIM filter",
        );
        cx.report(d.with_help(help));
    }
}
