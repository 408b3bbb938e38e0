//! `JToken.Parse`/`JObject.Parse`/`JArray.Parse` with Newtonsoft's leniency: comments, single quotes,
//! unquoted property names, trailing commas, `NaN`/`Infinity`, and ISO dates read as dates.
//! Errors are `JsonReaderException`s with Newtonsoft's `Path '…', line L, position P.` suffix.

use super::datetime::DateTimeKind;
use super::dtexact::parse_exact;
use super::error::{DResult, DotnetError, ExceptionKind};
use super::json::JToken;
use indexmap::IndexMap;

/// Path segments of the value being read.
#[derive(Debug, Clone)]
enum Seg {
    Name(String),
    Index(usize),
}

/// The reader state.
struct Reader<'a> {
    c: &'a [char],
    pos: usize,
    path: Vec<Seg>,
    /// Whether ISO 8601 strings are read as dates (`DateParseHandling.DateTime`).
    dates: bool,
}

/// Json.NET's default `MaxDepth`: containers nested deeper are refused.
pub const MAX_DEPTH: usize = 64;

/// Renders a Newtonsoft path (`a.b[0]`, `['x y']`).
fn render_path(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Name(n) if !n.is_empty() && n.chars().all(|c| c.is_alphanumeric() || c == '_') => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(n);
            }
            Seg::Name(n) => out.push_str(&format!("['{}']", n.replace('\'', "\\'"))),
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

