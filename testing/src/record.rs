//! Recording: an exchange the gateway serves, taped from its effects, written as a test
//! case (`gatehouse run --record DIR`). Keys, tokens and secrets are redacted.

use bytes::Bytes;
use gatehouse_runtime::engine::http::HeaderMap;
use gatehouse_runtime::engine::{
    BackendRequest, RequestHead, Response, ResponseBody, Resume, Step, Target,
};
use gatehouse_runtime::program::Program;
use serde_json::{json, Map, Value};

/// Bodies larger than this are not recorded.
pub const MAX_RECORDED_BODY: usize = 64 << 10;

/// What replaces a redacted value.
pub const REDACTED: &str = "REDACTED";

/// Headers whose values are never recorded (besides every API's subscription-key header).
const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "ocp-apim-subscription-key",
];

/// One call the exchange made, and its answer.
#[derive(Debug)]
struct Taped {
    send: bool,
    request: BackendRequest,
    answer: Option<Value>,
}

/// An exchange being taped.
#[derive(Debug)]
pub struct Tape {
    head: RequestHead,
    started_ms: u64,
    body: Option<Bytes>,
    calls: Vec<Taped>,
}

impl Tape {
    /// Starts taping a request received at `now_ms`.
    pub fn new(head: &RequestHead, now_ms: u64) -> Tape {
        Tape {
            head: head.clone(),
            started_ms: now_ms,
            body: None,
            calls: Vec::new(),
        }
    }

    /// Notes what the driver hands the engine.
    pub fn input(&mut self, input: &Resume) {
        let answer = match input {
            // Access tokens are never recorded; waits and detached calls answer nothing.
            Resume::Token(_) | Resume::Slept | Resume::Detached => return,
            Resume::SentOne(_, Ok((h, b))) => {
                let mut a =
                    json!({"status": h.status.as_u16(), "headers": answer_headers(&h.headers)});
                if let Some(t) = text(b) {
                    a["body"] = t.into();
                }
                a
            }
            Resume::SentOne(_, Err(f)) => {
                json!({"failure": if f.reason == "Timeout" { "timeout" } else { "refused" }})
            }
            Resume::RequestBody(b) => {
                self.body = Some(b.clone());
                return;
            }
            Resume::Backend(Ok(h)) => {
                json!({"status": h.status.as_u16(), "headers": answer_headers(&h.headers)})
            }
            Resume::Sent(Ok((h, b))) => {
                let mut a =
                    json!({"status": h.status.as_u16(), "headers": answer_headers(&h.headers)});
                if let Some(t) = text(b) {
                    a["body"] = t.into();
                }
                a
            }
            Resume::Backend(Err(f)) | Resume::Sent(Err(f)) => {
                json!({"failure": if f.reason == "Timeout" { "timeout" } else { "refused" }})
            }
            Resume::ResponseBody(b) => {
                if let (Some(t), Some(Some(a))) =
                    (text(b), self.calls.last_mut().map(|c| c.answer.as_mut()))
                {
                    a["body"] = t.into();
                }
                return;
            }
            Resume::Start | Resume::BodyFailed(_) => return,
        };
        if let Some(c) = self.calls.iter_mut().rev().find(|c| c.answer.is_none()) {
            c.answer = Some(answer);
        }
    }

    /// Notes what the engine asks for.
    pub fn step(&mut self, step: &Step) {
        match step {
            Step::Forward(r) => self.calls.push(Taped {
                send: false,
                request: r.clone(),
                answer: None,
            }),
            Step::Send(r) => self.calls.push(Taped {
                send: true,
                request: r.clone(),
                answer: None,
            }),
            _ => {}
        }
    }

