//! The end-to-end APIOps project: written into a temp dir with the test's backend URLs,
//! compiled with the real compiler and served with the real engine.

use super::harness::{start_loaded, Running};
use crate::support::TempDir;
use gatehouse_compiler::{build_project, CheckOptions};
use gatehouse_runtime::engine::{EngineConfig, Gateway};
use gatehouse_server::backend::client::ClientSettings;
use gatehouse_server::{Loaded, ServerConfig};
use std::sync::Arc;

/// Backend addresses the project points at.
pub struct Urls {
    /// The echo backend.
    pub echo: String,
    /// Nothing listens there.
    pub dead: String,
    /// Answers after three seconds.
    pub slow: String,
    /// Closes connections without answering.
    pub reset: String,
    /// Always answers 500.
    pub flaky: String,
}

/// One operation of the `shop` API: id, method, URL template, operation policy.
const OPS: &[(&str, &str, &str, &str)] = &[
    ("get-item", "get", "/items/{id}", ""),
    (
        "checked",
        "get",
        "/checked",
        r#"<inbound><base />
        <check-header name="X-Tenant" failed-check-httpcode="403" failed-check-error-message="@("tenant " + context.Request.Headers.GetValueOrDefault("X-Tenant", "missing") + " not allowed")" ignore-case="true">
            <value>contoso</value>
            <value>fabrikam</value>
        </check-header>
        </inbound>"#,
    ),
    (
        "headers",
        "get",
        "/headers",
        r#"<inbound><base />
        <set-header name="X-Added" exists-action="override"><value>literal</value></set-header>
        <set-header name="X-Expr" exists-action="override"><value>@(context.Request.Headers.GetValueOrDefault("X-In", "none"))</value></set-header>
        <set-header name="X-Drop" exists-action="delete" />
        <set-query-parameter name="added" exists-action="override"><value>yes</value></set-query-parameter>
        </inbound>"#,
    ),
    (
        "rewrite",
        "post",
        "/rewrite/{id}",
        r#"<inbound><base />
        <rewrite-uri template="/v2/things/{id}" />
        <set-method>PUT</set-method>
        </inbound>"#,
    ),
    (
        "teapot",
        "get",
        "/teapot",
        r#"<inbound><base />
        <set-variable name="who" value="@("tea" + "pot")" />
        <return-response>
            <set-status code="418" reason="I'm a teapot" />
            <set-header name="X-Who" exists-action="override"><value>@((string)context.Variables["who"])</value></set-header>
            <set-body>@("short and " + (string)context.Variables["who"])</set-body>
        </return-response>
        </inbound>"#,
    ),
    (
        "mock",
        "get",
        "/mock",
        r#"<inbound><base /><mock-response status-code="200" content-type="application/json" /></inbound>"#,
    ),
    (
        "choose",
        "get",
        "/choose",
        r#"<inbound><base />
        <choose>
            <when condition="@(context.Request.Headers.GetValueOrDefault("X-Tier", "") == "gold")">
                <set-header name="X-Priority" exists-action="override"><value>high</value></set-header>
            </when>
            <otherwise>
                <set-header name="X-Priority" exists-action="override"><value>normal</value></set-header>
            </otherwise>
        </choose>
        <include-fragment fragment-id="stamp" />
        <trace source="e2e" severity="information"><message>choosing</message></trace>
        </inbound>"#,
    ),
    (
        "outbound",
        "get",
        "/outbound",
        r#"<outbound><base />
        <set-status code="201" reason="Made" />
        <set-header name="X-Out" exists-action="override"><value>@(context.Response.StatusCode.ToString())</value></set-header>
        <set-body>replaced</set-body>
        </outbound>"#,
    ),
    (
        "backend-id",
        "get",
        "/backend-id",
        r#"<inbound><base /><set-backend-service backend-id="echo-backend" /></inbound>"#,
    ),
    (
        "base-url",
        "get",
        "/base-url",
        r#"<inbound><base /><set-backend-service base-url="{echo}/based" /></inbound>"#,
    ),
    (
        "down",
        "get",
        "/down",
        r#"<inbound><base /><set-backend-service base-url="{dead}" /></inbound>"#,
    ),
    (
        "slow",
        "get",
        "/slow",
        r#"<inbound><base /><set-backend-service base-url="{slow}" /></inbound>
        <backend><forward-request timeout="1" /></backend>"#,
    ),
    (
        "reset",
        "get",
        "/reset",
        r#"<inbound><base /><set-backend-service base-url="{reset}" /></inbound>"#,
    ),
    (
        "limited",
        "get",
        "/limited",
        r#"<inbound><base />
        <rate-limit-by-key calls="2" renewal-period="60" counter-key="@("fixed")" />
        </inbound>"#,
    ),
    (
        "flaky",
        "get",
        "/flaky",
        r#"<inbound><base /><set-backend-service backend-id="flaky-backend" /></inbound>"#,
    ),
    (
        "read-body",
        "post",
        "/read-body",
        r#"<inbound><base />
        <set-header name="X-Body-Length" exists-action="override"><value>@(context.Request.Body.As<string>(preserveContent: true).Length.ToString())</value></set-header>
        </inbound>"#,
    ),
    (
        "read-response",
        "get",
        "/read-response",
        r#"<outbound><base />
        <set-header name="X-Response-Length" exists-action="override"><value>@(context.Response.Body.As<string>(preserveContent: true).Length.ToString())</value></set-header>
        </outbound>"#,
    ),
    (
        "memory",
        "get",
        "/memory",
        r#"<inbound><base />
        <set-header name="X-Big" exists-action="override"><value>@{ var s = "a"; for (int i = 0; i < 40; i++) { s = s + s; } return s.Length.ToString(); }</value></set-header>
        </inbound>"#,
    ),
    (
        "ids",
        "get",
        "/ids",
        r#"<inbound><base />
        <return-response>
            <set-header name="X-Id1" exists-action="override"><value>@(context.RequestId.ToString())</value></set-header>
            <set-header name="X-Id2" exists-action="override"><value>@(context.RequestId.ToString())</value></set-header>
            <set-header name="X-Guid" exists-action="override"><value>@(Guid.NewGuid().ToString())</value></set-header>
            <set-header name="X-Rand" exists-action="override"><value>@{ var r = new Random(); return r.Next() + "-" + r.Next(); }</value></set-header>
        </return-response>
        </inbound>"#,
    ),
];