impl Reader<'_> {
    /// A `JsonReaderException` at the current position.
    fn err(&self, msg: &str) -> DotnetError {
        let consumed = &self.c[..self.pos.min(self.c.len())];
        let line = consumed.iter().filter(|&&c| c == '\n').count() + 1;
        let col = consumed.iter().rev().take_while(|&&c| c != '\n').count();
        DotnetError::new(
            ExceptionKind::JsonReader,
            format!(
                "{msg} Path '{}', line {line}, position {col}.",
                render_path(&self.path)
            ),
        )
    }

    /// The next char, without consuming it.
    fn peek(&self) -> Option<char> {
        self.c.get(self.pos).copied()
    }

    /// Skips whitespace and comments.
    fn skip(&mut self) -> DResult<()> {
        loop {
            match (self.peek(), self.c.get(self.pos + 1)) {
                (Some(c), _) if c.is_whitespace() => self.pos += 1,
                (Some('/'), Some('/')) => {
                    while self.peek().is_some_and(|c| c != '\n') {
                        self.pos += 1;
                    }
                }
                (Some('/'), Some('*')) => {
                    self.pos += 2;
                    while !(self.peek() == Some('*') && self.c.get(self.pos + 1) == Some(&'/')) {
                        if self.peek().is_none() {
                            return Err(self.err("Unexpected end while parsing comment."));
                        }
                        self.pos += 1;
                    }
                    self.pos += 2;
                }
                _ => return Ok(()),
            }
        }
    }

    /// Reads any value.
    fn value(&mut self) -> DResult<JToken> {
        self.skip()?;
        let Some(c) = self.peek() else {
            return Err(self.err("Unexpected end when reading JSON."));
        };
        match c {
            '{' | '[' if self.path.len() >= MAX_DEPTH => Err(self.err(&format!(
                "The reader's MaxDepth of {MAX_DEPTH} has been exceeded."
            ))),
            '{' => self.object(),
            '[' => self.array(),
            '"' | '\'' => {
                self.pos += 1;
                let s = self.string(c)?;
                Ok(if self.dates {
                    date_or_string(s)
                } else {
                    JToken::String(s)
                })
            }
            '-' | '0'..='9' | '.' => self.number(),
            _ if c.is_alphabetic() => self.word(),
            _ => Err(self.err(&format!(
                "Unexpected character encountered while parsing value: {c}."
            ))),
        }
    }

    /// Reads `true`, `false`, `null`, `undefined`, `NaN`, `Infinity`.
    fn word(&mut self) -> DResult<JToken> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_alphanumeric()) {
            self.pos += 1;
        }
        let w: String = self.c[start..self.pos].iter().collect();
        Ok(match w.as_str() {
            "true" => JToken::Boolean(true),
            "false" => JToken::Boolean(false),
            "null" | "undefined" => JToken::Null,
            "NaN" => JToken::Float(f64::NAN),
            "Infinity" => JToken::Float(f64::INFINITY),
            _ => {
                let msg = match w.chars().next() {
                    Some('t' | 'f') => "Error parsing boolean value.".to_string(),
                    Some('n') => "Error parsing null value.".to_string(),
                    Some('u') => "Error parsing undefined value.".to_string(),
                    _ => {
                        self.pos = start;
                        format!(
                            "Unexpected character encountered while parsing value: {}.",
                            self.c[start]
                        )
                    }
                };
                return Err(self.err(&msg));
            }
        })
    }

    /// Reads a number: `long` when integral and in range, else `double`.
    fn number(&mut self) -> DResult<JToken> {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '+' | '.'))
        {
            self.pos += 1;
        }
        let text: String = self.c[start..self.pos].iter().collect();
        if text == "-Infinity" {
            return Ok(JToken::Float(f64::NEG_INFINITY));
        }
        let is_float = text.contains(['.', 'e', 'E']);
        if !is_float {
            if let Ok(i) = text.parse::<i64>() {
                return Ok(JToken::Integer(i));
            }
        }
        let valid = text
            .bytes()
            .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
            && text.bytes().any(|b| b.is_ascii_digit());
        match text.parse::<f64>() {
            Ok(f) if valid => Ok(JToken::Float(f)),
            _ => Err(self.err(&format!("Input string '{text}' is not a valid number."))),
        }
    }

    /// Reads a string body after its opening quote.
    fn string(&mut self, quote: char) -> DResult<String> {
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.err(&format!(
                    "Unterminated string. Expected delimiter: {quote}."
                )));
            };
            self.pos += 1;
            match c {
                _ if c == quote => return Ok(out),
                '\\' => out.push(self.escape()?),
                c => out.push(c),
            }
        }
    }

    /// Reads one escape after `\`.
    fn escape(&mut self) -> DResult<char> {
        let Some(c) = self.peek() else {
            return Err(self.err("Unterminated string. Expected delimiter: \"."));
        };
        self.pos += 1;
        Ok(match c {
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'u' => return self.unicode(),
            '"' | '\'' | '\\' | '/' => c,
            _ => return Err(self.err(&format!("Bad JSON escape sequence: \\{c}."))),
        })
    }

    /// Reads `XXXX` (and a following low surrogate escape) after `\u`.
    fn unicode(&mut self) -> DResult<char> {
        let hex = |r: &mut Self| -> DResult<u32> {
            let text: String = r.c.iter().skip(r.pos).take(4).collect();
            let v = u32::from_str_radix(&text, 16)
                .ok()
                .filter(|_| text.len() == 4);
            r.pos += 4;
            v.ok_or_else(|| r.err(&format!("Invalid Unicode escape sequence: \\u{text}.")))
        };
        let hi = hex(self)?;
        if (0xD800..0xDC00).contains(&hi)
            && self.peek() == Some('\\')
            && self.c.get(self.pos + 1) == Some(&'u')
        {
            self.pos += 2;
            let lo = hex(self)?;
            let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo.wrapping_sub(0xDC00) & 0x3FF);
            return Ok(char::from_u32(cp).unwrap_or('\u{FFFD}'));
        }
        Ok(char::from_u32(hi).unwrap_or('\u{FFFD}'))
    }

    /// Reads a property name: quoted or bare.
    fn name(&mut self) -> DResult<String> {
        match self.peek() {
            Some(q @ ('"' | '\'')) => {
                self.pos += 1;
                self.string(q)
            }
            Some(c) if c.is_alphanumeric() || c == '_' || c == '$' => {
                let start = self.pos;
                while self
                    .peek()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$')
                {
                    self.pos += 1;
                }
                Ok(self.c[start..self.pos].iter().collect())
            }
            Some(c) => Err(self.err(&format!("Invalid property identifier character: {c}."))),
            None => Err(self.err("Unexpected end while parsing unquoted property name.")),
        }
    }

    /// Reads an object after `{` (trailing commas allowed; a repeated name replaces the value).
    fn object(&mut self) -> DResult<JToken> {
        self.pos += 1;
        let mut map = IndexMap::new();
        loop {
            self.skip()?;
            match self.peek() {
                Some('}') => {
                    self.pos += 1;
                    return Ok(JToken::Object(map));
                }
                None => return Err(self.err("Unexpected end when reading JSON.")),
                _ => {}
            }
            let name = self.name()?;
            self.skip()?;
            if let Some(c) = self.peek().filter(|&c| c != ':') {
                return Err(self.err(&format!(
                    "Invalid character after parsing property name. Expected ':' but got: {c}."
                )));
            }
            if self.peek().is_none() {
                return Err(self.err("Unexpected end when reading JSON."));
            }
            self.pos += 1;
            self.path.push(Seg::Name(name.clone()));
            let v = self.value()?;
            map.insert(name, v);
            self.after_item('}')?;
            self.path.pop();
        }
    }

    /// Reads an array after `[`.
    fn array(&mut self) -> DResult<JToken> {
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.skip()?;
            match self.peek() {
                Some(']') => {
                    self.pos += 1;
                    return Ok(JToken::Array(items));
                }
                None => return Err(self.err("Unexpected end when reading JSON.")),
                _ => {}
            }
            self.path.push(Seg::Index(items.len()));
            items.push(self.value()?);
            self.after_item(']')?;
            self.path.pop();
        }
    }

    /// After a member: a comma, or the closing bracket (left for the caller).
    fn after_item(&mut self, close: char) -> DResult<()> {
        self.skip()?;
        match self.peek() {
            Some(',') => {
                self.pos += 1;
                Ok(())
            }
            Some(c) if c == close => Ok(()),
            None => Err(self.err("Unexpected end when reading JSON.")),
            Some(c) => Err(self.err(&format!(
                "After parsing a value an unexpected character was encountered: {c}."
            ))),
        }
    }
}

