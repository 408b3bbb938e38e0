//! Operations from OpenAPI 2 (swagger) and 3 specifications: methods, URL templates,
//! parameters (with `$ref`s resolved) and responses with their examples.

use super::model::{Operation, Parameter, ParameterIn, Response};
use super::report::first_line;
use crate::diagnostic::codes;
use crate::{Diagnostic, SourceFile};
use gatehouse_grammar::Span;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// The HTTP methods a path item may hold.
const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
/// Longest chain of `$ref`s followed.
const MAX_REFS: usize = 16;

/// The operations of a specification, in document order.
///
/// An operation's name is its `operationId`; without one it is the lower-case method and
/// the path's words joined by `-` (`GET /orders/{orderId}` → `get-orders-orderid`,
/// `GET /` → `get`). Problems become `invalid-spec` diagnostics; what can be read is kept.
pub(crate) fn operations(
    file: &Arc<SourceFile>,
    spec: &Value,
    out: &mut Vec<Diagnostic>,
) -> Vec<Operation> {
    let mut cx = Spec {
        file,
        root: spec,
        out,
    };
    let is_v3 = spec
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with('3'));
    let is_v2 = spec.get("swagger").and_then(Value::as_str) == Some("2.0");
    if !is_v2 && !is_v3 {
        cx.problem(
            "",
            "the specification is neither OpenAPI 3 (`openapi: 3.x`) nor swagger 2.0",
            "gatehouse reads OpenAPI 2 and 3 specifications; check the `openapi` or `swagger` field",
        );
        return Vec::new();
    }
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        if spec.get("paths").is_some() {
            cx.problem(
                "paths",
                "`paths` must be an object",
                "list operations under `paths`",
            );
        }
        return Vec::new();
    };
    let mut ops = Vec::new();
    let mut seen: HashMap<String, ()> = HashMap::new();
    for (path, item) in paths {
        let Some(item) = cx.resolve(item).and_then(Value::as_object) else {
            continue;
        };
        let shared = cx.parameters(item.get("parameters"));
        for (method, op) in item.iter().filter(|(k, _)| METHODS.contains(&k.as_str())) {
            let Some(op) = cx.resolve(op).and_then(Value::as_object) else {
                continue;
            };
            let operation = cx.operation(method, path, op, &shared, is_v3);
            if seen.insert(operation.name.clone(), ()).is_some() {
                let message = format!("operation `{}` is declared twice", operation.name);
                cx.problem(
                    &operation.name,
                    &message,
                    "give each operation a unique operationId",
                );
                continue;
            }
            ops.push(operation);
        }
    }
    ops
}

/// The name of an operation without an `operationId`.
pub fn derived_name(method: &str, path: &str) -> String {
    let mut name = method.to_ascii_lowercase();
    for word in path
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        name.push('-');
        name.push_str(&word.to_ascii_lowercase());
    }
    name
}

/// A specification being read.
struct Spec<'a> {
    file: &'a Arc<SourceFile>,
    root: &'a Value,
    out: &'a mut Vec<Diagnostic>,
}

impl<'a> Spec<'a> {
    /// Reports `invalid-spec` at the first occurrence of `near` in the text (else line 1).
    fn problem(&mut self, near: &str, message: &str, help: &str) {
        let span = match self.file.text.find(near).filter(|_| !near.is_empty()) {
            Some(at) => Span::new(at, at + near.len()),
            None => first_line(self.file),
        };
        let d = Diagnostic::error(self.file, codes::INVALID_SPEC, message, span, "here");
        self.out.push(d.with_help(help));
    }

    /// Reports `spec-schema-not-compiled` at the first occurrence of `near` (else line 1).
    fn warn(&mut self, near: &str, message: &str) {
        let span = match self.file.text.find(near).filter(|_| !near.is_empty()) {
            Some(at) => Span::new(at, at + near.len()),
            None => first_line(self.file),
        };
        let d = Diagnostic::warning(
            self.file,
            codes::SPEC_SCHEMA_NOT_COMPILED,
            message,
            span,
            "here",
        );
        self.out.push(
            d.with_help("fix the schema: the validation policies cannot check messages against it"),
        );
    }

