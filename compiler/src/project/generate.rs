//! A generated APIOps project of any size, for benches and performance tests.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

/// Backends and named values the generated policies refer to.
const SHARED: usize = 5;

/// Writes an APIOps project into `dir`: `apis` APIs with `operations` operations each
/// (OpenAPI 3 JSON specifications, API and operation policies with `<base/>`), a global
/// policy, a fragment, a product, and a few backends and named values that the policies
/// reference. The project loads without diagnostics.
#[doc(hidden)]
pub fn generate_large_project(dir: &Path, apis: usize, operations: usize) -> io::Result<()> {
    write(dir, "policy.xml", GLOBAL)?;
    write(dir, "policy fragments/tag/policy.xml", FRAGMENT)?;
    for i in 0..SHARED {
        let backend = format!(
            r#"{{"properties": {{"url": "https://backend-{i}.example", "protocol": "http"}}}}"#
        );
        write(
            dir,
            &format!("backends/backend-{i}/backendInformation.json"),
            &backend,
        )?;
        let nv = format!(r#"{{"properties": {{"displayName": "nv-{i}", "value": "v{i}"}}}}"#);
        write(
            dir,
            &format!("named values/nv-{i}/namedValueInformation.json"),
            &nv,
        )?;
    }
    let product = r#"{"properties": {"displayName": "All", "state": "published"}}"#;
    write(dir, "products/all/productInformation.json", product)?;
    for a in 0..apis {
        api(dir, a, operations)?;
        write(
            dir,
            &format!("products/all/apis/api-{a}/productApiInformation.json"),
            "{}",
        )?;
    }
    Ok(())
}

/// One API: information, specification, API policy and operation policies.
fn api(dir: &Path, a: usize, operations: usize) -> io::Result<()> {
    let base = format!("apis/api-{a}");
    let info = format!(
        r#"{{"properties": {{"displayName": "API {a}", "path": "api-{a}", "serviceUrl": "https://backend-0.example", "protocols": ["https"]}}}}"#
    );
    write(dir, &format!("{base}/apiInformation.json"), &info)?;
    write(
        dir,
        &format!("{base}/specification.json"),
        &spec(operations),
    )?;
    let policy = API_POLICY
        .replace("BACKEND", &format!("backend-{}", a % SHARED))
        .replace("NV", &format!("nv-{}", a % SHARED));
    write(dir, &format!("{base}/policy.xml"), &policy)?;
    for o in 0..operations {
        let policy = OPERATION_POLICY.replace("OP", &format!("op-{o}"));
        write(
            dir,
            &format!("{base}/operations/op-{o}/policy.xml"),
            &policy,
        )?;
    }
    Ok(())
}

/// An OpenAPI 3 specification with `operations` operations.
fn spec(operations: usize) -> String {
    let mut paths = String::new();
    for o in 0..operations {
        if o > 0 {
            paths.push(',');
        }
        let _ = write!(
            paths,
            r#""/items-{o}/{{id}}": {{"get": {{"operationId": "op-{o}", "summary": "Operation {o}",
              "parameters": [{{"name": "id", "in": "path", "required": true}}],
              "responses": {{"200": {{"description": "ok", "content": {{"application/json": {{"example": {{"id": {o}}}}}}}}}}}}}}}"#
        );
    }
    format!(
        r#"{{"openapi": "3.0.1", "info": {{"title": "t", "version": "1"}}, "paths": {{{paths}}}}}"#
    )
}

/// Writes `text` to `dir/rel`, creating folders.
fn write(dir: &Path, rel: &str, text: &str) -> io::Result<()> {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(path, text)
}

const GLOBAL: &str = r#"<policies>
    <inbound><set-header name="X-Gateway" exists-action="override"><value>gatehouse</value></set-header></inbound>
    <backend><forward-request timeout="30" /></backend>
    <outbound />
    <on-error />
</policies>
"#;

const FRAGMENT: &str = r#"<fragment>
    <set-header name="X-Api" exists-action="override"><value>@(context.Api.Name)</value></set-header>
</fragment>
"#;

/// A policy that inherits every section (`<base />` first) and adds `$inbound`'s lines to
/// `<inbound>`: the shape of every generated API and operation policy.
macro_rules! inheriting_policy {
    ($inbound:literal) => {
        concat!(
            "<policies>\n    <inbound>\n        <base />\n",
            $inbound,
            "    </inbound>
    <backend><base /></backend>
    <outbound><base /></outbound>
    <on-error><base /></on-error>
</policies>
"
        )
    };
}

const API_POLICY: &str = inheriting_policy!(
    r#"        <include-fragment fragment-id="tag" />
        <set-backend-service backend-id="BACKEND" />
        <set-header name="X-Version" exists-action="override"><value>{{NV}}</value></set-header>
"#
);

const OPERATION_POLICY: &str = inheriting_policy!(
    r#"        <set-header name="X-Operation" exists-action="override"><value>OP</value></set-header>
        <set-variable name="id" value="@(context.Request.MatchedParameters["id"])" />
"#
);
