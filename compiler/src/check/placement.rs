//! Placement: sections and scopes a policy may appear in, once-only policies, `<base/>`,
//! and child elements in their documented order and number.

use super::Context;
use crate::ast::walk::{self, At, Visitor};
use crate::diagnostic::codes;
use crate::Diagnostic;
use gatehouse_grammar::catalogue::{catalogue, Content, ElementSpec, OncePer, PolicySpec};
use gatehouse_grammar::syntax::{Document, Element};
use gatehouse_grammar::Span;

/// Runs the placement checks over a document.
pub(super) fn document(cx: &mut Context<'_>, doc: &Document) {
    let mut pass = Placement::default();
    walk::document(cx, doc, &mut pass);
}

/// Once-only policies and `<base/>` seen so far.
#[derive(Default)]
struct Placement<'d> {
    /// Once-per-document policies seen in earlier sections.
    in_document: Vec<Once<'d>>,
    /// The current section's `<base/>`.
    base: Option<Span>,
}

/// An occurrence of a once-only policy and the `choose` branches it sits in, as
/// `(choose start, branch index)`: occurrences in different branches of one `choose`
/// never both run.
struct Once<'d> {
    element: &'d Element,
    spec: &'static PolicySpec,
    branches: Vec<(u32, usize)>,
}

impl Once<'_> {
    fn exclusive_with(&self, other: &Once<'_>) -> bool {
        self.branches
            .iter()
            .any(|&(choose, i)| other.branches.iter().any(|&(c, j)| c == choose && i != j))
    }
}

impl<'d, 'c> Visitor<'d, Context<'c>> for Placement<'d> {
    fn block(&mut self, cx: &mut Context<'c>, block: &'d Element, at: At) {
        if at.depth == 0 {
            self.base = None;
            self.once(cx, block);
        }
        for e in block.child_elements() {
            if &*e.name.text == "base" {
                self.base(cx, block, e, at);
            } else if let Some(spec) = catalogue().policy(&e.name.text) {
                section(cx, e, spec, at);
                scope(cx, e, spec);
            }
        }
    }

    fn element(
        &mut self,
        cx: &mut Context<'c>,
        e: &'d Element,
        spec: &'static ElementSpec,
        _at: At,
    ) {
        let has_elements = e.child_elements().next().is_some();
        let checked = match spec.content {
            Content::Elements => true,
            Content::ElementsOrText { .. } => has_elements,
            _ => false,
        };
        if !checked || spec.children.is_empty() {
            return;
        }
        if spec.ordered {
            order(cx, e, spec);
        }
        counts(cx, e, spec);
    }
}

impl<'d> Placement<'d> {
    fn base(&mut self, cx: &mut Context<'_>, block: &Element, e: &Element, at: At) {
        let Some(section) = at.section else {
            let d = Diagnostic::error(
                cx.file,
                codes::MISPLACED_BASE,
                "`<base/>` cannot appear in a policy fragment",
                e.span,
                "in a fragment",
            )
            .with_help(
                "remove it: a fragment is inserted into a section, which has its own `<base />`",
            );
            return cx.report(d);
        };
        if at.depth > 0 {
            let d = Diagnostic::warning(
                cx.file,
                codes::NESTED_BASE,
                format!("`<base/>` inside `<{}>`", block.name.text),
                e.span,
                "nested in a policy",
            )
            .with_help(format!(
                "APIM documents `<base />` as a direct child of `<{section}>` (Microsoft's toolkit nests it; APIM may reject that); move it out of `<{}>`",
                block.name.text
            ));
            return cx.report(d);
        }
        match self.base {
            Some(first) => {
                let line = cx.file.line_col(first.start as usize).line;
                let d = Diagnostic::error(
                    cx.file,
                    codes::DUPLICATE_BASE,
                    format!("`<base/>` appears twice in `<{section}>`"),
                    e.span,
                    "second `<base/>`",
                )
                .with_help(format!("keep only the `<base />` on line {line}"));
                cx.report(d);
            }
            None => self.base = Some(e.span),
        }
    }

    /// Reports once-only policies repeated in this section, or earlier in the document.
    fn once(&mut self, cx: &mut Context<'_>, section: &'d Element) {
        let mut found = Vec::new();
        collect_once(section, &mut Vec::new(), &mut found, 0);
        let mut in_section: Vec<Once<'d>> = Vec::new();
        for occurrence in found {
            let per_document = occurrence.spec.once_per == Some(OncePer::Document);
            let earlier = in_section
                .iter()
                .chain(if per_document {
                    &self.in_document[..]
                } else {
                    &[]
                })
                .find(|o| {
                    o.spec.name() == occurrence.spec.name() && !o.exclusive_with(&occurrence)
                });
            match earlier {
                Some(first) => duplicate(cx, &occurrence, first, per_document),
                None => in_section.push(occurrence),
            }
        }
        self.in_document.extend(
            in_section
                .into_iter()
                .filter(|o| o.spec.once_per == Some(OncePer::Document)),
        );
    }
}

/// Once-only policies under `e`, in document order, with their `choose` branches.
fn collect_once<'d>(
    e: &'d Element,
    branches: &mut Vec<(u32, usize)>,
    out: &mut Vec<Once<'d>>,
    depth: usize,
) {
    if depth > 256 {
        return;
    }
    let is_choose = &*e.name.text == "choose";
    for (i, child) in e.child_elements().enumerate() {
        if let Some(spec) = catalogue()
            .policy(&child.name.text)
            .filter(|p| p.once_per.is_some())
        {
            out.push(Once {
                element: child,
                spec,
                branches: branches.clone(),
            });
        }
        if is_choose {
            branches.push((e.span.start, i));
        }
        collect_once(child, branches, out, depth + 1);
        if is_choose {
            branches.pop();
        }
    }
}

