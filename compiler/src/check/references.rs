//! References: backends, named values, fragments and variables must be declared somewhere.

use super::DocKind;
use crate::diagnostic::codes;
use crate::diagnostic::did_you_mean;
use crate::resolve::Declared;
use crate::{Diagnostic, SourceFile};
use gatehouse_grammar::expr::{self, Arg, ArgValue, Expr, ExprKind, Literal};
use gatehouse_grammar::syntax::{
    Document, Element, ExpressionSyntax, NamedValueRef, Node, Part, Value,
};
use std::collections::HashSet;
use std::sync::Arc;

/// What reference checks need besides the document.
pub struct RefContext<'a, 'p> {
    /// The declarations references resolve against.
    pub declared: &'a Declared<'p>,
    /// Every variable some policy of the project can set; `None` for loose files, where
    /// a variable may be set at a scope we cannot see.
    pub variables: Option<&'a HashSet<String>>,
}

/// Checks every reference in one document.
pub fn document(
    file: &Arc<SourceFile>,
    doc: &Document,
    kind: DocKind,
    cx: &RefContext<'_, '_>,
    out: &mut Vec<Diagnostic>,
) {
    let mut w = Walker {
        file,
        kind,
        cx,
        out,
    };
    for root in doc.root_elements() {
        w.element(root);
    }
}

struct Walker<'a, 'b, 'p> {
    file: &'a Arc<SourceFile>,
    kind: DocKind,
    cx: &'a RefContext<'b, 'p>,
    out: &'a mut Vec<Diagnostic>,
}

impl Walker<'_, '_, '_> {
    fn element(&mut self, e: &Element) {
        match &*e.name.text {
            "set-backend-service"
            | "llm-content-safety"
            | "llm-semantic-cache-lookup"
            | "azure-openai-semantic-cache-lookup" => self.backend_id(e),
            "log-to-eventhub" => self.logger(e),
            _ => {}
        }
        if &*e.name.text == "include-fragment" {
            self.fragment(e);
        }
        for a in &e.attributes {
            self.value(&a.value);
        }
        // A Liquid template's `{{ ... }}` (in its text and in its markup) are Liquid output
        // tags, not named values.
        if crate::check::liquid::is_liquid(e) {
            return;
        }
        for child in &e.children {
            match child {
                Node::Element(c) => self.element(c),
                Node::Text(v) | Node::CData(v) => self.value(v),
                _ => {}
            }
        }
    }

    fn value(&mut self, v: &Value) {
        for part in &v.parts {
            match part {
                Part::NamedValue(n) => self.named_value(n),
                Part::Expression(x) => {
                    for n in &x.named_values {
                        self.named_value(n);
                    }
                    self.variables(x.syntax.as_ref(), &x.map);
                }
                Part::Literal { .. } => {}
            }
        }
    }

    fn named_value(&mut self, n: &NamedValueRef) {
        let Some(env) = &self.cx.declared.named_values else {
            return;
        };
        if env.get(&n.name).is_some() {
            return;
        }
        let help = match did_you_mean(&n.name, env.names()) {
            Some(s) => format!("did you mean `{{{{{s}}}}}`?"),
            None => format!(
                "declare it in `named values/{}/namedValueInformation.json`",
                n.name
            ),
        };
        let msg = format!("named value `{}` is not declared", n.name);
        self.out.push(
            Diagnostic::error(
                self.file,
                codes::UNKNOWN_NAMED_VALUE,
                msg,
                n.span,
                "unknown named value",
            )
            .with_help(help),
        );
    }

    fn backend_id(&mut self, e: &Element) {
        for name in ["backend-id", "embeddings-backend-id"] {
            self.backend_attr(e, name);
        }
    }

    /// Attribute `name` of `e` names a declared backend.
    fn backend_attr(&mut self, e: &Element, name: &str) {
        let Some(attr) = e.attribute(name) else {
            return;
        };
        let Some(backends) = &self.cx.declared.backends else {
            return;
        };
        let Some(id) = attr.value.as_literal() else {
            return;
        };
        if backends.contains_key(id.as_str())
            || (id == "dapr" && e.attribute("dapr-app-id").is_some())
        {
            return;
        }
        let help = match did_you_mean(&id, backends.keys().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("declare it in `backends/{id}/backendInformation.json`"),
        };
        let msg = format!("backend `{id}` is not declared");
        self.out.push(
            Diagnostic::error(
                self.file,
                codes::UNKNOWN_BACKEND,
                msg,
                attr.value.span,
                "unknown backend",
            )
            .with_help(help),
        );
    }

    fn logger(&mut self, e: &Element) {
        let Some(attr) = e.attribute("logger-id") else {
            return;
        };
        let (Some(loggers), Some(id)) = (&self.cx.declared.loggers, attr.value.as_literal()) else {
            return;
        };
        if loggers.contains_key(id.as_str()) {
            return;
        }
        let help = match did_you_mean(&id, loggers.keys().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("declare it in `loggers/{id}/loggerInformation.json`"),
        };
        let msg = format!("logger `{id}` is not declared");
        self.out.push(
            Diagnostic::error(
                self.file,
                codes::UNKNOWN_LOGGER,
                msg,
                attr.value.span,
                "unknown logger",
            )
            .with_help(help),
        );
    }

    fn fragment(&mut self, e: &Element) {
        let Some(attr) = e.attribute("fragment-id") else {
            return;
        };
        if self.kind == DocKind::Fragment {
            let msg = "a policy fragment cannot include another fragment";
            let d = Diagnostic::error(
                self.file,
                codes::NESTED_FRAGMENT,
                msg,
                e.name.span,
                "nested include",
            );
            self.out.push(d.with_help("inline the other fragment's policies here, or include both fragments from the policy"));
            return;
        }
        let Some(fragments) = &self.cx.declared.fragments else {
            return;
        };
        let Some(id) = attr.value.as_literal() else {
            return;
        };
        if fragments.contains_key(id.as_str()) {
            return;
        }
        let help = match did_you_mean(&id, fragments.keys().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("declare it in `policy fragments/{id}/policy.xml`"),
        };
        let msg = format!("policy fragment `{id}` is not declared");
        self.out.push(
            Diagnostic::error(
                self.file,
                codes::UNKNOWN_FRAGMENT,
                msg,
                attr.value.span,
                "unknown fragment",
            )
            .with_help(help),
        );
    }

    fn variables(
        &mut self,
        syntax: Option<&ExpressionSyntax>,
        map: &gatehouse_grammar::syntax::OffsetMap,
    ) {
        let Some(set) = self.cx.variables else { return };
        let mut reads = Vec::new();
        let mut visit = |e: &Expr| {
            if let Some(read) = variable_read(e) {
                reads.push(read);
            }
        };
        match syntax {
            Some(ExpressionSyntax::Inline(e)) => expr::for_each_expr(e, &mut visit),
            Some(ExpressionSyntax::Block(b)) => expr::for_each_expr_in_block(b, &mut visit),
            None => {}
        }
        for (name, span) in reads {
            if set.contains(name.as_str()) {
                continue;
            }
            let help = match did_you_mean(&name, set.iter().map(String::as_str)) {
                Some(s) => format!("did you mean `{s}`? No policy sets `{name}`, so this read always fails or yields the default"),
                None => format!("no policy sets `{name}`: add `<set-variable name=\"{name}\" value=\"...\" />` before it"),
            };
            let msg = format!("variable `{name}` is read but never set");
            let d = Diagnostic::warning(
                self.file,
                codes::UNSET_VARIABLE,
                msg,
                map.span_to_file(span),
                "never set",
            );
            self.out.push(d.with_help(help));
        }
    }
}

