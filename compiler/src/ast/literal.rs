//! Attribute literals read as their catalogue types: the one parser of attribute text.

use crate::diagnostic::did_you_mean;
use gatehouse_grammar::catalogue::{AttrType, TimeUnit};

/// A literal attribute value, read as its catalogue type.
#[derive(Clone, Debug, PartialEq)]
pub enum Lit {
    /// Text (strings, names, URLs, date-times), as written.
    Text(Box<str>),
    /// `true` / `false` (any casing, as .NET's `bool.Parse`).
    Bool(bool),
    /// A whole number (integers and durations, in the attribute's unit).
    Int(i64),
    /// A floating-point number.
    Number(f64),
    /// One of an enumeration's values, in the catalogue's spelling.
    Enum(&'static str),
}

impl Lit {
    /// The value as text, as the runtime's literal arguments carry it.
    pub fn text(&self) -> String {
        match self {
            Lit::Text(t) => t.to_string(),
            Lit::Bool(b) => b.to_string(),
            Lit::Int(n) => n.to_string(),
            Lit::Number(n) => n.to_string(),
            Lit::Enum(e) => (*e).to_string(),
        }
    }
}

/// Why a literal does not fit its type: the label under the value, and help.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
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

/// Reads a literal attribute value as its type: the one parser of attribute literals.
pub fn parse(value: &str, ty: &'static AttrType) -> Result<Lit, Problem> {
    let v = value.trim();
    match ty {
        AttrType::String | AttrType::Name(_) => Ok(Lit::Text(value.into())),
        AttrType::Bool if v.eq_ignore_ascii_case("true") => Ok(Lit::Bool(true)),
        AttrType::Bool if v.eq_ignore_ascii_case("false") => Ok(Lit::Bool(false)),
        AttrType::Bool => Err(Problem::new("`true` or `false`")),
        AttrType::Int { min, max } => int(v, *min, *max, "an integer"),
        AttrType::Duration { unit, min, max } => {
            let what = match unit {
                TimeUnit::Seconds => "a whole number of seconds",
                TimeUnit::Milliseconds => "a whole number of milliseconds",
            };
            int(v, *min, *max, what)
        }
        AttrType::Number => match v.parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(Lit::Number(n)),
            _ => Err(Problem::new("a number")),
        },
        AttrType::Url => url(v).map(|()| Lit::Text(v.into())),
        AttrType::DateTime => date_time(v).map(|()| Lit::Text(v.into())),
        AttrType::Enum(values) => one_of(v, values).map(Lit::Enum),
    }
}

fn int(v: &str, min: Option<i64>, max: Option<i64>, what: &str) -> Result<Lit, Problem> {
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
    Ok(Lit::Int(n))
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

fn one_of(v: &str, values: &'static [String]) -> Result<&'static str, Problem> {
    if let Some(x) = values.iter().find(|x| *x == v) {
        return Ok(x);
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
        expected: join_or(&listed),
        help: Some(help),
    })
}

/// `a`, `a or b`, `a, b or c`.
pub(crate) fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}
