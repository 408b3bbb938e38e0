//! The printer of typed policies: one line per element, each attribute with its typed value.

use super::{Lit, Policies, Value};
use std::fmt::Write;

/// Prints `policies` in document order, e.g.
/// `set-header @12 name="X-Api" exists-action=enum(override)`.
pub fn print(policies: &Policies) -> String {
    let mut out = String::new();
    for t in policies.iter() {
        let _ = write!(out, "{} @{}", t.spec.name, t.start_tag.start);
        for a in &t.attrs {
            let _ = write!(out, " {}={}", a.spec.name, value(&a.value));
        }
        for span in &t.text_expressions {
            let _ = write!(out, " text-expression-not-allowed@{}", span.start);
        }
        out.push('\n');
    }
    out
}

fn value(v: &Value) -> String {
    match v {
        Value::Lit(Lit::Text(t)) => format!("{t:?}"),
        Value::Lit(Lit::Bool(b)) => format!("bool({b})"),
        Value::Lit(Lit::Int(n)) => format!("int({n})"),
        Value::Lit(Lit::Number(n)) => format!("number({n})"),
        Value::Lit(Lit::Enum(e)) => format!("enum({e})"),
        Value::Expression => "expression".to_string(),
        Value::Template => "template".to_string(),
        Value::Invalid(p, written) => format!("invalid({written:?}, expected {})", p.expected),
        Value::ExpressionNotAllowed(_) => "expression-not-allowed".to_string(),
    }
}
