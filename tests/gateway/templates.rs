//! Templates and samples end to end: `mock-response` samples generated from response
//! schemas (OpenAPI 2 and 3), `set-body template="liquid"` and `xsl-transform`, on a compiled
//! project served on loopback with the echo backend.

use super::harness::{send, start_loaded, Running};
use super::project;
use crate::support::TempDir;
use bytes::Bytes;
use gatehouse_runtime::engine::Gateway;
use gatehouse_server::echo;
use gatehouse_server::shutdown::Shutdown;
use gatehouse_server::ServerConfig;
use http::{HeaderMap, Request, StatusCode};
use http_body_util::Full;
use tokio::net::TcpListener;

/// Serves API `t` (path `t`, forwarding to an echo backend) with `spec` as its
/// specification and each `(operation id, policies inner XML)` as an operation's policy.
async fn serve(name: &str, spec: &str, ops: &[(&str, &str)]) -> (Running<Gateway>, TempDir) {
    let l = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let echo_url = format!("http://{}", l.local_addr().expect("addr"));
    tokio::spawn(echo::serve(l, Shutdown::new()));
    let dir = TempDir::new(&format!(
        "templates-{name}-{}",
        echo_url.replace([':', '/', '.'], "_")
    ));
    dir.write(
        "apis/t/apiInformation.json",
        &format!(
            r#"{{"properties":{{"displayName":"t","path":"t","serviceUrl":"{echo_url}","protocols":["http"],"subscriptionRequired":false,"apiRevision":"1","isCurrent":true}}}}"#
        ),
    );
    dir.write(
        "apis/t/policy.xml",
        "<policies><inbound /><backend><forward-request /></backend><outbound /><on-error /></policies>",
    );
    for (id, policy) in ops {
        let doc = format!("<policies>{policy}</policies>");
        dir.write(&format!("apis/t/operations/{id}/policy.xml"), &doc);
    }
    dir.write("apis/t/specification.json", spec);
    let loaded = project::load(&dir.0).unwrap_or_else(|e| panic!("does not build:\n{e}"));
    (start_loaded(loaded, ServerConfig::default()).await, dir)
}

/// Sends `method path` with headers and body.
async fn call(
    gw: &Running<Gateway>,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (StatusCode, HeaderMap, String) {
    let mut req = Request::builder().method(method).uri(path);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = req.body(Full::new(Bytes::from(body.to_string())));
    let (s, h, b) = send(gw.addr, req.expect("request")).await;
    (s, h, String::from_utf8_lossy(&b).into_owned())
}

const MOCK: &str = r#"<inbound><base /><mock-response status-code="200" /></inbound>
    <backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error>"#;

#[tokio::test]
async fn mock_response_generates_a_sample_from_an_openapi_3_schema() {
    let spec = r##"{"openapi": "3.0.1", "info": {"title": "T", "version": "1"},
      "paths": {"/pets/{id}": {"get": {"operationId": "pet", "responses": {"200": {
        "description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}}}}}},
      "components": {"schemas": {
        "Base": {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}}},
        "Pet": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object", "properties": {
          "born": {"type": "string", "format": "date-time"},
          "kind": {"type": "string", "enum": ["cat", "dog"]},
          "tags": {"type": "array", "items": {"type": "string"}},
          "parent": {"$ref": "#/components/schemas/Pet"}}}]}}}}"##;
    let (gw, _dir) = serve("oas3", spec, &[("pet", MOCK)]).await;
    let (status, headers, body) = call(&gw, "GET", "/t/pets/1", &[], "").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(headers["content-type"], "application/json");
    let v: serde_json::Value = serde_json::from_str(&body).expect(&body);
    assert_eq!(v["id"], "00000000-0000-0000-0000-000000000000");
    assert_eq!(v["born"], "2024-01-01T00:00:00Z");
    assert_eq!(v["kind"], "cat");
    assert_eq!(v["tags"], serde_json::json!(["string"]));
    // The recursive `parent` ends at the depth bound.
    assert_eq!(v["parent"]["parent"]["kind"], "cat");
    assert!(body.len() < 20_000, "{}", body.len());
}