const GLOBAL: &str = r#"<policies>
    <inbound />
    <backend><forward-request timeout="10" /></backend>
    <outbound />
    <on-error>
        <set-header name="X-Error-Reason" exists-action="override"><value>@(context.LastError.Reason)</value></set-header>
    </on-error>
</policies>"#;

/// Writes the project for `urls`.
pub fn write(urls: &Urls) -> TempDir {
    let dir = TempDir::new(&format!("e2e-{}", urls.echo.replace([':', '/', '.'], "_")));
    let fill = |s: &str| {
        s.replace("{echo}", &urls.echo)
            .replace("{dead}", &urls.dead)
            .replace("{slow}", &urls.slow)
            .replace("{reset}", &urls.reset)
    };
    dir.write("policy.xml", GLOBAL);
    api(&dir, "shop", false, &urls.echo);
    let mut spec = String::from("openapi: 3.0.1\ninfo: { title: Shop, version: '1' }\npaths:\n");
    let mut seen = Vec::new();
    for (id, method, template, policy) in OPS {
        if !seen.contains(template) {
            spec.push_str(&format!("  '{template}':\n"));
            seen.push(template);
        }
        spec.push_str(&format!(
            "    {method}:\n      operationId: {id}\n      responses:\n"
        ));
        if *id == "mock" {
            spec.push_str("        '200':\n          description: ok\n          content:\n            application/json:\n              example: { mocked: true }\n");
        } else {
            spec.push_str("        '200':\n          description: ok\n");
        }
        if !policy.is_empty() {
            let doc = format!("<policies>{}</policies>", fill(policy));
            dir.write(&format!("apis/shop/operations/{id}/policy.xml"), &doc);
        }
    }
    dir.write("apis/shop/specification.yaml", &spec);
    api(&dir, "secure", true, &urls.echo);
    dir.write(
        "apis/secure/specification.yaml",
        "openapi: 3.0.1\ninfo: { title: Secure, version: '1' }\npaths:\n  /ping:\n    get:\n      operationId: ping\n      responses:\n        '200':\n          description: ok\n  /limited:\n    get:\n      operationId: limited\n      responses:\n        '200':\n          description: ok\n",
    );
    dir.write(
        "apis/secure/operations/limited/policy.xml",
        r#"<policies><inbound><base /><rate-limit calls="2" renewal-period="60" remaining-calls-header-name="X-Remaining" /></inbound></policies>"#,
    );
    dir.write(
        "subscriptions/alice/subscriptionInformation.json",
        r#"{"properties":{"displayName":"Alice","scope":"/apis/secure","primaryKey":"alice-key","state":"active"}}"#,
    );
    dir.write(
        "policy fragments/stamp/policy.xml",
        r#"<fragment><set-header name="X-Stamp" exists-action="override"><value>fragment</value></set-header></fragment>"#,
    );
    dir.write(
        "policy fragments/stamp/policyFragmentInformation.json",
        r#"{"properties":{"description":"stamp"}}"#,
    );
    dir.write(
        "named values/api-key/namedValueInformation.json",
        r#"{"properties":{"displayName":"api-key","value":"","secret":true}}"#,
    );
    let echo_backend = format!(
        r#"{{"properties":{{"url":"{}/creds","protocol":"http","type":"Single","credentials":{{"header":{{"x-api-key":["{{{{api-key}}}}"]}}}}}}}}"#,
        urls.echo
    );
    dir.write(
        "backends/echo-backend/backendInformation.json",
        &echo_backend,
    );
    let flaky = format!(
        r#"{{"properties":{{"url":"{}","protocol":"http","type":"Single","circuitBreaker":{{"rules":[{{"name":"b","failureCondition":{{"count":2,"interval":"PT1M","statusCodeRanges":[{{"min":500,"max":599}}]}},"tripDuration":"PT1M"}}]}}}}}}"#,
        urls.flaky
    );
    dir.write("backends/flaky-backend/backendInformation.json", &flaky);
    dir
}

