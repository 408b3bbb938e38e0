//! Runs one case: a gateway of its own (counters, clock) over the case's program, each
//! step's request driven through the engine with the world's mocks answering its effects.

use crate::fleet::Fleet;
use crate::format::{Case, Failure, MockReply, Mocks, Request, World};
use crate::project::{Built, Under};
use bytes::Bytes;
use gatehouse_runtime::engine::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use gatehouse_runtime::engine::{
    BackendFailure, BackendRequest, BackendResponse, Delivery, EngineConfig, Gateway, LastError,
    Probe, RequestHead, ResponseBody, Resume, Step, Target, Trace,
};
use gatehouse_runtime::state::{
    encode_value, value_key, CacheStore, Clock, LocalCache, LocalRates, ManualClock, Period,
    RateStore, Stores,
};
use gatehouse_runtime::value::Value;
use gatehouse_server::backend::breaker::Outcome as CallOutcome;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// The clock a case starts at unless its world says: 2024-01-01T00:00:00Z.
pub const DEFAULT_CLOCK_MS: u64 = 1_704_067_200_000;

/// Most effects one request may ask for before the runner gives up on it.
const MAX_EFFECTS: usize = 256;

/// A call that reached a backend or a `send-request` target.
#[derive(Clone, Debug)]
pub struct Call {
    /// `forward-request` (false) or `send-request` (true).
    pub send: bool,
    /// The backend id, or the URL's target.
    pub target: String,
    /// The pool member that took the call, when `target` is a pool.
    pub member: Option<String>,
    /// The mock that answered (`None`: none matched).
    pub mock: Option<String>,
    /// Method.
    pub method: String,
    /// Path and query for a backend id; the whole URL otherwise.
    pub url: String,
    /// Headers.
    pub headers: HeaderMap,
    /// The body sent.
    pub body: Bytes,
}

/// What one step produced.
#[derive(Debug)]
pub struct Outcome {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body.
    pub body: Bytes,
    /// Backend and `send-request` calls, in order.
    pub calls: Vec<Call>,
    /// Traces.
    pub traces: Vec<Trace>,
    /// `context.LastError`.
    pub last_error: Option<LastError>,
    /// `API/OPERATION` routed to.
    pub routed: Option<String>,
    /// The probe's record.
    pub probe: Probe,
    /// Variables the expectations name, read after the exchange.
    pub variables: HashMap<String, Option<String>>,
    /// Problems of the run itself (unmocked calls, unknown subscription …).
    pub problems: Vec<String>,
}

/// A case being run: its gateway, clock and mocks' progress.
pub struct CaseRun<'a> {
    /// The program and tables.
    pub built: Arc<Built>,
    gw: Gateway,
    clock: Arc<ManualClock>,
    world: &'a World,
    used: HashMap<(bool, String), usize>,
    fleet: Fleet,
}

