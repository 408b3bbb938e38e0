//! Newtonsoft.Json output: `JToken.ToString(Formatting)`, `JsonConvert.SerializeObject` of primitives.
//!
//! Indented output uses two spaces and `"name": value`; the line break is `\r\n` by default
//! (`Environment.NewLine` on the Windows-hosted managed gateway) and can be set to `\n`.

use super::datetime::DateTimeKind;
use super::dtformat::format_datetime;
use super::json::JToken;
use super::numfmt::format_f64;

/// `Formatting` and the line break to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Formatting {
    /// `Formatting.None`: compact.
    None,
    /// `Formatting.Indented` with the given line break (`"\r\n"` or `"\n"`).
    Indented(&'static str),
}

impl Formatting {
    /// `Formatting.Indented` with `\r\n`, as `JToken.ToString()` on the managed (Windows) gateway.
    pub const INDENTED: Formatting = Formatting::Indented("\r\n");
}

/// Writes `s` as a JSON string literal with Newtonsoft's default escaping.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}') => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Newtonsoft's double text: `R` format, with `.0` added to integral values.
pub fn float_text(v: f64) -> String {
    if !v.is_finite() {
        return quote(&format_f64(v, "R").unwrap_or_default());
    }
    let t = format_f64(v, "R").unwrap_or_default();
    if t.contains(['.', 'E', 'e']) {
        t
    } else {
        format!("{t}.0")
    }
}

/// Newtonsoft's ISO date text: `yyyy-MM-ddTHH:mm:ss.FFFFFFFK`.
pub fn date_text(dt: super::datetime::DateTime) -> String {
    let base = format_datetime(dt, "yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFF").unwrap_or_default();
    let suffix = match dt.kind() {
        DateTimeKind::Utc => "Z",
        DateTimeKind::Local => "+00:00",
        DateTimeKind::Unspecified => "",
    };
    format!("{base}{suffix}")
}

/// The JSON text of a token.
pub fn write(token: &JToken, fmt: Formatting) -> String {
    let mut out = String::new();
    write_into(&mut out, token, fmt, 0);
    out
}

/// Appends a line break and indentation for `depth`.
fn newline(out: &mut String, nl: &str, depth: usize) {
    out.push_str(nl);
    out.extend(std::iter::repeat_n(' ', depth * 2));
}

/// Recursive writer.
fn write_into(out: &mut String, token: &JToken, fmt: Formatting, depth: usize) {
    match token {
        JToken::Null => out.push_str("null"),
        JToken::Boolean(b) => out.push_str(if *b { "true" } else { "false" }),
        JToken::Integer(i) => out.push_str(&i.to_string()),
        JToken::Float(f) => out.push_str(&float_text(*f)),
        JToken::String(s) => out.push_str(&quote(s)),
        JToken::Date(d) => out.push_str(&quote(&date_text(*d))),
        JToken::Array(items) if items.is_empty() => out.push_str("[]"),
        JToken::Object(map) if map.is_empty() => out.push_str("{}"),
        JToken::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if let Formatting::Indented(nl) = fmt {
                    newline(out, nl, depth + 1);
                }
                write_into(out, item, fmt, depth + 1);
            }
            if let Formatting::Indented(nl) = fmt {
                newline(out, nl, depth);
            }
            out.push(']');
        }
        JToken::Object(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if let Formatting::Indented(nl) = fmt {
                    newline(out, nl, depth + 1);
                }
                out.push_str(&quote(k));
                out.push(':');
                if matches!(fmt, Formatting::Indented(_)) {
                    out.push(' ');
                }
                write_into(out, v, fmt, depth + 1);
            }
            if let Formatting::Indented(nl) = fmt {
                newline(out, nl, depth);
            }
            out.push('}');
        }
    }
}
