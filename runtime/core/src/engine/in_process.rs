//! The in-process driver: performs an exchange's effects with a mock backend (tests,
//! `gatehouse` commands that run a request without a network).

use super::{
    AccessToken, BackendFailure, BackendRequest, BackendResponse, Gateway, RequestHead, Response,
    ResponseBody, Resume, Step, TokenFailure, TokenRequest,
};
use bytes::Bytes;

/// A mock backend: answers a forwarded request (with the body the engine sends, or the
/// client's body when the engine streams it) with a response head and body, or fails.
pub type BackendMock<'a> =
    dyn FnMut(&BackendRequest, &Bytes) -> Result<(BackendResponse, Bytes), BackendFailure> + 'a;

/// A mock token provider: answers [`Step::Token`] (`authentication-managed-identity`).
pub type TokenMock<'a> = dyn FnMut(&TokenRequest) -> Result<AccessToken, TokenFailure> + 'a;

/// What an in-process run produced.
#[derive(Debug)]
pub struct Outcome {
    /// The final response (a streamed backend body is resolved into `body`).
    pub response: Response,
    /// The response body as the client receives it.
    pub body: Bytes,
    /// The exchange, for its traces, last error and names.
    pub exchange: super::Exchange,
    /// Every request sent to the backend.
    pub forwarded: Vec<BackendRequest>,
    /// Effects asked for, in order (`request-body`, `forward`, `send`, `token`,
    /// `response-body`).
    pub effects: Vec<&'static str>,
    /// Every token asked for.
    pub tokens: Vec<TokenRequest>,
    /// The waits asked for ([`Step::Sleep`]), in order: recorded, not slept.
    pub sleeps: Vec<std::time::Duration>,
}

/// Runs `head` with client body `body` through `gw`, answering forwards (and
/// `send-request` calls, [`Step::Send`]) with `backend`.
/// No token provider is configured in process.
pub fn run_in_process(
    gw: &Gateway,
    head: RequestHead,
    body: Bytes,
    backend: &mut BackendMock<'_>,
) -> Outcome {
    let mut none = |_: &TokenRequest| {
        Err(TokenFailure {
            message: "no token provider is configured".to_string(),
        })
    };
    run_in_process_with(gw, head, body, backend, &mut none)
}

/// [`run_in_process`], answering token requests ([`Step::Token`]) with `tokens`.
pub fn run_in_process_with(
    gw: &Gateway,
    head: RequestHead,
    body: Bytes,
    backend: &mut BackendMock<'_>,
    tokens: &mut TokenMock<'_>,
) -> Outcome {
    let mut x = gw.start(head);
    let mut asked = Vec::new();
    let mut input = Resume::Start;
    let mut forwarded = Vec::new();
    let mut effects = Vec::new();
    let mut sleeps = Vec::new();
    let mut backend_body = Bytes::new();
    // Answers of concurrent calls not yet handed back, first made first.
    let mut queued = std::collections::VecDeque::new();
    // Each effect moves the exchange forward; the bound only guards against a broken
    // engine looping.
    for _ in 0..1024 {
        let step = x.resume(input);
        if !matches!(step, Step::SendConcurrent(_)) {
            // The calls still in flight are no longer wanted.
            queued.clear();
        }
        match step {
            Step::NeedRequestBody => {
                effects.push("request-body");
                input = Resume::RequestBody(body.clone());
            }
            Step::Forward(req) => {
                effects.push("forward");
                let sent = req.body.clone().unwrap_or_else(|| body.clone());
                let answer = backend(&req, &sent);
                forwarded.push(req);
                input = Resume::Backend(answer.map(|(head, b)| {
                    backend_body = b;
                    head
                }));
            }
            Step::Send(req) => {
                effects.push("send");
                let sent = req.body.clone().unwrap_or_default();
                let answer = backend(&req, &sent);
                forwarded.push(req);
                input = Resume::Sent(answer);
            }
            Step::Token(req) => {
                effects.push("token");
                input = Resume::Token(tokens(&req));
                asked.push(req);
            }
            Step::NeedResponseBody => {
                effects.push("response-body");
                input = Resume::ResponseBody(backend_body.clone());
            }
            Step::SendConcurrent(calls) => {
                effects.push("send-concurrent");
                for (tag, req) in calls {
                    let sent = req.body.clone().unwrap_or_default();
                    queued.push_back((tag, backend(&req, &sent)));
                    forwarded.push(req);
                }
                input = match queued.pop_front() {
                    Some((tag, answer)) => Resume::SentOne(tag, answer),
                    None => break,
                };
            }
            Step::SendDetached(call) => {
                // The answer is not waited for: the mock sees the call, its answer is dropped.
                effects.push("send-detached");
                let sent = call.request.body.clone().unwrap_or_default();
                let _ = backend(&call.request, &sent);
                forwarded.push(call.request);
                input = Resume::Detached;
            }
            Step::Sleep(d) => {
                effects.push("sleep");
                sleeps.push(d);
                input = Resume::Slept;
            }
            Step::Respond(response) => {
                let body = match &response.body {
                    ResponseBody::Empty => Bytes::new(),
                    ResponseBody::Bytes(b) => b.clone(),
                    ResponseBody::Backend => backend_body.clone(),
                };
                if let Some(mut tap) = x.take_stream_tap() {
                    tap.observe(&body);
                }
                return Outcome {
                    response,
                    body,
                    exchange: x,
                    forwarded,
                    effects,
                    tokens: asked,
                    sleeps,
                };
            }
        }
    }
    let response = Response {
        status: http::StatusCode::INTERNAL_SERVER_ERROR,
        headers: http::HeaderMap::new(),
        body: ResponseBody::Empty,
    };
    Outcome {
        response,
        body: Bytes::new(),
        exchange: x,
        forwarded,
        effects,
        tokens: asked,
        sleeps,
    }
}