    /// Follows `$ref`s (`#/...` pointers into the same document).
    fn resolve(&mut self, mut v: &'a Value) -> Option<&'a Value> {
        for _ in 0..MAX_REFS {
            let Some(r) = v.get("$ref").and_then(Value::as_str) else {
                return Some(v);
            };
            match r.strip_prefix('#').and_then(|p| self.root.pointer(p)) {
                Some(target) => v = target,
                None => {
                    let message = format!("cannot resolve `$ref: {r}`");
                    self.problem(
                        r,
                        &message,
                        "only references within the file (`#/...`) are followed",
                    );
                    return None;
                }
            }
        }
        self.problem(
            "$ref",
            "`$ref`s refer to each other in a loop",
            "break the reference cycle",
        );
        None
    }

    /// Template, query and header parameters of a list.
    fn parameters(&mut self, list: Option<&'a Value>) -> Vec<Parameter> {
        let items = list
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let Some(p) = self.resolve(item).and_then(Value::as_object) else {
                continue;
            };
            let location = match p.get("in").and_then(Value::as_str) {
                Some("path") => ParameterIn::Template,
                Some("query") => ParameterIn::Query,
                Some("header") => ParameterIn::Header,
                _ => continue,
            };
            let Some(name) = p.get("name").and_then(Value::as_str) else {
                self.problem(
                    "parameters",
                    "a parameter has no `name`",
                    "give every parameter a name",
                );
                continue;
            };
            let required = location == ParameterIn::Template
                || p.get("required").and_then(Value::as_bool).unwrap_or(false);
            let schema = self.param_schema(p, name);
            out.push(Parameter {
                name: name.to_string(),
                location,
                required,
                schema,
            });
        }
        out
    }

    /// One operation.
    fn operation(
        &mut self,
        method: &str,
        path: &str,
        op: &'a Map<String, Value>,
        shared: &[Parameter],
        is_v3: bool,
    ) -> Operation {
        let name = match op.get("operationId").and_then(Value::as_str) {
            Some(id) if !id.trim().is_empty() => id.trim().to_string(),
            _ => derived_name(method, path),
        };
        let url_template = if path.starts_with('/') {
            path.to_string()
        } else {
            format!("/{path}")
        };
        let mut parameters = self.parameters(op.get("parameters"));
        for p in shared {
            if !parameters
                .iter()
                .any(|q| q.name == p.name && q.location == p.location)
            {
                parameters.push(p.clone());
            }
        }
        add_template_parameters(&url_template, &mut parameters);
        let produces = op.get("produces").or_else(|| self.root.get("produces"));
        let responses = self.responses(op.get("responses"), is_v3, produces);
        let request_bodies = if is_v3 {
            self.v3_request(op.get("requestBody"))
        } else {
            let consumes = op.get("consumes").or_else(|| self.root.get("consumes"));
            self.v2_request(op.get("parameters"), consumes)
        };
        Operation {
            display_name: op
                .get("summary")
                .and_then(Value::as_str)
                .unwrap_or(&name)
                .to_string(),
            name,
            method: method.to_ascii_uppercase(),
            url_template,
            parameters,
            responses,
            request_bodies,
            policy: None,
        }
    }

    /// Responses: one per status and media type, with the first example.
    fn responses(
        &mut self,
        v: Option<&'a Value>,
        is_v3: bool,
        produces: Option<&Value>,
    ) -> Vec<Response> {
        let Some(map) = v.and_then(Value::as_object) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (code, r) in map {
            let status = match code.as_str() {
                "default" => 0,
                c => match c.parse::<u16>() {
                    Ok(n) if (100..=599).contains(&n) => n,
                    _ => continue,
                },
            };
            let Some(r) = self.resolve(r) else { continue };
            let before = out.len();
            if is_v3 {
                self.v3_content(status, r, &mut out);
            } else {
                v2_examples(status, r, &mut out);
                self.v2_schema(status, r, produces, before, &mut out);
            }
            if out.len() == before {
                let content_type = if is_v3 { None } else { first_string(produces) };
                let example = match r.get("schema") {
                    Some(schema) if !is_v3 => self.generated(content_type.as_deref(), schema),
                    _ => None,
                };
                let content_type = match (&example, content_type) {
                    (Some(_), None) => Some("application/json".to_string()),
                    (_, c) => c,
                };
                out.push(Response {
                    status,
                    content_type,
                    example,
                    schema: None,
                    headers: Vec::new(),
                });
            }
            let headers = self.response_headers(r, is_v3);
            for resp in &mut out[before..] {
                resp.headers.clone_from(&headers);
            }
        }
        out
    }

