//! Document-local lints: likely mistakes that APIM accepts, reported as warnings.

use super::{Context, DocKind};
use crate::ast::walk::{self, At, Visitor};
use crate::diagnostic::codes;
use crate::Diagnostic;
use gatehouse_grammar::catalogue::ElementSpec;
use gatehouse_grammar::syntax::{Document, Element};

/// Policies that end the pipeline: whatever follows them in the same block never runs.
const TERMINATORS: &[&str] = &["return-response", "mock-response"];

/// Policies that make an HTTP call `retry` can repeat (a fragment may hold one).
const REQUESTS: &[&str] = &[
    "forward-request",
    "send-request",
    "send-one-way-request",
    "include-fragment",
];

/// Runs the lints over a document.
pub(super) fn document(cx: &mut Context<'_>, doc: &Document) {
    walk::document(cx, doc, &mut Lints);
}

struct Lints;

impl<'c> Visitor<'_, Context<'c>> for Lints {
    fn block(&mut self, cx: &mut Context<'c>, block: &Element, at: At) {
        if at.depth == 0 && at.section.is_some() {
            missing_base(cx, block);
        }
        unreachable(cx, block);
    }

    fn element(&mut self, cx: &mut Context<'c>, e: &Element, _spec: &'static ElementSpec, _at: At) {
        if &*e.name.text == "cors" {
            cors::origins(cx, e);
        }
        super::liquid::check(cx, e);
        if &*e.name.text == "xsl-transform" {
            xsl_parameter_names(cx, e);
        }
        if e.name.text.ends_with("semantic-cache-lookup") {
            score_threshold(cx, e);
        }
        if &*e.name.text == "retry" && !contains_request(e, 0) {
            cx.report(
                Diagnostic::warning(
                    cx.file,
                    codes::RETRY_WITHOUT_REQUEST,
                    "`<retry>` contains no request to retry",
                    e.name.span,
                    "nothing here calls a backend",
                )
                .with_help("put `<forward-request />` or `<send-request>` inside `<retry>`; the other policies run again with the same result"),
            );
        }
    }
}

/// An `xsl-transform` stylesheet that does not compile; `parameter-name` on a `parameter`
/// (accepted, and flagged).
fn xsl_parameter_names(cx: &mut Context<'_>, e: &Element) {
    let sheet = e
        .child_elements()
        .find(|c| c.name.text.rsplit(':').next() == Some("stylesheet"));
    if let Some(sheet) = sheet {
        let (start, end) = (sheet.span.start as usize, sheet.span.end as usize);
        let source = cx.file.text.get(start..end).unwrap_or("");
        if let Err(message) = gatehouse_runtime::xslt::compile(source) {
            let code = codes::XSLT_INVALID_STYLESHEET;
            let d = Diagnostic::error(cx.file, code, message, sheet.start_tag, "this stylesheet");
            cx.report(d.with_help("fix the stylesheet (XSLT 1.0, `xmlns:xsl` declared on it)"));
        }
    }
    for p in e.child_elements().filter(|c| &*c.name.text == "parameter") {
        let Some(a) = p.attribute("parameter-name") else {
            continue;
        };
        let d = Diagnostic::warning(
            cx.file,
            codes::XSLT_PARAMETER_NAME,
            "`parameter-name` is the docs' statement's spelling; their example and APIM's toolkit use `name`",
            a.span,
            "write `name`",
        );
        cx.report(d.with_help("rename the attribute to `name`"));
    }
}

/// A semantic-cache `score-threshold` of 0.5 or more reads as a similarity; APIM reads it
/// as a distance (lower is stricter).
fn score_threshold(cx: &mut Context<'_>, e: &Element) {
    let Some(attr) = e.attribute("score-threshold") else {
        return;
    };
    let Some(t) = attr
        .value
        .as_literal()
        .and_then(|t| t.trim().parse::<f64>().ok())
    else {
        return;
    };
    if !(0.5..=1.0).contains(&t) {
        return;
    }
    let message = format!(
        "`score-threshold=\"{t}\"` of `{}` looks like a similarity; APIM reads it as a distance (lower is stricter), so almost any prompt would match",
        e.name.text
    );
    let help = format!("use a small distance such as {:.2}", (1.0 - t).max(0.01));
    cx.report(
        Diagnostic::warning(
            cx.file,
            codes::SCORE_THRESHOLD_LOOKS_LIKE_SIMILARITY,
            message,
            attr.value.span,
            "a distance here",
        )
        .with_help(help),
    );
}

fn missing_base(cx: &mut Context<'_>, section: &Element) {
    let inherits = matches!(
        cx.kind,
        DocKind::Workspace | DocKind::Product | DocKind::Api | DocKind::Operation
    );
    if !inherits || section.child_elements().any(|e| &*e.name.text == "base") {
        return;
    }
    cx.report(
        Diagnostic::warning(
            cx.file,
            codes::MISSING_BASE,
            format!("`<{}>` has no `<base />`", section.name.text),
            section.name.span,
            "parent policies are not applied here",
        )
        .with_help("add `<base />` where the parent scope's policies should run; without it they are dropped"),
    );
}

fn unreachable(cx: &mut Context<'_>, block: &Element) {
    let mut statements = block.child_elements();
    let Some(end) = statements.find(|e| TERMINATORS.contains(&&*e.name.text)) else {
        return;
    };
    let Some(next) = statements.next() else {
        return;
    };
    cx.report(
        Diagnostic::warning(
            cx.file,
            codes::UNREACHABLE_POLICY,
            format!("`<{}>` never runs", next.name.text),
            next.name.span,
            format!("after `<{}>`", end.name.text),
        )
        .with_help(format!(
            "`<{}>` ends the pipeline; remove what follows it or move it before",
            end.name.text
        )),
    );
}

/// Whether a request policy sits anywhere inside `e`.
fn contains_request(e: &Element, depth: usize) -> bool {
    depth < 256
        && e.child_elements()
            .any(|c| REQUESTS.contains(&&*c.name.text) || contains_request(c, depth + 1))
}

mod cors;
#[cfg(test)]
mod tests;
