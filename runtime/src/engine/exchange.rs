//! One request's exchange: its state (request, response, variables, traces) and the step
//! machine `resume` drives through inbound → backend → outbound, or on-error.

use super::error::{self, LastError};
use super::headers::{Headers, Multimap};
use super::route::Miss;
use super::scan::BodyNeeds;
use super::subscription::{self, Accepted, Refused};
use super::{RequestHead, Response, ResponseBody, Resume, Shared, Step, Target};
use crate::host::ParsedUrl;
use crate::program::model::{BlockId, Severity};
use crate::value::Value;
use crate::vm::Scratch;
use bytes::Bytes;
use http::header::{HeaderName, HeaderValue};
use http::{HeaderMap, Method, StatusCode};
use std::cell::OnceCell;
use std::net::IpAddr;
use std::sync::Arc;

/// A `trace` policy's record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trace {
    /// `source`.
    pub source: Arc<str>,
    /// `severity`.
    pub severity: Severity,
    /// `<message>` (or a `context.Trace` message, with source `context.Trace`).
    pub message: Arc<str>,
    /// `<metadata>` name/value pairs.
    pub metadata: Vec<(Arc<str>, Arc<str>)>,
}

/// A message body as the engine holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Body {
    /// Not read: the client's (or backend's) body passes through untouched.
    Stream,
    /// Buffered or replaced.
    Held(Bytes),
    /// Read by a policy without `preserveContent`: gone.
    Consumed,
    /// No body at all.
    Absent,
}

/// The request as policies change it.
#[derive(Debug)]
pub(crate) struct Request {
    pub method: Method,
    pub headers: Headers,
    pub body: Body,
    scheme: String,
    host: String,
    /// Path and query as received.
    received: String,
    /// `context.Request.OriginalUrl`, parsed on first use.
    original: OnceCell<ParsedUrl>,
    pub ip: IpAddr,
    /// Where `forward-request` sends it (`None`: the API's service URL).
    pub target: Option<Target>,
    /// The backend base URL as `context.Request.Url` shows it.
    pub base: Arc<str>,
    /// The path after the API prefix, or the rewritten one (encoded).
    pub path: String,
    /// The current query (decoded), parsed on first use.
    query: OnceCell<Multimap>,
    /// Whether a policy changed the query (otherwise it is forwarded as received).
    query_changed: bool,
}

impl Request {
    /// The query string as received, without its `?`.
    fn received_query(&self) -> &str {
        self.received.split_once('?').map_or("", |(_, q)| q)
    }

    /// The path as received, without the query.
    pub fn received_path(&self) -> &str {
        self.received
            .split_once('?')
            .map_or(&self.received, |(p, _)| p)
    }

    /// `context.Request.OriginalUrl`.
    pub fn original(&self) -> &ParsedUrl {
        self.original.get_or_init(|| {
            ParsedUrl::parse(&format!("{}://{}{}", self.scheme, self.host, self.received))
        })
    }

    /// The current query parameters.
    pub fn query(&self) -> &Multimap {
        self.query
            .get_or_init(|| parse_query(self.received_query()))
    }

    /// Changes the query.
    pub fn update_query(&mut self, f: impl FnOnce(&mut Multimap)) {
        let mut q = self
            .query
            .take()
            .unwrap_or_else(|| parse_query(self.received_query()));
        f(&mut q);
        self.query = OnceCell::from(q);
        self.query_changed = true;
    }

    /// Whether the query as received may hold `name` (a cheap substring test).
    pub fn may_have_query(&self, name: &str) -> bool {
        let (q, n) = (self.received_query().as_bytes(), name.as_bytes());
        !n.is_empty() && q.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
    }

    /// The current query string, with its `?` (empty when there is none).
    pub fn query_text(&self) -> std::borrow::Cow<'_, str> {
        if self.query_changed {
            return super::policies::query_string(self.query()).into();
        }
        let at = self.received.find('?').unwrap_or(self.received.len());
        match self.received.get(at..) {
            Some("?") | None => "".into(),
            Some(q) => q.into(),
        }
    }
}

/// Decoded query parameters, grouped by case-insensitive name.
pub(crate) fn parse_query(q: &str) -> Multimap {
    if q.is_empty() {
        return Vec::new();
    }
    ParsedUrl::parse(&format!("http://h/?{q}")).query
}

