//! Attribute values and text to [`Arg`]s: literal text with named values substituted, or
//! compiled expressions. Secret named values stay `{{name}}` and are listed as secrets.

use super::{Builder, ScopeEnv, Site};
use crate::lower::{lower_block, lower_expression, LowerError};
use gatehouse_grammar::expr::{parse_block, parse_expression};
use gatehouse_grammar::syntax::{
    named_value_len, Element, Expression, ExpressionKind, Part, Value,
};
use gatehouse_grammar::{Limits, Span};
use gatehouse_runtime::program::{Arg, CodeEntry, CodeId, StrId};

impl Builder<'_> {
    /// A value as an argument: its expression compiled, or its text interned.
    pub fn arg(&mut self, env: &ScopeEnv<'_>, site: &Site<'_>, v: &Value) -> Option<Arg> {
        if let Some(x) = v.expression() {
            return self.code(env, site, x).map(Arg::Expr);
        }
        Some(Arg::Lit(self.lit_value(env, site, v)))
    }

    /// The attribute `name` of `e` as an argument (`None`: absent or failed).
    pub fn attr(
        &mut self,
        env: &ScopeEnv<'_>,
        site: &Site<'_>,
        e: &Element,
        name: &str,
    ) -> Option<Arg> {
        let a = e.attribute(name)?;
        self.arg(env, site, &a.value)
    }

    /// The literal text of attribute `name`, named values substituted; an expression there
    /// is reported (gatehouse needs the value at build time) and yields `None`.
    pub fn literal_attr(
        &mut self,
        env: &ScopeEnv<'_>,
        site: &Site<'_>,
        e: &Element,
        name: &str,
    ) -> Option<String> {
        let a = e.attribute(name)?;
        if let Some(x) = a.value.expression() {
            let message = format!(
                "`{name}` of `{}` as an expression is not executed by gatehouse",
                e.name.text
            );
            self.error(
                site.file,
                super::NOT_EXECUTED,
                message,
                x.span,
                "write a literal value",
            );
            return None;
        }
        Some(self.text_of(env, &a.value))
    }

    /// The element's text content as an argument (empty text when it has none).
    pub fn content(&mut self, env: &ScopeEnv<'_>, site: &Site<'_>, e: &Element) -> Option<Arg> {
        let values: Vec<&Value> = e.text_values().collect();
        match values.as_slice() {
            [] => Some(Arg::Lit(self.intern(""))),
            [one] => self.arg(env, site, one),
            many => {
                if let Some(x) = many.iter().find_map(|v| v.expression()) {
                    return self.code(env, site, x).map(Arg::Expr);
                }
                let text: String = many.iter().map(|v| self.text_of(env, v)).collect();
                Some(Arg::Lit(self.intern(&text)))
            }
        }
    }

    fn lit_value(&mut self, env: &ScopeEnv<'_>, site: &Site<'_>, v: &Value) -> StrId {
        for p in &v.parts {
            if let Part::NamedValue(n) = p {
                if env.named.get(&n.name).is_none() {
                    let message = format!("named value `{{{{{}}}}}` is not declared", n.name);
                    self.error(
                        site.file,
                        "unknown-named-value",
                        message,
                        n.span,
                        "not declared",
                    );
                }
            }
        }
        let text = self.text_of(env, v);
        self.intern(&text)
    }

    /// A value's literal text: plain named values substituted, secrets kept as `{{name}}`
    /// (and recorded).
    pub fn text_of(&mut self, env: &ScopeEnv<'_>, v: &Value) -> String {
        let mut out = String::new();
        for p in &v.parts {
            match p {
                Part::Literal { text, .. } => out.push_str(text),
                Part::NamedValue(n) => match env.named.public_value(&n.name) {
                    Some(text) => out.push_str(text),
                    None => {
                        self.note_secret(env, &n.name);
                        out.push_str(&format!("{{{{{}}}}}", n.name));
                    }
                },
                Part::Expression(x) => out.push_str(&x.code),
            }
        }
        out
    }

    /// Free text (e.g. a backend credential) with plain named values substituted; secret
    /// references found in it are recorded.
    pub fn substitute_text(&mut self, env: &ScopeEnv<'_>, text: &str) -> StrId {
        let mut rest = text;
        while let Some(at) = rest.find("{{") {
            let tail = &rest[at..];
            match named_value_len(tail.as_bytes()) {
                Some(len) => {
                    self.note_secret(env, &tail[2..len - 2]);
                    rest = &tail[len..];
                }
                None => rest = &tail[2..],
            }
        }
        let out = env.named.substitute(text);
        self.intern(&out)
    }

    fn note_secret(&mut self, env: &ScopeEnv<'_>, name: &str) {
        if let Some(v) = env.named.get(name) {
            if v.secret || v.key_vault.is_some() {
                self.secret(env, name);
            }
        }
    }

    /// Compiles an expression region; failures are reported at the expression.
    pub fn code(&mut self, env: &ScopeEnv<'_>, site: &Site<'_>, x: &Expression) -> Option<CodeId> {
        for n in &x.named_values {
            if env.named.get(&n.name).is_none() {
                let message = format!("named value `{{{{{}}}}}` is not declared", n.name);
                self.error(
                    site.file,
                    "unknown-named-value",
                    message,
                    n.span,
                    "not declared",
                );
                return None;
            }
            self.note_secret(env, &n.name);
        }
        let text = if x.named_values.is_empty() {
            x.code.to_string()
        } else {
            env.named.substitute(&x.code)
        };
        let named = |name: &str| -> Option<String> {
            let v = env.named.get(name)?;
            if v.secret || v.key_vault.is_some() {
                return Some(format!("\"{{{{{name}}}}}\""));
            }
            v.value.clone()
        };
        let limits = Limits::default();
        let lowered = match x.kind {
            ExpressionKind::Inline => parse_expression(&text, &limits)
                .map_err(syntax_error)
                .and_then(|e| lower_expression(&e, &named)),
            ExpressionKind::Block => parse_block(&text, &limits)
                .map_err(syntax_error)
                .and_then(|b| lower_block(&b, &named)),
        };
        match lowered {
            Ok(code) => {
                let loc = self.loc(site, x.span.start);
                self.program.codes.push(CodeEntry { code, loc });
                Some(self.program.codes.len() as CodeId - 1)
            }
            Err(e) => {
                let span = if x.named_values.is_empty() {
                    x.map.span_to_file(e.span)
                } else {
                    x.span
                };
                let span = clamp(span, x.span);
                self.error(site.file, e.code, e.message, span, "cannot be compiled");
                None
            }
        }
    }

    /// A condition: an expression, or a literal `true`/`false` compiled as one.
    pub fn condition(
        &mut self,
        env: &ScopeEnv<'_>,
        site: &Site<'_>,
        v: &Value,
        at: Span,
    ) -> Option<CodeId> {
        if let Some(x) = v.expression() {
            return self.code(env, site, x);
        }
        let text = self.text_of(env, v);
        let t = text.trim();
        let value = match t {
            "true" | "True" => "true",
            "false" | "False" => "false",
            _ => {
                let message =
                    format!("`{t}` is not a condition (expected `true`, `false` or an expression)");
                self.error(
                    site.file,
                    "invalid-attribute-value",
                    message,
                    at,
                    "not a condition",
                );
                return None;
            }
        };
        let e = parse_expression(value, &Limits::default()).ok()?;
        let code = lower_expression(&e, &|_| None).ok()?;
        let loc = self.loc(site, at.start);
        self.program.codes.push(CodeEntry { code, loc });
        Some(self.program.codes.len() as CodeId - 1)
    }
}

fn syntax_error(e: gatehouse_grammar::expr::ExprError) -> LowerError {
    LowerError {
        code: e.code,
        message: e.message,
        span: e.span,
    }
}

/// A span kept inside `outer` (a bad mapping must not point elsewhere in the file).
fn clamp(span: Span, outer: Span) -> Span {
    if span.start >= outer.start && span.end <= outer.end {
        span
    } else {
        outer
    }
}
