//! The cost of a `set-body template="liquid"` reshaping a 4 KiB JSON request body
//! (`policies/bench/liquid`), next to the pass-through pipeline in the same run.
//! Run: `cargo bench --bench liquid -- --warm-up-time 1 --measurement-time 3`.

#![allow(missing_docs)] // criterion_group! generates undocumented items

#[path = "common/mod.rs"]
mod common;

use criterion::{criterion_group, criterion_main, Criterion};
use gatehouse_runtime::engine::{Gateway, RequestHead};
use http::{HeaderMap, HeaderValue, StatusCode};

/// The bench request with a JSON body's content type.
fn request() -> RequestHead {
    let mut headers = HeaderMap::new();
    headers.insert("host", HeaderValue::from_static("127.0.0.1:8080"));
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    common::head(headers)
}

/// A JSON body of about 4 KiB: 64 records naming a tenant.
fn json_4k() -> bytes::Bytes {
    let items: Vec<String> = (0..64)
        .map(|i| format!(r#"{{"id":{i},"tenant":"contoso","name":"item {i:03}","ok":true}}"#))
        .collect();
    bytes::Bytes::from(format!(r#"{{"items":[{}]}}"#, items.join(",")))
}

/// One request with `body` through the engine; the backend answers 200 at once.
fn exchange(gw: &Gateway, head: RequestHead, body: &bytes::Bytes) -> StatusCode {
    let answers = common::Answers {
        request_body: body,
        json: true,
        response_body: body,
        sent_body: body,
    };
    common::drive(gw, head, &answers)
}

fn pipelines(c: &mut Criterion) {
    let body = json_4k();
    for name in ["passthrough", "liquid"] {
        let gw = common::gateway(name);
        let head = request();
        assert_eq!(exchange(&gw, head.clone(), &body), StatusCode::OK, "{name}");
        c.bench_function(&format!("pipeline/{name}"), |b| {
            b.iter_batched(
                || head.clone(),
                |h| exchange(&gw, h, &body),
                criterion::BatchSize::SmallInput,
            )
        });
    }
}

criterion_group!(benches, pipelines);
criterion_main!(benches);