fn duplicate(cx: &mut Context<'_>, again: &Once<'_>, first: &Once<'_>, per_document: bool) {
    let name = again.spec.name();
    let per = if per_document {
        "policy document"
    } else {
        "section"
    };
    let line = cx
        .file
        .line_col(first.element.name.span.start as usize)
        .line;
    cx.report(
        Diagnostic::error(
            cx.file,
            codes::DUPLICATE_POLICY,
            format!("`<{name}>` may appear only once per {per}"),
            again.element.name.span,
            "second occurrence",
        )
        .with_help(format!("merge it into the `<{name}>` on line {line}")),
    );
}

fn section(cx: &mut Context<'_>, e: &Element, spec: &PolicySpec, at: At) {
    let Some(section) = at.section else {
        return;
    };
    if spec.sections.contains(section) {
        return;
    }
    if spec.toolkit_sections.contains(section) {
        let d = Diagnostic::warning(
            cx.file,
            codes::POLICY_SECTION_UNDOCUMENTED,
            format!(
                "APIM's docs do not list `<{}>` in `<{section}>`",
                spec.name()
            ),
            e.name.span,
            "undocumented section",
        );
        let allowed: Vec<String> = spec.sections.iter().map(|s| format!("`<{s}>`")).collect();
        let help = format!(
            "Microsoft's policy toolkit emits it here, but the docs allow it only in {}; APIM may reject it on deploy",
            join_or(&allowed)
        );
        return cx.report(d.with_help(help));
    }
    let allowed: Vec<String> = spec.sections.iter().map(|s| format!("`<{s}>`")).collect();
    let help = if allowed.is_empty() {
        format!("`<{}>` is a GraphQL resolver data source; it belongs in a resolver, not in a policy section", spec.name())
    } else {
        format!("`<{}>` is allowed in {}", spec.name(), join_or(&allowed))
    };
    cx.report(
        Diagnostic::error(
            cx.file,
            codes::POLICY_NOT_ALLOWED_IN_SECTION,
            format!("`<{}>` cannot be used in `<{section}>`", spec.name()),
            e.name.span,
            "not allowed in this section",
        )
        .with_help(help),
    );
}

fn scope(cx: &mut Context<'_>, e: &Element, spec: &PolicySpec) {
    let Some(scope) = cx.kind.scope() else {
        return;
    };
    if spec.scopes.contains(scope) || spec.scopes.is_empty() {
        return;
    }
    let allowed: Vec<String> = spec.scopes.iter().map(|s| format!("`{s}`")).collect();
    cx.report(
        Diagnostic::error(
            cx.file,
            codes::POLICY_NOT_ALLOWED_IN_SCOPE,
            format!("`<{}>` cannot be used at {scope} scope", spec.name()),
            e.name.span,
            "not allowed at this scope",
        )
        .with_help(format!(
            "`<{}>` can be configured at {} scope",
            spec.name(),
            join_or(&allowed)
        )),
    );
}

/// Reports the first child that comes after a child documented to follow it.
fn order(cx: &mut Context<'_>, e: &Element, spec: &ElementSpec) {
    let mut latest: Option<(usize, &Element)> = None;
    for child in e.child_elements() {
        let Some(pos) = spec.child_position(&child.name.text) else {
            continue;
        };
        match latest {
            Some((max, after)) if pos < max => {
                let expected: Vec<String> = spec
                    .children
                    .iter()
                    .map(|c| format!("`<{}>`", c.name()))
                    .collect();
                let d = Diagnostic::warning(
                    cx.file,
                    codes::CHILD_ORDER,
                    format!(
                        "`<{}>` must come before `<{}>` in `<{}>`",
                        child.name.text, after.name.text, e.name.text
                    ),
                    child.name.span,
                    "out of order",
                )
                .with_help(format!("the documented order is {}", expected.join(", ")));
                return cx.report(d);
            }
            Some((max, _)) if pos == max => {}
            _ => latest = Some((pos, child)),
        }
    }
}

/// Reports children that appear more often than allowed, or fewer times than required.
fn counts(cx: &mut Context<'_>, e: &Element, spec: &ElementSpec) {
    for child in &spec.children {
        let name = child.name();
        let mut found = e.child_elements().filter(|c| &*c.name.text == name);
        if let Some(extra) = child.max.and_then(|max| found.nth(max as usize)) {
            let times = match child.max {
                Some(1) => "once".to_string(),
                Some(n) => format!("{n} times"),
                None => String::new(),
            };
            cx.report(
                Diagnostic::error(
                    cx.file,
                    codes::CHILD_COUNT,
                    format!("`<{name}>` may appear only {times} in `<{}>`", e.name.text),
                    extra.name.span,
                    "one too many",
                )
                .with_help(format!("remove this `<{name}>` or merge it into the first")),
            );
        }
        let n = e.child_elements().filter(|c| &*c.name.text == name).count();
        if n < child.min as usize {
            cx.report(
                Diagnostic::error(
                    cx.file,
                    codes::CHILD_COUNT,
                    format!(
                        "`<{}>` needs at least {} `<{name}>`",
                        e.name.text, child.min
                    ),
                    e.name.span,
                    format!("`<{name}>` missing"),
                )
                .with_help(format!("add `<{name}>` inside `<{}>`", e.name.text)),
            );
        }
    }
}

/// `a`, `a or b`, `a, b or c`.
pub(crate) fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests;
