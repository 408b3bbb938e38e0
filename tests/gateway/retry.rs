//! `retry` from policy XML: attempt counts and the waits of each schedule (computed, run
//! through the in-process driver, which records waits instead of sleeping), errors retried,
//! the request body replayed; then real time against loopback servers, over a pool with
//! one member down.

use super::harness::{backend, dead_addr, reply, send};
use super::project;
use crate::support::TempDir;
use bytes::Bytes;
use gatehouse_compiler::{build_project, CheckOptions};
use gatehouse_runtime::engine::{
    run_in_process, BackendFailure, BackendRequest, BackendResponse, EngineConfig, Gateway,
    Outcome, RequestHead,
};
use http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// On failure, `on-error` answers 599 with `LastError`'s source and reason.
const ON_ERROR: &str = r#"<on-error><return-response><set-status code="599" />
    <set-body>@(context.LastError.Source + "/" + context.LastError.Reason)</set-body>
    </return-response></on-error>"#;

/// [`project`] with an empty `on-error`, no backend entities and an unused service URL.
pub(super) fn project_dir_plain(name: &str, backend: &str) -> TempDir {
    let dir = project(name, "http://unused.example", backend, &[]);
    let doc = format!(
        "<policies><inbound><base /></inbound><backend>{backend}</backend><outbound><base /></outbound><on-error><base /></on-error></policies>"
    );
    dir.write("apis/r/operations/x/policy.xml", &doc);
    dir
}

/// A project: API `r` at `r` (service URL `service`), operation `POST /x` whose backend
/// section is `backend`; `backends` are `(name, backendInformation.json)`.
fn project(name: &str, service: &str, backend: &str, backends: &[(&str, String)]) -> TempDir {
    let dir = TempDir::new(&format!("retry-{name}"));
    dir.write(
        "policy.xml",
        "<policies><inbound /><backend><forward-request /></backend><outbound /><on-error /></policies>",
    );
    let info = format!(
        r#"{{"properties":{{"displayName":"r","path":"r","serviceUrl":"{service}","protocols":["http"],"subscriptionRequired":false,"apiRevision":"1","isCurrent":true}}}}"#
    );
    dir.write("apis/r/apiInformation.json", &info);
    let spec = "openapi: 3.0.1\ninfo: { title: R, version: '1' }\npaths:\n  '/x':\n    post:\n      operationId: x\n      responses:\n        '200':\n          description: ok\n";
    dir.write("apis/r/specification.yaml", spec);
    let doc = format!(
        "<policies><inbound><base /></inbound><backend>{backend}</backend><outbound><base /></outbound>{ON_ERROR}</policies>"
    );
    dir.write("apis/r/operations/x/policy.xml", &doc);
    for (name, json) in backends {
        dir.write(&format!("backends/{name}/backendInformation.json"), json);
    }
    dir
}

/// [`project`] without backend entities.
pub(super) fn project_dir(name: &str, service: &str, backend: &str) -> TempDir {
    project(name, service, backend, &[])
}

/// The gateway for the operation's whole policy document `doc`, built from XML.
pub(super) fn gateway_doc(name: &str, doc: &str) -> Gateway {
    let dir = project(name, "http://backend.example", FORWARD, &[]);
    dir.write("apis/r/operations/x/policy.xml", doc);
    built(&dir)
}

/// The gateway for a backend section, built from XML.
pub(super) fn gateway(name: &str, backend: &str) -> Gateway {
    built(&project(name, "http://backend.example", backend, &[]))
}

fn built(dir: &TempDir) -> Gateway {
    let report = build_project(&dir.0, &CheckOptions::default());
    let program = report.program.unwrap_or_else(|| {
        panic!(
            "{}",
            gatehouse_compiler::diagnostic::render_human(
                &report.diagnostics,
                gatehouse_compiler::diagnostic::Style::Plain
            )
        )
    });
    Gateway::new(Arc::new(program), EngineConfig::default())
}

