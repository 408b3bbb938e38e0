//! The engine's cost per request on the benchmark projects, in process (no network, the
//! backend answers at once): `cargo run --release --example engine_cost`.

use gatehouse_compiler::{build_project, CheckOptions};
use gatehouse_runtime::engine::http::{HeaderMap, HeaderValue, Method, StatusCode};
use gatehouse_runtime::engine::{
    BackendResponse, EngineConfig, Gateway, RequestHead, Resume, Step,
};
use std::sync::Arc;
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn head(key: bool) -> RequestHead {
    let mut headers = HeaderMap::new();
    headers.insert("x-tenant", HeaderValue::from_static("contoso"));
    headers.insert("x-tier", HeaderValue::from_static("gold"));
    headers.insert("accept", HeaderValue::from_static("*/*"));
    if key {
        headers.insert(
            "ocp-apim-subscription-key",
            HeaderValue::from_static("bench-key"),
        );
    }
    RequestHead {
        method: Method::GET,
        scheme: "http".into(),
        host: "localhost:8080".into(),
        path_and_query: "/bench/items/42?expand=1".into(),
        headers,
        client_ip: [127, 0, 0, 1].into(),
    }
}

fn once(gw: &Gateway, h: RequestHead) -> StatusCode {
    let mut x = gw.start(h);
    let mut input = Resume::Start;
    loop {
        match x.resume(input) {
            Step::Forward(req) => {
                std::hint::black_box(&req);
                input = Resume::Backend(Ok(BackendResponse {
                    status: StatusCode::OK,
                    headers: HeaderMap::new(),
                }));
            }
            Step::Respond(r) => return r.status,
            Step::NeedRequestBody => input = Resume::RequestBody(Default::default()),
            Step::NeedResponseBody => input = Resume::ResponseBody(Default::default()),
        }
    }
}

fn main() {
    for (name, key) in [("passthrough", false), ("typical", true)] {
        let root = std::path::Path::new("policies/bench").join(name);
        let report = build_project(&root, &CheckOptions::default());
        let Some(program) = report.program else {
            eprintln!(
                "{name}: the project does not build: {:?}",
                report.diagnostics
            );
            std::process::exit(1);
        };
        let gw = Gateway::new(Arc::new(program), EngineConfig::default());
        let status = once(&gw, head(key));
        assert_eq!(status, StatusCode::OK, "{name}");
        let n = 500_000;
        let heads: Vec<RequestHead> = (0..n).map(|_| head(key)).collect();
        let t = Instant::now();
        for h in heads {
            std::hint::black_box(once(&gw, h));
        }
        let ns = t.elapsed().as_nanos() / n as u128;
        println!("{name}: {ns} ns per request (start to response, request head dropped)");
    }
}