/// The response as policies change it.
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: StatusCode,
    pub reason: Arc<str>,
    pub headers: Headers,
    pub body: Body,
}

impl Reply {
    fn empty() -> Reply {
        Reply {
            status: StatusCode::OK,
            reason: "OK".into(),
            headers: Headers::default(),
            body: Body::Absent,
        }
    }
}

/// Everything expressions can read: the engine's [`crate::host::Host`].
#[derive(Debug)]
pub(crate) struct Ctx {
    pub sh: Arc<Shared>,
    pub api: Option<u32>,
    pub op: Option<u32>,
    pub sub: Option<Accepted>,
    pub product: Option<u32>,
    pub req: Request,
    pub resp: Reply,
    /// Matched template parameters: name, decoded value, value as received.
    pub params: super::route::Params,
    pub vars: Vec<(Arc<str>, Value)>,
    pub traces: Vec<Trace>,
    pub last_error: Option<LastError>,
    pub seed: u64,
    pub started_ms: u64,
}

/// Where the step machine is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    Begin,
    RequestBody,
    Running,
    Backend { fail_on_error: bool },
    ResponseBody,
    Done,
}

/// A position in a block.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    pub block: BlockId,
    pub pc: usize,
}

/// A `rate-limit-by-key` count decided after the response.
#[derive(Debug)]
pub(crate) struct Deferred {
    pub condition: u32,
    pub key: Arc<str>,
    pub period_ms: u64,
    pub count: u64,
    pub section: usize,
    pub loc: u32,
}

/// One request going through the gateway. Drive it with [`Exchange::resume`].
#[derive(Debug)]
pub struct Exchange {
    pub(crate) ctx: Ctx,
    pub(crate) scratch: Scratch,
    /// Heap objects kept across evaluations (variables hold handles into them).
    pub(crate) keep: usize,
    pub(crate) keep_all: bool,
    pub(crate) stage: Stage,
    pub(crate) section: usize,
    pub(crate) sections: Option<[BlockId; 4]>,
    pub(crate) frames: Vec<Frame>,
    pub(crate) ops: u64,
    pub(crate) needs: BodyNeeds,
    pub(crate) deferred: Vec<Deferred>,
    /// Headers added to the final response whatever it is (rate-limit counters).
    pub(crate) extra: Vec<(HeaderName, HeaderValue)>,
    pub(crate) forwarded: bool,
    /// Where the last `forward-request` is written.
    pub(crate) forward_loc: Option<u32>,
    early: Option<Result<LastError, LastError>>,
    /// An error that waits for the response body before `on-error` runs.
    pending: Option<LastError>,
}

impl Exchange {
    /// Routes `head`, checks its subscription key and prepares the pipeline.
    pub(crate) fn new(sh: Arc<Shared>, head: RequestHead) -> Exchange {
        let started_ms = sh.clock.now_ms();
        let req = Request {
            method: head.method,
            headers: Headers::new(head.headers),
            body: Body::Stream,
            scheme: head.scheme,
            host: head.host,
            received: head.path_and_query,
            original: OnceCell::new(),
            ip: head.client_ip,
            target: None,
            base: "".into(),
            path: String::new(),
            query: OnceCell::new(),
            query_changed: false,
        };
        let sh_scratch = sh.take_scratch();
        let mut x = Exchange {
            ctx: Ctx {
                sh,
                api: None,
                op: None,
                sub: None,
                product: None,
                req,
                resp: Reply::empty(),
                params: Vec::new(),
                vars: Vec::new(),
                traces: Vec::new(),
                last_error: None,
                seed: started_ms ^ 0x9E37_79B9_7F4A_7C15,
                started_ms,
            },
            scratch: sh_scratch,
            keep: 0,
            keep_all: false,
            stage: Stage::Begin,
            section: 0,
            sections: None,
            frames: Vec::new(),
            ops: 0,
            needs: BodyNeeds::default(),
            deferred: Vec::new(),
            extra: Vec::new(),
            forwarded: false,
            forward_loc: None,
            early: None,
            pending: None,
        };
        x.early = x.route().err();
        x
    }

