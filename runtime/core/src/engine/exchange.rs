//! One request's exchange: its state (request, response, variables, traces), routing and
//! subscription set-up, and what the server reads from it.

use super::error::LastError;
use super::route::{Miss, RequestView};
use super::scan::BodyNeeds;
use super::subscription::{self, Accepted, Refused};
use super::{RequestHead, Shared};
use crate::program::{BlockId, Severity};
use crate::value::Value;
use crate::vm::Scratch;
use http::header::{HeaderName, HeaderValue};
use std::sync::Arc;

pub(crate) use super::request_response::{parse_query, Body, Reply, Request};

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
    /// `context.RequestId`, drawn on first read.
    pub request_id: Option<[u8; 16]>,
    pub started_ms: u64,
    /// Responses `send-request` stored (variables hold [`crate::value::Msg::Stored`]).
    pub stored: Vec<Reply>,
    /// A seeded random source's state (`gatehouse test`); `None`: the OS's.
    pub seed: Option<u64>,
}

/// Where the step machine is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    Begin,
    RequestBody,
    Running,
    Backend {
        fail_on_error: bool,
    },
    ResponseBody,
    /// Waiting for a `send-request` answer.
    Sending,
    /// Waiting for an access token (`authentication-managed-identity`).
    Token,
    /// Waiting between two runs of a `retry`.
    Sleeping,
    /// Waiting for the calls of a `wait`'s children.
    Waiting,
    /// Waiting for a detached call to be queued.
    Detaching,
    Done,
}

/// A position in a block.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    pub block: BlockId,
    pub pc: usize,
}

/// A `rate-limit-by-key` or `quota-by-key` count decided after the response.
#[derive(Debug)]
pub(crate) struct Deferred {
    /// The policy counting (for the trace of a failing condition).
    pub policy: &'static str,
    pub condition: u32,
    pub key: Arc<str>,
    pub period: crate::state::Period,
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
    /// Bytes the exchange's evaluations may still allocate.
    pub(crate) bytes_left: usize,
    pub(crate) needs: BodyNeeds,
    pub(crate) deferred: Vec<Deferred>,
    /// Headers added to the final response whatever it is (rate-limit counters).
    pub(crate) extra: Vec<(HeaderName, HeaderValue)>,
    pub(crate) forwarded: bool,
    /// Where the last `forward-request` is written.
    pub(crate) forward_loc: Option<u32>,
    pub(crate) early: Option<Result<LastError, LastError>>,
    /// An error that waits for the response body before `on-error` runs.
    pub(crate) pending: Option<LastError>,
    /// The `send-request` waiting for its answer.
    pub(crate) sending: Option<super::policies::Sending>,
    /// The `retry` policies running, innermost last.
    pub(crate) loops: Vec<super::policies::RetryLoop>,
    /// The children of a running `wait`.
    pub(crate) fibers: Option<Box<super::policies::Fibers>>,
    /// A `cors` policy already decided this request's CORS headers.
    pub(crate) cors_done: bool,
    /// The `authentication-managed-identity` waiting for its token.
    pub(crate) identifying: Option<super::policies::Identifying>,
    /// A preflight answered before the pipeline (`cors`).
    pub(crate) preflight: bool,
    /// What `cache-lookup` decided for `cache-store`.
    pub(crate) response_cache: Option<super::policies::ResponseCache>,
    /// `limit-concurrency` slots held: the depth and block of the nested policies.
    pub(crate) held: Vec<(usize, crate::program::BlockId, crate::state::Held)>,
    /// Token limits charged and token metrics waiting for the usage.
    pub(crate) llm: super::tokens::Pending,
    /// The tap counting a streamed completion, for the driver.
    pub(crate) tap: Option<super::tokens::StreamTap>,
    /// What ran, when probed ([`Exchange::start_probe`]).
    pub(crate) probe: Option<Box<super::Probe>>,
    /// `quota-by-key` counters this request already counted (once per request per key).
    pub(crate) counted: Vec<String>,
}

impl Exchange {
    /// Routes `head`, checks its subscription key and prepares the pipeline.
    pub(crate) fn new(sh: Arc<Shared>, head: RequestHead) -> Exchange {
        let started_ms = sh.clock.now_ms();
        let req = Request::new(head);
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
                request_id: None,
                started_ms,
                stored: Vec::new(),
                seed: None,
            },
            scratch: sh_scratch,
            keep: 0,
            keep_all: false,
            stage: Stage::Begin,
            section: 0,
            sections: None,
            frames: Vec::new(),
            ops: 0,
            bytes_left: 0,
            needs: BodyNeeds::default(),
            deferred: Vec::new(),
            extra: Vec::new(),
            forwarded: false,
            forward_loc: None,
            early: None,
            pending: None,
            sending: None,
            loops: Vec::new(),
            fibers: None,
            cors_done: false,
            preflight: false,
            identifying: None,
            response_cache: None,
            held: Vec::new(),
            llm: Default::default(),
            tap: None,
            probe: None,
            counted: Vec::new(),
        };
        x.bytes_left = x.ctx.sh.config.max_exchange_bytes;
        x.early = x.route().err();
        if super::policies::cors_preflight(&mut x) {
            x.early = None;
            x.preflight = true;
        }
        x
    }

    /// Routing and the subscription check; `Err(Ok(e))` answers without `on-error`,
    /// `Err(Err(e))` runs `on-error` with `e`.
    fn route(&mut self) -> Result<(), Result<LastError, LastError>> {
        let sh = self.ctx.sh.clone();
        let program = &*sh.program;
        let req = &self.ctx.req;
        let view = RequestView {
            req,
            method: req.method.as_str(),
        };
        let routed = sh.routes.route(&view, req.received_path()).map_err(|m| {
            if let Miss::NoOperation(api) = m {
                self.ctx.api = Some(api);
            }
            self.global_pipeline();
            let e = LastError::step(
                "configuration",
                "OperationNotFound",
                "Unable to match incoming request to an operation.",
                "inbound",
            );
            // APIM runs the global `on-error` for a request no operation answers.
            if self.sections.is_some() {
                Err(e)
            } else {
                Ok(e)
            }
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

    /// The global policy's pipeline (for a request no operation answers), if any.
    fn global_pipeline(&mut self) {
        let sh = &self.ctx.sh;
        if let Some(pid) = sh.program.global {
            self.sections = sh.program.pipelines.get(pid as usize).map(|p| p.sections);
            self.needs = sh.bodies.get(pid as usize).copied().unwrap_or_default();
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

    /// The `trace` records and `context.Trace` messages so far.
    pub fn traces(&self) -> &[Trace] {
        &self.ctx.traces
    }

    /// `context.LastError`, when an error happened.
    pub fn last_error(&self) -> Option<&LastError> {
        self.ctx.last_error.as_ref()
    }

    /// Whether this is a WebSocket handshake routed to a WebSocket API: its forward is an
    /// upgrade, and a `101` answer hands the connection over to the relay.
    pub fn websocket(&self) -> bool {
        self.ctx.req.websocket
            && self
                .ctx
                .api
                .and_then(|a| self.ctx.sh.program.apis.get(a as usize))
                .is_some_and(|a| a.kind == crate::program::ApiKind::WebSocket)
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

    /// The tap a driver puts on a streamed completion it passes to the client (token
    /// limits and metrics settle when the tap is dropped); `None` when nothing counts it.
    pub fn take_stream_tap(&mut self) -> Option<super::tokens::StreamTap> {
        self.tap.take()
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