#[tokio::test]
async fn mock_response_generates_a_sample_from_a_swagger_2_schema() {
    let spec = r##"{"swagger": "2.0", "info": {"title": "T", "version": "1"},
      "produces": ["application/json"],
      "paths": {"/orders": {"get": {"operationId": "orders", "responses": {"200": {
        "description": "ok", "schema": {"type": "array", "items": {"$ref": "#/definitions/Order"}}}}}}},
      "definitions": {"Order": {"type": "object", "properties": {
        "n": {"type": "integer"}, "total": {"type": "number"}, "paid": {"type": "boolean"},
        "on": {"type": "string", "format": "date"}}}}}"##;
    let (gw, _dir) = serve("oas2", spec, &[("orders", MOCK)]).await;
    let (status, headers, body) = call(&gw, "GET", "/t/orders", &[], "").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(headers["content-type"], "application/json");
    let v: serde_json::Value = serde_json::from_str(&body).expect(&body);
    assert_eq!(
        v,
        serde_json::json!([{"n": 0, "total": 0.0, "paid": true, "on": "2024-01-01"}])
    );
}

/// The request body the echo backend saw (it answers with the request as JSON).
fn echoed(text: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(text).expect(text);
    v["body"].as_str().expect("an echoed body").to_string()
}

/// An OpenAPI 3 specification declaring `POST /{id}` for each operation id.
fn spec_of(ids: &[&str]) -> String {
    let paths: Vec<String> = ids
        .iter()
        .map(|id| {
            format!(
                r#""/{id}/{{n}}": {{"post": {{"operationId": "{id}", "responses": {{"200": {{"description": "ok"}}}}}}}}"#
            )
        })
        .collect();
    format!(
        r#"{{"openapi": "3.0.1", "info": {{"title": "T", "version": "1"}}, "paths": {{{}}}}}"#,
        paths.join(",")
    )
}

/// A policy rendering the request with `template` inbound (the echo backend returns it).
fn inbound_liquid(template: &str) -> String {
    format!(
        r#"<inbound><base /><set-body template="liquid">{template}</set-body></inbound>
           <backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error>"#
    )
}

#[tokio::test]
async fn liquid_renders_json_bodies_with_apim_filters_and_context() {
    let json = inbound_liquid(
        r#"{"name": "{{ body.name | Upcase }}", "n": {{ body.items | Size }}, "first": "{{ body.items | First | Append: '!' }}", "day": "{{ body.at | Date: 'yyyy-MM-dd' }}", "method": "{{ context.Request.Method }}", "path": "{{ context.Request.OriginalUrl.Path }}", "q": "{{ context.Request.Url.Query.k }}", "id": "{{ context.Request.MatchedParameters.n }}", "h": "{{ context.Request.Headers.X-Tag }}"}"#,
    );
    let outbound = r#"<inbound><base /></inbound><backend><base /></backend>
        <outbound><base /><set-body template="liquid">status={{ context.Response.StatusCode }};{{ body.method | Downcase }};{% assign parts = body.path | Split: "/" %}{% for p in parts %}{{ p | Capitalize }}{% endfor %}</set-body></outbound>
        <on-error><base /></on-error>"#;
    let (gw, _dir) = serve(
        "liquid-json",
        &spec_of(&["json", "out"]),
        &[("json", &json), ("out", outbound)],
    )
    .await;
    let body = r#"{"name": "ada", "items": ["x", "y"], "at": "2024-02-29T10:00:00Z"}"#;
    let h = [("content-type", "application/json"), ("x-tag", "blue")];
    let (status, _, text) = call(&gw, "POST", "/t/json/42?k=v", &h, body).await;
    assert_eq!(status, 200, "{text}");
    let sent = echoed(&text);
    let v: serde_json::Value = serde_json::from_str(&sent).expect(&sent);
    assert_eq!(v["name"], "ADA");
    assert_eq!(v["n"], 2);
    assert_eq!(v["first"], "x!");
    assert_eq!(v["day"], "2024-02-29");
    assert_eq!(v["method"], "POST");
    assert_eq!(v["path"], "/t/json/42");
    assert_eq!(v["q"], "v");
    assert_eq!(v["id"], "42");
    assert_eq!(v["h"], "blue");
    // Outbound the template reads the response (the echo's JSON) and its status.
    let (status, _, text) = call(&gw, "POST", "/t/out/1", &h, body).await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(text, "status=200;post;Out1");
}