fn post(body: &str) -> (RequestHead, Bytes) {
    let head = RequestHead {
        method: Method::POST,
        scheme: "http".into(),
        host: "gw.example".into(),
        path_and_query: "/r/x".into(),
        headers: HeaderMap::new(),
        client_ip: std::net::Ipv4Addr::LOCALHOST.into(),
        client_certificate: None,
    };
    (head, Bytes::from(body.to_string()))
}

pub(super) type Answer = Result<(BackendResponse, Bytes), BackendFailure>;

pub(super) fn status(code: u16) -> Answer {
    Ok((
        BackendResponse {
            status: StatusCode::from_u16(code).expect("status"),
            headers: HeaderMap::new(),
        },
        Bytes::from(format!("status {code}")),
    ))
}

fn refused() -> Answer {
    Err(BackendFailure {
        reason: "BackendConnectionFailure",
        message: "connection refused".into(),
        retry_after: None,
        status: None,
    })
}

/// Runs one request against a backend answering `answers` in turn (the last one again
/// when they run out).
pub(super) fn run(gw: &Gateway, body: &str, answers: &[fn() -> Answer]) -> Outcome {
    let (head, body) = post(body);
    let mut n = 0usize;
    let mut mock = |_: &BackendRequest, _: &Bytes| {
        let a = answers[n.min(answers.len() - 1)]();
        n += 1;
        a
    };
    run_in_process(gw, head, body, &mut mock)
}

fn secs(o: &Outcome) -> Vec<f64> {
    o.sleeps.iter().map(Duration::as_secs_f64).collect()
}

pub(super) fn text(b: &Bytes) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const FORWARD: &str = "<forward-request />";

fn retry(attrs: &str) -> String {
    format!("<retry {attrs}>{FORWARD}</retry>")
}

