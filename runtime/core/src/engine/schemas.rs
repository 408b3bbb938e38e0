//! The program's JSON Schemas, compiled once when a gateway loads the program (never per
//! request): every schema of every operation's contract and every `validate-content`
//! `schema-id`, each also in the `allow-additional-properties` variants the program's
//! `validate-content` policies ask for.

use crate::program::{Block, OpKind, Program, StrId};
use jsonschema::{PatternOptions, Validator};
use serde_json::Value;
use std::collections::HashMap;

/// How `allow-additional-properties` overrides a schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Additional {
    /// As the schema says.
    AsDeclared,
    /// `true`: additional properties are allowed everywhere.
    Allow,
    /// `false`: no object may hold a property its schema does not declare.
    Forbid,
}

impl Additional {
    /// The variant `allow-additional-properties` selects.
    pub(crate) fn of(flag: Option<bool>) -> Additional {
        match flag {
            None => Additional::AsDeclared,
            Some(true) => Additional::Allow,
            Some(false) => Additional::Forbid,
        }
    }
}

/// Backtracking steps one `pattern` match may take (a hostile body cannot stall a thread).
const PATTERN_BACKTRACK_LIMIT: usize = 100_000;

/// The compiled schemas of a program.
#[derive(Default)]
pub(crate) struct Schemas {
    compiled: HashMap<(StrId, Additional), Result<Validator, String>>,
}

impl std::fmt::Debug for Schemas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Schemas({} compiled)", self.compiled.len())
    }
}

impl Schemas {
    /// Compiles every schema `program` may validate against.
    pub(crate) fn build(program: &Program) -> Schemas {
        let mut texts = Vec::new();
        for api in &program.apis {
            for op in &api.operations {
                op.contract.schemas(&mut texts);
            }
        }
        let mut variants = vec![Additional::AsDeclared];
        for block in &program.blocks {
            visit_rules(block, &mut |schema, additional| {
                if let Some(s) = schema {
                    texts.push(s);
                }
                if !variants.contains(&additional) {
                    variants.push(additional);
                }
            });
        }
        texts.sort_unstable();
        texts.dedup();
        let mut compiled = HashMap::new();
        for &text in &texts {
            let Ok(schema) = serde_json::from_str::<Value>(program.str(text)) else {
                compiled.insert(
                    (text, Additional::AsDeclared),
                    Err("the schema is not JSON".to_string()),
                );
                continue;
            };
            for &v in &variants {
                compiled.insert((text, v), compile(&schema, v));
            }
        }
        Schemas { compiled }
    }

    /// The compiled schema `text` in variant `v`: `Err` with the reason it could not be
    /// compiled (or was never declared).
    pub(crate) fn get(&self, text: StrId, v: Additional) -> Result<&Validator, &str> {
        match self.compiled.get(&(text, v)) {
            Some(Ok(validator)) => Ok(validator),
            Some(Err(e)) => Err(e),
            None => Err("the schema was not compiled"),
        }
    }
}

/// Calls `f` with the schema and override of every `validate-content` `content` of `block`
/// (nested blocks are blocks of the program too, visited on their own).
fn visit_rules(block: &Block, f: &mut dyn FnMut(Option<StrId>, Additional)) {
    for op in &block.ops {
        if let OpKind::ValidateContent(v) = &op.kind {
            for c in &v.contents {
                f(c.schema, Additional::of(c.allow_additional_properties));
            }
        }
    }
}

/// Whether JSON Schema `text` compiles as the gateway compiles it at load (`Err`: why not),
/// so that `build` can warn about a schema the validation policies could not use.
pub fn check_schema(text: &str) -> Result<(), String> {
    let schema: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    compile(&schema, Additional::AsDeclared).map(|_| ())
}

/// Compiles `schema` (JSON Schema 2020-12, formats checked) in variant `v`.
fn compile(schema: &Value, v: Additional) -> Result<Validator, String> {
    let mut schema = schema.clone();
    match v {
        Additional::AsDeclared => {}
        Additional::Allow => allow_additional(&mut schema),
        Additional::Forbid => forbid_additional(&mut schema, false),
    }
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .should_ignore_unknown_formats(true)
        .with_format("byte", is_base64)
        .with_format("int32", |s: &str| s.parse::<i32>().is_ok())
        .with_format("int64", |s: &str| s.parse::<i64>().is_ok())
        .with_pattern_options(
            PatternOptions::fancy_regex().backtrack_limit(PATTERN_BACKTRACK_LIMIT),
        )
        .build(&schema)
        .map_err(|e| e.to_string())
}

/// Whether `s` is standard base64 (OpenAPI's `byte`).
fn is_base64(s: &str) -> bool {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(s).is_ok()
}

/// Removes every `additionalProperties: false` and `unevaluatedProperties: false`.
fn allow_additional(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for k in ["additionalProperties", "unevaluatedProperties"] {
                if m.get(k) == Some(&Value::Bool(false)) {
                    m.remove(k);
                }
            }
            m.values_mut().for_each(allow_additional);
        }
        Value::Array(a) => a.iter_mut().for_each(allow_additional),
        _ => {}
    }
}

/// Forbids undeclared properties: `unevaluatedProperties: false` on every object schema
/// (and every `$ref`) that is not itself a part of an `allOf` nor a definition (whose
/// users close it), so that properties of `allOf` parts count as declared.
fn forbid_additional(v: &mut Value, part: bool) {
    let Value::Object(m) = v else { return };
    let objectish = m.contains_key("properties")
        || m.contains_key("$ref")
        || m.contains_key("allOf")
        || m.get("type").and_then(Value::as_str) == Some("object");
    for (k, child) in m.iter_mut() {
        match (k.as_str(), child) {
            ("allOf", Value::Array(parts)) => {
                parts.iter_mut().for_each(|p| forbid_additional(p, true));
            }
            ("$defs" | "properties" | "patternProperties", Value::Object(defs)) => {
                let is_defs = k == "$defs";
                defs.values_mut()
                    .for_each(|d| forbid_additional(d, is_defs));
            }
            ("items" | "additionalProperties" | "not", c @ Value::Object(_)) => {
                forbid_additional(c, false);
            }
            ("anyOf" | "oneOf" | "prefixItems", Value::Array(parts)) => {
                parts.iter_mut().for_each(|p| forbid_additional(p, false));
            }
            _ => {}
        }
    }
    if objectish && !part {
        m.remove("additionalProperties");
        m.insert("unevaluatedProperties".into(), Value::Bool(false));
    }
}
