//! Recording: an exchange taped from its effects becomes a test case that replays green,
//! with keys and secrets redacted.

mod common;
use bytes::Bytes;
use gatehouse_runtime::engine::http::{HeaderMap, HeaderValue, Method, StatusCode};
use gatehouse_runtime::engine::{BackendResponse, Gateway, RequestHead, Resume, Step};
use gatehouse_testing::record::Tape;
use std::path::Path;

/// Serves `head` on `gw` with an in-process backend, taping it; returns the case written.
fn taped(gw: &Gateway, head: RequestHead) -> serde_json::Value {
    let mut tape = Tape::new(&head, 1_714_564_800_000);
    let mut x = gw.start(head);
    let mut input = Resume::Start;
    for _ in 0..16 {
        tape.input(&input);
        let step = x.resume(input);
        tape.step(&step);
        input = match step {
            Step::Forward(_) | Step::Send(_) => {
                let mut h = HeaderMap::new();
                h.insert("content-type", HeaderValue::from_static("application/json"));
                h.insert(
                    "date",
                    HeaderValue::from_static("Wed, 01 May 2024 12:00:00 GMT"),
                );
                Resume::Backend(Ok(BackendResponse {
                    status: StatusCode::OK,
                    headers: h,
                }))
            }
            Step::NeedResponseBody => Resume::ResponseBody(Bytes::from_static(
                b"{\"id\": 42, \"key\": \"sample-key-not-a-secret\"}",
            )),
            Step::NeedRequestBody => Resume::RequestBody(Bytes::new()),
            Step::Token(_) | Step::SendConcurrent(_) | Step::SendDetached(_) | Step::Sleep(_) => {
                panic!("no token, call or wait here")
            }
            Step::Respond(r) => {
                return tape.case(&gw.program, "recorded", &r, x.subscription_name())
            }
        };
    }
    panic!("the exchange did not finish");
}

#[test]
fn a_recorded_exchange_replays_green_without_its_secrets() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies/sample");
    let mut suite = gatehouse_testing::load(&sample).expect("sample");
    let built = suite.under.program(&Default::default()).expect("builds");
    let gw = Gateway::new(built.program.clone(), Default::default());
    let mut headers = HeaderMap::new();
    headers.insert(
        "ocp-apim-subscription-key",
        HeaderValue::from_static("alice-primary-sample-key"),
    );
    headers.insert(
        "authorization",
        HeaderValue::from_static("Bearer secret-token"),
    );
    let head = RequestHead {
        method: Method::GET,
        scheme: "https".into(),
        host: "localhost".into(),
        path_and_query: "/orders/orders/42?subscription-key=alice-primary-sample-key&x=1".into(),
        headers,
        client_ip: "10.1.2.3".parse().expect("ip"),
        client_certificate: None,
    };
    let case = taped(&gw, head);
    let text = serde_json::to_string_pretty(&case).expect("json");
    for secret in [
        "alice-primary-sample-key",
        "secret-token",
        "sample-key-not-a-secret",
    ] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    assert!(text.contains("REDACTED"), "{text}");
    assert_eq!(case["cases"][0]["request"]["subscription"], "starter-alice");
    assert_eq!(
        case["cases"][0]["request"]["url"],
        "https://localhost/orders/orders/42?x=1"
    );
    assert_eq!(
        case["cases"][0]["expect"]["backends"]["orders-pool"]["url"],
        "/v2/orders/42?x=1"
    );
    assert!(
        case["cases"][0]["world"]["backends"]["orders-pool"][0]["headers"]
            .get("date")
            .is_none()
    );
    // Replayed through the runner (JSON is YAML), it passes.
    let t = common::temp();
    let file = t.0.join("recorded.yaml");
    std::fs::write(&file, &text).expect("write");
    let loaded =
        gatehouse_testing::format::load_file(&file).expect("the recording is a valid test file");
    suite.files = vec![loaded];
    let r = gatehouse_testing::run(&mut suite, &Default::default());
    assert_eq!(r.cases.len(), 1);
    assert_eq!(
        r.failed(),
        0,
        "{}",
        gatehouse_testing::report::human(&r, false)
    );
}