    /// A sample generated from a response schema, for JSON media types (or none given).
    fn generated(&self, media: Option<&str>, schema: &Value) -> Option<String> {
        if media.is_some_and(|m| !m.contains("json")) {
            return None;
        }
        super::sample::sample(self.root, schema).map(|v| v.to_string())
    }

    /// OpenAPI 3 `content`: media types with `example` or the first of `examples`.
    fn v3_content(&mut self, status: u16, r: &'a Value, out: &mut Vec<Response>) {
        let Some(content) = r.get("content").and_then(Value::as_object) else {
            return;
        };
        for (media, m) in content {
            let named = m
                .get("examples")
                .and_then(Value::as_object)
                .and_then(|e| e.values().next());
            let example = match (m.get("example"), named) {
                (Some(e), _) => Some(e),
                (None, Some(e)) => self.resolve(e).and_then(|e| e.get("value")),
                (None, None) => None,
            };
            let schema_json = m.get("schema");
            let schema = schema_json.and_then(|s| self.schema(s, media));
            let example = match (example, schema_json) {
                (Some(e), _) => Some(serialise(media, e)),
                (None, Some(sch)) => self.generated(Some(media), sch),
                (None, None) => None,
            };
            out.push(Response {
                status,
                content_type: Some(media.clone()),
                example,
                schema,
                headers: Vec::new(),
            });
        }
    }
}

impl<'a> Spec<'a> {
    /// The JSON Schema text of schema object `s` (an unresolvable one is reported).
    /// `near` is text of the specification close to the schema (a name, a media type),
    /// where problems are reported when the schema has no `$ref` to point at.
    fn schema(&mut self, s: &Value, near: &str) -> Option<String> {
        match super::schema::json_schema(self.root, s) {
            Ok(text) => {
                if let Err(e) = gatehouse_runtime::engine::check_schema(&text) {
                    let near = s.get("$ref").and_then(Value::as_str).unwrap_or(near);
                    self.warn(
                        near,
                        &format!("a schema cannot be compiled for validation: {e}"),
                    );
                }
                Some(text)
            }
            Err(e) => {
                let near = s.get("$ref").and_then(Value::as_str).unwrap_or(near);
                let message = format!("a schema cannot be read: {e}");
                self.problem(
                    near,
                    &message,
                    "only references within the file (`#/...`) are followed",
                );
                None
            }
        }
    }

    /// A parameter's (or swagger 2 header's) schema: OpenAPI 3's `schema`, swagger 2's
    /// own type keywords.
    fn param_schema(&mut self, p: &Map<String, Value>, name: &str) -> Option<String> {
        if let Some(s) = p.get("schema") {
            return self.schema(s, name);
        }
        let mut own = Map::new();
        for k in V2_SCHEMA_KEYS {
            if let Some(v) = p.get(*k) {
                own.insert((*k).to_string(), v.clone());
            }
        }
        if own.is_empty() {
            return None;
        }
        self.schema(&Value::Object(own), name)
    }

    /// OpenAPI 3 `requestBody`: media type and schema.
    fn v3_request(&mut self, body: Option<&'a Value>) -> Vec<(String, Option<String>)> {
        let Some(body) = body.and_then(|b| self.resolve(b)) else {
            return Vec::new();
        };
        let Some(content) = body.get("content").and_then(Value::as_object) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (media, m) in content {
            let schema = m.get("schema").and_then(|s| self.schema(s, media));
            out.push((media.clone(), schema));
        }
        out
    }

