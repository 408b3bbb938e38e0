//! A small APIOps project written into a fresh temporary folder, with test files.
#![allow(dead_code)] // each test file uses a part

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A temporary folder removed when dropped.
pub struct Temp(pub PathBuf);

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A new empty temporary folder.
pub fn temp() -> Temp {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("gatehouse-testing-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    Temp(dir)
}

const SPEC: &str = "openapi: 3.0.1
info: { title: Shop, version: '1' }
paths:
  /items/{id}:
    get:
      operationId: get-item
      parameters: [ { name: id, in: path, required: true, schema: { type: string } } ]
      responses: { '200': { description: ok } }
  /items:
    post:
      operationId: create-item
      responses: { '201': { description: created } }
";

const API: &str = r#"{ "properties": { "displayName": "Shop", "path": "shop",
  "serviceUrl": "http://backend.test/base", "protocols": ["https"], "subscriptionRequired": false } }"#;

/// Writes a project whose API `shop` has `policy`, and `tests/t.yaml` holding `yaml`.
pub fn project(dir: &Path, policy: &str, yaml: &str) {
    let api = dir.join("apis/shop");
    std::fs::create_dir_all(&api).expect("api dir");
    std::fs::write(api.join("apiInformation.json"), API).expect("api");
    std::fs::write(api.join("specification.yaml"), SPEC).expect("spec");
    std::fs::write(api.join("policy.xml"), policy).expect("policy");
    std::fs::create_dir_all(dir.join("tests")).expect("tests dir");
    std::fs::write(dir.join("tests/t.yaml"), yaml).expect("tests");
}

/// Loads and runs the suite of a project made of `policy` and `yaml`.
pub fn run(policy: &str, yaml: &str) -> gatehouse_testing::Report {
    let t = temp();
    project(&t.0, policy, yaml);
    let mut suite = match gatehouse_testing::load(&t.0) {
        Ok(s) => s,
        Err(d) => panic!("does not load: {d:?}"),
    };
    gatehouse_testing::run(&mut suite, &gatehouse_testing::Options::default())
}

/// The `what` of every mismatch, with the case's name: `case: what`.
pub fn mismatches(r: &gatehouse_testing::Report) -> Vec<String> {
    let mut out = Vec::new();
    for c in &r.cases {
        for p in &c.problems {
            out.push(format!("{}: problem {p}", c.name));
        }
        for (_, m) in &c.failures {
            out.push(format!("{}: {}", c.name, m.what));
        }
    }
    out
}

/// A policy touching every expectation kind.
pub const POLICY: &str = r#"<policies>
    <inbound>
        <set-variable name="who" value="@(context.Request.Headers.GetValueOrDefault("X-Who", "nobody"))" />
        <trace source="shop" severity="information">
            <message>@("hello " + (string)context.Variables["who"])</message>
        </trace>
        <choose>
            <when condition="@(context.Request.Headers.ContainsKey("X-Teapot"))">
                <return-response>
                    <set-status code="418" reason="Teapot" />
                    <set-body>teapot</set-body>
                </return-response>
            </when>
        </choose>
        <set-header name="X-To-Backend" exists-action="override">
            <value>@((string)context.Variables["who"])</value>
        </set-header>
    </inbound>
    <backend>
        <forward-request timeout="5" />
    </backend>
    <outbound>
        <set-header name="X-Now" exists-action="override">
            <value>@(DateTime.UtcNow.ToString("o"))</value>
        </set-header>
        <set-header name="X-Guid" exists-action="override">
            <value>@(Guid.NewGuid().ToString())</value>
        </set-header>
    </outbound>
    <on-error>
        <set-header name="X-Err" exists-action="override">
            <value>@(context.LastError.Reason)</value>
        </set-header>
    </on-error>
</policies>
"#;
