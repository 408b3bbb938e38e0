//! `send-one-way-request`: the call goes off the request's path. Against a backend that
//! accepts connections and never answers, the client's response is not delayed, and the
//! calls in flight stay within the configured bound, the rest dropped and counted in
//! `/metrics`.

use super::harness::{get, send};
use super::project;
use super::retry::{gateway, project_dir, run, status, text};
use bytes::Bytes;
use gatehouse_server::ServerConfig;
use http::{Request, StatusCode};
use http_body_util::Full;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::net::TcpListener;

fn one_way(url: &str) -> String {
    format!(
        r#"<send-one-way-request mode="new" timeout="30">
            <set-url>{url}</set-url>
            <set-method>PUT</set-method>
            <set-header name="X-Audit" exists-action="override"><value>@(context.Request.Method)</value></set-header>
            <set-body>@("audit of " + context.Request.Method)</set-body>
        </send-one-way-request>
        <return-response><set-status code="202" /><set-body>done</set-body></return-response>"#
    )
}

#[test]
fn the_call_is_detached_and_the_pipeline_goes_on() {
    let gw = gateway("one-way", &one_way("http://audit.example/log"));
    let o = run(&gw, "", &[|| status(500)]);
    assert_eq!(o.effects, ["send-detached"]);
    let call = &o.forwarded[0];
    assert_eq!(call.method.as_str(), "PUT");
    assert_eq!(call.timeout, Duration::from_secs(30));
    assert_eq!(call.headers["x-audit"], "POST");
    assert_eq!(call.body.as_deref(), Some(&b"audit of POST"[..]));
    // The audit backend's 500 is nobody's business.
    assert_eq!(o.response.status, StatusCode::ACCEPTED);
    assert_eq!(text(&o.body), "done");
}

/// A server that accepts connections and reads but never answers; it keeps them open.
async fn silent() -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = l.local_addr().expect("addr");
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = l.accept().await {
            held.push(s);
        }
    });
    addr
}

#[tokio::test]
async fn a_backend_that_never_answers_delays_nothing_and_the_queue_is_bounded() {
    let target = silent().await;
    let section = one_way(&format!("http://{target}/log"));
    let dir = project_dir("one-way-e2e", "http://unused.example", &section);
    let config = ServerConfig {
        max_detached_calls: 3,
        ..ServerConfig::default()
    };
    let gw = project::serve_with(&dir, config).await;
    let started = Instant::now();
    for _ in 0..10 {
        let req = Request::post("/r/x")
            .body(Full::new(Bytes::new()))
            .expect("request");
        let (status, _, body) = send(gw.addr, req).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{}", text(&body));
    }
    // Ten answers while every call hangs for its 30 s timeout.
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(gw.shared.detached.in_flight(3), 3);
    let (_, _, metrics) = get(gw.admin, "/metrics").await;
    let metrics = text(&metrics);
    assert!(
        metrics.contains("gatehouse_detached_calls_total{outcome=\"queued\"} 3"),
        "{metrics}"
    );
    assert!(
        metrics.contains("gatehouse_detached_calls_total{outcome=\"dropped\"} 7"),
        "{metrics}"
    );
}
