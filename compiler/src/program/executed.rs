//! Policies gatehouse does not execute: a `check` warning, a build error.

use crate::diagnostic::codes;
use crate::{Diagnostic, SourceFile};
use gatehouse_grammar::catalogue::{catalogue, PolicySpec};
use gatehouse_grammar::syntax::{Document, Element};
use std::sync::Arc;

/// The code of the finding: `policy::not-executed`.
pub const NOT_EXECUTED: &str = codes::POLICY_NOT_EXECUTED;

/// Deeper nesting is not walked (the parser's limits stop documents much earlier).
const MAX_DEPTH: usize = 512;

/// The structural policies `pipelines.rs` lowers itself (to calls and branches).
pub const STRUCTURE: &[&str] = &["base", "choose", "include-fragment"];

/// Whether gatehouse executes the policy `name`: structure, or a policy with a lowering.
pub fn is_executed(name: &str) -> bool {
    STRUCTURE.contains(&name) || super::ops::lowering(name).is_some()
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
        } else if name == "limit-concurrency" {
        } else if name == "retry" || name == "wait" {
            block(file, e, depth + 1, out);
        } else if !is_executed(name) && catalogue().policy(name).is_some() {
            let (msg, help) = message(e);
            out.push(
                Diagnostic::warning(file, NOT_EXECUTED, msg, e.start_tag, "not executed")
                    .with_help(help),
            );
        }
    }
}

/// What the gateway does with a policy, for the last column of `docs/policies.md`.
pub fn support(p: &PolicySpec) -> String {
    if is_executed(p.name()) {
        "executed".to_string()
    } else if p.is_resolver_only() {
        "not supported".to_string()
    } else {
        "checked only (build refuses it)".to_string()
    }
}

/// The policy support matrix, `docs/policies.md`.
pub fn support_matrix() -> String {
    catalogue().support_matrix_markdown(&support)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    #[test]
    fn support_matrix_is_up_to_date() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/policies.md");
        let expected = super::support_matrix();
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::write(&path, &expected).expect("write docs/policies.md");
            return;
        }
        let actual = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            actual == expected,
            "docs/policies.md is stale; regenerate with UPDATE_DOCS=1 cargo test -p gatehouse-compiler --lib support_matrix"
        );
    }

    #[test]
    fn every_lowering_names_a_catalogued_policy() {
        for l in super::super::LOWERINGS {
            assert!(
                super::catalogue().policy(l.policy).is_some(),
                "{}",
                l.policy
            );
        }
    }
}
