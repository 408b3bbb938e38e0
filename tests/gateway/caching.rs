//! Caching and concurrency end to end: two gateways on one set of stores (what replicas
//! share), a counting backend on loopback, `cache-lookup`/`cache-store`,
//! `cache-store-value`/`cache-lookup-value` and `limit-concurrency`.

use super::harness::{backend, reply, send, start_loaded_on, Running};
use crate::support::TempDir;
use bytes::Bytes;
use gatehouse_compiler::diagnostic::{render_human, Style};
use gatehouse_compiler::{build_project, CheckOptions};
use gatehouse_runtime::engine::{EngineConfig, Gateway};
use gatehouse_runtime::state::Stores;
use gatehouse_server::backend::client::ClientSettings;
use gatehouse_server::{Loaded, ServerConfig};
use http::{HeaderMap, Request, StatusCode};
use http_body_util::Full;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

const POLICY: &str = r#"<policies>
  <inbound>
    <cache-lookup-value key="@("greeting-" + context.Request.Headers.GetValueOrDefault("X-User", ""))" variable-name="greeting" default-value="none" />
    <choose>
      <when condition="@(context.Request.Headers.ContainsKey("X-Remember"))">
        <cache-store-value key="@("greeting-" + context.Request.Headers.GetValueOrDefault("X-User", ""))" value="@(context.Request.Headers.GetValueOrDefault("X-Remember", ""))" duration="60" />
      </when>
    </choose>
    <cache-lookup vary-by-developer="false" vary-by-developer-groups="false" downstream-caching-type="private">
      <vary-by-query-parameter>page</vary-by-query-parameter>
    </cache-lookup>
  </inbound>
  <backend>
    <limit-concurrency key="backend" max-count="1">
      <forward-request timeout="10" />
    </limit-concurrency>
  </backend>
  <outbound>
    <cache-store duration="60" />
    <set-header name="X-Greeting" exists-action="override"><value>@((string)context.Variables["greeting"])</value></set-header>
  </outbound>
  <on-error>
    <set-header name="X-Reason" exists-action="override"><value>@(context.LastError.Reason)</value></set-header>
  </on-error>
</policies>"#;

/// Two gateways on `stores` for API `c` (`GET /item`, `GET /slow`) in front of a backend
/// that counts its calls (`/slow` answers after 300 ms).
async fn serve(name: &str, stores: &Stores) -> (Vec<Running<Gateway>>, Arc<AtomicU32>, TempDir) {
    let calls = Arc::new(AtomicU32::new(0));
    let counted = calls.clone();
    let addr = backend(move |req: Request<hyper::body::Incoming>| {
        let counted = counted.clone();
        async move {
            counted.fetch_add(1, Ordering::SeqCst);
            if req.uri().path().ends_with("/slow") {
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            reply(200, "from-backend")
        }
    })
    .await;
    let dir = TempDir::new(&format!("caching-{name}"));
    let info = format!(
        r#"{{"properties":{{"displayName":"c","path":"c","serviceUrl":"http://{addr}","protocols":["http"],"subscriptionRequired":false,"apiRevision":"1","isCurrent":true}}}}"#
    );
    dir.write("apis/c/apiInformation.json", &info);
    dir.write(
        "apis/c/specification.yaml",
        "openapi: 3.0.1\ninfo: { title: C, version: '1' }\npaths:\n  /item:\n    get:\n      operationId: get-item\n      responses:\n        '200':\n          description: ok\n  /slow:\n    get:\n      operationId: get-slow\n      responses:\n        '200':\n          description: ok\n",
    );
    dir.write("apis/c/policy.xml", POLICY);
    let report = build_project(&dir.0, &CheckOptions::default());
    let Some(program) = report.program else {
        let text = render_human(&report.diagnostics, Style::Plain);
        panic!("the caching project does not build:\n{text}");
    };
    let program = Arc::new(program);
    let mut gateways = Vec::new();
    for _ in 0..2 {
        let config = EngineConfig::default();
        let gateway = Gateway::with_stores(program.clone(), config, stores.clone());
        let loaded = Loaded::new(gateway, &ClientSettings::default()).expect("load");
        gateways.push(start_loaded_on(loaded, ServerConfig::default(), "127.0.0.1:0").await);
    }
    (gateways, calls, dir)
}

async fn call(
    gw: &Running<Gateway>,
    path: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, HeaderMap, Bytes) {
    let mut r = Request::builder().method("GET").uri(path);
    for (k, v) in headers {
        r = r.header(*k, *v);
    }
    send(gw.addr, r.body(Full::default()).expect("request")).await
}

#[tokio::test]
async fn a_response_cached_through_one_gateway_is_served_by_the_other() {
    let stores = Stores::local(Default::default(), Default::default());
    let (gws, calls, _dir) = serve("response", &stores).await;
    let (status, headers, body) = call(&gws[0], "/c/item?page=1", &[]).await;
    assert_eq!((status, &body[..]), (StatusCode::OK, &b"from-backend"[..]));
    assert_eq!(
        headers.get("cache-control").map(|v| v.as_bytes()),
        Some(&b"private, max-age=60, must-revalidate"[..])
    );
    let (status, _, body) = call(&gws[1], "/c/item?page=1", &[]).await;
    assert_eq!((status, &body[..]), (StatusCode::OK, &b"from-backend"[..]));
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "the second gateway answered from the cache"
    );
    call(&gws[1], "/c/item?page=2", &[]).await;
    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "another page is another entry"
    );
}

#[tokio::test]
async fn a_value_stored_through_one_gateway_is_read_through_the_other() {
    let stores = Stores::local(Default::default(), Default::default());
    let (gws, _calls, _dir) = serve("value", &stores).await;
    let (_, headers, _) = call(
        &gws[0],
        "/c/item?page=9",
        &[("X-User", "ann"), ("X-Remember", "hello")],
    )
    .await;
    assert_eq!(
        headers.get("x-greeting").map(|v| v.as_bytes()),
        Some(&b"none"[..])
    );
    let (_, headers, _) = call(&gws[1], "/c/item?page=10", &[("X-User", "ann")]).await;
    assert_eq!(
        headers.get("x-greeting").map(|v| v.as_bytes()),
        Some(&b"hello"[..])
    );
    let (_, headers, _) = call(&gws[1], "/c/item?page=11", &[("X-User", "bob")]).await;
    assert_eq!(
        headers.get("x-greeting").map(|v| v.as_bytes()),
        Some(&b"none"[..])
    );
}

#[tokio::test]
async fn concurrent_requests_over_max_count_are_refused_and_the_slot_comes_back() {
    let stores = Stores::local(Default::default(), Default::default());
    let (gws, _calls, _dir) = serve("concurrency", &stores).await;
    // Distinct pages so the response cache does not answer.
    let (a, b) = tokio::join!(call(&gws[0], "/c/slow?page=1", &[]), async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        call(&gws[1], "/c/slow?page=2", &[]).await
    });
    assert_eq!(a.0, StatusCode::OK);
    assert_eq!(b.0, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        b.1.get("x-reason").map(|v| v.as_bytes()),
        Some(&b"ConcurrencyLimitExceeded"[..])
    );
    assert_eq!(stores.concurrency.holding("backend"), 0);
    let (status, _, _) = call(&gws[1], "/c/slow?page=3", &[]).await;
    assert_eq!(status, StatusCode::OK);
}
