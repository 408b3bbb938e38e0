//! Reading typed fields from an information file, reporting located `invalid-field` and
//! `missing-field` diagnostics.

use super::locate::{line_col_offset, value_span};
use super::report::whole;
use crate::diagnostic::codes;
use crate::{Diagnostic, SourceFile};
use gatehouse_grammar::Span;
use serde_json::{Map, Value};
use std::sync::Arc;

/// Parses a JSON file; a syntax error becomes `invalid-json` at the parser's position.
pub(crate) fn parse_json(file: &Arc<SourceFile>) -> Result<Value, Diagnostic> {
    serde_json::from_str(&file.text).map_err(|e| {
        syntax_error(
            file,
            (e.line(), e.column()),
            codes::INVALID_JSON,
            format!("the file is not valid JSON: {e}"),
        )
        .with_help("fix the JSON syntax; information files look like {\"properties\": {...}}")
    })
}

/// A syntax error `code` labelled `here` on the character at `line`:`column` (1-based,
/// as the JSON and YAML parsers report them), or at the end of the file.
pub(super) fn syntax_error(
    file: &Arc<SourceFile>,
    (line, column): (usize, usize),
    code: &str,
    message: String,
) -> Diagnostic {
    let at = line_col_offset(&file.text, line, column);
    let end = file.text[at..]
        .chars()
        .next()
        .map_or(at, |c| at + c.len_utf8());
    Diagnostic::error(file, code, message, Span::new(at, end), "here")
}

/// An information file's fields, read by JSON pointer, with diagnostics on bad values.
pub(crate) struct Fields<'a> {
    /// The file the fields come from.
    pub file: &'a Arc<SourceFile>,
    root: &'a Value,
    /// JSON pointer of `root` in the file (empty when `root` is the whole file).
    base: String,
    out: &'a mut Vec<Diagnostic>,
}

/// A field's name as written in messages: the pointer under `properties`, with dots.
fn field_name(pointer: &str) -> String {
    let name = pointer.strip_prefix("/properties/").unwrap_or(pointer);
    name.trim_start_matches('/').replace('/', ".")
}

impl<'a> Fields<'a> {
    /// Fields of `root`, which was parsed from `file`.
    pub fn new(file: &'a Arc<SourceFile>, root: &'a Value, out: &'a mut Vec<Diagnostic>) -> Self {
        Fields::at(file, root, String::new(), out)
    }

    /// Fields of `root`, the value at JSON pointer `base` of `file` (one entity of a list).
    pub fn at(
        file: &'a Arc<SourceFile>,
        root: &'a Value,
        base: String,
        out: &'a mut Vec<Diagnostic>,
    ) -> Self {
        Fields {
            file,
            root,
            base,
            out,
        }
    }

    /// The span of the value at `pointer`, else of its nearest enclosing value, else the file.
    pub fn span(&self, pointer: &str) -> Span {
        let mut p = pointer;
        loop {
            if let Some(s) = value_span(&self.file.text, &format!("{}{p}", self.base)) {
                return s;
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return whole(self.file),
            }
        }
    }

    /// Reports an error at the value at `pointer`.
    pub fn error(&mut self, code: &str, pointer: &str, message: String, help: &str) {
        let d = Diagnostic::error(self.file, code, message, self.span(pointer), "here");
        self.out.push(d.with_help(help));
    }

