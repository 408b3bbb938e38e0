//! Attribute values and text to [`Arg`]s: literal text with named values substituted, or
//! compiled expressions. Secret named values stay `{{name}}` and are listed as secrets.

use super::{Builder, ScopeEnv, Site, NOT_EXECUTED};
use crate::ast::{self, Lit};
use crate::diagnostic::codes;
use crate::lower::{lower_block, lower_expression, LowerError};
use gatehouse_grammar::catalogue::AttrType;
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
        Some(Arg::Lit(self.lit_value(env, v)))
    }

    /// The attribute `name` of `e` as an argument: `Ok(None)` when absent; `Err` when it
    /// cannot be lowered (reported by the checks, or here).
    pub fn attr(
        &mut self,
        env: &ScopeEnv<'_>,
        site: &Site<'_>,
        e: &Element,
        name: &str,
    ) -> Result<Option<Arg>, Reported> {
        let Some(a) = e.attribute(name) else {
            return Ok(None);
        };
        let Some(typed) = site.typed.get(e).and_then(|t| t.attr(name)) else {
            return self.arg(env, site, &a.value).map(Some).ok_or(Reported);
        };
        match &typed.value {
            ast::Value::Lit(l) => Ok(Some(Arg::Lit(self.intern(&l.text())))),
            ast::Value::Expression => self.arg(env, site, &a.value).map(Some).ok_or(Reported),
            ast::Value::Template => {
                let text = self.text_of(env, &a.value);
                let secret = has_secret(env, &a.value);
                self.substituted(site, e, typed, &text, secret)?;
                Ok(Some(Arg::Lit(self.intern(&text))))
            }
            ast::Value::Invalid(..) | ast::Value::ExpressionNotAllowed(_) => Err(Reported),
        }
    }

    /// The attribute `name` of `e` as a literal of its type, which gatehouse needs at build
    /// time: `Ok(None)` when absent; an expression is reported as not executed.
    pub fn lit(
        &mut self,
        env: &ScopeEnv<'_>,
        site: &Site<'_>,
        e: &Element,
        name: &str,
    ) -> Result<Option<Lit>, Reported> {
        let Some(a) = e.attribute(name) else {
            return Ok(None);
        };
        let Some(typed) = site.typed.get(e).and_then(|t| t.attr(name)) else {
            return Ok(Some(Lit::Text(self.text_of(env, &a.value).into())));
        };
        match &typed.value {
            ast::Value::Lit(l) => Ok(Some(l.clone())),
            ast::Value::Template => {
                let text = self.text_of(env, &a.value);
                let secret = has_secret(env, &a.value);
                self.substituted(site, e, typed, &text, secret).map(Some)
            }
            ast::Value::Expression => {
                let span = a.value.expression().map_or(a.span, |x| x.span);
                let message = format!(
                    "`{name}` of `{}` as an expression is not executed by gatehouse",
                    e.name.text
                );
                self.error(
                    site.file,
                    NOT_EXECUTED,
                    message,
                    span,
                    "write a literal value",
                );
                Err(Reported)
            }
            ast::Value::Invalid(..) | ast::Value::ExpressionNotAllowed(_) => Err(Reported),
        }
    }

    /// A literal attribute's text (strings, names, enumerations): `Ok(None)` when absent.
    pub fn text_attr(
        &mut self,
        env: &ScopeEnv<'_>,
        site: &Site<'_>,
        e: &Element,
        name: &str,
    ) -> Result<Option<String>, Reported> {
        Ok(self.lit(env, site, e, name)?.map(|l| l.text()))
    }

    /// A literal boolean attribute, `default` when absent.
    pub fn flag(
        &mut self,
        env: &ScopeEnv<'_>,
        site: &Site<'_>,
        e: &Element,
        name: &str,
        default: bool,
    ) -> Result<bool, Reported> {
        match self.lit(env, site, e, name)? {
            None => Ok(default),
            Some(Lit::Bool(b)) => Ok(b),
            Some(other) => Ok(other.text().trim().eq_ignore_ascii_case("true")),
        }
    }

    /// A literal whole-number attribute (`Ok(None)` when absent).
    pub fn int_attr(
        &mut self,
        env: &ScopeEnv<'_>,
        site: &Site<'_>,
        e: &Element,
        name: &str,
    ) -> Result<Option<i64>, Reported> {
        match self.lit(env, site, e, name)? {
            None => Ok(None),
            Some(Lit::Int(n)) => Ok(Some(n)),
            Some(other) => other.text().trim().parse().map(Some).map_err(|_| Reported),
        }
    }

    /// Text with named values substituted, read as the attribute's type; a value that does
    /// not fit is an error here (the checks saw only the `{{name}}`). A secret's value is
    /// not known before the gateway loads, so its text is kept unread.
    fn substituted(
        &mut self,
        site: &Site<'_>,
        e: &Element,
        typed: &ast::Attr,
        text: &str,
        secret: bool,
    ) -> Result<Lit, Reported> {
        if text.contains("{{") {
            // A secret's value is not known before the gateway loads it: as text (URLs
            // included) it is filled in then; where a number, flag, enumeration or date
            // belongs it could not be checked, and a value that does not fit would surface
            // in an error message. Refused there. (A `{{name}}` left because nothing
            // declares it is reported by the reference checks.)
            let text_like = matches!(
                typed.spec.ty,
                AttrType::String | AttrType::Name(_) | AttrType::Url
            );
            if text_like || !secret {
                return Ok(Lit::Text(text.into()));
            }
            let message = format!(
                "`{}` of `<{}>` must be checked at build time, but a secret named value is only known when the gateway loads it",
                typed.spec.name, e.name.text
            );
            self.diagnostics.push(
                crate::Diagnostic::error(
                    site.file,
                    codes::INVALID_ATTRIBUTE_VALUE,
                    message,
                    typed.value_span,
                    "a secret here",
                )
                .with_help("use a plain named value here, or an expression"),
            );
            return Err(Reported);
        }
        ast::literal::parse(text, &typed.spec.ty).map_err(|problem| {
            let message = format!(
                "the named values of `{}` of `<{}>` give `{text}`, which is not {}",
                typed.spec.name, e.name.text, problem.expected
            );
            self.error(
                site.file,
                codes::INVALID_ATTRIBUTE_VALUE,
                message,
                typed.value_span,
                "after substitution",
            );
            Reported
        })
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

    fn lit_value(&mut self, env: &ScopeEnv<'_>, v: &Value) -> StrId {
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
            env.named.get(&n.name)?; // an undeclared one is reported by the reference checks
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
        e: &Element,
        name: &str,
    ) -> Result<Option<CodeId>, Reported> {
        let Some(a) = e.attribute(name) else {
            return Ok(None);
        };
        if let Some(x) = a.value.expression() {
            return self.code(env, site, x).map(Some).ok_or(Reported);
        }
        let value = match self.lit(env, site, e, name)? {
            Some(Lit::Bool(b)) => b,
            Some(other) => match other.text().trim().to_ascii_lowercase().as_str() {
                "true" => true,
                "false" => false,
                _ => return Err(Reported),
            },
            None => return Ok(None),
        };
        let text = if value { "true" } else { "false" };
        let parsed = parse_expression(text, &Limits::default()).map_err(|_| Reported)?;
        let code = lower_expression(&parsed, &|_| None).map_err(|_| Reported)?;
        let loc = self.loc(site, a.span.start);
        self.program.codes.push(CodeEntry { code, loc });
        Ok(Some(self.program.codes.len() as CodeId - 1))
    }
}

fn syntax_error(e: gatehouse_grammar::expr::ExprError) -> LowerError {
    LowerError {
        code: e.code,
        message: e.message,
        span: e.span,
    }
}

/// Whether `v` names a secret (or Key Vault) named value.
fn has_secret(env: &ScopeEnv<'_>, v: &Value) -> bool {
    v.parts.iter().any(|p| match p {
        Part::NamedValue(n) => env
            .named
            .get(&n.name)
            .is_some_and(|nv| nv.secret || nv.key_vault.is_some()),
        _ => false,
    })
}

/// A lowering step that failed; what went wrong is already reported.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Reported;

/// A span kept inside `outer` (a bad mapping must not point elsewhere in the file).
fn clamp(span: Span, outer: Span) -> Span {
    if span.start >= outer.start && span.end <= outer.end {
        span
    } else {
        outer
    }
}