/// `context.Variables["x"]` or `context.Variables.GetValueOrDefault…("x")`: the name and
/// the span of the string literal. `ContainsKey` and `TryGetValue` are existence checks,
/// not reads.
fn variable_read(e: &Expr) -> Option<(String, gatehouse_grammar::Span)> {
    let (target, args) = match &e.kind {
        ExprKind::Index { target, args, .. } => (&**target, args),
        ExprKind::Call { callee, args } => match &callee.kind {
            ExprKind::Member { target, name, .. } if &*name.name == "GetValueOrDefault" => {
                (&**target, args)
            }
            _ => return None,
        },
        _ => return None,
    };
    if !is_context_variables(target) {
        return None;
    }
    match args.first() {
        Some(Arg {
            value:
                ArgValue::Expr(Expr {
                    kind: ExprKind::Literal(Literal::String(s)),
                    span,
                    ..
                }),
            ..
        }) => Some((s.to_string(), *span)),
        _ => None,
    }
}

fn is_context_variables(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Member { target, name, .. } if &*name.name == "Variables" => {
            matches!(&target.kind, ExprKind::Name(id, _) if &*id.name == "context")
        }
        _ => false,
    }
}

/// Every variable name a document can set: `set-variable name`, and the value of every
/// attribute ending in `variable-name` (`response-variable-name`, `errors-variable-name`,
/// `variable-name` of `cache-lookup-value`, …).
pub fn set_variables(doc: &Document, into: &mut HashSet<String>) {
    fn walk(e: &Element, into: &mut HashSet<String>) {
        for a in &e.attributes {
            let sets = (&*e.name.text == "set-variable" && &*a.name.text == "name")
                || a.name.text.ends_with("variable-name");
            if let Some(name) = a.value.as_literal().filter(|_| sets) {
                into.insert(name);
            }
        }
        for c in e.child_elements() {
            walk(c, into);
        }
    }
    for root in doc.root_elements() {
        walk(root, into);
    }
}
