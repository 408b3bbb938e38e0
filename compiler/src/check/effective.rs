//! Checks over effective pipelines: rules that only show once scopes are merged.

use super::DocKind;
use crate::diagnostic::codes;
use crate::resolve::{Effective, EffectiveItem};
use crate::Diagnostic;
use gatehouse_grammar::syntax::Element;
use std::collections::HashSet;

/// Runs the pipeline checks over every effective pipeline, reporting each place once.
pub fn check(pipelines: &[Effective<'_>], out: &mut Vec<Diagnostic>) {
    let mut reported = HashSet::new();
    for eff in pipelines {
        base_url_after_inherited_backend_id(eff, &mut reported, out);
    }
}

fn rank(kind: DocKind) -> u8 {
    match kind {
        DocKind::Global => 0,
        DocKind::Workspace => 1,
        DocKind::Product => 2,
        DocKind::Api => 3,
        DocKind::Operation | DocKind::Fragment | DocKind::Loose => 4,
    }
}

/// APIM: when a parent scope routes with `backend-id` and the child inherits it through
/// `<base/>`, the child may only override it with another `backend-id`, not `base-url`.
fn base_url_after_inherited_backend_id(
    eff: &Effective<'_>,
    reported: &mut HashSet<(String, u32)>,
    out: &mut Vec<Diagnostic>,
) {
    for section in &eff.sections[..2] {
        let mut inherited: Option<&EffectiveItem<'_>> = None;
        for item in &section.items {
            let mut found = Vec::new();
            backend_services(item.element, &mut found);
            for e in found {
                if e.attribute("backend-id").is_some()
                    && inherited.is_none_or(|i| rank(i.origin.kind) >= rank(item.origin.kind))
                {
                    inherited = Some(item);
                }
                let (Some(parent), Some(base_url)) = (inherited, e.attribute("base-url")) else {
                    continue;
                };
                if rank(parent.origin.kind) >= rank(item.origin.kind)
                    || !reported.insert((item.origin.file.path.clone(), base_url.name.span.start))
                {
                    continue;
                }
                let line = parent
                    .origin
                    .file
                    .line_col(parent.element.span.start as usize)
                    .line;
                let msg = "`base-url` cannot override a `backend-id` set at a parent scope";
                let d = Diagnostic::error(
                    item.origin.file,
                    codes::BASE_URL_OVERRIDES_BACKEND_ID,
                    msg,
                    base_url.name.span,
                    "APIM rejects this override",
                );
                out.push(d.with_help(format!(
                    "the parent's `backend-id` is set in {}:{line}; override it with another `backend-id` (declare a backend for this URL)",
                    parent.origin.file.path
                )));
            }
        }
    }
}

/// Every `set-backend-service` in `e`, itself included, in document order.
fn backend_services<'e>(e: &'e Element, out: &mut Vec<&'e Element>) {
    if &*e.name.text == "set-backend-service" {
        out.push(e);
    }
    for c in e.child_elements() {
        backend_services(c, out);
    }
}
