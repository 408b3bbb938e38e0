//! A message body as the template's `body`: JSON as it is; XML as nested objects keyed by
//! element local names (attributes beside child elements, repeated names as arrays, text-only
//! elements as their text, `xsi:nil="true"` as blank or nil).

use gatehouse_dotnet::xml::{self, Element, Node};
use liquid_core::model::{Object, Value};

/// The namespace of `xsi:nil`.
const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// A JSON body (`None`: not JSON, or nested deeper than the parser allows).
pub fn json_body(text: &str) -> Option<Value> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    Some(from_json(v))
}

fn from_json(v: serde_json::Value) -> Value {
    use serde_json::Value as J;
    match v {
        J::Null => Value::Nil,
        J::Bool(b) => Value::scalar(b),
        J::Number(n) => match n.as_i64() {
            Some(i) => Value::scalar(i),
            None => Value::scalar(n.as_f64().unwrap_or(0.0)),
        },
        J::String(s) => Value::scalar(s),
        J::Array(a) => Value::Array(a.into_iter().map(from_json).collect()),
        J::Object(o) => Value::Object(
            o.into_iter()
                .map(|(k, v)| (k.into(), from_json(v)))
                .collect(),
        ),
    }
}

/// An XML body: `{root: …}` (`None`: not well-formed XML). `nil_blank` is `xsi-nil="blank"`.
pub fn xml_body(text: &str, nil_blank: bool) -> Option<Value> {
    let doc = xml::parse(text).ok()?;
    let root = doc.nodes.iter().find_map(|n| match n {
        Node::Element(e) => Some(e),
        _ => None,
    })?;
    let mut o = Object::new();
    o.insert(root.name.local.to_string().into(), element(root, nil_blank));
    Some(Value::Object(o))
}

fn element(e: &Element, nil_blank: bool) -> Value {
    let nil = e
        .attrs
        .iter()
        .any(|(n, v)| &*n.ns == XSI && &*n.local == "nil" && v.trim() == "true");
    if nil {
        return if nil_blank {
            Value::scalar("")
        } else {
            Value::Nil
        };
    }
    let nodes = e.nodes.as_deref().unwrap_or(&[]);
    let children = nodes.iter().filter(|n| matches!(n, Node::Element(_)));
    let text: String = nodes
        .iter()
        .filter_map(|n| match n {
            Node::Text(t) | Node::CData(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    let attrs = e
        .attrs
        .iter()
        .filter(|(n, _)| &*n.ns != xml::XMLNS && &*n.ns != XSI);
    if children.clone().next().is_none() && attrs.clone().next().is_none() {
        return Value::scalar(text);
    }
    let mut o = Object::new();
    for (n, v) in attrs {
        o.insert(n.local.to_string().into(), Value::scalar(v.clone()));
    }
    for c in nodes.iter().filter_map(|n| match n {
        Node::Element(c) => Some(c),
        _ => None,
    }) {
        let key: liquid_core::model::KString = c.name.local.to_string().into();
        let v = element(c, nil_blank);
        match o.get_mut(&key) {
            // An element's own value is never an array: an array here is a repeated name.
            Some(Value::Array(a)) => a.push(v),
            Some(prev) => {
                let first = std::mem::replace(prev, Value::Nil);
                *prev = Value::Array(vec![first, v]);
            }
            None => {
                o.insert(key, v);
            }
        }
    }
    if !text.trim().is_empty() {
        o.insert("#text".into(), Value::scalar(text));
    }
    Value::Object(o)
}
