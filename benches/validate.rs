//! The cost of `validate-content` per request: a 4 KiB JSON body checked against the
//! operation's OpenAPI schema (`policies/bench/validate`), next to the pass-through
//! pipeline with the same body in the same run.
//! Run: `cargo bench --bench validate -- --warm-up-time 1 --measurement-time 3`.

#![allow(missing_docs)] // criterion_group! generates undocumented items

#[path = "common/mod.rs"]
mod common;

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion};
use gatehouse_runtime::engine::{Gateway, RequestHead};
use http::{HeaderMap, HeaderValue, Method, StatusCode};

/// `method /bench/items/42` with a JSON body (the pass-through project declares `GET`,
/// the validating one `POST` with the schema).
fn request(method: Method) -> RequestHead {
    let mut headers = HeaderMap::new();
    headers.insert("host", HeaderValue::from_static("127.0.0.1:8080"));
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    let mut head = common::head(headers);
    head.method = method;
    head
}

/// A valid order of about 4 KiB.
fn order() -> Bytes {
    let mut lines = Vec::new();
    let mut i = 0;
    loop {
        let line = format!(
            r#"{{"sku":"ABC-{:04}","qty":{},"price":{}.5,"tags":["red","large"]}}"#,
            i % 10_000,
            i + 1,
            i * 3
        );
        lines.push(line);
        let body = format!(
            r#"{{"id":42,"customer":"contoso","placed":"2024-05-01T10:00:00Z","note":null,"lines":[{}]}}"#,
            lines.join(",")
        );
        if body.len() >= 4096 {
            return Bytes::from(body);
        }
        i += 1;
    }
}

fn exchange(gw: &Gateway, head: RequestHead, body: &Bytes) -> StatusCode {
    let answers = common::Answers {
        request_body: body,
        json: false,
        response_body: body,
        sent_body: body,
    };
    common::drive(gw, head, &answers)
}

fn pipelines(c: &mut Criterion) {
    let body = order();
    for (project, method) in [("passthrough", Method::GET), ("validate", Method::POST)] {
        let head = request(method);
        let gw = common::gateway(project);
        assert_eq!(
            exchange(&gw, head.clone(), &body),
            StatusCode::OK,
            "{project}"
        );
        c.bench_function(&format!("pipeline/{project}-4k-json"), |b| {
            b.iter_batched(
                || head.clone(),
                |h| exchange(&gw, h, &body),
                criterion::BatchSize::SmallInput,
            )
        });
    }
    // The same project refuses an invalid body (a check that the bench validates).
    let gw = common::gateway("validate");
    let head = request(Method::POST);
    let bad = Bytes::from(String::from_utf8_lossy(&body).replacen("ABC-", "abc-", 1));
    assert_eq!(exchange(&gw, head, &bad), StatusCode::BAD_REQUEST);
}

criterion_group!(benches, pipelines);
criterion_main!(benches);