    /// The test file for the exchange that answered `response` (`name` names the case);
    /// `subscription` is the subscription whose key was sent (replayed by name: its key is
    /// not recorded).
    pub fn case(
        &self,
        program: &Program,
        name: &str,
        response: &Response,
        subscription: Option<&str>,
    ) -> Value {
        let mut keys: Vec<String> = program
            .apis
            .iter()
            .map(|a| program.str(a.key_header).to_ascii_lowercase())
            .collect();
        keys.push("host".into());
        let mut request = Map::new();
        request.insert("method".into(), self.head.method.as_str().into());
        let pq = redact_query(program, &self.head.path_and_query, subscription.is_some());
        request.insert(
            "url".into(),
            format!("{}://{}{pq}", self.head.scheme, self.head.host).into(),
        );
        let mut hs = headers(&self.head.headers, &keys);
        if let (Some(o), Some(_)) = (hs.as_object_mut(), subscription) {
            o.retain(|k, _| !keys.contains(k));
        } else if let Some(o) = hs.as_object_mut() {
            o.remove("host");
        }
        if hs.as_object().is_some_and(|o| !o.is_empty()) {
            request.insert("headers".into(), hs);
        }
        if let Some(t) = self.body.as_ref().and_then(text) {
            request.insert("body".into(), t.into());
        }
        request.insert("client-ip".into(), self.head.client_ip.to_string().into());
        if let Some(sub) = subscription {
            request.insert("subscription".into(), sub.into());
        }
        let (mut backends, mut sends) = (Map::new(), Map::new());
        let (mut exp_backends, mut exp_sends) = (Map::new(), Map::new());
        for c in &self.calls {
            let (key, url) = match &c.request.target {
                Target::Backend(id) => {
                    let name = program
                        .backends
                        .get(*id as usize)
                        .map_or("?", |b| program.str(b.name));
                    (name.to_string(), c.request.path_and_query.clone())
                }
                Target::Url(u) => (u.clone(), format!("{u}{}", c.request.path_and_query)),
            };
            let (mocks, exp) = if c.send {
                (&mut sends, &mut exp_sends)
            } else {
                (&mut backends, &mut exp_backends)
            };
            let answer = c
                .answer
                .clone()
                .unwrap_or_else(|| json!({"failure": "refused"}));
            if let Value::Array(a) = mocks
                .entry(key.clone())
                .or_insert_with(|| Value::Array(Vec::new()))
            {
                a.push(answer);
            }
            let e = exp.entry(key).or_insert_with(
                || json!({"calls": 0, "method": c.request.method.as_str(), "url": url}),
            );
            e["calls"] = (e["calls"].as_u64().unwrap_or(0) + 1).into();
        }
        let mut world = Map::new();
        world.insert("clock".into(), self.started_ms.into());
        for (k, m) in [("backends", backends), ("send-request", sends)] {
            if !m.is_empty() {
                world.insert(k.into(), Value::Object(m));
            }
        }
        let mut expect = Map::new();
        expect.insert("status".into(), response.status.as_u16().into());
        if let Some(ct) = response
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
        {
            expect.insert("headers".into(), json!({"Content-Type": ct}));
        }
        if let ResponseBody::Empty = response.body {
            expect.insert("body".into(), json!({"empty": true}));
        }
        for (k, m) in [("backends", exp_backends), ("send-request", exp_sends)] {
            if !m.is_empty() {
                expect.insert(k.into(), Value::Object(m));
            }
        }
        let case = json!({"name": name, "world": world, "request": request, "expect": expect});
        let mut file = json!({"cases": [case]});
        redact_secrets(&mut file, program);
        file
    }
}

/// Headers as a mapping (several values as a list); secret ones redacted.
fn headers(h: &HeaderMap, secret: &[String]) -> Value {
    let mut out = Map::new();
    for name in h.keys() {
        let n = name.as_str();
        let hide = SECRET_HEADERS.contains(&n) || secret.iter().any(|s| s == n);
        let vals: Vec<Value> = h
            .get_all(name)
            .iter()
            .map(|v| {
                if hide {
                    REDACTED.into()
                } else {
                    String::from_utf8_lossy(v.as_bytes()).into_owned().into()
                }
            })
            .collect();
        let v = if vals.len() == 1 {
            vals.into_iter().next().unwrap_or_default()
        } else {
            Value::Array(vals)
        };
        out.insert(n.to_string(), v);
    }
    Value::Object(out)
}

/// A backend's headers, without those of the connection and the moment.
fn answer_headers(h: &HeaderMap) -> Value {
    let mut v = headers(h, &[]);
    if let Some(o) = v.as_object_mut() {
        for n in [
            "content-length",
            "transfer-encoding",
            "connection",
            "keep-alive",
            "date",
        ] {
            o.remove(n);
        }
    }
    v
}

/// `path?query` with every API's subscription-key query parameter redacted (dropped when
/// the subscription is replayed by name).
fn redact_query(program: &Program, pq: &str, drop: bool) -> String {
    let Some((path, query)) = pq.split_once('?') else {
        return pq.to_string();
    };
    let names: Vec<String> = program
        .apis
        .iter()
        .map(|a| program.str(a.key_query).to_ascii_lowercase())
        .collect();
    let parts: Vec<String> = query
        .split('&')
        .filter_map(|p| match p.split_once('=') {
            Some((k, _)) if names.contains(&k.to_ascii_lowercase()) => {
                (!drop).then(|| format!("{k}={REDACTED}"))
            }
            _ => Some(p.to_string()),
        })
        .collect();
    if parts.is_empty() {
        return path.to_string();
    }
    format!("{path}?{}", parts.join("&"))
}

/// Every string holding a resolved secret's value gets it replaced.
fn redact_secrets(v: &mut Value, program: &Program) {
    match v {
        Value::String(s) => {
            for secret in program.secret_values.iter().filter(|s| !s.is_empty()) {
                if s.contains(&**secret) {
                    *s = s.replace(&**secret, REDACTED);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| redact_secrets(x, program)),
        Value::Object(o) => o.values_mut().for_each(|x| redact_secrets(x, program)),
        _ => {}
    }
}

/// A body as text, when it is UTF-8 and not too large.
fn text(b: &Bytes) -> Option<String> {
    if b.is_empty() || b.len() > MAX_RECORDED_BODY {
        return None;
    }
    std::str::from_utf8(b).ok().map(str::to_string)
}