    /// Routing and the subscription check; `Err(Ok(e))` answers without `on-error`,
    /// `Err(Err(e))` runs `on-error` with `e`.
    fn route(&mut self) -> Result<(), Result<LastError, LastError>> {
        let sh = self.ctx.sh.clone();
        let program = &*sh.program;
        let req = &self.ctx.req;
        let routed = sh
            .routes
            .route(&req.host, req.method.as_str(), req.received_path(), &|| {
                req.query()
            })
            .map_err(|m| {
                if let Miss::NoOperation(api) = m {
                    self.ctx.api = Some(api);
                }
                Ok(LastError::step(
                    "configuration",
                    "OperationNotFound",
                    "Unable to match incoming request to an operation.",
                    "inbound",
                ))
            })?;
        self.ctx.api = Some(routed.api);
        self.ctx.op = Some(routed.op);
        self.ctx.params = routed.params;
        self.ctx.req.path = routed.rest;
        let Some(api) = program.apis.get(routed.api as usize) else {
            return Ok(());
        };
        if let Some(url) = api.service_url {
            self.ctx.req.base = program
                .strings
                .get(url as usize)
                .cloned()
                .unwrap_or_default();
        }
        let refused = self.subscribe(routed.api, api.subscription_required);
        self.select_pipeline(routed.api, routed.op);
        match refused {
            Some(r) => {
                let e = LastError::step("authorization", r.reason(), r.message(), "inbound");
                Err(Err(e))
            }
            None => Ok(()),
        }
    }

