//! YAML specifications read with yaml-rust2's event parser into `serde_json::Value`, with
//! bounded nesting and alias expansion.

use super::fields::syntax_error;
use crate::diagnostic::codes;
use crate::{Diagnostic, SourceFile};
use serde_json::{Map, Number, Value};
use std::collections::HashMap;
use std::sync::Arc;
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Deepest nesting accepted.
const MAX_DEPTH: usize = 128;
/// Most values a document may expand to (aliases included), against alias bombs.
const MAX_NODES: usize = 2_000_000;

/// Parses the first YAML document of `file`; errors become `invalid-yaml` at their position.
pub(crate) fn parse_yaml(file: &Arc<SourceFile>) -> Result<Value, Diagnostic> {
    let mut parser = Parser::new_from_str(&file.text);
    let mut b = Builder::default();
    loop {
        let (event, mark) = parser.next_token().map_err(|e| {
            let m = *e.marker();
            invalid(file, m, e.info())
        })?;
        match b.event(event) {
            Ok(true) => break,
            Ok(false) => {}
            Err(message) => return Err(invalid(file, mark, message)),
        }
    }
    Ok(b.done.unwrap_or(Value::Null))
}

/// The `invalid-yaml` diagnostic at a parser position.
fn invalid(file: &Arc<SourceFile>, mark: Marker, message: &str) -> Diagnostic {
    syntax_error(
        file,
        (mark.line(), mark.col() + 1),
        codes::INVALID_YAML,
        format!("the file is not valid YAML: {message}"),
    )
    .with_help("fix the YAML syntax (indentation, quotes, `key: value` pairs)")
}

/// A container being built, with its anchor and size so far.
enum Frame {
    Seq(Vec<Value>, usize),
    Map(Map<String, Value>, Option<String>, usize),
}

/// Builds values from parser events.
#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Value>,
    nodes: usize,
    done: Option<Value>,
}

impl Builder {
    /// Takes one event; `Ok(true)` once the first document is complete.
    fn event(&mut self, event: Event) -> Result<bool, &'static str> {
        match event {
            Event::StreamEnd | Event::DocumentEnd => return Ok(true),
            Event::Scalar(text, style, anchor, _) => {
                let v = scalar(text, style);
                self.value(v, anchor, 1)?;
            }
            Event::Alias(id) => {
                let v = self.anchors.get(&id).ok_or("unknown alias")?.clone();
                let cost = size(&v, 0);
                self.value(v, 0, cost)?;
            }
            Event::SequenceStart(anchor, _) => self.open(Frame::Seq(Vec::new(), anchor))?,
            Event::MappingStart(anchor, _) => self.open(Frame::Map(Map::new(), None, anchor))?,
            Event::SequenceEnd | Event::MappingEnd => {
                let (v, anchor) = match self.stack.pop().ok_or("unbalanced document")? {
                    Frame::Seq(items, a) => (Value::Array(items), a),
                    Frame::Map(map, _, a) => (Value::Object(map), a),
                };
                self.value(v, anchor, 0)?;
            }
            _ => {}
        }
        Ok(self.stack.is_empty() && self.done.is_some())
    }

    fn open(&mut self, frame: Frame) -> Result<(), &'static str> {
        if self.stack.len() >= MAX_DEPTH {
            return Err("nesting is too deep");
        }
        self.count(1)?;
        self.stack.push(frame);
        Ok(())
    }

    /// Counts `cost` more values against the budget.
    fn count(&mut self, cost: usize) -> Result<(), &'static str> {
        self.nodes = self.nodes.saturating_add(cost);
        if self.nodes > MAX_NODES {
            return Err("the document expands to too many values");
        }
        Ok(())
    }

    /// Places a finished value in its parent (or as the document), counting `cost` values.
    fn value(&mut self, v: Value, anchor: usize, cost: usize) -> Result<(), &'static str> {
        self.count(cost)?;
        if anchor != 0 {
            self.anchors.insert(anchor, v.clone());
        }
        match self.stack.last_mut() {
            None => self.done = Some(v),
            Some(Frame::Seq(items, _)) => items.push(v),
            Some(Frame::Map(_, key @ None, _)) => *key = Some(key_text(v)?),
            Some(Frame::Map(map, key, _)) => {
                if let Some(k) = key.take() {
                    map.insert(k, v);
                }
            }
        }
        Ok(())
    }
}

/// A mapping key as text (`200:` keys are numbers in YAML, strings in OpenAPI).
fn key_text(v: Value) -> Result<String, &'static str> {
    match v {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Null => Ok(String::new()),
        _ => Err("complex mapping keys are not supported"),
    }
}

/// How many values `v` holds (for the cost of copying an alias); depth is bounded by
/// construction.
fn size(v: &Value, depth: usize) -> usize {
    match v {
        Value::Array(a) if depth < MAX_DEPTH => {
            1 + a.iter().map(|x| size(x, depth + 1)).sum::<usize>()
        }
        Value::Object(m) if depth < MAX_DEPTH => {
            1 + m.values().map(|x| size(x, depth + 1)).sum::<usize>()
        }
        _ => 1,
    }
}

/// A scalar, typed by the YAML 1.2 core schema when plain.
fn scalar(text: String, style: TScalarStyle) -> Value {
    if style != TScalarStyle::Plain {
        return Value::String(text);
    }
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ => number(&text).unwrap_or(Value::String(text)),
    }
}

/// A plain scalar that reads as a number.
fn number(text: &str) -> Option<Value> {
    if let Ok(n) = text.parse::<i64>() {
        return Some(Value::Number(n.into()));
    }
    let looks_numeric = text
        .bytes()
        .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
        && text.bytes().any(|b| b.is_ascii_digit());
    let f = text.parse::<f64>().ok().filter(|_| looks_numeric)?;
    Number::from_f64(f).map(Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Result<Value, Diagnostic> {
        parse_yaml(&Arc::new(SourceFile::new("s.yaml", text)))
    }

    #[test]
    fn converts_to_json_values() {
        let v = yaml("a: 1\nb: [x, 'y', true, ~, 2.5]\nc:\n  200:\n    d: |\n      text\n")
            .expect("valid");
        let expected = serde_json::json!({
            "a": 1, "b": ["x", "y", true, null, 2.5], "c": {"200": {"d": "text\n"}}
        });
        assert_eq!(v, expected);
    }

    #[test]
    fn keeps_key_order_and_expands_aliases() {
        let v = yaml("z: &x {k: 1}\na: *x\n").expect("valid");
        let keys: Vec<&String> = v.as_object().expect("map").keys().collect();
        assert_eq!(keys, ["z", "a"]);
        assert_eq!(v["a"]["k"], 1);
    }

    #[test]
    fn errors_are_located() {
        let text = "a: 1\nb: [1, 2\n";
        let d = yaml(text).expect_err("invalid");
        assert_eq!(d.code, "gatehouse::invalid-yaml");
        assert!(d.span.start as usize >= 5 && d.span.end as usize <= text.len());
        let text = "a: 1\nb: c: d\n";
        let d = yaml(text).expect_err("invalid");
        assert_eq!(&text[d.span.range()], ":", "{:?}", d.span);
        let text = "a:\n  - b\n c: d\n";
        let d = yaml(text).expect_err("invalid");
        assert!(d.span.end as usize <= text.len());
    }

    #[test]
    fn bombs_and_depth_are_bounded() {
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            bomb.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        assert!(yaml(&bomb).is_err());
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(yaml(&deep).is_err());
    }
}
