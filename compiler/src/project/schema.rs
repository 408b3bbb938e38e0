//! OpenAPI 2 and 3 schema objects normalised to self-contained JSON Schema (2020-12) for
//! the validation policies: `$ref`s into the specification become `$defs` of the schema,
//! `nullable` (`x-nullable`) admits `null`, boolean `exclusiveMinimum`/`exclusiveMaximum`
//! become numeric, `int32`/`int64` formats bound integers, and OpenAPI-only keywords
//! (`discriminator`, `xml`, `example`, `externalDocs`) are dropped.

use serde_json::{Map, Value};
use std::collections::HashMap;

/// Deepest schema nesting followed (deeper parts accept anything).
const MAX_DEPTH: usize = 64;
/// Most definitions one schema may pull in.
const MAX_DEFS: usize = 4096;

/// Keywords whose value is one schema.
const ONE: &[&str] = &[
    "additionalProperties",
    "not",
    "items",
    "contains",
    "propertyNames",
];
/// Keywords whose value is a list of schemas.
const MANY: &[&str] = &["allOf", "anyOf", "oneOf"];
/// Keywords whose value maps names to schemas.
const NAMED: &[&str] = &["properties", "patternProperties"];
/// OpenAPI keywords with no meaning for validation.
const DROPPED: &[&str] = &[
    "discriminator",
    "xml",
    "example",
    "examples",
    "externalDocs",
];

/// The JSON Schema text of `schema`, a schema object of specification `root`; `Err` names
/// a `$ref` that does not resolve.
pub(crate) fn json_schema(root: &Value, schema: &Value) -> Result<String, String> {
    let mut n = Normaliser {
        root,
        keys: HashMap::new(),
        defs: Map::new(),
        todo: Vec::new(),
    };
    let mut out = n.convert(schema, 0)?;
    while let Some((pointer, key)) = n.todo.pop() {
        let target = root
            .pointer(&pointer)
            .ok_or_else(|| format!("cannot resolve `$ref: #{pointer}`"))?;
        let converted = n.convert(target, 0)?;
        n.defs.insert(key, converted);
    }
    if let Value::Object(m) = &mut out {
        if !n.defs.is_empty() {
            m.insert("$defs".into(), Value::Object(n.defs));
        }
        return Ok(Value::Object(m.clone()).to_string());
    }
    // A boolean schema cannot carry definitions: it needs none.
    Ok(out.to_string())
}

struct Normaliser<'a> {
    root: &'a Value,
    keys: HashMap<String, String>,
    defs: Map<String, Value>,
    todo: Vec<(String, String)>,
}

impl Normaliser<'_> {
    /// The `$defs` key of `pointer` (queued for conversion the first time).
    fn def_key(&mut self, pointer: &str) -> Result<String, String> {
        if let Some(k) = self.keys.get(pointer) {
            return Ok(k.clone());
        }
        if self.keys.len() >= MAX_DEFS {
            return Err(format!("more than {MAX_DEFS} schema definitions"));
        }
        let tail: String = pointer
            .rsplit('/')
            .next()
            .unwrap_or("")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let key = format!("d{}_{tail}", self.keys.len());
        self.keys.insert(pointer.to_string(), key.clone());
        self.todo.push((pointer.to_string(), key.clone()));
        Ok(key)
    }

    fn convert(&mut self, v: &Value, depth: usize) -> Result<Value, String> {
        let Value::Object(m) = v else {
            return Ok(v.clone());
        };
        if depth > MAX_DEPTH {
            return Ok(Value::Bool(true));
        }
        if let Some(r) = m.get("$ref").and_then(Value::as_str) {
            let pointer = r
                .strip_prefix('#')
                .ok_or_else(|| format!("`$ref: {r}` is outside the specification"))?;
            if self.root.pointer(pointer).is_none() {
                return Err(format!("cannot resolve `$ref: {r}`"));
            }
            let key = self.def_key(pointer)?;
            let mut out = Map::new();
            out.insert("$ref".into(), Value::String(format!("#/$defs/{key}")));
            return Ok(Value::Object(out));
        }
        let mut out = Map::new();
        let mut nullable = false;
        for (k, child) in m {
            let k = k.as_str();
            match k {
                "nullable" | "x-nullable" => nullable = child.as_bool() == Some(true),
                _ if DROPPED.contains(&k) || k.starts_with("x-") => {}
                _ if ONE.contains(&k) => {
                    let c = match (k, child) {
                        // Draft 4's tuple form.
                        ("items", Value::Array(parts)) => {
                            let parts = self.all(parts, depth)?;
                            out.insert("prefixItems".into(), Value::Array(parts));
                            continue;
                        }
                        _ => self.convert(child, depth + 1)?,
                    };
                    out.insert(k.into(), c);
                }
                _ if MANY.contains(&k) => {
                    let parts = child.as_array().map_or(&[][..], Vec::as_slice);
                    out.insert(k.into(), Value::Array(self.all(parts, depth)?));
                }
                _ if NAMED.contains(&k) => {
                    let mut named = Map::new();
                    for (name, s) in child.as_object().into_iter().flatten() {
                        named.insert(name.clone(), self.convert(s, depth + 1)?);
                    }
                    out.insert(k.into(), Value::Object(named));
                }
                _ => {
                    out.insert(k.into(), child.clone());
                }
            }
        }
        exclusive_bounds(&mut out);
        integer_bounds(&mut out);
        if nullable {
            return Ok(admit_null(out));
        }
        Ok(Value::Object(out))
    }

    fn all(&mut self, parts: &[Value], depth: usize) -> Result<Vec<Value>, String> {
        parts.iter().map(|p| self.convert(p, depth + 1)).collect()
    }
}

