//! Request loops: an API whose backend is the gateway itself, and a loop through an
//! external hop that keeps the gateway's `Gatehouse-Loop` marker, both stop after the
//! configured number of passes with a 508 `BackendConnectionFailure` instead of recursing.

use super::harness::{backend, client, send};
use super::project;
use super::retry::{project_dir, text};
use bytes::Bytes;
use gatehouse_server::ServerConfig;
use http::{Request, StatusCode};
use http_body_util::{BodyExt, Full};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

fn post() -> Request<Full<Bytes>> {
    Request::post("/r/x")
        .body(Full::new(Bytes::new()))
        .expect("request")
}

fn config() -> ServerConfig {
    ServerConfig {
        max_self_hops: 3,
        ..ServerConfig::default()
    }
}

#[tokio::test]
async fn a_backend_pointing_at_the_gateway_itself_stops_at_the_hop_limit() {
    let section = r#"<set-backend-service base-url="@("http://" + context.Request.Headers.GetValueOrDefault("Host", "") + "/r")" /><forward-request />"#;
    let dir = project_dir("loop-self", "http://unused.example", section);
    let gw = project::serve_with(&dir, config()).await;
    let (status, _, body) = send(gw.addr, post()).await;
    // The fourth pass refuses to call again; its on-error answer travels back up.
    assert_eq!(status.as_u16(), 599, "{}", text(&body));
    assert_eq!(text(&body), "forward-request/BackendConnectionFailure");
    // The client's request and three passes through the gateway: four requests in all.
    assert_eq!(gw.shared.metrics.requests_with_status(599), 4);
}

/// A server that sends every request it gets on to the gateway at `gw` (headers kept,
/// `Host` excepted) and answers with the gateway's answer; counts what it relays.
async fn relay(gw: Arc<OnceLock<SocketAddr>>) -> (SocketAddr, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let c = count.clone();
    let addr = backend(move |req: Request<hyper::body::Incoming>| {
        let gw = gw.clone();
        let c = c.clone();
        async move {
            c.fetch_add(1, Ordering::SeqCst);
            let target = *gw.get().expect("gateway started");
            let (parts, body) = req.into_parts();
            let body = body
                .collect()
                .await
                .map(|b| b.to_bytes())
                .unwrap_or_default();
            let mut out = Request::builder()
                .method(parts.method)
                .uri(format!("http://{target}/r/x"));
            for (k, v) in &parts.headers {
                if k != http::header::HOST {
                    out = out.header(k, v);
                }
            }
            let resp = client()
                .request(out.body(Full::new(body)).expect("relayed"))
                .await
                .expect("gateway answers");
            let (parts, body) = resp.into_parts();
            let body = body
                .collect()
                .await
                .map(|b| b.to_bytes())
                .unwrap_or_default();
            let mut r = http::Response::new(Full::new(body).map_err(|e| match e {}).boxed_unsync());
            *r.status_mut() = parts.status;
            r
        }
    })
    .await;
    (addr, count)
}

#[tokio::test]
async fn a_loop_through_an_external_hop_is_caught_by_the_marker() {
    let gw_addr = Arc::new(OnceLock::new());
    let (hop, relayed) = relay(gw_addr.clone()).await;
    let dir = project_dir(
        "loop-external",
        &format!("http://{hop}"),
        "<forward-request />",
    );
    let gw = project::serve_with(&dir, config()).await;
    gw_addr.set(gw.addr).expect("set once");
    let (status, _, body) = send(gw.addr, post()).await;
    assert_eq!(status.as_u16(), 599, "{}", text(&body));
    assert_eq!(text(&body), "forward-request/BackendConnectionFailure");
    assert_eq!(
        relayed.load(Ordering::SeqCst),
        3,
        "three passes through the hop"
    );
    assert_ne!(status, StatusCode::OK);
}

#[tokio::test]
async fn without_on_error_the_looping_call_answers_508() {
    let dir = super::retry::project_dir_plain(
        "loop-508",
        r#"<set-backend-service base-url="@("http://" + context.Request.Headers.GetValueOrDefault("Host", "") + "/r")" /><forward-request />"#,
    );
    let gw = project::serve_with(&dir, config()).await;
    let (status, _, _) = send(gw.addr, post()).await;
    assert_eq!(status, StatusCode::LOOP_DETECTED);
}
