//! `gatehouse test` speed: 1,000 generated cases over the sample project, run through the
//! engine in parallel with mocks, expectations and coverage; beside it, the same 1,000
//! requests as bare in-process exchanges (`run_in_process`), the floor the runner adds to.

#![allow(missing_docs)] // criterion_group! generates undocumented items

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion};
use gatehouse_runtime::engine::http::{HeaderMap, HeaderValue, Method, StatusCode};
use gatehouse_runtime::engine::{
    run_in_process, BackendResponse, EngineConfig, Gateway, RequestHead,
};
use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;

const CASES: usize = 1000;

/// Four shapes of case, cycled: a forwarded order, the US region, the 404 short-cut and a
/// refused key.
fn generated() -> String {
    let mut y = String::from(
        "world:\n  clock: 2024-05-01T12:00:00Z\n  backends:\n    \"*\": { status: 200, headers: { Content-Type: application/json }, body: { json: { id: 1 } } }\ncases:\n",
    );
    for i in 0..CASES {
        let id = i % 97 + 1;
        let case = match i % 4 {
            0 => format!("  - name: order {i}\n    request: {{ url: /orders/orders/{id}, subscription: starter-alice }}\n    expect: {{ status: 200, body: {{ json-path: {{ $.id: 1 }} }}, backends: {{ orders-pool: {{ calls: 1, url: /v2/orders/{id} }} }} }}\n"),
            1 => format!("  - name: us {i}\n    request: {{ url: /orders/orders/{id}, subscription: starter-alice, headers: {{ X-Region: us }} }}\n    expect: {{ status: 200, backends: {{ orders-us: {{ calls: 1 }} }} }}\n"),
            2 => format!("  - name: missing {i}\n    request: {{ url: /orders/orders/0, subscription: starter-alice }}\n    expect: {{ status: 404, not-ran: [forward-request] }}\n"),
            _ => format!("  - name: no key {i}\n    request: {{ url: /orders/orders/{id} }}\n    expect: {{ status: 401, headers: {{ X-Error-Reason: SubscriptionKeyNotFound }} }}\n"),
        };
        y.push_str(&case);
    }
    y
}

fn copy(from: &Path, to: &Path) {
    let _ = std::fs::create_dir_all(to);
    for e in std::fs::read_dir(from).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            if e.file_name() != "tests" {
                copy(&p, &to.join(e.file_name()));
            }
        } else {
            let _ = std::fs::copy(&p, to.join(e.file_name()));
        }
    }
}

fn bench(c: &mut Criterion) {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies/sample");
    let dir = std::env::temp_dir().join(format!("gatehouse-bench-cases-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy(&sample, &dir);
    let _ = std::fs::create_dir_all(dir.join("tests"));
    let _ = std::fs::write(dir.join("tests/generated.yaml"), generated());
    let Ok(mut suite) = gatehouse_testing::load(&dir) else {
        panic!("the generated suite does not load");
    };
    let options = gatehouse_testing::Options::default();
    let first = gatehouse_testing::run(&mut suite, &options);
    assert_eq!(first.cases.len(), CASES);
    assert_eq!(
        first.failed(),
        0,
        "{}",
        gatehouse_testing::report::human(&first, false)
    );

    let mut g = c.benchmark_group("test");
    g.sample_size(10);
    g.bench_function("1000-cases", |b| {
        b.iter(|| black_box(gatehouse_testing::run(&mut suite, &options).failed()))
    });

    // The floor: the same requests as bare exchanges, one thread, no mocks' bookkeeping,
    // no checks, no coverage.
    let program = suite
        .under
        .program(&Default::default())
        .map(|b| b.program.clone());
    let Ok(program) = program else {
        panic!("the sample builds")
    };
    let mut backend = |_: &_, _: &Bytes| {
        let mut h = HeaderMap::new();
        h.insert("content-type", HeaderValue::from_static("application/json"));
        Ok((
            BackendResponse {
                status: StatusCode::OK,
                headers: h,
            },
            Bytes::from_static(b"{\"id\":1}"),
        ))
    };
    g.bench_function("1000-bare-exchanges", |b| {
        b.iter(|| {
            for i in 0..CASES {
                let mut headers = HeaderMap::new();
                if i % 4 != 3 {
                    headers.insert(
                        "ocp-apim-subscription-key",
                        HeaderValue::from_static("alice-primary-sample-key"),
                    );
                }
                let head = RequestHead {
                    method: Method::GET,
                    scheme: "https".into(),
                    host: "localhost".into(),
                    path_and_query: format!(
                        "/orders/orders/{}",
                        if i % 4 == 2 { 0 } else { i % 97 + 1 }
                    ),
                    headers,
                    client_ip: std::net::IpAddr::from([127, 0, 0, 1]),
                    client_certificate: None,
                };
                // A gateway per request, as each case has its own (counters, clock).
                let gw = Gateway::new(Arc::clone(&program), EngineConfig::default());
                black_box(
                    run_in_process(&gw, head, Bytes::new(), &mut backend)
                        .response
                        .status,
                );
            }
        })
    });
    g.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);
