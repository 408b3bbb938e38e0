//! Policies gatehouse does not execute: a `check` warning, a build error.

use super::Builder;
use crate::{Diagnostic, SourceFile};
use gatehouse_grammar::catalogue::catalogue;
use gatehouse_grammar::syntax::{Document, Element};
use gatehouse_runtime::program::EXECUTED_POLICIES;
use std::sync::Arc;

/// The code of the finding: `policy::not-executed`.
pub const NOT_EXECUTED: &str = "policy::not-executed";

/// Deeper nesting is not walked (the parser's limits stop documents much earlier).
const MAX_DEPTH: usize = 512;

/// Whether gatehouse executes the policy `name`.
pub fn is_executed(name: &str) -> bool {
    EXECUTED_POLICIES.contains(&name)
}

fn message(e: &Element) -> (String, String) {
    let name = &*e.name.text;
    (
        format!("gatehouse does not execute the `{name}` policy"),
        "remove it or replace it with an executed policy: `gatehouse build` refuses it, so \
         that the gateway never skips a policy silently"
            .to_string(),
    )
}

/// Reports a policy the build cannot lower, as an error.
pub(super) fn report(b: &mut Builder<'_>, file: &Arc<SourceFile>, e: &Element) {
    let (msg, help) = message(e);
    b.diagnostics.push(
        Diagnostic::error(file, NOT_EXECUTED, msg, e.start_tag, "not executed").with_help(help),
    );
}

/// Warns about every catalogued policy of `doc` that gatehouse does not execute (the outer
/// one only: the policies inside a non-executed `retry` are not reported again).
pub fn not_executed(file: &Arc<SourceFile>, doc: &Document, out: &mut Vec<Diagnostic>) {
    let Some(root) = doc.root_elements().next() else {
        return;
    };
    match &*root.name.text {
        "policies" => {
            for section in root.child_elements() {
                block(file, section, 0, out);
            }
        }
        "fragment" => block(file, root, 0, out),
        _ => {}
    }
}

fn block(file: &Arc<SourceFile>, b: &Element, depth: usize, out: &mut Vec<Diagnostic>) {
    if depth > MAX_DEPTH {
        return;
    }
    for e in b.child_elements() {
        let name = &*e.name.text;
        if name == "choose" {
            for branch in e.child_elements() {
                block(file, branch, depth + 1, out);
            }
        } else if !is_executed(name) && catalogue().policy(name).is_some() {
            let (msg, help) = message(e);
            out.push(
                Diagnostic::warning(file, NOT_EXECUTED, msg, e.start_tag, "not executed")
                    .with_help(help),
            );
        }
    }
}
