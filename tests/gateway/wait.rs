//! `wait`: children run concurrently (`send-request` and `choose` branches), `all` waits
//! for every child, `any` for the first, the others dropped; in process and against real
//! loopback servers with one slow child.

use super::harness::{backend, reply, send};
use super::project;
use super::retry::{gateway, run, status, text};
use bytes::Bytes;
use http::{Request, StatusCode};
use http_body_util::Full;
use std::time::{Duration, Instant};

/// A `send-request` of `url` into variable `var`.
fn call(var: &str, url: &str) -> String {
    format!(
        r#"<send-request response-variable-name="{var}" timeout="10"><set-url>{url}</set-url><set-method>GET</set-method></send-request>"#
    )
}

/// Answers with the variables set: `name=status` or `name=-`.
const REPORT: &str = r#"<return-response><set-body>@{
    var names = new [] { "a", "b", "c" };
    var parts = new List<string>();
    foreach (var n in names) {
        parts.Add(n + "=" + (context.Variables.ContainsKey(n) ? ((IResponse)context.Variables[n]).StatusCode.ToString() : "-"));
    }
    return string.Join(",", parts);
}</set-body></return-response>"#;

fn section(mode: &str, a: &str, b: &str, c: &str) -> String {
    format!(
        r#"<wait for="{mode}">{}{}<choose><when condition="@(true)">{}</when></choose></wait>{REPORT}"#,
        call("a", a),
        call("b", b),
        call("c", c)
    )
}

#[test]
fn wait_all_sends_every_child_call_at_once_and_stores_each_answer() {
    let s = section(
        "all",
        "http://a.example/",
        "http://b.example/",
        "http://c.example/",
    );
    let gw = gateway("wait-all", &s);
    let o = run(&gw, "", &[|| status(201)]);
    assert_eq!(o.effects, ["send-concurrent"; 3], "{:?}", o.effects);
    assert_eq!(o.forwarded.len(), 3);
    assert_eq!(text(&o.body), "a=201,b=201,c=201");
}

#[test]
fn wait_any_ends_with_the_first_child_done() {
    let s = section(
        "any",
        "http://a.example/",
        "http://b.example/",
        "http://c.example/",
    );
    let gw = gateway("wait-any", &s);
    let o = run(&gw, "", &[|| status(200)]);
    assert_eq!(o.effects, ["send-concurrent"]);
    assert_eq!(text(&o.body), "a=200,b=-,c=-");
}

#[test]
fn a_failed_child_call_ends_the_wait_with_its_error() {
    let s = section(
        "all",
        "http://a.example/",
        "http://b.example/",
        "http://c.example/",
    );
    let gw = gateway("wait-fail", &s);
    let refused = || {
        Err(gatehouse_runtime::engine::BackendFailure {
            reason: "BackendConnectionFailure",
            message: "refused".into(),
            retry_after: None,
            status: None,
        })
    };
    let o = run(&gw, "", &[|| status(200), refused]);
    assert_eq!(o.response.status.as_u16(), 599);
    assert_eq!(text(&o.body), "send-request/BackendConnectionFailure");
}

/// A server answering 200 after `delay`.
async fn slow(delay: Duration) -> String {
    let addr = backend(move |_| async move {
        tokio::time::sleep(delay).await;
        reply(200, "late")
    })
    .await;
    format!("http://{addr}/")
}

async fn timed(mode: &str) -> (String, Duration) {
    let fast = backend(|_| async { reply(202, "fast") }).await;
    let fast = format!("http://{fast}/");
    let slow1 = slow(Duration::from_millis(1500)).await;
    let slow2 = slow(Duration::from_millis(1500)).await;
    let dir = super::retry::project_dir(
        &format!("wait-e2e-{mode}"),
        &fast,
        &section(mode, &fast, &slow1, &slow2),
    );
    let gw = project::serve(&dir).await;
    let started = Instant::now();
    let req = Request::post("/r/x")
        .body(Full::new(Bytes::new()))
        .expect("request");
    let (status, _, body) = send(gw.addr, req).await;
    assert_eq!(status, StatusCode::OK, "{}", text(&body));
    (text(&body), started.elapsed())
}

#[tokio::test]
async fn wait_all_runs_slow_children_concurrently() {
    let (body, took) = timed("all").await;
    assert_eq!(body, "a=202,b=200,c=200");
    // Two children of 1.5 s each, run together.
    assert!(took >= Duration::from_millis(1400), "{took:?}");
    assert!(took < Duration::from_millis(2900), "{took:?}");
}

#[tokio::test]
async fn wait_any_answers_without_waiting_for_the_slow_children() {
    let (body, took) = timed("any").await;
    assert_eq!(body, "a=202,b=-,c=-");
    assert!(took < Duration::from_millis(1200), "{took:?}");
}
