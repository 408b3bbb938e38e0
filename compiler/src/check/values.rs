//! Attribute values against their catalogue types, and expressions where none are allowed.

use super::walk::{self, At, Visitor};
use super::Context;
use crate::diagnostic::did_you_mean;
use crate::Diagnostic;
use gatehouse_grammar::catalogue::{AttrType, AttributeSpec, Content, ElementSpec, ExprAllowed};
use gatehouse_grammar::syntax::{Attribute, Document, Element};

/// Runs the value checks over a document.
pub(super) fn document(cx: &mut Context<'_>, doc: &Document) {
    walk::document(cx, doc, &mut Values);
}

struct Values;

impl Visitor<'_> for Values {
    fn element(&mut self, cx: &mut Context<'_>, e: &Element, spec: &ElementSpec, _at: At) {
        for a in &e.attributes {
            if let Some(want) = spec.attribute(&a.name.text) {
                attribute(cx, e, a, want);
            }
        }
        if let Content::Text {
            expressions: ExprAllowed::No,
        } = spec.content
        {
            text(cx, e);
        }
    }
}

fn attribute(cx: &mut Context<'_>, e: &Element, a: &Attribute, want: &AttributeSpec) {
    if let Some(x) = a.value.expression() {
        if want.expressions == ExprAllowed::No {
            cx.report(
                Diagnostic::error(
                    cx.file,
                    "expression-not-allowed",
                    format!(
                        "`{}` of `<{}>` cannot be a policy expression",
                        a.name.text, e.name.text
                    ),
                    x.span,
                    "expression here",
                )
                .with_help(format!(
                    "write a literal value: APIM does not evaluate expressions in `{}`",
                    a.name.text
                )),
            );
        }
        return;
    }
    let Some(literal) = a.value.as_literal() else {
        return; // named values are substituted later and checked once resolved
    };
    if let Err(problem) = check(&literal, &want.ty) {
        let help = problem
            .help
            .unwrap_or_else(|| format!("`{}` takes {}", a.name.text, problem.expected));
        cx.report(
            Diagnostic::warning(
                cx.file,
                "invalid-attribute-value",
                format!(
                    "`{literal}` is not a valid value for `{}` of `<{}>`",
                    a.name.text, e.name.text
                ),
                a.value.span,
                format!("expected {}", problem.expected),
            )
            .with_help(help),
        );
    }
}

fn text(cx: &mut Context<'_>, e: &Element) {
    for v in e.text_values() {
        if let Some(x) = v.expression() {
            cx.report(
                Diagnostic::error(
                    cx.file,
                    "expression-not-allowed",
                    format!(
                        "the content of `<{}>` cannot be a policy expression",
                        e.name.text
                    ),
                    x.span,
                    "expression here",
                )
                .with_help("write a literal value"),
            );
        }
    }
}

/// Why a literal does not fit its type: the label under the value, and help.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Problem {
    /// What was expected, e.g. "`true` or `false`".
    pub expected: String,
    /// A suggestion, if there is one.
    pub help: Option<String>,
}

impl Problem {
    fn new(expected: impl Into<String>) -> Self {
        Problem {
            expected: expected.into(),
            help: None,
        }
    }
}

/// Checks a literal attribute value against its type.
pub(crate) fn check(value: &str, ty: &AttrType) -> Result<(), Problem> {
    let v = value.trim();
    match ty {
        AttrType::String | AttrType::Name(_) => Ok(()),
        AttrType::Bool if v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false") => {
            Ok(())
        }
        AttrType::Bool => Err(Problem::new("`true` or `false`")),
        AttrType::Int { min, max } => int(v, *min, *max, "an integer"),
        AttrType::Duration { unit, min, max } => {
            let what = match unit {
                gatehouse_grammar::catalogue::TimeUnit::Seconds => "a whole number of seconds",
                gatehouse_grammar::catalogue::TimeUnit::Milliseconds => {
                    "a whole number of milliseconds"
                }
            };
            int(v, *min, *max, what)
        }
        AttrType::Number if v.parse::<f64>().is_ok_and(f64::is_finite) => Ok(()),
        AttrType::Number => Err(Problem::new("a number")),
        AttrType::Url => url(v),
        AttrType::DateTime => date_time(v),
        AttrType::Enum(values) => one_of(v, values),
    }
}

fn int(v: &str, min: Option<i64>, max: Option<i64>, what: &str) -> Result<(), Problem> {
    let range = match (min, max) {
        (Some(lo), Some(hi)) => format!("{what} from {lo} to {hi}"),
        (Some(lo), None) => format!("{what}, at least {lo}"),
        (None, Some(hi)) => format!("{what}, at most {hi}"),
        (None, None) => what.to_string(),
    };
    let Ok(n) = v.parse::<i64>() else {
        return Err(Problem::new(range));
    };
    if min.is_some_and(|lo| n < lo) || max.is_some_and(|hi| n > hi) {
        return Err(Problem::new(range));
    }
    Ok(())
}

fn url(v: &str) -> Result<(), Problem> {
    let rest = ["http://", "https://"].iter().find_map(|scheme| {
        v.get(..scheme.len())
            .filter(|p| p.eq_ignore_ascii_case(scheme))
            .map(|_| &v[scheme.len()..])
    });
    match rest {
        Some(rest)
            if !rest.is_empty()
                && !rest.starts_with('/')
                && !rest.contains(char::is_whitespace) =>
        {
            Ok(())
        }
        Some(_) => Err(Problem::new("a host after the scheme")),
        None => Err(Problem {
            expected: "an absolute `http://` or `https://` URL".to_string(),
            help: Some(format!("e.g. `https://{}`", v.trim_start_matches('/'))),
        }),
    }
}

fn date_time(v: &str) -> Result<(), Problem> {
    let b = v.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    let ok = digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10);
    if ok {
        Ok(())
    } else {
        Err(Problem::new(
            "an ISO 8601 date-time such as `2024-01-31T00:00:00Z`",
        ))
    }
}

fn one_of(v: &str, values: &[String]) -> Result<(), Problem> {
    if values.iter().any(|x| x == v) {
        return Ok(());
    }
    let listed: Vec<String> = values.iter().map(|x| format!("`{x}`")).collect();
    let help = values
        .iter()
        .find(|x| x.eq_ignore_ascii_case(v))
        .map(String::as_str)
        .or_else(|| did_you_mean(v, values.iter().map(String::as_str)))
        .map(|s| format!("did you mean `{s}`?"))
        .unwrap_or_else(|| format!("use one of {}", listed.join(", ")));
    Err(Problem {
        expected: super::placement::join_or(&listed),
        help: Some(help),
    })
}

#[cfg(test)]
mod tests;