    /// Swagger 2's `in: body` parameter, for each media type the operation consumes.
    fn v2_request(
        &mut self,
        list: Option<&'a Value>,
        consumes: Option<&Value>,
    ) -> Vec<(String, Option<String>)> {
        let items = list
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        let body = items
            .iter()
            .filter_map(|p| self.resolve(p))
            .find(|p| p.get("in").and_then(Value::as_str) == Some("body"));
        let Some(schema) = body.and_then(|b| b.get("schema")) else {
            return Vec::new();
        };
        let schema = self.schema(schema, "schema");
        media_types(consumes)
            .into_iter()
            .map(|m| (m, schema.clone()))
            .collect()
    }

    /// Swagger 2 `schema` of a response: every media type the operation produces.
    fn v2_schema(
        &mut self,
        status: u16,
        r: &Value,
        produces: Option<&Value>,
        from: usize,
        out: &mut Vec<Response>,
    ) {
        let Some(raw) = r.get("schema") else {
            return;
        };
        let Some(schema) = self.schema(raw, "schema") else {
            return;
        };
        for media in media_types(produces) {
            let known = out[from..]
                .iter()
                .any(|x| x.content_type.as_deref() == Some(media.as_str()));
            if !known {
                // No declared example: `mock-response` answers a sample of the schema.
                let example = self.generated(Some(media.as_str()), raw);
                out.push(Response {
                    status,
                    content_type: Some(media),
                    example,
                    schema: None,
                    headers: Vec::new(),
                });
            }
        }
        for x in &mut out[from..] {
            x.schema = Some(schema.clone());
        }
    }

    /// A response's declared headers.
    fn response_headers(&mut self, r: &'a Value, is_v3: bool) -> Vec<Parameter> {
        let Some(headers) = r.get("headers").and_then(Value::as_object) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (name, h) in headers {
            let Some(h) = self.resolve(h).and_then(Value::as_object) else {
                continue;
            };
            let required = is_v3 && h.get("required").and_then(Value::as_bool) == Some(true);
            let schema = self.param_schema(h, name);
            out.push(Parameter {
                name: name.clone(),
                location: ParameterIn::Header,
                required,
                schema,
            });
        }
        out
    }
}

/// The keywords of a swagger 2 non-body parameter or header that make its schema.
const V2_SCHEMA_KEYS: &[&str] = &[
    "type",
    "format",
    "items",
    "enum",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "multipleOf",
    "x-nullable",
];

/// The media types of a `consumes`/`produces` list (`application/json` when none).
fn media_types(list: Option<&Value>) -> Vec<String> {
    let listed: Vec<String> = list
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    if listed.is_empty() {
        vec!["application/json".to_string()]
    } else {
        listed
    }
}

/// Swagger 2 `examples`: media type → example.
fn v2_examples(status: u16, r: &Value, out: &mut Vec<Response>) {
    let Some(examples) = r.get("examples").and_then(Value::as_object) else {
        return;
    };
    for (media, e) in examples {
        out.push(Response {
            status,
            content_type: Some(media.clone()),
            example: Some(serialise(media, e)),
            schema: None,
            headers: Vec::new(),
        });
    }
}

/// The first string of a list.
fn first_string(v: Option<&Value>) -> Option<String> {
    v?.as_array()?.first()?.as_str().map(str::to_string)
}

/// An example as body text: JSON text, except a string example for a non-JSON type.
fn serialise(media: &str, example: &Value) -> String {
    match example {
        Value::String(s) if !media.contains("json") => s.clone(),
        v => v.to_string(),
    }
}

/// Declares every `{name}` of the template that the specification left out.
fn add_template_parameters(template: &str, parameters: &mut Vec<Parameter>) {
    for piece in template.split('{').skip(1) {
        let Some((name, _)) = piece.split_once('}') else {
            continue;
        };
        let declared = parameters
            .iter()
            .any(|p| p.location == ParameterIn::Template && p.name == name);
        if !name.is_empty() && !declared {
            parameters.push(Parameter {
                name: name.to_string(),
                location: ParameterIn::Template,
                required: true,
                schema: None,
            });
        }
    }
}
