//! Operations from OpenAPI 2 and 3 specifications, and operation folders.

use super::{codes, load_dir, TempDir};
use crate::project::openapi::operations;
use crate::project::yaml::parse_yaml;
use crate::project::{derived_name, Operation, ParameterIn};
use crate::{Diagnostic, SourceFile};
use std::sync::Arc;

fn ops_of(text: &str, yaml: bool) -> (Vec<Operation>, Vec<Diagnostic>) {
    let file = Arc::new(SourceFile::new("spec", text));
    let spec = if yaml {
        parse_yaml(&file).expect("yaml")
    } else {
        serde_json::from_str(text).expect("json")
    };
    let mut out = Vec::new();
    (operations(&file, &spec, &mut out), out)
}

fn params(op: &Operation) -> Vec<(&str, ParameterIn, bool)> {
    op.parameters
        .iter()
        .map(|p| (p.name.as_str(), p.location, p.required))
        .collect()
}

const V3: &str = r#"
openapi: 3.0.3
paths:
  /items/{id}:
    parameters:
      - $ref: '#/components/parameters/id'
      - { name: trace, in: header }
    get:
      operationId: get-item
      summary: Get one
      parameters:
        - { name: fields, in: query, required: true }
        - { name: trace, in: header, required: true }
        - { name: session, in: cookie }
      responses:
        200:
          description: ok
          content:
            application/json:
              examples:
                second: { $ref: '#/components/examples/one' }
                first: { value: { a: 2 } }
            text/plain:
              example: hello
        default: { description: error }
    put:
      responses: { '204': { description: done } }
components:
  parameters:
    id: { name: id, in: path, required: true }
  examples:
    one: { value: { a: 1 } }
"#;

