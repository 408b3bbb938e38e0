//! The real engine behind the real server: a compiled APIOps project, test backends, and
//! a client on loopback, covering routing, subscriptions, the executed policies and the
//! error reasons `on-error` sees.

use super::harness::{backend, dead_addr, get, reply, send, Running};
use super::project::{self, Urls};
use crate::support::TempDir;
use bytes::Bytes;
use gatehouse_runtime::engine::Gateway;
use gatehouse_server::echo;
use gatehouse_server::shutdown::Shutdown;
use http::{HeaderMap, Request, StatusCode};
use http_body_util::Full;
use std::time::Duration;
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

async fn listen() -> (TcpListener, String) {
    let l = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", l.local_addr().expect("addr"));
    (l, url)
}

/// Starts the backends, writes the project and serves it.
async fn gateway() -> (Running<Gateway>, TempDir) {
    let (echo_l, echo_url) = listen().await;
    tokio::spawn(echo::serve(echo_l, Shutdown::new()));
    let slow = backend(|_| async {
        tokio::time::sleep(Duration::from_secs(3)).await;
        reply(200, "late")
    })
    .await;
    let flaky = backend(|_| async { reply(500, "boom") }).await;
    let (reset_l, reset_url) = listen().await;
    tokio::spawn(async move {
        while let Ok((mut s, _)) = reset_l.accept().await {
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf).await;
            let _ = s.set_zero_linger();
        }
    });
    let urls = Urls {
        echo: echo_url,
        dead: format!("http://{}", dead_addr().await),
        slow: format!("http://{slow}"),
        reset: reset_url,
        flaky: format!("http://{flaky}"),
    };
    let dir = project::write(&urls);
    (project::serve(&dir).await, dir)
}

fn json(body: &Bytes) -> serde_json::Value {
    serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(body)))
}

async fn get_with(
    gw: &Running<Gateway>,
    path: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, HeaderMap, Bytes) {
    let mut req = Request::get(path);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    send(gw.addr, req.body(Full::default()).expect("req")).await
}

#[tokio::test]
async fn routes_to_the_backend_and_answers_404_for_unknown_paths() {
    let (gw, _dir) = gateway().await;
    let (status, _, body) = get(gw.addr, "/shop/items/42?x=1").await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let v = json(&body);
    assert_eq!(
        (v["method"].as_str(), v["path"].as_str()),
        (Some("GET"), Some("/items/42"))
    );
    assert_eq!(v["query"], "x=1");
    assert_eq!(get(gw.addr, "/nowhere").await.0, 404);
    assert_eq!(get(gw.addr, "/shop/not-an-operation").await.0, 404);
    let (_, _, metrics) = get(gw.admin, "/metrics").await;
    let text = String::from_utf8_lossy(&metrics);
    assert!(
        text.contains(
            "gatehouse_requests_total{api=\"shop\",operation=\"get-item\",status=\"200\"} 1"
        ),
        "{text}"
    );
}

#[tokio::test]
async fn subscriptions_are_checked() {
    let (gw, _dir) = gateway().await;
    assert_eq!(get(gw.addr, "/secure/ping").await.0, 401, "missing key");
    let bad = get_with(
        &gw,
        "/secure/ping",
        &[("Ocp-Apim-Subscription-Key", "wrong")],
    )
    .await;
    assert_eq!(bad.0, 401, "invalid key");
    let ok = get_with(
        &gw,
        "/secure/ping",
        &[("Ocp-Apim-Subscription-Key", "alice-key")],
    )
    .await;
    assert_eq!(ok.0, 200, "valid key in the header");
    assert_eq!(
        get(gw.addr, "/secure/ping?subscription-key=alice-key")
            .await
            .0,
        200,
        "valid key in the query"
    );
}

