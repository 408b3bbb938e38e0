//! Attribute values against their catalogue types, and expressions where none are allowed:
//! the problems the typed policies ([`crate::ast`]) found, reported.

use super::Context;
use crate::ast::{Policies, Value};
use crate::diagnostic::codes;
use crate::Diagnostic;

/// Reports the value problems of a document's typed policies.
pub(super) fn document(cx: &mut Context<'_>, typed: &Policies) {
    for t in typed.iter() {
        let element = &t.spec.name;
        for a in &t.attrs {
            let name = &a.spec.name;
            match &a.value {
                Value::ExpressionNotAllowed(span) => cx.report(
                    Diagnostic::error(
                        cx.file,
                        codes::EXPRESSION_NOT_ALLOWED,
                        format!("`{name}` of `<{element}>` cannot be a policy expression"),
                        *span,
                        "expression here",
                    )
                    .with_help(format!(
                        "write a literal value: APIM does not evaluate expressions in `{name}`"
                    )),
                ),
                Value::Invalid(problem, literal) => {
                    let help = problem
                        .help
                        .clone()
                        .unwrap_or_else(|| format!("`{name}` takes {}", problem.expected));
                    cx.report(
                        Diagnostic::warning(
                            cx.file,
                            codes::INVALID_ATTRIBUTE_VALUE,
                            format!(
                                "`{literal}` is not a valid value for `{name}` of `<{element}>`"
                            ),
                            a.value_span,
                            format!("expected {}", problem.expected),
                        )
                        .with_help(help),
                    );
                }
                Value::Lit(_) | Value::Expression | Value::Template => {}
            }
        }
        for span in &t.text_expressions {
            cx.report(
                Diagnostic::error(
                    cx.file,
                    codes::EXPRESSION_NOT_ALLOWED,
                    format!("the content of `<{element}>` cannot be a policy expression"),
                    *span,
                    "expression here",
                )
                .with_help("write a literal value"),
            );
        }
    }
}
