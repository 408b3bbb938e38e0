//! Expression VM throughput: nanoseconds per evaluation of typical policy expressions.
//!
//! `header_compare` reads a header and compares it; `interpolated` builds a string from the
//! method, path and a header; `json_field` parses a small JSON body and reads a field;
//! `regex_match` matches a constant regex (compiled once per `Code`) against a header.
//!
//! `pipeline/*` runs whole effective pipelines of `policies/bench` through the engine, from
//! `Gateway::start` to `Step::Respond`, with an instant in-process backend; the heap
//! allocations per request are counted by the global allocator and printed.

#![allow(missing_docs)] // criterion_group! generates undocumented items

#[path = "common/mod.rs"]
mod common;

use criterion::{criterion_group, criterion_main, Criterion};
use gatehouse_compiler::lower::lower_source;
use gatehouse_compiler::{build_project, CheckOptions};
use gatehouse_runtime::engine::http::{HeaderMap, HeaderValue, StatusCode};
use gatehouse_runtime::engine::{EngineConfig, Gateway, RequestHead};
use gatehouse_runtime::host::RequestHost;
use gatehouse_runtime::vm::{eval_with, Scratch, VmLimits};
use std::alloc::{GlobalAlloc, Layout};
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The same allocator as the `gatehouse` binary, so the figures are the binary's, wrapped
/// to count allocations.
#[global_allocator]
static GLOBAL: Counting = Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

struct Counting;

// SAFETY: every call is forwarded unchanged to mimalloc; only a counter is added.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { mimalloc::MiMalloc.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { mimalloc::MiMalloc.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) }
    }
}

const REQUEST: &str = r#"{"method": "POST", "url": "https://api.example.com/orders/42?expand=items",
  "headers": {"Authorization": ["Bearer abc.def.ghi"], "X-Tenant": ["contoso"], "Content-Type": ["application/json"]},
  "body": {"id": 42, "customer": {"name": "Ada", "tier": "gold"}, "items": [1, 2, 3]}}"#;

fn bench(c: &mut Criterion, name: &str, expr: &str) {
    let (code, _) = lower_source(expr, &|_| None).expect("the bench expression lowers");
    let base = RequestHost::from_json(REQUEST).expect("the bench request parses");
    let limits = VmLimits::default();
    let mut scratch = Scratch::default();
    c.bench_function(name, |b| {
        let mut host = base.clone();
        b.iter(|| {
            // `Body.As<T>()` consumes the body: put it back (only then, so that the other
            // benches measure the evaluation, not the harness's refcount traffic).
            if host.spec.request.body.is_none() {
                host.spec.request.body = base.spec.request.body.clone();
            }
            let done =
                eval_with(black_box(&code), &mut host, &limits, &mut scratch).expect("evaluates");
            black_box(&done.value);
            scratch.recycle(done);
        })
    });
}

/// The expressions of `policies/bench/typical` (its header value, its `choose` condition
/// and its rate-limit key), evaluated in a row: the VM's share of the typical pipeline.
fn typical_expressions(c: &mut Criterion) {
    let codes: Vec<_> = [
        r#"@(context.Request.Headers.GetValueOrDefault("X-Tenant", "public"))"#,
        r#"@(context.Request.Headers.GetValueOrDefault("X-Tier", "") == "gold")"#,
        r#"@(context.Subscription.Id)"#,
    ]
    .iter()
    .map(|e| lower_source(e, &|_| None).expect("lowers").0)
    .collect();
    let base = RequestHost::from_json(
        r#"{"method": "GET", "url": "http://127.0.0.1:8080/bench/items/42",
            "headers": {"X-Tier": ["gold"], "X-Tenant": ["contoso"]}}"#,
    )
    .expect("the bench request parses");
    let limits = VmLimits::default();
    let mut scratch = Scratch::default();
    let mut host = base.clone();
    let run = |host: &mut RequestHost, scratch: &mut Scratch| {
        for code in &codes {
            let done = eval_with(black_box(code), host, &limits, scratch).expect("evaluates");
            black_box(&done.value);
            scratch.recycle(done);
        }
    };
    run(&mut host, &mut scratch);
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for _ in 0..1000 {
        run(&mut host, &mut scratch);
    }
    let per = (ALLOCATIONS.load(Ordering::Relaxed) - before) as f64 / 1000.0;
    eprintln!("execute/typical_expressions: {per:.1} heap allocations per request");
    c.bench_function("execute/typical_expressions", |b| {
        b.iter(|| run(&mut host, &mut scratch))
    });
}