#[tokio::test]
async fn header_and_query_policies_change_the_forwarded_request() {
    let (gw, _dir) = gateway().await;
    let (status, _, body) = get_with(
        &gw,
        "/shop/headers?q=1",
        &[("X-In", "from-client"), ("X-Drop", "gone")],
    )
    .await;
    assert_eq!(status, 200);
    let v = json(&body);
    assert_eq!(v["headers"]["x-added"][0], "literal");
    assert_eq!(v["headers"]["x-expr"][0], "from-client");
    assert!(v["headers"]["x-drop"].is_null(), "{v}");
    let query = v["query"].as_str().expect("query");
    assert!(
        query.contains("q=1") && query.contains("added=yes"),
        "{query}"
    );
}

#[tokio::test]
async fn rewrite_uri_and_set_method() {
    let (gw, _dir) = gateway().await;
    let req = Request::post("/shop/rewrite/7")
        .body(Full::new(Bytes::from_static(b"payload")))
        .expect("req");
    let (status, _, body) = send(gw.addr, req).await;
    assert_eq!(status, 200);
    let v = json(&body);
    assert_eq!(v["method"], "PUT");
    assert_eq!(v["path"], "/v2/things/7");
    assert_eq!(v["body"], "payload");
}

#[tokio::test]
async fn return_response_with_variables_status_and_body() {
    let (gw, _dir) = gateway().await;
    let (status, headers, body) = get(gw.addr, "/shop/teapot").await;
    assert_eq!(status, 418);
    assert_eq!(headers["x-who"], "teapot");
    assert_eq!(body, "short and teapot");
}

#[tokio::test]
async fn mock_response_answers_from_the_specification_example() {
    let (gw, _dir) = gateway().await;
    let (status, headers, body) = get(gw.addr, "/shop/mock").await;
    assert_eq!(status, 200);
    assert!(headers["content-type"]
        .to_str()
        .expect("ascii")
        .contains("json"));
    assert_eq!(json(&body)["mocked"], true);
}

#[tokio::test]
async fn choose_fragments_and_trace() {
    let (gw, _dir) = gateway().await;
    let gold = json(&get_with(&gw, "/shop/choose", &[("X-Tier", "gold")]).await.2);
    assert_eq!(gold["headers"]["x-priority"][0], "high");
    assert_eq!(gold["headers"]["x-stamp"][0], "fragment");
    let other = json(&get(gw.addr, "/shop/choose").await.2);
    assert_eq!(other["headers"]["x-priority"][0], "normal");
}

#[tokio::test]
async fn outbound_policies_change_the_response() {
    let (gw, _dir) = gateway().await;
    let (status, headers, body) = get(gw.addr, "/shop/outbound").await;
    assert_eq!(status, 201);
    assert_eq!(headers["x-out"], "201", "set-status ran first");
    assert_eq!(body, "replaced");
}

#[tokio::test]
async fn set_backend_service_by_id_injects_credentials_and_by_url() {
    let (gw, _dir) = gateway().await;
    let by_id = json(&get(gw.addr, "/shop/backend-id").await.2);
    assert_eq!(by_id["path"], "/creds/backend-id");
    assert_eq!(by_id["headers"]["x-api-key"][0], "s3cret");
    let by_url = json(&get(gw.addr, "/shop/base-url").await.2);
    assert_eq!(by_url["path"], "/based/base-url");
}

#[tokio::test]
async fn on_error_sees_each_backend_failure_reason() {
    let (gw, _dir) = gateway().await;
    for (path, code, reason) in [
        ("/shop/down", 500, "BackendConnectionFailure"),
        ("/shop/reset", 500, "BackendConnectionFailure"),
        ("/shop/slow", 504, "Timeout"),
    ] {
        let (status, headers, _) = get(gw.addr, path).await;
        assert_eq!(status, code, "{path}");
        assert_eq!(headers["x-error-reason"], reason, "{path}");
    }
}