/// A string value, or a `Date` when it is an ISO 8601 date-time as Newtonsoft recognises it.
fn date_or_string(s: String) -> JToken {
    let looks_iso = s.len() >= 19
        && s.as_bytes().get(10) == Some(&b'T')
        && s.as_bytes()[..4].iter().all(u8::is_ascii_digit);
    if looks_iso {
        for f in ["yyyy-MM-ddTHH:mm:ss.FFFFFFFK", "yyyy-MM-ddTHH:mm:ssK"] {
            if let Ok(d) = parse_exact(&s, f) {
                let kind = if s.ends_with('Z') {
                    DateTimeKind::Utc
                } else {
                    d.kind()
                };
                return JToken::Date(d.with_kind(kind));
            }
        }
    }
    JToken::String(s)
}

/// `JToken.Parse(json)`: any value, with nothing but whitespace and comments after it.
pub fn parse(json: &str) -> DResult<JToken> {
    parse_with(json, true)
}

/// `JToken.Parse` with `DateParseHandling.DateTime` (`dates`) or `None` (strings kept).
pub fn parse_with(json: &str, dates: bool) -> DResult<JToken> {
    let chars: Vec<char> = json.chars().collect();
    let mut r = Reader {
        c: &chars,
        pos: 0,
        path: Vec::new(),
        dates,
    };
    let v = r.value()?;
    r.skip()?;
    if let Some(c) = r.peek() {
        return Err(r.err(&format!(
            "Additional text encountered after finished reading JSON content: {c}."
        )));
    }
    Ok(v)
}

/// `JObject.Parse(json)`: like `parse`, but the value must be an object.
pub fn parse_object(json: &str) -> DResult<JToken> {
    let v = parse(json)?;
    match v {
        JToken::Object(_) => Ok(v),
        other => Err(DotnetError::new(
            ExceptionKind::JsonReader,
            format!("Error reading JObject from JsonReader. Current JsonReader item is not an object: {}. Path '', line 1, position 1.", start_name(&other)),
        )),
    }
}

/// `JArray.Parse(json)`.
pub fn parse_array(json: &str) -> DResult<JToken> {
    let v = parse(json)?;
    match v {
        JToken::Array(_) => Ok(v),
        other => Err(DotnetError::new(
            ExceptionKind::JsonReader,
            format!("Error reading JArray from JsonReader. Current JsonReader item is not an array: {}. Path '', line 1, position 1.", start_name(&other)),
        )),
    }
}

/// The `JsonToken` name a value starts with.
fn start_name(t: &JToken) -> &'static str {
    match t {
        JToken::Object(_) => "StartObject",
        JToken::Array(_) => "StartArray",
        other => other.type_name(),
    }
}
