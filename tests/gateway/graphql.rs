//! `validate-graphql-request` end to end: a GraphQL pass-through API with its schema
//! (`specification.graphql`) in front of a backend that answers with the request it got:
//! valid queries pass untouched, invalid ones, too deep or too large ones and rejected
//! fields fail with an errors block before the backend, and removed fields leave the query.

use super::harness::{backend, send, serve_project, Running};
use crate::support::TempDir;
use bytes::Bytes;
use gatehouse_runtime::engine::{EngineConfig, Gateway};
use gatehouse_server::handler::full;
use gatehouse_server::ServerConfig;
use http_body_util::{BodyExt, Full};
use hyper::{Request, Response};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

const SCHEMA: &str = r#"
type Query { missions(limit: Int): [Mission!]! me: User }
type Mission { id: ID! name: String! crew: [User!]! }
type User { id: ID! name: String! email: String missions: [Mission!]! }
type Mutation { deleteUser(id: ID!): Boolean }
"#;

const POLICY: &str = r#"<policies>
  <inbound>
    <base />
    <validate-graphql-request error-variable-name="gqlErrors" max-size="2048" max-depth="3">
      <authorize>
        <rule path="/__*" action="reject" />
        <rule path="/User/email" action="@(context.Request.Headers.GetValueOrDefault("X-Role", "") == "admin" ? "allow" : "remove")" />
        <rule path="/Mutation/deleteUser" action="reject" />
      </authorize>
    </validate-graphql-request>
  </inbound>
  <backend><base /></backend>
  <outbound>
    <base />
    <set-header name="X-Errors" exists-action="override"><value>@(context.Variables.GetValueOrDefault<string>("gqlErrors", ""))</value></set-header>
  </outbound>
  <on-error>
    <base />
    <set-header name="X-Reason" exists-action="override"><value>@(context.LastError.Reason)</value></set-header>
  </on-error>
</policies>"#;

async fn serve(name: &str) -> (Running<Gateway>, Arc<AtomicU32>, TempDir) {
    let calls = Arc::new(AtomicU32::new(0));
    let counted = calls.clone();
    let addr = backend(move |req: Request<hyper::body::Incoming>| {
        let counted = counted.clone();
        async move {
            counted.fetch_add(1, Ordering::SeqCst);
            let query = req.uri().query().unwrap_or_default().to_string();
            let body = req.into_body().collect().await.map(|b| b.to_bytes());
            let body = body.unwrap_or_default();
            let said = if body.is_empty() {
                Bytes::from(query)
            } else {
                body
            };
            Response::new(full(said))
        }
    })
    .await;
    let dir = TempDir::new(&format!("graphql-{name}"));
    dir.write(
        "apis/space/apiInformation.json",
        &format!(
            r#"{{"properties":{{"displayName":"Space","path":"space","type":"graphql","serviceUrl":"http://{addr}/graphql","protocols":["https"],"subscriptionRequired":false}}}}"#
        ),
    );
    dir.write("apis/space/specification.graphql", SCHEMA);
    dir.write("apis/space/policy.xml", POLICY);
    let gw = serve_project(&dir.0, EngineConfig::default(), ServerConfig::default()).await;
    (gw, calls, dir)
}

/// Posts `query` as a GraphQL JSON request: status, the backend's words (the request it
/// got) or the gateway's errors block, and `X-Errors`.
async fn post(gw: &Running<Gateway>, query: &str, role: &str) -> (u16, serde_json::Value, String) {
    let body = serde_json::json!({ "query": query }).to_string();
    let req = Request::post("/space")
        .header("content-type", "application/json")
        .header("x-role", role)
        .body(Full::from(body))
        .expect("request");
    let (status, h, body) = send(gw.addr, req).await;
    let json = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
    let errors = h.get("x-errors").map_or(String::new(), |v| {
        v.to_str().unwrap_or_default().to_string()
    });
    (status.as_u16(), json, errors)
}

/// Every error message of an errors block, one per line.
fn error_lines(json: &serde_json::Value) -> String {
    json["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e["message"].as_str())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn valid_queries_pass_untouched_and_invalid_ones_never_reach_the_backend() {
    let (gw, calls, _dir) = serve("valid").await;
    let (status, got, errors) = post(&gw, "{ missions { id name } }", "").await;
    assert_eq!(status, 200);
    assert_eq!(got["query"], "{ missions { id name } }");
    assert_eq!(errors, "");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    for (query, says) in [
        ("{ missions { nope } }", "nope"),
        ("{ missions { crew { missions { id } } } }", "depth 4"),
        ("{ __schema { types { name } } }", "/Query/__schema"),
        ("mutation { deleteUser(id: 1) }", "/Mutation/deleteUser"),
        ("{ missions { id ", "expected"),
    ] {
        let (status, got, _) = post(&gw, query, "").await;
        assert_eq!(status, 400, "{query}: {got}");
        assert!(got.get("data").is_none(), "no data block: {got}");
        assert!(error_lines(&got).contains(says), "{query}: {got}");
    }
    let big = format!("{{ missions {{ id }} }} #{}", "x".repeat(3000));
    let (status, got, _) = post(&gw, &big, "").await;
    assert_eq!(status, 400);
    assert!(
        error_lines(&got).contains("over the limit of 2048"),
        "{got}"
    );
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "no refused request reached the backend"
    );
}

#[tokio::test]
async fn a_removed_field_leaves_the_query_and_is_reported() {
    let (gw, _, _dir) = serve("removed").await;
    let (status, got, errors) = post(&gw, "{ me { id email } }", "").await;
    assert_eq!(status, 200);
    let sent = got["query"].as_str().unwrap_or_default().to_string();
    assert!(sent.contains("id") && !sent.contains("email"), "{sent}");
    assert!(errors.contains("/User/email was removed"), "{errors}");
    let (status, got, errors) = post(&gw, "{ me { id email } }", "admin").await;
    assert_eq!(status, 200);
    assert!(got["query"].as_str().unwrap_or_default().contains("email"));
    assert_eq!(errors, "");
}

#[tokio::test]
async fn a_get_query_is_validated_too() {
    let (gw, _, _dir) = serve("get").await;
    let ok = send(
        gw.addr,
        Request::get("/space?query=%7B%20me%20%7B%20id%20%7D%20%7D")
            .body(Full::default())
            .expect("request"),
    )
    .await;
    assert_eq!(ok.0, 200);
    let bad = send(
        gw.addr,
        Request::get("/space?query=%7B%20me%20%7B%20nope%20%7D%20%7D")
            .body(Full::default())
            .expect("request"),
    )
    .await;
    assert_eq!(bad.0, 400);
    assert_eq!(bad.1["x-reason"], "GraphQLValidationFailed");
}