#[tokio::test]
async fn the_circuit_breaker_of_a_declared_backend_trips() {
    let (gw, _dir) = gateway().await;
    assert_eq!(get(gw.addr, "/shop/flaky").await.0, 500);
    assert_eq!(get(gw.addr, "/shop/flaky").await.0, 500);
    let (status, headers, _) = get(gw.addr, "/shop/flaky").await;
    assert_eq!(status, 503);
    assert_eq!(headers["x-error-reason"], "BackendUnavailable");
    assert_eq!(headers["retry-after"], "60", "the trip duration");
}

#[tokio::test]
async fn rate_limit_by_key_answers_429() {
    let (gw, _dir) = gateway().await;
    assert_eq!(get(gw.addr, "/shop/limited").await.0, 200);
    assert_eq!(get(gw.addr, "/shop/limited").await.0, 200);
    let (status, headers, _) = get(gw.addr, "/shop/limited").await;
    assert_eq!(status, 429);
    assert!(headers.contains_key("retry-after"));
}

#[tokio::test]
async fn rate_limit_counts_per_subscription_and_answers_429() {
    let (gw, _dir) = gateway().await;
    let key = [("Ocp-Apim-Subscription-Key", "alice-key")];
    let first = get_with(&gw, "/secure/limited", &key).await;
    assert_eq!(first.0, StatusCode::OK);
    assert_eq!(first.1["x-remaining"], "1");
    assert_eq!(get_with(&gw, "/secure/limited", &key).await.0, 200);
    let (status, headers, body) = get_with(&gw, "/secure/limited", &key).await;
    assert_eq!(status, 429);
    assert_eq!(headers["retry-after"], "60");
    assert!(String::from_utf8_lossy(&body).contains("Rate limit is exceeded"));
}

#[tokio::test]
async fn a_changed_policy_is_reloaded_under_traffic_without_failures() {
    use gatehouse_server::reload::{self, Rebuild};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let (gw, dir) = gateway().await;
    let stop = Arc::new(AtomicBool::new(false));
    let (addr, flag) = (gw.addr, stop.clone());
    let traffic = tokio::spawn(async move {
        let mut n = 0;
        while !flag.load(Ordering::Relaxed) {
            assert_eq!(get(addr, "/shop/items/1").await.0, 200);
            n += 1;
        }
        n
    });
    let file = "apis/shop/operations/headers/policy.xml";
    let text = std::fs::read_to_string(dir.0.join(file)).expect("read policy");
    dir.write(
        file,
        &text.replace("<value>literal</value>", "<value>reloaded</value>"),
    );
    let root = dir.0.clone();
    let rebuild: Rebuild<Gateway> = Arc::new(move || project::load(&root));
    assert!(reload::reload(&gw.shared, &rebuild).await);
    let v = json(&get(gw.addr, "/shop/headers").await.2);
    assert_eq!(v["headers"]["x-added"][0], "reloaded");
    dir.write(
        file,
        "<policies><inbound><unknown-policy /></inbound></policies>",
    );
    assert!(
        !reload::reload(&gw.shared, &rebuild).await,
        "a broken project is not loaded"
    );
    let v = json(&get(gw.addr, "/shop/headers").await.2);
    assert_eq!(
        v["headers"]["x-added"][0], "reloaded",
        "the previous program still serves"
    );
    stop.store(true, Ordering::Relaxed);
    assert!(traffic.await.expect("traffic") > 0);
}

#[tokio::test]
async fn check_header_enforces_presence_and_values() {
    let (gw, _dir) = gateway().await;
    let (status, _, body) = get_with(&gw, "/shop/checked", &[("X-Tenant", "CONTOSO")]).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let (status, headers, body) = get_with(&gw, "/shop/checked", &[("X-Tenant", "tailspin")]).await;
    assert_eq!(status, 403);
    assert_eq!(
        json(&body),
        serde_json::json!({"statusCode": 403, "message": "tenant tailspin not allowed"})
    );
    assert_eq!(headers["x-error-reason"], "HeaderValueNotAllowed");
    let (status, headers, _) = get_with(&gw, "/shop/checked", &[]).await;
    assert_eq!(status, 403);
    assert_eq!(headers["x-error-reason"], "HeaderNotFound");
}