    /// Pushes a ready diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.out.push(d);
    }

    /// Reports `invalid-field`: the value at `pointer` is not what it should be.
    pub fn invalid(&mut self, pointer: &str, expected: &str) {
        let name = field_name(pointer);
        let message = format!("`{name}` must be {expected}");
        let help = format!("change `{name}` to {expected}");
        self.error(codes::INVALID_FIELD, pointer, message, &help);
    }

    /// Reports `missing-field`: `key` is missing from the object at `parent`.
    pub fn missing(&mut self, parent: &str, key: &str, help: &str) {
        let name = field_name(&format!("{parent}/{key}"));
        let span = self.span(parent);
        let span = Span::new(
            span.start as usize,
            (span.start as usize + 1).min(span.end as usize),
        );
        let d = Diagnostic::error(
            self.file,
            codes::MISSING_FIELD,
            format!("`{name}` is missing"),
            span,
            format!("`{key}` is required in this object"),
        );
        self.out.push(d.with_help(help));
    }

    /// The value at `pointer`; `null` counts as absent.
    pub fn get(&self, pointer: &str) -> Option<&'a Value> {
        self.root.pointer(pointer).filter(|v| !v.is_null())
    }

    /// A string field.
    pub fn string(&mut self, pointer: &str) -> Option<String> {
        match self.get(pointer)? {
            Value::String(s) => Some(s.clone()),
            _ => {
                self.invalid(pointer, "a string");
                None
            }
        }
    }

    /// A string field that must be present.
    pub fn required_string(&mut self, parent: &str, key: &str, help: &str) -> Option<String> {
        let pointer = format!("{parent}/{key}");
        if self.get(&pointer).is_none() {
            self.missing(parent, key, help);
            return None;
        }
        self.string(&pointer)
    }

    /// A boolean field with a default.
    pub fn boolean(&mut self, pointer: &str, default: bool) -> bool {
        match self.get(pointer) {
            None => default,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                self.invalid(pointer, "`true` or `false`");
                default
            }
        }
    }

    /// An integer field within `min..=max`.
    pub fn integer(&mut self, pointer: &str, min: i64, max: i64) -> Option<i64> {
        let v = self.get(pointer)?;
        match v.as_i64().filter(|n| (min..=max).contains(n)) {
            Some(n) => Some(n),
            None => {
                self.invalid(pointer, &format!("an integer from {min} to {max}"));
                None
            }
        }
    }

    /// An object field.
    pub fn object(&mut self, pointer: &str) -> Option<&'a Map<String, Value>> {
        match self.get(pointer)? {
            Value::Object(m) => Some(m),
            _ => {
                self.invalid(pointer, "an object");
                None
            }
        }
    }

    /// An array field (empty when absent or wrong).
    pub fn array(&mut self, pointer: &str) -> &'a [Value] {
        match self.get(pointer) {
            None => &[],
            Some(Value::Array(a)) => a,
            Some(_) => {
                self.invalid(pointer, "an array");
                &[]
            }
        }
    }

    /// An array of strings; items of other types are reported and left out.
    pub fn strings(&mut self, pointer: &str) -> Vec<String> {
        let items = self.array(pointer);
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            match item {
                Value::String(s) => out.push(s.clone()),
                _ => self.invalid(&format!("{pointer}/{i}"), "a string"),
            }
        }
        out
    }
}

/// Parses an information file and checks its `{"properties": {...}}` shape; `None` (with a
/// diagnostic) when it is unusable.
pub(crate) fn open_info(file: &Arc<SourceFile>, out: &mut Vec<Diagnostic>) -> Option<Value> {
    let value = match parse_json(file) {
        Ok(v) => v,
        Err(d) => {
            out.push(d);
            return None;
        }
    };
    let help = "information files have the shape {\"properties\": {...}}";
    let mut fields = Fields::new(file, &value, out);
    match value.get("properties") {
        _ if !value.is_object() => fields.error(
            codes::INVALID_FIELD,
            "",
            "the file must hold a JSON object".into(),
            help,
        ),
        None | Some(Value::Null) => fields.missing("", "properties", help),
        Some(Value::Object(_)) => return Some(value),
        Some(_) => fields.invalid("/properties", "an object"),
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> Arc<SourceFile> {
        Arc::new(SourceFile::new("x.json", text))
    }

    #[test]
    fn invalid_json_is_located_at_the_error() {
        let f = file("{\n  \"a\": tru\n}");
        let d = parse_json(&f).expect_err("invalid");
        assert_eq!(d.code, "gatehouse::invalid-json");
        assert!((9..=13).contains(&d.span.start), "{:?}", d.span);
        let f = file("{\"a\": ");
        let d = parse_json(&f).expect_err("invalid");
        assert!(d.span.end as usize <= f.text.len());
    }

    #[test]
    fn wrong_types_point_at_the_value() {
        let f = file(r#"{"properties": {"n": "x", "b": 3, "l": [1, "a"]}}"#);
        let v = parse_json(&f).expect("valid");
        let mut out = Vec::new();
        let mut fields = Fields::new(&f, &v, &mut out);
        assert_eq!(fields.integer("/properties/n", 0, 5), None);
        assert!(fields.boolean("/properties/b", true));
        assert_eq!(fields.strings("/properties/l"), vec!["a".to_string()]);
        let spans: Vec<&str> = out.iter().map(|d| &f.text[d.span.range()]).collect();
        assert_eq!(spans, vec!["\"x\"", "3", "1"]);
        assert!(out.iter().all(|d| d.code == "gatehouse::invalid-field"));
    }

    #[test]
    fn missing_fields_point_at_the_object() {
        let f = file(r#"{"properties": {"n": 1}}"#);
        let v = parse_json(&f).expect("valid");
        let mut out = Vec::new();
        let mut fields = Fields::new(&f, &v, &mut out);
        assert_eq!(fields.required_string("/properties", "url", "add it"), None);
        assert_eq!(out[0].code, "gatehouse::missing-field");
        assert_eq!(out[0].span, Span::new(15, 16));
    }

    #[test]
    fn info_shape_is_checked() {
        for text in ["[]", "null", "{}", "{\"properties\": 3}"] {
            let mut out = Vec::new();
            assert!(open_info(&file(text), &mut out).is_none(), "{text}");
            assert_eq!(out.len(), 1, "{text}");
        }
    }
}
