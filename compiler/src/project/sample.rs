//! A sample body generated from an OpenAPI 2/3 schema object, for `mock-response` when an
//! operation declares no example (as APIM does).

use serde_json::{Map, Value};

/// Deepest nesting of objects and arrays generated; deeper (recursive) schemas end there.
const MAX_DEPTH: usize = 8;
/// Most values generated in one sample.
const MAX_NODES: usize = 2_000;
/// Longest chain of `$ref`s followed for one schema.
const MAX_REFS: usize = 16;

/// The sample for `schema`, resolving `$ref`s (`#/...`) against `root`; `None` when the
/// schema gives nothing to generate (an unresolvable reference at the top).
pub(crate) fn sample(root: &Value, schema: &Value) -> Option<Value> {
    let mut g = Gen { root, nodes: 0 };
    g.value(schema, 0)
}

/// A sample being generated.
struct Gen<'a> {
    root: &'a Value,
    nodes: usize,
}

impl<'a> Gen<'a> {
    /// Follows `$ref`s within the document.
    fn resolve(&self, mut v: &'a Value) -> Option<&'a Value> {
        for _ in 0..MAX_REFS {
            let Some(r) = v.get("$ref").and_then(Value::as_str) else {
                return Some(v);
            };
            v = r.strip_prefix('#').and_then(|p| self.root.pointer(p))?;
        }
        None
    }

    /// The sample of one schema at `depth`: its `example`, its first `enum` value, its
    /// `default`, else one made from its type.
    fn value(&mut self, schema: &'a Value, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH || self.nodes >= MAX_NODES {
            return None;
        }
        self.nodes += 1;
        let s = self.resolve(schema)?;
        if let Some(e) = s.get("example").or_else(|| s.get("x-example")) {
            return Some(e.clone());
        }
        if let Some(e) = s
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|e| e.first())
        {
            return Some(e.clone());
        }
        if let Some(d) = s.get("default") {
            return Some(d.clone());
        }
        if let Some(all) = s.get("allOf").and_then(Value::as_array) {
            return Some(self.all_of(s, all, depth));
        }
        let first_of = ["oneOf", "anyOf"]
            .iter()
            .find_map(|k| s.get(*k).and_then(Value::as_array).and_then(|a| a.first()));
        if let Some(first) = first_of {
            return self.value(first, depth);
        }
        Some(self.typed(s, depth))
    }

    /// `allOf`: the members' objects merged, with the schema's own properties.
    fn all_of(&mut self, s: &'a Value, all: &'a [Value], depth: usize) -> Value {
        let mut merged = Map::new();
        let mut last = None;
        for member in all {
            match self.value(member, depth) {
                Some(Value::Object(o)) => merged.extend(o),
                Some(other) => last = Some(other),
                None => {}
            }
        }
        if let Value::Object(own) = self.object(s, depth) {
            merged.extend(own);
        }
        match last {
            Some(v) if merged.is_empty() => v,
            _ => Value::Object(merged),
        }
    }

    /// A value of the schema's `type` (an object when it has `properties`).
    fn typed(&mut self, s: &'a Value, depth: usize) -> Value {
        let ty = match s.get("type") {
            Some(Value::String(t)) => t.as_str(),
            Some(Value::Array(ts)) => ts
                .iter()
                .filter_map(Value::as_str)
                .find(|t| *t != "null")
                .unwrap_or("null"),
            _ if s.get("properties").is_some() => "object",
            _ if s.get("items").is_some() => "array",
            _ => "",
        };
        match ty {
            "object" => self.object(s, depth),
            "array" => {
                let item = s.get("items").and_then(|i| self.value(i, depth + 1));
                Value::Array(item.into_iter().collect())
            }
            "string" => Value::String(string_for(s.get("format").and_then(Value::as_str))),
            "integer" => Value::from(0),
            "number" => Value::from(0.0),
            "boolean" => Value::Bool(true),
            _ => Value::Null,
        }
    }

    /// An object with every declared property (those too deep left out).
    fn object(&mut self, s: &'a Value, depth: usize) -> Value {
        let mut out = Map::new();
        if let Some(props) = s.get("properties").and_then(Value::as_object) {
            for (name, p) in props {
                if let Some(v) = self.value(p, depth + 1) {
                    out.insert(name.clone(), v);
                }
            }
        }
        Value::Object(out)
    }
}

/// A string honouring the schema's `format`.
fn string_for(format: Option<&str>) -> String {
    match format.unwrap_or("") {
        "date-time" => "2024-01-01T00:00:00Z",
        "date" => "2024-01-01",
        "time" => "00:00:00",
        "uuid" | "guid" => "00000000-0000-0000-0000-000000000000",
        "email" => "user@example.com",
        "uri" | "url" => "https://example.com/",
        "hostname" => "example.com",
        "ipv4" => "192.0.2.1",
        "ipv6" => "2001:db8::1",
        "byte" => "c3RyaW5n",
        "duration" => "P1D",
        _ => "string",
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::sample;
    use serde_json::json;

    #[test]
    fn types_formats_enums_and_examples() {
        let schema = json!({"type": "object", "properties": {
            "id": {"type": "string", "format": "uuid"},
            "at": {"type": "string", "format": "date-time"},
            "n": {"type": "integer"}, "x": {"type": "number"}, "ok": {"type": "boolean"},
            "kind": {"type": "string", "enum": ["b", "a"]},
            "name": {"type": "string", "example": "Ada"},
            "tags": {"type": "array", "items": {"type": "string"}}
        }});
        let got = sample(&json!({}), &schema).expect("a sample");
        assert_eq!(
            got,
            json!({"id": "00000000-0000-0000-0000-000000000000", "at": "2024-01-01T00:00:00Z",
                   "n": 0, "x": 0.0, "ok": true, "kind": "b", "name": "Ada", "tags": ["string"]})
        );
    }

    #[test]
    fn refs_all_of_and_recursion_are_bounded() {
        let root = json!({"definitions": {
            "Base": {"type": "object", "properties": {"id": {"type": "integer"}}},
            "Node": {"allOf": [{"$ref": "#/definitions/Base"},
                     {"properties": {"child": {"$ref": "#/definitions/Node"}}}]}
        }});
        let got = sample(&root, &json!({"$ref": "#/definitions/Node"})).expect("a sample");
        assert_eq!(got["id"], json!(0));
        assert_eq!(got["child"]["child"]["id"], json!(0));
        let text = got.to_string();
        assert!(text.len() < 2_000, "{text}");
        assert!(sample(&root, &json!({"$ref": "#/definitions/Missing"})).is_none());
    }
}