fn api(dir: &TempDir, name: &str, subscription: bool, url: &str) {
    let info = format!(
        r#"{{"properties":{{"displayName":"{name}","path":"{name}","serviceUrl":"{url}","protocols":["http"],"subscriptionRequired":{subscription},"apiRevision":"1","isCurrent":true}}}}"#
    );
    dir.write(&format!("apis/{name}/apiInformation.json"), &info);
}

/// Compiles the project in `dir` (secret `api-key` = `s3cret`) and loads it.
pub fn load(dir: &std::path::Path) -> Result<Loaded<Gateway>, String> {
    let report = build_project(dir, &CheckOptions::default());
    let Some(mut program) = report.program else {
        return Err(gatehouse_compiler::diagnostic::render_human(
            &report.diagnostics,
            gatehouse_compiler::diagnostic::Style::Plain,
        ));
    };
    program
        .resolve_secrets(&|n| (n == "api-key").then(|| "s3cret".to_string()))
        .map_err(|e| e.to_string())?;
    let gateway = Gateway::new(Arc::new(program), EngineConfig::default());
    Loaded::new(gateway, &ClientSettings::default())
}

/// Compiles the project in `dir` and serves it.
pub async fn serve(dir: &TempDir) -> Running<Gateway> {
    serve_with(dir, ServerConfig::default()).await
}

/// Compiles the project in `dir` and serves it with `config`.
pub async fn serve_with(dir: &TempDir, config: ServerConfig) -> Running<Gateway> {
    let loaded = load(&dir.0).unwrap_or_else(|e| panic!("the e2e project does not build:\n{e}"));
    start_loaded(loaded, config).await
}