#[test]
fn a_fixed_schedule_waits_the_interval_count_times() {
    let attrs = r#"condition="@(context.Response.StatusCode == 503)" count="3" interval="2""#;
    let gw = gateway("fixed", &retry(attrs));
    let o = run(&gw, "", &[|| status(503)]);
    assert_eq!(o.forwarded.len(), 4, "one run and three retries");
    assert_eq!(secs(&o), [2.0, 2.0, 2.0]);
    assert_eq!(o.response.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(text(&o.body), "status 503");
}

#[test]
fn a_linear_schedule_adds_delta_each_retry() {
    let attrs =
        r#"condition="@(context.Response.StatusCode >= 500)" count="4" interval="1" delta="2""#;
    let gw = gateway("linear", &retry(attrs));
    let o = run(&gw, "", &[|| status(500)]);
    assert_eq!(o.forwarded.len(), 5);
    assert_eq!(secs(&o), [1.0, 3.0, 5.0, 7.0]);
}

/// APIM's example: interval and delta 10 s, max-interval 100 s: about 10, 20, 40, 80 s,
/// then 100 s; each delta drawn between 0.8 and 1.2 times `delta`.
#[test]
fn an_exponential_schedule_doubles_up_to_max_interval() {
    let attrs = r#"condition="@(context.Response.StatusCode == 500)" count="6" interval="10" max-interval="100" delta="10""#;
    let gw = gateway("exponential", &retry(attrs));
    for _ in 0..20 {
        let o = run(&gw, "", &[|| status(500)]);
        let waits = secs(&o);
        assert_eq!(waits.len(), 6);
        for (n, w) in waits.iter().enumerate() {
            let grow = f64::from((1u32 << n) - 1);
            let (lo, hi) = (
                (10.0 + grow * 8.0).min(100.0),
                (10.0 + grow * 12.0).min(100.0),
            );
            assert!(
                *w >= lo - 1e-9 && *w <= hi + 1e-9,
                "retry {n}: {w} not in {lo}..{hi}"
            );
        }
        assert_eq!(waits[0], 10.0);
        assert_eq!(&waits[4..], [100.0, 100.0]);
    }
}

#[test]
fn first_fast_retry_retries_at_once_then_follows_the_schedule() {
    let attrs = r#"condition="@(context.Response.StatusCode == 429)" count="3" interval="1" delta="1" first-fast-retry="true""#;
    let gw = gateway("fast", &retry(attrs));
    let o = run(&gw, "", &[|| status(429)]);
    assert_eq!(o.forwarded.len(), 4);
    // Retry 0 at once; retries 1 and 2 wait as the linear schedule says for them.
    assert_eq!(secs(&o), [2.0, 3.0]);
    let effects = [
        "request-body",
        "forward",
        "forward",
        "sleep",
        "forward",
        "sleep",
        "forward",
    ];
    assert_eq!(o.effects, effects);
}

#[test]
fn retries_stop_when_the_condition_turns_false() {
    let attrs = r#"condition="@(context.Response.StatusCode != 200)" count="10" interval="1""#;
    let gw = gateway("until-ok", &retry(attrs));
    let o = run(&gw, "", &[|| status(502), || status(503), || status(200)]);
    assert_eq!(o.forwarded.len(), 3);
    assert_eq!(secs(&o), [1.0, 1.0]);
    assert_eq!(o.response.status, StatusCode::OK);
    assert_eq!(text(&o.body), "status 200");
}

#[test]
fn attributes_given_as_expressions_are_evaluated_per_request() {
    let backend = r#"<set-variable name="n" value="@(2)" />
        <retry condition="@(context.Response.StatusCode == 500)" count="@((int)context.Variables["n"])" interval="@(1 + 2)" first-fast-retry="@(false)">
        <forward-request /></retry>"#;
    let gw = gateway("expressions", backend);
    let o = run(&gw, "", &[|| status(500)]);
    assert_eq!(o.forwarded.len(), 3);
    assert_eq!(secs(&o), [3.0, 3.0]);
}

#[test]
fn a_count_outside_1_to_50_is_an_error() {
    let backend =
        r#"<retry condition="true" count="@(51)" interval="0"><forward-request /></retry>"#;
    let gw = gateway("count-range", backend);
    let o = run(&gw, "", &[|| status(200)]);
    assert!(o.forwarded.is_empty());
    assert_eq!(o.response.status.as_u16(), 599);
    assert_eq!(text(&o.body), "retry/");
}

#[test]
fn a_failed_call_is_retried_and_its_error_reaches_on_error_when_retries_run_out() {
    let attrs = r#"condition="@(context.LastError != null &amp;&amp; context.Response.StatusCode == 500)" count="2" interval="0""#;
    let gw = gateway("errors", &retry(attrs));
    // Refused, then served: the retry recovers.
    let o = run(&gw, "", &[refused, || status(200)]);
    assert_eq!(o.forwarded.len(), 2);
    assert_eq!(o.response.status, StatusCode::OK);
    // Always refused: three calls, then on-error with the last failure.
    let o = run(&gw, "", &[refused]);
    assert_eq!(o.forwarded.len(), 3);
    assert!(o.sleeps.is_empty(), "interval 0 never sleeps");
    assert_eq!(o.response.status.as_u16(), 599);
    assert_eq!(text(&o.body), "forward-request/BackendConnectionFailure");
}

#[test]
fn the_request_body_is_buffered_and_replayed_on_every_attempt() {
    let attrs = r#"condition="@(context.Response.StatusCode == 503)" count="2" interval="0""#;
    let gw = gateway("replay", &retry(attrs));
    let o = run(&gw, "the payload", &[|| status(503)]);
    assert_eq!(
        o.effects[0], "request-body",
        "the body is read before the first call"
    );
    assert_eq!(o.forwarded.len(), 3);
    for f in &o.forwarded {
        assert_eq!(f.body.as_deref(), Some(&b"the payload"[..]));
    }
}

#[test]
fn a_long_wait_is_cut_to_the_configured_limit() {
    let attrs = r#"condition="true" count="1" interval="100000""#;
    let gw = gateway("long-wait", &retry(attrs));
    let o = run(&gw, "", &[|| status(200)]);
    assert_eq!(o.sleeps, [EngineConfig::default().max_retry_wait]);
}

#[test]
fn retry_runs_any_policy_not_only_forward_request() {
    let backend = r#"<set-variable name="i" value="@(0)" />
        <retry condition="@((int)context.Variables["i"] &lt; 3)" count="5" interval="0">
            <set-variable name="i" value="@((int)context.Variables["i"] + 1)" />
        </retry>
        <return-response><set-body>@(context.Variables["i"].ToString())</set-body></return-response>"#;
    let gw = gateway("counter", backend);
    let o = run(&gw, "", &[|| status(200)]);
    assert!(o.forwarded.is_empty());
    assert_eq!(text(&o.body), "3");
}

/// A backend counting its calls, answering 503 to the first `fail` of them and 200
/// `served <body>` after.
async fn counting(fail: usize) -> (std::net::SocketAddr, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let addr = backend(move |req: Request<hyper::body::Incoming>| {
        let n = c.fetch_add(1, Ordering::SeqCst);
        async move {
            let body = req.into_body().collect().await.map(|b| b.to_bytes());
            let body = String::from_utf8_lossy(&body.unwrap_or_default()).into_owned();
            if n < fail {
                reply(503, "busy")
            } else {
                let mut r = reply(200, "");
                *r.body_mut() = Full::new(Bytes::from(format!("served {body}")))
                    .map_err(|e| match e {})
                    .boxed_unsync();
                r
            }
        }
    })
    .await;
    (addr, calls)
}

fn post_req(path: &str, body: &'static str) -> Request<Full<Bytes>> {
    Request::post(path)
        .body(Full::new(Bytes::from_static(body.as_bytes())))
        .expect("request")
}

/// Real time: the retries happen, with the wait between them, and the streamed client
/// body reaches the backend whole on the last attempt.
#[tokio::test]
async fn retry_end_to_end_waits_and_replays_the_body() {
    let (addr, calls) = counting(2).await;
    let attrs = r#"condition="@(context.Response.StatusCode == 503)" count="3" interval="1" first-fast-retry="true""#;
    let dir = project("e2e", &format!("http://{addr}"), &retry(attrs), &[]);
    let gw = project::serve(&dir).await;
    let started = Instant::now();
    let (status, _, body) = send(gw.addr, post_req("/r/x", "payload")).await;
    let took = started.elapsed();
    assert_eq!(status, StatusCode::OK, "{}", text(&body));
    assert_eq!(text(&body), "served payload");
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    // The first retry at once, the second after a second.
    assert!(took >= Duration::from_millis(1000), "{took:?}");
    assert!(took < Duration::from_secs(5), "{took:?}");
}

/// A pool of a dead member and a live one: each attempt takes the next member, so every
/// request is served.
#[tokio::test]
async fn retry_over_a_pool_reaches_the_live_member() {
    let dead = dead_addr().await;
    let (live, calls) = counting(0).await;
    let single = |url: String| {
        format!(r#"{{"properties":{{"url":"{url}","protocol":"http","type":"Single"}}}}"#)
    };
    let pool = r#"{"properties":{"type":"Pool","protocol":"http","pool":{"services":[{"id":"/backends/dead"},{"id":"/backends/live"}]}}}"#;
    let backends = [
        ("dead", single(format!("http://{dead}"))),
        ("live", single(format!("http://{live}"))),
        ("both", pool.to_string()),
    ];
    let attrs = r#"condition="@(context.Response.StatusCode >= 500)" count="1" interval="0""#;
    let section = format!(
        r#"<set-backend-service backend-id="both" />{}"#,
        retry(attrs)
    );
    let dir = project("pool", "http://unused.example", &section, &backends);
    let gw = project::serve(&dir).await;
    for i in 0..4 {
        let (status, _, body) = send(gw.addr, post_req("/r/x", "p")).await;
        assert_eq!(status, StatusCode::OK, "request {i}: {}", text(&body));
        assert_eq!(text(&body), "served p");
    }
    assert_eq!(calls.load(Ordering::SeqCst), 4);
}
