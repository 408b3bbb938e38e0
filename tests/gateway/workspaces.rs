//! Workspaces end to end: a workspace's API, product, subscription, backend and named
//! value served by `gatehouse run`, its policy running between the global one and the
//! product's.

use super::run_cmd::{free_port, run_gatehouse, terminate};
use crate::support::TempDir;

const SPEC: &str = "openapi: 3.0.1\ninfo: {title: t, version: '1'}\npaths:\n  /items:\n    get:\n      operationId: list-items\n      responses: {'200': {description: OK}}\n";

/// `<policies>` whose inbound is `<base />` then `inbound`.
fn policy(inbound: &str) -> String {
    format!("<policies><inbound><base />{inbound}</inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>")
}

/// Workspace `team`: API `orders` at `team-orders` through product `gold` (subscription
/// key `bob-key`), its backend `team-echo` at `echo`, its named value `ws-value`.
fn project(echo: std::net::SocketAddr) -> TempDir {
    let dir = TempDir::new("workspaces");
    let ws = "workspaces/team";
    dir.write("policy.xml", r#"<policies><inbound><set-header name="X-Global" exists-action="override"><value>g</value></set-header></inbound><backend><forward-request /></backend><outbound /><on-error /></policies>"#)
        .write(&format!("{ws}/policy.xml"), &policy(r#"<set-header name="X-Workspace" exists-action="override"><value>{{ws-value}}</value></set-header>"#))
        .write(&format!("{ws}/named values/ws-value/namedValueInformation.json"), r#"{"properties": {"displayName": "ws-value", "value": "team-nv"}}"#)
        .write(&format!("{ws}/backends/team-echo/backendInformation.json"), &format!(r#"{{"properties": {{"url": "http://{echo}", "protocol": "http"}}}}"#))
        .write(&format!("{ws}/apis/orders/apiInformation.json"), r#"{"properties": {"path": "team-orders", "subscriptionRequired": true}}"#)
        .write(&format!("{ws}/apis/orders/specification.yaml"), SPEC)
        .write(&format!("{ws}/apis/orders/policy.xml"), &policy(r#"<set-backend-service backend-id="team-echo" />"#))
        .write(&format!("{ws}/products/gold/productInformation.json"), r#"{"properties": {"displayName": "Gold", "subscriptionRequired": true, "state": "published"}}"#)
        .write(&format!("{ws}/products/gold/apis/orders/productApiInformation.json"), "{}")
        .write(&format!("{ws}/products/gold/policy.xml"), &policy(r#"<set-header name="X-Product" exists-action="override"><value>@(context.Product.Name)</value></set-header>"#))
        .write(&format!("{ws}/subscriptions/bob/subscriptionInformation.json"), r#"{"properties": {"scope": "/products/gold", "primaryKey": "bob-key", "state": "active"}}"#);
    dir
}

#[tokio::test]
async fn a_workspace_api_runs_global_workspace_product_and_api_scopes() {
    let (listen, admin, echo) = (free_port(), free_port(), free_port());
    let dir = project(echo);
    let (root, echo) = (dir.arg(), echo.to_string());
    let child = run_gatehouse(&[&root, "--echo", &echo], listen, admin).await;
    let req = hyper::Request::get("/team-orders/items")
        .header("Ocp-Apim-Subscription-Key", "bob-key")
        .body(http_body_util::Full::default())
        .expect("request");
    let (status, _, body) = super::harness::send(listen, req).await;
    let (anonymous, _, _) = super::harness::get(listen, "/team-orders/items").await;
    let _ = terminate(child).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let echoed: serde_json::Value = serde_json::from_slice(&body).expect("the echo's JSON");
    let h = &echoed["headers"];
    assert_eq!(h["x-global"][0], "g", "the global scope");
    assert_eq!(
        h["x-workspace"][0], "team-nv",
        "the workspace scope and its named value"
    );
    assert_eq!(h["x-product"][0], "Gold", "the workspace product");
    assert_eq!(echoed["path"], "/items", "the workspace backend");
    assert_eq!(
        anonymous, 401,
        "the workspace API requires the workspace subscription"
    );
}