#[tokio::test]
async fn liquid_binds_xml_bodies_and_leaves_other_types_unbound() {
    let xml = inbound_liquid(
        r#"<order id="{{ body.order.id }}"><who>{{ body.order.customer.name | Downcase }}</who><lines>{{ body.order.line | Size }}</lines></order>"#,
    );
    let (gw, _dir) = serve("liquid-xml", &spec_of(&["xml"]), &[("xml", &xml)]).await;
    let body = r#"<order id="9"><customer><name>ADA</name></customer><line>a</line><line>b</line><line>c</line></order>"#;
    let (status, _, text) = call(
        &gw,
        "POST",
        "/t/xml/1",
        &[("content-type", "application/xml")],
        body,
    )
    .await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(
        echoed(&text),
        r#"<order id="9"><who>ada</who><lines>3</lines></order>"#
    );
    // text/plain binds no body.
    let (status, _, text) = call(
        &gw,
        "POST",
        "/t/xml/1",
        &[("content-type", "text/plain")],
        body,
    )
    .await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(
        echoed(&text),
        r#"<order id=""><who></who><lines>0</lines></order>"#
    );
}

#[tokio::test]
async fn a_runaway_liquid_template_is_an_error_not_a_hang() {
    let loop_ = inbound_liquid("{% for i in (1..100000000000) %}x{% endfor %}");
    let (gw, _dir) = serve("liquid-bound", &spec_of(&["loop"]), &[("loop", &loop_)]).await;
    let (status, _, text) = call(
        &gw,
        "POST",
        "/t/loop/1",
        &[("content-type", "application/json")],
        "{}",
    )
    .await;
    assert_eq!(status, 500, "{text}");
}

const XSL: &str = r#"<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
      <xsl:output method="xml" omit-xml-declaration="yes" />
      <xsl:param name="User-Agent" />
      <xsl:param name="tier" />
      <xsl:template match="/order"><summary agent="{$User-Agent}" tier="{$tier}" lines="{count(line)}" /></xsl:template>
    </xsl:stylesheet>"#;

#[tokio::test]
async fn xsl_transform_rewrites_xml_with_parameters_and_refuses_entities() {
    let policy = format!(
        r#"<inbound><base /><xsl-transform>
             <parameter name="User-Agent">@(context.Request.Headers.GetValueOrDefault("User-Agent", "none"))</parameter>
             <parameter parameter-name="tier">gold</parameter>
             {XSL}
           </xsl-transform></inbound>
           <backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error>"#
    );
    let (gw, _dir) = serve("xslt", &spec_of(&["xml"]), &[("xml", &policy)]).await;
    let h = [
        ("content-type", "application/xml"),
        ("user-agent", "probe/1"),
    ];
    let (status, _, text) =
        call(&gw, "POST", "/t/xml/1", &h, "<order><line/><line/></order>").await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(
        echoed(&text).trim(),
        r#"<summary agent="probe/1" tier="gold" lines="2"/>"#
    );
    let laughs = r#"<?xml version="1.0"?><!DOCTYPE order [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><order>&b;</order>"#;
    let (status, _, text) = call(&gw, "POST", "/t/xml/1", &h, laughs).await;
    assert_eq!(status, 500, "{text}");
    let huge = format!("<order>{}</order>", "<line/>".repeat(700_000));
    let (status, _, text) = call(&gw, "POST", "/t/xml/1", &h, &huge).await;
    assert_eq!(status, 500, "{text}");
}
