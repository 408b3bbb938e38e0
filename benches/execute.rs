//! Expression VM throughput: nanoseconds per evaluation of typical policy expressions.
//!
//! `header_compare` reads a header and compares it; `interpolated` builds a string from the
//! method, path and a header; `json_field` parses a small JSON body and reads a field;
//! `regex_match` matches a constant regex (compiled once per `Code`) against a header.

#![allow(missing_docs)] // criterion_group! generates undocumented items

use criterion::{criterion_group, criterion_main, Criterion};
use gatehouse_compiler::lower::lower_source;
use gatehouse_runtime::host::RequestHost;
use gatehouse_runtime::vm::{eval_with, Scratch, VmLimits};
use std::hint::black_box;

/// The same allocator as the `gatehouse` binary, so the figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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

criterion_group!(benches, execute);
criterion_main!(benches);