fn execute(c: &mut Criterion) {
    bench(
        c,
        "execute/header_compare",
        r#"@(context.Request.Headers.GetValueOrDefault("X-Tenant", "") == "contoso")"#,
    );
    bench(
        c,
        "execute/interpolated",
        r#"@($"{context.Request.Method} {context.Request.Url.Path} tenant={context.Request.Headers.GetValueOrDefault("X-Tenant", "none")}")"#,
    );
    bench(
        c,
        "execute/json_field",
        r#"@((string)context.Request.Body.As<JObject>()["customer"]["tier"])"#,
    );
    bench(
        c,
        "execute/regex_match",
        r#"@(Regex.IsMatch(context.Request.Headers.GetValueOrDefault("Authorization", ""), @"^Bearer\s+[\w.-]+$"))"#,
    );
}

/// The request the load script sends: a subscription key and the headers the typical
/// pipeline reads.
fn request() -> RequestHead {
    let mut headers = HeaderMap::new();
    headers.insert("host", HeaderValue::from_static("127.0.0.1:8080"));
    headers.insert("x-tier", HeaderValue::from_static("gold"));
    headers.insert("x-tenant", HeaderValue::from_static("contoso"));
    headers.insert(
        "ocp-apim-subscription-key",
        HeaderValue::from_static("bench-key"),
    );
    common::head(headers)
}

/// One request through the engine; the backend answers 200 at once (a `send-request`
/// gets a token answer).
fn exchange(gw: &Gateway, head: RequestHead) -> StatusCode {
    let empty = bytes::Bytes::new();
    let token = bytes::Bytes::from_static(br#"{"access_token":"t0k3n","expires_in":3600}"#);
    let answers = common::Answers {
        request_body: &empty,
        json: false,
        response_body: &empty,
        sent_body: &token,
    };
    common::drive(gw, head, &answers)
}

fn pipelines(c: &mut Criterion) {
    for name in [
        "passthrough",
        "typical",
        "traffic",
        "outbound",
        "access",
        "cache-hit",
    ] {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("policies/bench")
            .join(name);
        let program = build_project(&root, &CheckOptions::default())
            .program
            .expect("the bench project builds");
        let gw = Gateway::new(Arc::new(program), EngineConfig::default());
        let mut head = request();
        if name == "access" {
            // The cors policy's allowed origin: the CORS headers are added.
            let origin = HeaderValue::from_static("https://app.example");
            head.headers.insert("origin", origin);
        }
        assert_eq!(exchange(&gw, head.clone()), StatusCode::OK);
        // Allocations per request, the request head's clone excluded.
        let runs = 1000;
        let heads: Vec<RequestHead> = (0..runs).map(|_| head.clone()).collect();
        let before = ALLOCATIONS.load(Ordering::Relaxed);
        for h in heads {
            black_box(exchange(&gw, h));
        }
        let per = (ALLOCATIONS.load(Ordering::Relaxed) - before) as f64 / runs as f64;
        eprintln!("pipeline/{name}: {per:.1} heap allocations per request");
        c.bench_function(&format!("pipeline/{name}"), |b| {
            b.iter_batched(
                || head.clone(),
                |h| exchange(&gw, h),
                criterion::BatchSize::SmallInput,
            )
        });
    }
}

/// A JSON body of about 4 KiB: 64 records naming a tenant.
fn json_4k() -> bytes::Bytes {
    let items: Vec<String> = (0..64)
        .map(|i| format!(r#"{{"id":{i},"tenant":"contoso","name":"item {i:03}","ok":true}}"#))
        .collect();
    bytes::Bytes::from(format!(r#"{{"items":[{}]}}"#, items.join(",")))
}

/// One request with `body` through the engine; the backend answers 200 with `body` too.
fn exchange_with(gw: &Gateway, head: RequestHead, body: &bytes::Bytes) -> StatusCode {
    let answers = common::Answers {
        request_body: body,
        json: true,
        response_body: body,
        sent_body: body,
    };
    common::drive(gw, head, &answers)
}

/// `pipeline/transform`: the body transformations of `policies/bench/transform` on a
/// 4 KiB JSON body each way.
fn transform_pipeline(c: &mut Criterion) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/bench/transform");
    let program = build_project(&root, &CheckOptions::default())
        .program
        .expect("the bench project builds");
    let gw = Gateway::new(Arc::new(program), EngineConfig::default());
    let (head, body) = (request(), json_4k());
    assert_eq!(exchange_with(&gw, head.clone(), &body), StatusCode::OK);
    c.bench_function("pipeline/transform", |b| {
        b.iter_batched(
            || head.clone(),
            |h| exchange_with(&gw, h, &body),
            criterion::BatchSize::SmallInput,
        )
    });
}

criterion_group!(
    benches,
    execute,
    typical_expressions,
    pipelines,
    transform_pipeline
);
criterion_main!(benches);
