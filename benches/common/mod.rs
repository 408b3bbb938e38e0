//! What the engine benches share: the bench request and a driver that answers every
//! effect at once (no sockets), so each bench measures the engine's own work.

#![allow(dead_code)] // each bench uses what it needs

use bytes::Bytes;
use gatehouse_runtime::engine::http::{HeaderMap, HeaderValue, Method, StatusCode};
use gatehouse_runtime::engine::{AccessToken, BackendResponse, Gateway, RequestHead, Resume, Step};
use std::hint::black_box;

/// A gateway over the bench project `policies/bench/<project>`, built by the compiler.
pub fn gateway(project: &str) -> Gateway {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("policies/bench")
        .join(project);
    let program = gatehouse_compiler::build_project(&root, &Default::default())
        .program
        .expect("the bench project builds");
    Gateway::new(std::sync::Arc::new(program), Default::default())
}

/// `GET /bench/items/42` on `127.0.0.1:8080` with `headers`.
pub fn head(headers: HeaderMap) -> RequestHead {
    RequestHead {
        method: Method::GET,
        scheme: "http".into(),
        host: "127.0.0.1:8080".into(),
        path_and_query: "/bench/items/42".into(),
        headers,
        client_ip: [127, 0, 0, 1].into(),
        client_certificate: None,
    }
}

/// How the driver answers: the client's body, the backend's (JSON when `json`), and the
/// body of every `send-request` call.
pub struct Answers<'a> {
    pub request_body: &'a Bytes,
    pub json: bool,
    pub response_body: &'a Bytes,
    pub sent_body: &'a Bytes,
}

/// Runs `head` to its response: the backend and calls answer 200 at once, tokens come
/// from a warm cache, waits are over at once.
pub fn drive(gw: &Gateway, head: RequestHead, a: &Answers<'_>) -> StatusCode {
    let ok = |json: bool| {
        let mut headers = HeaderMap::new();
        if json {
            headers.insert("content-type", HeaderValue::from_static("application/json"));
        }
        BackendResponse {
            status: StatusCode::OK,
            headers,
        }
    };
    let mut x = gw.start(head);
    let mut input = Resume::Start;
    loop {
        input = match x.resume(input) {
            Step::Forward(req) => {
                black_box(&req);
                Resume::Backend(Ok(ok(a.json)))
            }
            Step::Respond(r) => return r.status,
            Step::NeedRequestBody => Resume::RequestBody(a.request_body.clone()),
            Step::NeedResponseBody => Resume::ResponseBody(a.response_body.clone()),
            Step::Send(req) => {
                black_box(&req);
                Resume::Sent(Ok((ok(false), a.sent_body.clone())))
            }
            Step::Token(req) => {
                black_box(&req);
                Resume::Token(Ok(AccessToken::new("t0k3n")))
            }
            Step::Sleep(_) => Resume::Slept,
            Step::SendDetached(_) => Resume::Detached,
            Step::SendConcurrent(_) => return StatusCode::INTERNAL_SERVER_ERROR,
        };
    }
}