    /// Reads and checks the key, removing it from the request; `Some` when refused.
    fn subscribe(&mut self, api: u32, required: bool) -> Option<Refused> {
        let sh = self.ctx.sh.clone();
        let (_, query) = subscription::key_names(&sh.program, api);
        let header = sh.literals.key_header(api);
        let from_header = header
            .and_then(|h| self.ctx.req.headers.map().get(h))
            .map(|v| Arc::<str>::from(String::from_utf8_lossy(v.as_bytes())));
        let mut from_query = None;
        if self.ctx.req.may_have_query(query) {
            from_query = self
                .ctx
                .req
                .query()
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(query))
                .and_then(|(_, v)| v.first().cloned());
        }
        if let (Some(h), Some(_)) = (header, &from_header) {
            self.ctx.req.headers.map_mut().remove(h);
        }
        if from_query.is_some() {
            self.ctx
                .req
                .update_query(|q| q.retain(|(k, _)| !k.eq_ignore_ascii_case(query)));
        }
        let key = from_header.or(from_query);
        let key = key.filter(|k| !k.is_empty());
        match key {
            None if required => Some(Refused::Missing),
            None => None,
            Some(k) => match subscription::check(&sh.program, api, &k) {
                Ok(acc) => {
                    self.ctx.product = acc.product;
                    self.ctx.sub = Some(acc);
                    None
                }
                Err(r) if required => Some(r),
                Err(_) => None,
            },
        }
    }

    fn select_pipeline(&mut self, api: u32, op: u32) {
        let program = &self.ctx.sh.program;
        let Some(o) = program
            .apis
            .get(api as usize)
            .and_then(|a| a.operations.get(op as usize))
        else {
            return;
        };
        let want = self.ctx.product.unwrap_or(u32::MAX);
        let pick = o
            .pipelines
            .iter()
            .find(|(p, _)| *p == want)
            .or_else(|| o.pipelines.iter().find(|(p, _)| *p == u32::MAX))
            .or_else(|| o.pipelines.first());
        if let Some((_, pid)) = pick {
            self.sections = program.pipelines.get(*pid as usize).map(|p| p.sections);
            self.needs = self
                .ctx
                .sh
                .bodies
                .get(*pid as usize)
                .copied()
                .unwrap_or_default();
        }
    }

    /// Hands the driver's answer to the engine; returns what it needs next.
    pub fn resume(&mut self, input: Resume) -> Step {
        match (self.stage, input) {
            (Stage::Begin, Resume::Start) => self.begin(),
            (Stage::RequestBody, Resume::RequestBody(b)) => {
                if b.len() > self.ctx.sh.config.max_body {
                    return self.fail_step(
                        "request",
                        "RequestEntityTooLarge",
                        "The request body is too large.",
                    );
                }
                self.ctx.req.body = Body::Held(b);
                self.enter(0);
                self.drive()
            }
            (Stage::Backend { fail_on_error }, Resume::Backend(r)) => {
                self.backend_answer(r, fail_on_error)
            }
            (Stage::ResponseBody, Resume::ResponseBody(b)) => {
                if b.len() > self.ctx.sh.config.max_body {
                    let msg = "The backend's body is too large.";
                    return self.fail_step("forward-request", "ResponseTooLarge", msg);
                }
                self.ctx.resp.body = Body::Held(b);
                self.stage = Stage::Running;
                if let Some(e) = self.pending.take() {
                    self.on_error(e, false);
                }
                self.drive()
            }
            (stage, input) => {
                let msg = format!("resume {input:?} does not fit stage {stage:?}");
                self.ctx.last_error = Some(LastError::step("engine", "", &msg, ""));
                self.ctx.resp = Reply::empty();
                self.ctx.resp.status = StatusCode::INTERNAL_SERVER_ERROR;
                self.finish()
            }
        }
    }

    fn begin(&mut self) -> Step {
        match self.early.take() {
            Some(Ok(e)) => {
                self.preset(&e);
                self.ctx.last_error = Some(e);
                self.finish()
            }
            Some(Err(e)) => {
                self.on_error(e, true);
                self.drive()
            }
            None if self.needs.request => {
                self.stage = Stage::RequestBody;
                Step::NeedRequestBody
            }
            None => {
                self.enter(0);
                self.drive()
            }
        }
    }

    fn fail_step(&mut self, source: &str, reason: &str, message: &str) -> Step {
        let section = crate::program::model::SECTION_NAMES[self.section.min(3)];
        let e = LastError::step(source, reason, message, section);
        self.on_error(e, true);
        self.drive()
    }

    /// Starts section `s` of the pipeline.
    pub(crate) fn enter(&mut self, s: usize) {
        self.stage = Stage::Running;
        self.section = s;
        self.frames.clear();
        if let Some(b) = self.sections.and_then(|x| x.get(s).copied()) {
            self.frames.push(super::exchange::Frame { block: b, pc: 0 });
        }
    }

    /// Records `e`, sets the gateway's own error response when `preset`, and starts
    /// `on-error`.
    pub(crate) fn on_error(&mut self, e: LastError, preset: bool) {
        if preset {
            self.preset(&e);
        }
        self.ctx.last_error = Some(e);
        self.enter(3);
    }

    /// The gateway's own response for error `e` (APIM's JSON body).
    fn preset(&mut self, e: &LastError) {
        let status = error::status_for(&e.reason);
        let message = match &*e.reason {
            "SubscriptionKeyNotFound" | "SubscriptionKeyInvalid" => &e.message,
            r => error::message_for(r),
        };
        self.ctx.resp = Reply {
            status,
            reason: status.canonical_reason().unwrap_or("").into(),
            headers: Headers::new(error::json_headers()),
            body: Body::Held(error::json_body(status, message)),
        };
    }

    /// Runs sections until the exchange needs an effect or is done.
    pub(crate) fn drive(&mut self) -> Step {
        loop {
            match self.run_frames() {
                super::run::Flow::Done => match self.section {
                    0 => self.enter(1),
                    1 => self.enter(2),
                    _ => return self.finish(),
                },
                super::run::Flow::Stop => return self.finish(),
                super::run::Flow::Effect(step) => return step,
                super::run::Flow::Error(e) if self.section == 3 => {
                    self.preset(&e);
                    self.ctx.last_error = Some(e);
                    return self.finish();
                }
                super::run::Flow::Error(e) => self.on_error(e, true),
                super::run::Flow::Fail(e) => self.on_error(e, false),
            }
        }
    }

    fn backend_answer(
        &mut self,
        r: Result<super::BackendResponse, super::BackendFailure>,
        fail_on_error: bool,
    ) -> Step {
        self.stage = Stage::Running;
        match r {
            Ok(head) => {
                self.ctx.resp = Reply {
                    reason: head.status.canonical_reason().unwrap_or("").into(),
                    status: head.status,
                    headers: Headers::new(head.headers),
                    body: Body::Stream,
                };
                if fail_on_error && head.status.as_u16() >= 400 {
                    let e = super::policies::forward_error(
                        self,
                        "",
                        "The backend answered with an error status code.",
                    );
                    if self.needs.response {
                        self.pending = Some(e);
                        self.stage = Stage::ResponseBody;
                        return Step::NeedResponseBody;
                    }
                    self.on_error(e, false);
                    return self.drive();
                }
                if self.needs.response {
                    self.stage = Stage::ResponseBody;
                    return Step::NeedResponseBody;
                }
                self.drive()
            }
            Err(f) => {
                let e = super::policies::forward_error(self, f.reason, &f.message);
                self.on_error(e, true);
                if let Some(secs) = f.retry_after {
                    self.ctx
                        .resp
                        .headers
                        .map_mut()
                        .insert(http::header::RETRY_AFTER, HeaderValue::from(secs));
                }
                self.drive()
            }
        }
    }

    /// Settles deferred counters and builds the final response.
    pub(crate) fn finish(&mut self) -> Step {
        super::policies::settle_deferred(self);
        self.stage = Stage::Done;
        self.frames.clear();
        let mut headers: HeaderMap = self.ctx.resp.headers.take();
        for (k, v) in self.extra.drain(..) {
            headers.insert(k, v);
        }
        let body = match std::mem::replace(&mut self.ctx.resp.body, Body::Absent) {
            Body::Stream => ResponseBody::Backend,
            Body::Held(b) if b.is_empty() => ResponseBody::Empty,
            Body::Held(b) => ResponseBody::Bytes(b),
            Body::Consumed | Body::Absent => ResponseBody::Empty,
        };
        if !matches!(body, ResponseBody::Backend) {
            headers.remove(http::header::CONTENT_LENGTH);
            headers.remove(http::header::TRANSFER_ENCODING);
        }
        Step::Respond(Response {
            status: self.ctx.resp.status,
            headers,
            body,
        })
    }

    /// The `trace` records and `context.Trace` messages so far.
    pub fn traces(&self) -> &[Trace] {
        &self.ctx.traces
    }

    /// `context.LastError`, when an error happened.
    pub fn last_error(&self) -> Option<&LastError> {
        self.ctx.last_error.as_ref()
    }

    /// The routed API's name (for metrics), if routing found one.
    pub fn api_name(&self) -> Option<&str> {
        let p = &self.ctx.sh.program;
        self.ctx
            .api
            .and_then(|a| p.apis.get(a as usize))
            .map(|a| p.str(a.name))
    }

    /// The routed operation's name (for metrics).
    pub fn operation_name(&self) -> Option<&str> {
        let p = &self.ctx.sh.program;
        let api = p.apis.get(self.ctx.api? as usize)?;
        api.operations
            .get(self.ctx.op? as usize)
            .map(|o| p.str(o.name))
    }

    /// The subscription that authorised the call (its name).
    pub fn subscription_name(&self) -> Option<&str> {
        let p = &self.ctx.sh.program;
        let s = self.ctx.sub.as_ref()?;
        p.subscriptions.get(s.sub as usize).map(|s| p.str(s.name))
    }

    /// The product of the subscription (its name).
    pub fn product_name(&self) -> Option<&str> {
        let p = &self.ctx.sh.program;
        p.products
            .get(self.ctx.product? as usize)
            .map(|x| p.str(x.name))
    }

    /// Milliseconds since the exchange started, by the gateway's clock.
    pub fn elapsed_ms(&self) -> u64 {
        self.ctx
            .sh
            .clock
            .now_ms()
            .saturating_sub(self.ctx.started_ms)
    }

    /// A variable's value as text (`None` when unset).
    pub fn variable_text(&self, name: &str) -> Option<String> {
        self.ctx
            .vars
            .iter()
            .find(|(k, _)| &**k == name)
            .map(|(_, v)| crate::vm::to_dotnet_string(self.scratch.heap(), v))
    }
}

impl Drop for Exchange {
    fn drop(&mut self) {
        let scratch = std::mem::take(&mut self.scratch);
        self.ctx.sh.give_scratch(scratch);
    }
}