/// Draft 4's `exclusiveMinimum: true` (with `minimum`) as 2020-12's number.
fn exclusive_bounds(m: &mut Map<String, Value>) {
    for (flag, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        match m.get(flag) {
            Some(Value::Bool(true)) => {
                let b = m.remove(bound);
                m.remove(flag);
                if let Some(b) = b {
                    m.insert(flag.into(), b);
                }
            }
            Some(Value::Bool(false)) => {
                m.remove(flag);
            }
            _ => {}
        }
    }
}

/// `format: int32`/`int64` on an integer as its range.
fn integer_bounds(m: &mut Map<String, Value>) {
    let (lo, hi) = match m.get("format").and_then(Value::as_str) {
        Some("int32") => (i64::from(i32::MIN), i64::from(i32::MAX)),
        Some("int64") => (i64::MIN, i64::MAX),
        _ => return,
    };
    if m.get("type").and_then(Value::as_str) != Some("integer") {
        return;
    }
    m.entry("minimum").or_insert(Value::from(lo));
    m.entry("maximum").or_insert(Value::from(hi));
}

/// The schema with `null` admitted: `type` gains `"null"` (and `enum` gains `null`), or,
/// without a single type, either `null` or the schema.
fn admit_null(mut m: Map<String, Value>) -> Value {
    if let Some(Value::String(t)) = m.get("type").cloned() {
        m.insert("type".into(), serde_json::json!([t, "null"]));
        if let Some(Value::Array(values)) = m.get_mut("enum") {
            if !values.contains(&Value::Null) {
                values.push(Value::Null);
            }
        }
        return Value::Object(m);
    }
    serde_json::json!({ "anyOf": [ { "type": "null" }, Value::Object(m) ] })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::json_schema;
    use serde_json::{json, Value};

    fn norm(root: &Value, s: &Value) -> Value {
        serde_json::from_str(&json_schema(root, s).unwrap()).unwrap()
    }

    #[test]
    fn refs_become_definitions_and_nullable_admits_null() {
        let root = json!({"components": {"schemas": {
            "Pet": {"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string", "nullable": true},
                "tag": {"$ref": "#/components/schemas/Tag"}}},
            "Tag": {"type": "string", "enum": ["a"], "nullable": true, "example": "a"}}}});
        let s = norm(&root, &json!({"$ref": "#/components/schemas/Pet"}));
        assert_eq!(s["$ref"], "#/$defs/d0_Pet");
        let pet = &s["$defs"]["d0_Pet"];
        assert_eq!(pet["properties"]["name"]["type"], json!(["string", "null"]));
        assert_eq!(pet["properties"]["tag"]["$ref"], "#/$defs/d1_Tag");
        assert_eq!(
            s["$defs"]["d1_Tag"],
            json!({"type": ["string", "null"], "enum": ["a", null]})
        );
    }

    #[test]
    fn draft4_bounds_and_integer_formats() {
        let root = json!({});
        let s = norm(
            &root,
            &json!({"type": "integer", "format": "int32", "minimum": 1, "exclusiveMinimum": true}),
        );
        assert_eq!(
            s,
            json!({"type": "integer", "format": "int32", "exclusiveMinimum": 1, "minimum": -2147483648_i64, "maximum": 2147483647})
        );
    }

    #[test]
    fn an_unresolved_ref_is_an_error() {
        let e = json_schema(
            &json!({}),
            &json!({"items": {"$ref": "#/definitions/Nope"}}),
        );
        assert_eq!(e.unwrap_err(), "cannot resolve `$ref: #/definitions/Nope`");
        let e = json_schema(&json!({}), &json!({"$ref": "other.json#/x"}));
        assert!(e.unwrap_err().contains("outside the specification"));
    }
}
