//! APIM's XML → JSON rules on a parsed document. `direct` keeps the document's shape as
//! Json.NET's `SerializeXmlNode` does — the declaration's `version`/`encoding`/`standalone`
//! beside the root, `@name` attributes, `prefix$local` names, `#text` and
//! `#cdata-section` — and `javascript-friendly` keeps local names only, attributes without
//! `@`, no namespace declarations and CDATA as text. Values stay strings; repeated
//! elements (every child element with `always-array-child-elements`) become arrays.

use gatehouse_dotnet::json::JToken;
use gatehouse_dotnet::jsonwrite::quote;
use gatehouse_dotnet::xml::{Document, Element, Node, QName, XMLNS};
use indexmap::IndexMap;

/// The attributes that shape the conversion.
pub(crate) struct Options {
    /// `kind="direct"` (else `javascript-friendly`).
    pub direct: bool,
    /// `always-array-child-elements`.
    pub always_array: bool,
    /// The largest output, in bytes.
    pub limit: usize,
}

/// `doc` as indented JSON text, or `None` when it would exceed the limit.
pub(crate) fn to_json(doc: &Document, o: &Options) -> Option<String> {
    let mut top = IndexMap::new();
    if o.direct {
        if let Some((version, encoding, standalone)) = &doc.decl {
            top.insert("version".to_string(), JToken::String(version.clone()));
            for (k, v) in [("encoding", encoding), ("standalone", standalone)] {
                if let Some(v) = v {
                    top.insert(k.to_string(), JToken::String(v.clone()));
                }
            }
        }
    }
    if let Some(root) = doc.root() {
        top.insert(element_name(&root.name, o), element(root, o));
    }
    let mut w = Writer {
        out: String::new(),
        limit: o.limit,
    };
    w.value(&JToken::Object(top), 0).then_some(w.out)
}

/// An element's property name.
fn element_name(q: &QName, o: &Options) -> String {
    match &q.prefix {
        Some(p) if o.direct => format!("{p}${}", q.local),
        _ => q.local.to_string(),
    }
}

/// An attribute's property name; `None` for a namespace declaration in
/// `javascript-friendly`.
fn attribute_name(q: &QName, o: &Options) -> Option<String> {
    if o.direct {
        return Some(format!("@{}", element_name(q, o)));
    }
    let declaration = &*q.ns == XMLNS || (q.prefix.is_none() && &*q.local == "xmlns");
    (!declaration).then(|| q.local.to_string())
}

/// Adds `value` under `key`: a second value makes an array; `array` makes one at once.
fn add(map: &mut IndexMap<String, JToken>, key: String, value: JToken, array: bool) {
    match map.get_mut(&key) {
        Some(JToken::Array(items)) => items.push(value),
        Some(old) => {
            let first = std::mem::replace(old, JToken::Null);
            *old = JToken::Array(vec![first, value]);
        }
        None if array => {
            map.insert(key, JToken::Array(vec![value]));
        }
        None => {
            map.insert(key, value);
        }
    }
}

/// An element's value: `null` when empty (`<a/>`), its text when it holds only text,
/// else an object of its attributes and children in document order.
fn element(e: &Element, o: &Options) -> JToken {
    let attrs: Vec<(String, &str)> = e
        .attrs
        .iter()
        .filter_map(|(q, v)| attribute_name(q, o).map(|n| (n, v.as_str())))
        .collect();
    let nodes = e.nodes.as_deref().unwrap_or_default();
    let structured = nodes
        .iter()
        .any(|n| matches!(n, Node::Element(_)) || (o.direct && matches!(n, Node::CData(_))));
    if attrs.is_empty() && !structured {
        if e.nodes.is_none() {
            return JToken::Null;
        }
        let text: String = nodes
            .iter()
            .filter_map(|n| match n {
                Node::Text(t) | Node::CData(t) => Some(t.as_str()),
                _ => None,
            })
            .collect();
        return JToken::String(text);
    }
    let mut map = IndexMap::new();
    for (n, v) in attrs {
        add(&mut map, n, JToken::String(v.to_string()), false);
    }
    for n in nodes {
        match n {
            Node::Element(c) => add(
                &mut map,
                element_name(&c.name, o),
                element(c, o),
                o.always_array,
            ),
            Node::CData(t) if o.direct => add(
                &mut map,
                "#cdata-section".into(),
                JToken::String(t.clone()),
                false,
            ),
            Node::Text(t) | Node::CData(t) => {
                add(&mut map, "#text".into(), JToken::String(t.clone()), false)
            }
            Node::Comment(_) | Node::Pi(..) => {}
        }
    }
    JToken::Object(map)
}

/// Json.NET's `Formatting.Indented` (two spaces, `\r\n`), stopping at the limit.
struct Writer {
    out: String,
    limit: usize,
}

impl Writer {
    fn push(&mut self, s: &str) -> bool {
        if self.out.len() + s.len() > self.limit {
            return false;
        }
        self.out.push_str(s);
        true
    }

    fn line(&mut self, depth: usize) -> bool {
        self.push("\r\n") && (0..depth).all(|_| self.push("  "))
    }

    fn value(&mut self, v: &JToken, depth: usize) -> bool {
        match v {
            JToken::Object(map) if map.is_empty() => self.push("{}"),
            JToken::Array(items) if items.is_empty() => self.push("[]"),
            JToken::Object(map) => {
                self.push("{")
                    && map.iter().enumerate().all(|(i, (k, v))| {
                        (i == 0 || self.push(","))
                            && self.line(depth + 1)
                            && self.push(&quote(k))
                            && self.push(": ")
                            && self.value(v, depth + 1)
                    })
                    && self.line(depth)
                    && self.push("}")
            }
            JToken::Array(items) => {
                self.push("[")
                    && items.iter().enumerate().all(|(i, v)| {
                        (i == 0 || self.push(","))
                            && self.line(depth + 1)
                            && self.value(v, depth + 1)
                    })
                    && self.line(depth)
                    && self.push("]")
            }
            JToken::String(s) => self.push(&quote(s)),
            JToken::Null => self.push("null"),
            other => self.push(&other.to_json(gatehouse_dotnet::jsonwrite::Formatting::None)),
        }
    }
}
