//! APIM's Liquid filters under their C# names (`Upcase`, `Date`, …): the standard filters
//! renamed, `Date` with .NET formats, `Currency`, `H` and DotLiquid's `Capitalize`; each
//! call is a step of the budget and its result is bounded in size.

use super::budget;
use gatehouse_dotnet::datetime::DateTime;
use gatehouse_dotnet::{dtformat, dtparse, numfmt};
use liquid_core::model::{Value, ValueView};
use liquid_core::parser::{FilterArguments, ParameterReflection};
use liquid_core::{Expression, Filter, FilterReflection, Language, ParseFilter, Result, Runtime};
use liquid_lib::stdlib;
use std::fmt;

/// The filters APIM documents for `set-body` Liquid templates (C# naming).
pub const FILTERS: &[&str] = &[
    "Abs",
    "Append",
    "AtLeast",
    "AtMost",
    "Capitalize",
    "Compact",
    "Currency",
    "Date",
    "Default",
    "DividedBy",
    "Downcase",
    "Escape",
    "First",
    "H",
    "Join",
    "Last",
    "Lstrip",
    "Map",
    "Minus",
    "Modulo",
    "NewlineToBr",
    "Plus",
    "Prepend",
    "Remove",
    "RemoveFirst",
    "Replace",
    "ReplaceFirst",
    "Round",
    "Rstrip",
    "Size",
    "Slice",
    "Sort",
    "Split",
    "Strip",
    "StripHtml",
    "StripNewlines",
    "Times",
    "Truncate",
    "TruncateWords",
    "Uniq",
    "Upcase",
    "UrlDecode",
    "UrlEncode",
];

/// Registers every filter of [`FILTERS`], and `unknown` names as pass-through filters.
pub(super) fn register(lang: &mut Language, unknown: &[String]) {
    let standard: Vec<(&'static str, Box<dyn ParseFilter>)> = vec![
        ("Abs", Box::new(stdlib::Abs)),
        ("Append", Box::new(stdlib::Append)),
        ("AtLeast", Box::new(stdlib::AtLeast)),
        ("AtMost", Box::new(stdlib::AtMost)),
        ("Compact", Box::new(stdlib::Compact)),
        ("Default", Box::new(stdlib::Default)),
        ("DividedBy", Box::new(stdlib::DividedBy)),
        ("Downcase", Box::new(stdlib::Downcase)),
        ("Escape", Box::new(stdlib::Escape)),
        ("H", Box::new(stdlib::Escape)),
        ("First", Box::new(stdlib::First)),
        ("Join", Box::new(stdlib::Join)),
        ("Last", Box::new(stdlib::Last)),
        ("Lstrip", Box::new(stdlib::Lstrip)),
        ("Map", Box::new(stdlib::Map)),
        ("Minus", Box::new(stdlib::Minus)),
        ("Modulo", Box::new(stdlib::Modulo)),
        ("NewlineToBr", Box::new(stdlib::NewlineToBr)),
        ("Plus", Box::new(stdlib::Plus)),
        ("Prepend", Box::new(stdlib::Prepend)),
        ("Remove", Box::new(stdlib::Remove)),
        ("RemoveFirst", Box::new(stdlib::RemoveFirst)),
        ("Replace", Box::new(stdlib::Replace)),
        ("ReplaceFirst", Box::new(stdlib::ReplaceFirst)),
        ("Round", Box::new(stdlib::Round)),
        ("Rstrip", Box::new(stdlib::Rstrip)),
        ("Size", Box::new(stdlib::Size)),
        ("Slice", Box::new(stdlib::Slice)),
        ("Sort", Box::new(stdlib::Sort)),
        ("Split", Box::new(stdlib::Split)),
        ("Strip", Box::new(stdlib::Strip)),
        ("StripHtml", Box::new(stdlib::StripHtml)),
        ("StripNewlines", Box::new(stdlib::StripNewlines)),
        ("Times", Box::new(stdlib::Times)),
        ("Truncate", Box::new(stdlib::Truncate)),
        ("TruncateWords", Box::new(stdlib::TruncateWords)),
        ("Uniq", Box::new(stdlib::Uniq)),
        ("Upcase", Box::new(stdlib::Upcase)),
        ("UrlDecode", Box::new(stdlib::UrlDecode)),
        ("UrlEncode", Box::new(Own(Kind::UrlEncode))),
        ("Capitalize", Box::new(Own(Kind::Capitalize))),
        ("Currency", Box::new(Own(Kind::Currency))),
        ("Date", Box::new(Own(Kind::Date))),
    ];
    let unknown = unknown.iter().map(|n| {
        (
            n.as_str(),
            Box::new(Own(Kind::PassThrough)) as Box<dyn ParseFilter>,
        )
    });
    for (name, inner) in standard.into_iter().chain(unknown) {
        let named = Named {
            name: name.to_string(),
            inner,
        };
        lang.filters.register(name.to_string(), Box::new(named));
    }
}

/// A filter registered under APIM's name, each call charged and its result bounded.
#[derive(Clone)]
struct Named {
    name: String,
    inner: Box<dyn ParseFilter>,
}

impl FilterReflection for Named {
    fn name(&self) -> &str {
        &self.name
    }
    fn description(&self) -> &str {
        self.inner.reflection().description()
    }
    fn positional_parameters(&self) -> &'static [ParameterReflection] {
        self.inner.reflection().positional_parameters()
    }
    fn keyword_parameters(&self) -> &'static [ParameterReflection] {
        self.inner.reflection().keyword_parameters()
    }
}