impl<'a> CaseRun<'a> {
    /// A fresh gateway for `case` over `built`, counters preset from its world.
    pub fn new(built: Arc<Built>, case: &'a Case) -> CaseRun<'a> {
        let world = &case.world;
        let clock = Arc::new(ManualClock::new(world.clock_ms.unwrap_or(DEFAULT_CLOCK_MS)));
        let config = EngineConfig::default();
        let rates = Arc::new(LocalRates::new(config.counters));
        for c in &world.counters {
            // A quota-by-key counter is kept as the policy keeps it: its own namespace,
            // windows aligned on `first-period-start`.
            let (key, period) = match c.quota_start_ms {
                Some(start) => (
                    format!("quota-by-key\0{}", c.key),
                    Period::aligned(c.period_ms, start),
                ),
                None => (c.key.clone(), Period::from_first_call(c.period_ms.max(1))),
            };
            rates.add(&key, period, c.count, clock.now_ms());
        }
        let cache = Arc::new(LocalCache::new(config.cache));
        for c in &world.cache {
            if let Some(bytes) = encode_value(&cached_value(&c.value)) {
                cache.put(&value_key(&c.key), bytes, c.ttl_ms, clock.now_ms());
            }
        }
        let stores = Stores {
            clock: clock.clone(),
            rates,
            cache,
            external: None,
            concurrency: Arc::default(),
        };
        let gw = Gateway::with_stores(built.program.clone(), config, stores);
        let fleet = Fleet::new(&built.program, clock.now_ms());
        CaseRun {
            built,
            gw,
            clock,
            world,
            used: HashMap::new(),
            fleet,
        }
    }

    /// Runs one step's request; `vars` are the variables to read afterwards.
    pub fn step(
        &mut self,
        under: &Under,
        advance_ms: u64,
        req: &Request,
        vars: &[String],
    ) -> Outcome {
        self.clock.advance(advance_ms);
        let mut problems = Vec::new();
        let (head, body) = match self.head(under, req) {
            Ok(h) => h,
            Err(e) => {
                problems.push(e);
                return self.empty_outcome(problems);
            }
        };
        let mut x = self.gw.start(head);
        x.start_probe(Some(self.world.seed.unwrap_or(0)));
        let mut calls = Vec::new();
        let mut input = Resume::Start;
        let mut backend_body = Bytes::new();
        let mut done = None;
        let mut queued = std::collections::VecDeque::new();
        for _ in 0..MAX_EFFECTS {
            match x.resume(input) {
                Step::NeedRequestBody => input = Resume::RequestBody(body.clone()),
                Step::Forward(r) => {
                    let sent = r.body.clone().unwrap_or_else(|| body.clone());
                    let answer = self.answer(false, &r, sent, &mut calls, &mut problems);
                    input = Resume::Backend(answer.map(|(h, b)| {
                        backend_body = b;
                        h
                    }));
                }
                Step::Send(r) => {
                    let sent = r.body.clone().unwrap_or_default();
                    input = Resume::Sent(self.answer(true, &r, sent, &mut calls, &mut problems));
                }
                Step::NeedResponseBody => input = Resume::ResponseBody(backend_body.clone()),
                // Managed identity in a test world: a fixed token naming its resource.
                Step::Token(t) => {
                    let token = format!("test-token:{}", t.resource);
                    input = Resume::Token(Ok(gatehouse_runtime::engine::AccessToken::new(&token)));
                }
                // `wait`: every call answered from the mocks, then handed back in order.
                Step::SendConcurrent(reqs) => {
                    for (tag, r) in reqs {
                        let sent = r.body.clone().unwrap_or_default();
                        let answer = self.answer(true, &r, sent, &mut calls, &mut problems);
                        queued.push_back((tag, answer));
                    }
                    input = match queued.pop_front() {
                        Some((tag, answer)) => Resume::SentOne(tag, answer),
                        None => Resume::Start,
                    };
                }
                // `send-one-way-request`: the call is recorded, its answer dropped.
                // A local logger's line is no call.
                Step::SendDetached(call)
                    if matches!(call.delivery, Delivery::AppendFile(_) | Delivery::Stdout) =>
                {
                    input = Resume::Detached;
                }
                Step::SendDetached(call) => {
                    let r = &call.request;
                    let sent = r.body.clone().unwrap_or_default();
                    let _ = self.answer(true, r, sent, &mut calls, &mut problems);
                    input = Resume::Detached;
                }
                // `retry`'s wait moves the case's clock instead of sleeping.
                Step::Sleep(d) => {
                    self.clock
                        .advance(u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
                    input = Resume::Slept;
                }
                Step::Respond(resp) => {
                    done = Some(resp);
                    break;
                }
            }
        }
        let Some(resp) = done else {
            problems.push(format!(
                "the exchange asked for more than {MAX_EFFECTS} effects"
            ));
            return self.empty_outcome(problems);
        };
        let body = match resp.body {
            ResponseBody::Empty => Bytes::new(),
            ResponseBody::Bytes(b) => b,
            ResponseBody::Backend => backend_body,
        };
        let routed = x
            .api_name()
            .map(|a| format!("{a}/{}", x.operation_name().unwrap_or("")));
        let variables = vars
            .iter()
            .map(|v| (v.clone(), x.variable_text(v)))
            .collect();
        Outcome {
            status: resp.status,
            headers: resp.headers,
            body,
            calls,
            traces: x.traces().to_vec(),
            last_error: x.last_error().cloned(),
            routed,
            probe: x.probe().cloned().unwrap_or_default(),
            variables,
            problems,
        }
    }

    fn empty_outcome(&self, problems: Vec<String>) -> Outcome {
        Outcome {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            headers: HeaderMap::new(),
            body: Bytes::new(),
            calls: Vec::new(),
            traces: Vec::new(),
            last_error: None,
            routed: None,
            probe: Probe::default(),
            variables: HashMap::new(),
            problems,
        }
    }

    /// The request head and body a step sends.
    fn head(&self, under: &Under, r: &Request) -> Result<(RequestHead, Bytes), String> {
        let program = &self.built.program;
        let mut method = r.method.clone();
        let mut key_header = "Ocp-Apim-Subscription-Key".to_string();
        let url = match (&r.url, &r.operation) {
            (Some(u), _) => u.clone(),
            (None, Some((a, o))) => {
                let api = program
                    .apis
                    .iter()
                    .find(|x| program.str(x.name) == a)
                    .ok_or_else(|| format!("the project has no API `{a}`"))?;
                let op = api
                    .operations
                    .iter()
                    .find(|x| program.str(x.name) == o)
                    .ok_or_else(|| format!("the API `{a}` has no operation `{o}`"))?;
                if method.is_empty() {
                    method = program.str(op.method).to_string();
                }
                key_header = program.str(api.key_header).to_string();
                let mut path = format!(
                    "/{}/{}",
                    program.str(api.path).trim_matches('/'),
                    program.str(op.template).trim_start_matches('/')
                );
                for (k, v) in &r.params {
                    path = path.replace(&format!("{{{k}}}"), v);
                }
                path.replace("//", "/")
            }
            (None, None) => "/".into(),
        };
        if method.is_empty() {
            method = "GET".into();
        }
        let (scheme, host, mut pq) = split_url(&url);
        for (i, (k, v)) in r.query.iter().enumerate() {
            let sep = if i == 0 && !pq.contains('?') {
                '?'
            } else {
                '&'
            };
            pq.push_str(&format!("{sep}{}={}", encode(k), encode(v)));
        }
        let mut headers = HeaderMap::new();
        for (k, v) in &r.headers {
            let v = self.tokens_in(v)?;
            headers.append(header_name(k)?, header_value(&v)?);
        }
        let key = match (&r.subscription_key, &r.subscription, &r.product) {
            (Some(k), _, _) => Some(k.clone()),
            (None, None, None) => None,
            (None, s, p) => Some(under.key_of(s.as_deref(), p.as_deref()).ok_or_else(
                || match (s, p) {
                    (Some(s), _) => format!("the project has no subscription `{s}` with a key"),
                    (_, p) => format!(
                        "the product `{}` has no active subscription with a key",
                        p.as_deref().unwrap_or_default()
                    ),
                },
            )?),
        };
        if let Some(k) = key {
            headers.insert(header_name(&key_header)?, header_value(&k)?);
        }
        if let Some(name) = &r.bearer {
            let t = self.token(name)?;
            headers.insert(
                gatehouse_runtime::engine::http::header::AUTHORIZATION,
                header_value(&format!("Bearer {t}"))?,
            );
        }
        let ip = r.client_ip.as_deref().unwrap_or("127.0.0.1");
        let client_ip = ip
            .parse()
            .map_err(|_| format!("`{ip}` is not an IP address"))?;
        let method = Method::from_bytes(method.as_bytes())
            .map_err(|_| format!("`{method}` is not a method"))?;
        let head = RequestHead {
            method,
            scheme,
            host,
            path_and_query: pq,
            headers,
            client_ip,
            client_certificate: self.client_certificate(r)?,
        };
        Ok((head, Bytes::from(r.body.clone())))
    }

    /// The request's client certificate, described as the HTTPS listener describes one at
    /// the case's clock (no CA: `Verify()` is false, `validate-trust` refuses it).
    fn client_certificate(
        &self,
        r: &Request,
    ) -> Result<Option<std::sync::Arc<gatehouse_runtime::engine::PeerCertificate>>, String> {
        let Some(pem) = &r.client_certificate else {
            return Ok(None);
        };
        let chain = gatehouse_server::tls_server::read_certificates(pem)
            .map_err(|e| format!("`client-certificate`: {e}"))?;
        let now = rustls::pki_types::UnixTime::since_unix_epoch(std::time::Duration::from_millis(
            self.clock.now_ms(),
        ));
        let described = gatehouse_server::peer_cert::describe(&chain, &[], None, now)
            .ok_or("`client-certificate` is not an X.509 certificate")?;
        Ok(Some(std::sync::Arc::new(described)))
    }

    fn token(&self, name: &str) -> Result<String, String> {
        let t = self
            .world
            .tokens
            .get(name)
            .ok_or_else(|| format!("the world has no token `{name}`"))?;
        Ok(crate::jwt::sign(t, self.clock.now_ms()))
    }

    /// `${token:NAME}` replaced by the signed token.
    fn tokens_in(&self, v: &str) -> Result<String, String> {
        let mut out = String::new();
        let mut rest = v;
        while let Some(i) = rest.find("${token:") {
            out.push_str(&rest[..i]);
            let tail = &rest[i + 8..];
            let end = tail
                .find('}')
                .ok_or_else(|| format!("`{v}`: `${{token:` is not closed"))?;
            out.push_str(&self.token(&tail[..end])?);
            rest = &tail[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// The mock's answer to a call, recorded.
    fn answer(
        &mut self,
        send: bool,
        r: &BackendRequest,
        sent: Bytes,
        calls: &mut Vec<Call>,
        problems: &mut Vec<String>,
    ) -> Result<(BackendResponse, Bytes), BackendFailure> {
        let program = &self.built.program;
        let (target, url, member) = match &r.target {
            Target::Backend(id) => {
                let name = program
                    .backends
                    .get(*id as usize)
                    .map_or("?", |b| program.str(b.name));
                let member = self.fleet.admit(*id, self.clock.now_ms())?;
                (name.to_string(), r.path_and_query.clone(), Some(member))
            }
            Target::Url(u) => {
                let full = format!("{u}{}", r.path_and_query);
                (full.clone(), full, None)
            }
        };
        let mocks = if send {
            &self.world.sends
        } else {
            &self.world.backends
        };
        let member_name = member
            .filter(|_| matches!(r.target, Target::Backend(id) if self.fleet.is_pool(id)))
            .map(|m| self.fleet.name(m).to_string());
        let mock = member_name
            .as_deref()
            .and_then(|m| mocks.iter().find(|(k, _)| k == m))
            .map(|(k, v)| (k.as_str(), v.as_slice()))
            .or_else(|| find_mock(mocks, &target));
        calls.push(Call {
            send,
            target: target.clone(),
            member: member_name,
            mock: mock.map(|(k, _)| k.to_string()),
            method: r.method.to_string(),
            url,
            headers: r.headers.clone(),
            body: sent,
        });
        let Some((key, replies)) = mock else {
            let kind = if send { "send-request" } else { "backends" };
            problems.push(format!(
                "no mock answers a call to `{target}`: add it under `world: {kind}:` (or `*`)"
            ));
            return Err(failure(Failure::Refused, r));
        };
        let n = self.used.entry((send, key.to_string())).or_insert(0);
        let reply = &replies[(*n).min(replies.len().saturating_sub(1))];
        *n += 1;
        let result = self.reply(reply, r);
        if let Some(m) = member {
            let outcome = match &result {
                Ok((resp, _)) => CallOutcome::Status(
                    resp.status.as_u16(),
                    retry_after_secs(&resp.headers).map(Duration::from_secs),
                ),
                Err(f) => CallOutcome::Error(f.reason),
            };
            self.fleet.record(m, self.clock.now_ms(), outcome);
        }
        result
    }

    /// What `reply` answers to `r`, moving the case's clock by its delay.
    fn reply(
        &self,
        reply: &MockReply,
        r: &BackendRequest,
    ) -> Result<(BackendResponse, Bytes), BackendFailure> {
        let timeout = r.timeout.as_millis() as u64;
        match reply {
            MockReply::Fail(f, delay) => {
                self.clock.advance((*delay).min(timeout));
                Err(failure(*f, r))
            }
            MockReply::Answer { delay_ms, .. } if *delay_ms >= timeout => {
                self.clock.advance(timeout);
                Err(failure(Failure::Timeout, r))
            }
            MockReply::Answer {
                status,
                headers,
                body,
                delay_ms,
            } => {
                self.clock.advance(*delay_ms);
                let mut map = HeaderMap::new();
                for (k, v) in headers {
                    if let (Ok(k), Ok(v)) = (header_name(k), header_value(v)) {
                        map.append(k, v);
                    }
                }
                let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::OK);
                Ok((
                    BackendResponse {
                        status,
                        headers: map,
                    },
                    Bytes::from(body.clone()),
                ))
            }
        }
    }
}

/// The mock for `target`: by backend id or URL prefix (longest first), else `*`.
fn find_mock<'m>(mocks: &'m Mocks, target: &str) -> Option<(&'m str, &'m [MockReply])> {
    let exact = mocks.iter().find(|(k, _)| k == target);
    let prefix = || {
        mocks
            .iter()
            .filter(|(k, _)| k != "*" && k.contains("://") && target.starts_with(k.as_str()))
            .max_by_key(|(k, _)| k.len())
    };
    let any = || mocks.iter().find(|(k, _)| k == "*");
    exact
        .or_else(prefix)
        .or_else(any)
        .map(|(k, v)| (k.as_str(), v.as_slice()))
}

/// A `Retry-After` given in whole seconds, as the breakers read it.
fn retry_after_secs(h: &HeaderMap) -> Option<u64> {
    h.get("retry-after")?.to_str().ok()?.trim().parse().ok()
}

/// The failure the gateway's backend client reports for `f`.
fn failure(f: Failure, r: &BackendRequest) -> BackendFailure {
    let (reason, message) = match f {
        Failure::Refused => ("BackendConnectionFailure", "connection refused".to_string()),
        Failure::Reset => (
            "BackendConnectionFailure",
            "connection reset by peer".to_string(),
        ),
        Failure::Timeout => (
            "Timeout",
            format!(
                "The backend did not answer within {} ms",
                r.timeout.as_millis()
            ),
        ),
    };
    BackendFailure {
        reason,
        message,
        retry_after: None,
        status: None,
    }
}

/// `(scheme, host, path and query)` of a whole URL or a path (host `localhost`, https).
fn split_url(url: &str) -> (String, String, String) {
    for scheme in ["https", "http"] {
        if let Some(rest) = url.strip_prefix(&format!("{scheme}://")) {
            let end = rest.find('/').unwrap_or(rest.len());
            let pq = if end == rest.len() {
                "/".to_string()
            } else {
                rest[end..].to_string()
            };
            return (scheme.into(), rest[..end].to_string(), pq);
        }
    }
    let pq = if url.starts_with('/') {
        url.to_string()
    } else {
        format!("/{url}")
    };
    ("https".into(), "localhost".into(), pq)
}

fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn header_name(k: &str) -> Result<HeaderName, String> {
    HeaderName::from_bytes(k.as_bytes()).map_err(|_| format!("`{k}` is not a header name"))
}

fn header_value(v: &str) -> Result<HeaderValue, String> {
    HeaderValue::from_str(v).map_err(|_| format!("`{v}` is not a header value"))
}

/// A world's cached value as the value `cache-store-value` would have stored: text, an
/// `int` (or `long`), a `double`, a `bool`.
fn cached_value(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::String(s) => Value::str(s.as_str()),
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => i32::try_from(i).map_or(Value::Long(i), Value::Int),
            (None, Some(f)) => Value::Double(f),
            _ => Value::str(n.to_string()),
        },
        serde_json::Value::Null => Value::Null,
        other => Value::str(other.to_string()),
    }
}
