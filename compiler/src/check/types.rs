//! Static type checks of every expression region: findings of [`crate::types`] mapped to
//! the file, and `when/@condition` expressions that cannot be `bool`.

use super::Context;
use crate::diagnostic::codes;
use crate::types::{check_block, check_expression, Checked, Finding, Ty};
use crate::Diagnostic;
use gatehouse_grammar::syntax::{Document, Element, Expression, ExpressionSyntax, Node};

/// Runs the type checks over a document.
pub(super) fn document(cx: &mut Context<'_>, doc: &Document) {
    for region in doc.expressions() {
        let checked = region_checked(region);
        for f in checked.findings {
            cx.report(diagnostic(cx, region, f));
        }
    }
    conditions(cx, &doc.nodes, 0);
}

fn region_checked(region: &Expression) -> Checked {
    match &region.syntax {
        Some(ExpressionSyntax::Inline(e)) => check_expression(e),
        Some(ExpressionSyntax::Block(b)) => check_block(b),
        None => Checked::default(),
    }
}

fn diagnostic(cx: &Context<'_>, region: &Expression, f: Finding) -> Diagnostic {
    let span = region.map.span_to_file(f.span);
    let d = match f.severity {
        crate::Severity::Error => Diagnostic::error(cx.file, f.code, f.message, span, f.label),
        _ => Diagnostic::warning(cx.file, f.code, f.message, span, f.label),
    };
    d.with_help_opt(f.help)
}

/// Finds `<when condition="...">` and `<retry condition="...">` anywhere (nesting is bounded by the scanner's limits).
fn conditions(cx: &mut Context<'_>, nodes: &[Node], depth: usize) {
    if depth > 512 {
        return;
    }
    for n in nodes {
        if let Node::Element(e) = n {
            if matches!(&*e.name.text, "when" | "retry") {
                condition(cx, e);
            }
            conditions(cx, &e.children, depth + 1);
        }
    }
}

fn condition(cx: &mut Context<'_>, e: &Element) {
    let Some(a) = e.attributes.iter().find(|a| &*a.name.text == "condition") else {
        return;
    };
    let Some(region) = a.value.expression() else {
        return;
    };
    let Some(ty) = region_checked(region).ty else {
        return;
    };
    if !certainly_not_bool(&ty) {
        return;
    }
    cx.report(
        Diagnostic::error(
            cx.file,
            codes::EXPR_TYPE_MISMATCH,
            format!(
                "a `{}` condition must be a `bool`, but this expression is a `{}`",
                e.name.text,
                ty.display()
            ),
            region.span,
            format!("`{}`, not `bool`", ty.display()),
        )
        .with_help("compare the value, e.g. `@(value == \"expected\")`, or parse it with `bool.Parse(...)`"),
    );
}

/// Types no `bool` conversion can come from.
fn certainly_not_bool(t: &Ty) -> bool {
    match t {
        Ty::Named(n, _) => {
            super::super::types::ty::is_numeric(n)
                || matches!(&**n, "string" | "char" | "DateTime" | "TimeSpan" | "Guid")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::check::{codes, DocKind};

    fn when(condition: &str) -> Vec<String> {
        let doc = format!(
            "<policies><inbound><choose><when condition=\"{condition}\"><base /></when></choose></inbound></policies>"
        );
        codes(&doc, DocKind::Loose)
            .into_iter()
            .filter(|c| c.starts_with("expr::"))
            .collect()
    }

    #[test]
    fn when_conditions_must_be_bool() {
        assert_eq!(when("@(context.Request.Method)"), ["expr::type-mismatch"]);
        assert_eq!(when("@{ return &quot;a&quot;; }"), ["expr::type-mismatch"]);
        assert!(when("@(context.Request.Method == &quot;GET&quot;)").is_empty());
        assert!(when("@((bool)context.Variables[&quot;x&quot;])").is_empty());
        assert!(when("@(context.Variables[&quot;x&quot;])").is_empty());
    }

    #[test]
    fn findings_are_located_in_the_file() {
        let doc = "<policies><inbound><set-variable name=\"a\" value=\"@(context.Variable[&quot;x&quot;])\" /></inbound></policies>";
        let file = std::sync::Arc::new(crate::SourceFile::new("t.xml", doc));
        let report = crate::check_file_as(&file, DocKind::Loose, &Default::default());
        let d = report
            .diagnostics
            .iter()
            .find(|d| d.code.ends_with("expr::unknown-member"))
            .expect("unknown member");
        assert_eq!(&doc[d.span.start as usize..d.span.end as usize], "Variable");
    }
}