#[test]
fn openapi3_operations_parameters_and_examples() {
    let (ops, diags) = ops_of(V3, true);
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(ops.len(), 2);
    let get = &ops[0];
    assert_eq!(
        (
            get.name.as_str(),
            get.method.as_str(),
            get.display_name.as_str()
        ),
        ("get-item", "GET", "Get one")
    );
    assert_eq!(get.url_template, "/items/{id}");
    assert_eq!(
        params(get),
        [
            ("fields", ParameterIn::Query, true),
            ("trace", ParameterIn::Header, true),
            ("id", ParameterIn::Template, true),
        ]
    );
    let r: Vec<(u16, Option<&str>, Option<&str>)> = get
        .responses
        .iter()
        .map(|r| (r.status, r.content_type.as_deref(), r.example.as_deref()))
        .collect();
    assert_eq!(
        r,
        [
            (200, Some("application/json"), Some(r#"{"a":1}"#)),
            (200, Some("text/plain"), Some("hello")),
            (0, None, None),
        ]
    );
    assert_eq!(ops[1].name, "put-items-id");
    assert_eq!(ops[1].method, "PUT");
}

const V2: &str = r##"{
  "swagger": "2.0",
  "produces": ["application/xml"],
  "parameters": { "q": { "name": "q", "in": "query", "required": true } },
  "paths": {
    "/search/{term}": {
      "get": {
        "parameters": [ { "$ref": "#/parameters/q" }, { "name": "body", "in": "body" } ],
        "responses": {
          "200": { "description": "ok", "examples": { "application/json": { "hits": [] } } },
          "404": { "description": "none" }
        }
      }
    },
    "/": { "post": { "operationId": "post-root", "responses": {} } }
  }
}"##;

#[test]
fn openapi2_operations_with_ref_parameters() {
    let (ops, diags) = ops_of(V2, false);
    assert!(diags.is_empty(), "{diags:#?}");
    let get = &ops[0];
    assert_eq!(get.name, "get-search-term");
    assert_eq!(
        params(get),
        [
            ("q", ParameterIn::Query, true),
            ("term", ParameterIn::Template, true)
        ]
    );
    assert_eq!(get.responses[0].example.as_deref(), Some(r#"{"hits":[]}"#));
    assert_eq!(
        get.responses[1].content_type.as_deref(),
        Some("application/xml")
    );
    assert_eq!(
        (ops[1].name.as_str(), ops[1].url_template.as_str()),
        ("post-root", "/")
    );
}

#[test]
fn names_without_operation_ids() {
    assert_eq!(
        derived_name("GET", "/orders/{orderId}"),
        "get-orders-orderid"
    );
    assert_eq!(derived_name("get", "/"), "get");
    assert_eq!(derived_name("Delete", "/a_b/c.d"), "delete-a-b-c-d");
}

#[test]
fn spec_problems_are_reported() {
    let (ops, diags) = ops_of("info: {}\n", true);
    assert!(ops.is_empty());
    assert_eq!(diags[0].code, "gatehouse::invalid-spec");
    let text =
        r##"{"openapi": "3.0.0", "paths": {"/a": {"get": {"parameters": [{"$ref": "#/nope"}]}}}}"##;
    let (ops, diags) = ops_of(text, false);
    assert_eq!(ops.len(), 1);
    assert_eq!(&text[diags[0].span.range()], "#/nope");
    let text = r#"{"openapi": "3.0.0", "paths": {"/a": {"get": {"operationId": "x"}}, "/b": {"get": {"operationId": "x"}}}}"#;
    let (ops, diags) = ops_of(text, false);
    assert_eq!(ops.len(), 1);
    assert!(diags[0].message.contains("twice"));
}

#[test]
fn operation_folders_must_match_the_specification() {
    let dir = TempDir::new("ops");
    dir.write(
        "apis/a/apiInformation.json",
        r#"{"properties": {"path": "a"}}"#,
    );
    dir.write(
        "apis/a/specification.yml",
        "openapi: 3.0.0\npaths:\n  /x:\n    get:\n      operationId: get-order\n",
    );
    dir.write("apis/a/operations/get-order/policy.xml", "<policies />");
    dir.write(
        "apis/a/operations/get-ordr/policy.xml",
        "<!-- c -->\n<policies />",
    );
    let loaded = load_dir(dir.path());
    assert_eq!(codes(&loaded), ["unknown-operation"]);
    let d = &loaded.diagnostics[0];
    assert_eq!(&d.file.text[d.span.range()], "<policies />");
    assert_eq!(d.help.as_deref(), Some("did you mean `get-order`?"));
    assert!(loaded.project.apis[0].operations[0].policy.is_some());
}

#[test]
fn a_broken_specification_is_reported_once() {
    let dir = TempDir::new("badspec");
    dir.write(
        "apis/a/apiInformation.json",
        r#"{"properties": {"path": "a"}}"#,
    );
    dir.write("apis/a/specification.yaml", "openapi: [\n");
    dir.write("apis/a/operations/x/policy.xml", "<policies />");
    let loaded = load_dir(dir.path());
    assert_eq!(codes(&loaded), ["invalid-yaml"]);
    assert!(loaded.project.apis[0].operations.is_empty());
}

#[test]
fn contracts_hold_schemas_of_parameters_bodies_and_response_headers() {
    let text = r##"{"openapi": "3.0.0", "paths": {"/a/{id}": {"post": {"operationId": "x",
      "parameters": [{"name": "id", "in": "path", "schema": {"type": "integer", "nullable": true}}],
      "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}},
      "responses": {"200": {"description": "ok", "headers": {"X-N": {"required": true, "schema": {"type": "integer"}}},
        "content": {"application/json": {"schema": {"type": "string", "pattern": "(?<"}}}}}}}},
      "components": {"schemas": {"A": {"type": "object"}}}}"##;
    let (ops, diags) = ops_of(text, false);
    let op = &ops[0];
    assert_eq!(
        op.parameters[0].schema.as_deref(),
        Some(r#"{"type":["integer","null"]}"#)
    );
    let (media, body) = &op.request_bodies[0];
    assert_eq!(media, "application/json");
    assert!(body
        .as_deref()
        .expect("a schema")
        .contains(r##""$ref":"#/$defs/d0_A""##));
    let header = &op.responses[0].headers[0];
    assert_eq!((header.name.as_str(), header.required), ("X-N", true));
    // A pattern the gateway cannot compile is a warning at build time.
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].code, "gatehouse::spec-schema-not-compiled");
    let (ops, diags) = ops_of(
        r##"{"swagger": "2.0", "consumes": ["application/xml"], "paths": {"/a": {"post": {"operationId": "y",
          "parameters": [{"name": "b", "in": "body", "schema": {"type": "object"}},
                         {"name": "q", "in": "query", "type": "integer", "maximum": 3}],
          "responses": {"201": {"description": "ok", "schema": {"type": "array"}}}}}}}"##,
        false,
    );
    assert!(diags.is_empty(), "{diags:?}");
    let op = &ops[0];
    assert_eq!(
        op.request_bodies,
        vec![(
            "application/xml".to_string(),
            Some(r#"{"type":"object"}"#.to_string())
        )]
    );
    assert_eq!(
        op.parameters[0].schema.as_deref(),
        Some(r#"{"type":"integer","maximum":3}"#)
    );
    assert_eq!(
        op.responses[0].content_type.as_deref(),
        Some("application/json")
    );
    assert_eq!(
        op.responses[0].schema.as_deref(),
        Some(r#"{"type":"array"}"#)
    );
}