impl ParseFilter for Named {
    fn parse(&self, arguments: FilterArguments<'_>) -> Result<Box<dyn Filter>> {
        Ok(Box::new(Charged {
            name: self.name.clone(),
            inner: self.inner.parse(arguments)?,
        }))
    }
    fn reflection(&self) -> &dyn FilterReflection {
        self
    }
}

/// One filter call in a template.
#[derive(Debug)]
struct Charged {
    name: String,
    inner: Box<dyn Filter>,
}

impl fmt::Display for Charged {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl Filter for Charged {
    fn evaluate(&self, input: &dyn ValueView, runtime: &dyn Runtime) -> Result<Value> {
        budget::step()?;
        let v = self.inner.evaluate(input, runtime)?;
        match &v {
            Value::Scalar(s) => budget::size(s.to_kstr().len())?,
            Value::Array(a) => budget::size(a.len())?,
            _ => {}
        }
        Ok(v)
    }
}

/// The filters written here.
#[derive(Clone, Copy, Debug)]
enum Kind {
    /// DotLiquid's `Capitalize`: the first letter of every word upper-cased.
    Capitalize,
    /// `Currency`: a number as en-US currency (`$1,234.50`); other input unchanged.
    Currency,
    /// `Date: "format"`: a date (or `now`/`today`) formatted with .NET's format strings.
    Date,
    /// `UrlEncode`: .NET's `WebUtility.UrlEncode` (space as `+`).
    UrlEncode,
    /// A filter APIM does not know: DotLiquid leaves the input as it is.
    PassThrough,
}

/// A [`Kind`] as a parse-time filter.
#[derive(Clone, Copy, Debug)]
struct Own(Kind);

impl FilterReflection for Own {
    fn name(&self) -> &str {
        "own"
    }
    fn description(&self) -> &str {
        "an APIM filter"
    }
    fn positional_parameters(&self) -> &'static [ParameterReflection] {
        &[]
    }
    fn keyword_parameters(&self) -> &'static [ParameterReflection] {
        &[]
    }
}

impl ParseFilter for Own {
    fn parse(&self, arguments: FilterArguments<'_>) -> Result<Box<dyn Filter>> {
        let args: Vec<Expression> = arguments.positional.collect();
        Ok(Box::new(OwnCall { kind: self.0, args }))
    }
    fn reflection(&self) -> &dyn FilterReflection {
        self
    }
}

/// A call of one of the filters written here.
#[derive(Debug)]
struct OwnCall {
    kind: Kind,
    args: Vec<Expression>,
}

impl fmt::Display for OwnCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.kind)
    }
}

impl Filter for OwnCall {
    fn evaluate(&self, input: &dyn ValueView, runtime: &dyn Runtime) -> Result<Value> {
        let arg = |i: usize| -> Result<Option<String>> {
            match self.args.get(i) {
                Some(e) => Ok(Some(e.evaluate(runtime)?.to_kstr().to_string())),
                None => Ok(None),
            }
        };
        Ok(match self.kind {
            Kind::PassThrough => input.to_value(),
            Kind::Capitalize => Value::scalar(capitalize(&input.to_kstr())),
            Kind::UrlEncode => Value::scalar(url_encode(&input.to_kstr())),
            Kind::Currency => currency(input),
            Kind::Date => date(input, arg(0)?.as_deref()),
        })
    }
}

/// The first letter of every word upper-cased.
fn capitalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if start && c.is_alphanumeric() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = !c.is_alphanumeric();
    }
    out
}

/// `WebUtility.UrlEncode`: letters, digits and `-_.!*()` kept, space as `+`, the rest as
/// `%XX` of its UTF-8 bytes (upper-case hexadecimal).
fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'a'..=b'z'
            | b'A'..=b'Z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'!'
            | b'*'
            | b'('
            | b')' => out.push(b as char),
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A number as en-US currency; anything else unchanged.
fn currency(input: &dyn ValueView) -> Value {
    let n = input
        .as_scalar()
        .and_then(|s| s.to_float().or_else(|| s.to_kstr().trim().parse().ok()));
    match n.and_then(|n| numfmt::format_f64(n, "C").ok()) {
        Some(text) => Value::scalar(text.replace('¤', "$")),
        None => input.to_value(),
    }
}

/// DotLiquid's `Date` in C# mode: no format → the input as text; `now`/`today` → the
/// current time; text .NET's `DateTime.TryParse` reads → formatted with `format`; else the
/// input unchanged.
fn date(input: &dyn ValueView, format: Option<&str>) -> Value {
    if input.is_nil() {
        return Value::Nil;
    }
    let text = input.to_kstr();
    let Some(format) = format.filter(|f| !f.trim().is_empty()) else {
        return Value::scalar(text.to_string());
    };
    let now = DateTime::utc_now();
    let when = match text.trim().to_ascii_lowercase().as_str() {
        "now" => Some(now),
        "today" => Some(now.date()),
        _ => dtparse::try_parse(&text, now.date()),
    };
    match when.and_then(|d| dtformat::format_datetime(d, format).ok()) {
        Some(s) => Value::scalar(s),
        None => input.to_value(),
    }
}
