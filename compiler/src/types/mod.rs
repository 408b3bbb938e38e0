//! Static type checking of policy expressions: inference against the runtime's member table,
//! unknown and unsupported members, argument checks, missing returns and unassigned locals.

mod args;
mod calls;
pub mod dotnet_names;
mod flow;
mod infer;
pub mod members_doc;
mod new;
mod stmt;
pub mod table;
pub mod ty;

use crate::diagnostic::Severity;
use gatehouse_grammar::expr::{Block, Expr};
use gatehouse_grammar::Span;
pub use ty::Ty;

/// One finding, located relative to the expression text.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// The code without the `gatehouse::` prefix, e.g. `expr::unknown-member`.
    pub code: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// The offending name or argument.
    pub span: Span,
    /// The label under the span.
    pub label: String,
    /// How to fix it.
    pub help: Option<String>,
}

/// The result of checking one expression region.
#[derive(Debug, Default)]
pub struct Checked {
    /// What was found.
    pub findings: Vec<Finding>,
    /// The value's type: the expression's, or the common type of a block's `return`s.
    pub ty: Option<Ty>,
}

/// Checks an `@(...)` expression.
pub fn check_expression(e: &Expr) -> Checked {
    let mut cx = infer::Checker::new();
    let ty = cx.expr(e);
    Checked {
        findings: cx.findings,
        ty: Some(ty),
    }
}

/// Checks an `@{...}` block.
pub fn check_block(b: &Block) -> Checked {
    let mut cx = infer::Checker::new();
    cx.block(b);
    let mut findings = cx.findings;
    findings.extend(flow::missing_return(b));
    findings.extend(flow::unassigned(b));
    let ty = common(&cx.returns);
    Checked { findings, ty }
}

/// The value-typed `…OrDefault` calls of an expression or block (see
/// `Checker::value_defaults`), for lowering to give them .NET's `default(T)`.
pub fn value_defaults(e: Option<&Expr>, b: Option<&Block>) -> Vec<(u32, Box<str>)> {
    let mut cx = infer::Checker::new();
    if let Some(e) = e {
        cx.expr(e);
    }
    if let Some(b) = b {
        cx.block(b);
    }
    cx.value_defaults
}

/// The type every `return` agrees on, if any.
pub(crate) fn common(tys: &[Ty]) -> Option<Ty> {
    let first = tys.first()?;
    tys.iter().all(|t| t == first).then(|| first.clone())
}

impl Finding {
    fn error(code: &'static str, message: String, span: Span, label: &str) -> Finding {
        Finding {
            code,
            severity: Severity::Error,
            message,
            span,
            label: label.to_string(),
            help: None,
        }
    }

    fn warning(code: &'static str, message: String, span: Span, label: &str) -> Finding {
        Finding {
            severity: Severity::Warning,
            ..Finding::error(code, message, span, label)
        }
    }

    fn help(mut self, help: impl Into<String>) -> Finding {
        self.help = Some(help.into());
        self
    }
}

#[cfg(test)]
mod tests;
