//! The engine's [`Host`]: expressions read the exchange's request, response, variables and
//! entities (`context.Api`, `context.Subscription`, `context.LastError`, …).

use super::exchange::{Body, Ctx, Trace};
use crate::host::{Host, ParsedUrl};
use crate::program::Severity;
use crate::value::{Entity, HostObj, Msg, Value};
use gatehouse_dotnet::datetime::{DateTime, DateTimeKind, TICKS_PER_MS, UNIX_EPOCH_TICKS};
use std::sync::Arc;

impl Ctx {
    /// `context.Request.Url`: the backend URL the request is bound for.
    pub(crate) fn current_url(&self) -> ParsedUrl {
        let base = self.req.base.trim_end_matches('/');
        let mut url = ParsedUrl::parse(&format!("{base}{}", self.req.path));
        if base.is_empty() {
            url = ParsedUrl::parse(&format!(
                "{}://{}{}",
                self.req.original().scheme,
                self.req.original().host,
                self.req.path
            ));
        }
        url.query_string = self.req.query_text().into();
        url.query = self.req.query().clone();
        url
    }

    fn str_of(&self, id: u32) -> Value {
        Value::Str(
            self.sh
                .program
                .strings
                .get(id as usize)
                .cloned()
                .unwrap_or_default(),
        )
    }

    pub(crate) fn entity(&self, e: Entity, name: &str) -> Value {
        let p = &self.sh.program;
        let api = self.api.and_then(|a| p.apis.get(a as usize));
        match (e, name) {
            (Entity::Api, _) => match (api, name) {
                (Some(a), "Id") => self.str_of(a.name),
                (Some(a), "Name") => self.str_of(a.display_name),
                (Some(a), "Path") => self.str_of(a.path),
                (Some(a), "Revision") => self.str_of(a.revision),
                (Some(a), "IsCurrentRevision") => Value::Bool(a.is_current),
                (Some(a), "Version") => a.version.map_or(Value::Null, |v| self.str_of(v)),
                (Some(a), "ServiceUrl") => a.service_url.map_or(Value::Null, |u| self.str_of(u)),
                _ => Value::Null,
            },
            (Entity::Operation, _) => {
                let op = api
                    .zip(self.op)
                    .and_then(|(a, o)| a.operations.get(o as usize));
                match (op, name) {
                    (Some(o), "Id") => self.str_of(o.name),
                    (Some(o), "Name") => self.str_of(o.display_name),
                    (Some(o), "Method") => self.str_of(o.method),
                    (Some(o), "UrlTemplate") => self.str_of(o.template),
                    _ => Value::Null,
                }
            }
            (Entity::Product, _) => {
                let pr = self.product.and_then(|i| p.products.get(i as usize));
                match (pr, name) {
                    (Some(x), "Id") => self.str_of(x.name),
                    (Some(x), "Name") => self.str_of(x.display_name),
                    (Some(x), "SubscriptionRequired") => Value::Bool(x.subscription_required),
                    _ => Value::Null,
                }
            }
            (Entity::Subscription, _) => {
                let Some(acc) = &self.sub else {
                    return Value::Null;
                };
                let s = p.subscriptions.get(acc.sub as usize);
                match (s, name) {
                    (Some(s), "Id" | "Name") => self.str_of(s.name),
                    (_, "Key") => Value::Str(acc.key.clone()),
                    (_, "PrimaryKey") if acc.slot == 0 => Value::Str(acc.key.clone()),
                    (_, "SecondaryKey") if acc.slot == 1 => Value::Str(acc.key.clone()),
                    _ => Value::Null,
                }
            }
            (Entity::LastError, _) => self
                .last_error
                .as_ref()
                .and_then(|e| e.property(name))
                .map_or(Value::Null, |s| Value::Str(s.clone())),
            (Entity::Deployment, "GatewayId") => Value::str("gatehouse"),
            (Entity::Deployment, "Region" | "ServiceName" | "ServiceId") => Value::str(""),
            (Entity::Gateway, "Id") => Value::str("gatehouse"),
            (Entity::Gateway, "IsManaged") => Value::Bool(false),
            _ => Value::Null,
        }
    }
}

impl Host for Ctx {
    fn property(&mut self, obj: HostObj, name: &str) -> Option<Value> {
        Some(match (obj, name) {
            (HostObj::Message(Msg::Request), "Method") => Value::str(self.req.method.as_str()),
            (HostObj::Message(Msg::Request), "IpAddress") => Value::str(self.req.ip.to_string()),
            (HostObj::Message(Msg::Response), "StatusCode") => {
                Value::Int(self.resp.status.as_u16() as i32)
            }
            (HostObj::Message(Msg::Response), "StatusReason") => Value::Str(self.resp.reason()),
            (HostObj::Message(Msg::Stored(i)), "StatusCode") => {
                Value::Int(self.stored.get(i.index())?.status.as_u16() as i32)
            }
            (HostObj::Message(Msg::Stored(i)), "StatusReason") => {
                Value::Str(self.stored.get(i.index())?.reason())
            }
            (HostObj::Url(original), _) => {
                let cur;
                let u = if original {
                    self.req.original()
                } else {
                    cur = self.current_url();
                    &cur
                };
                match name {
                    "Scheme" => Value::Str(u.scheme.clone()),
                    "Host" => Value::Str(u.host.clone()),
                    "Port" => Value::Int(u.port),
                    "Path" => Value::Str(u.path.clone()),
                    "QueryString" => Value::Str(u.query_string.clone()),
                    "ToString" => Value::str(u.text()),
                    _ => return None,
                }
            }
            (HostObj::Entity(e), name) => self.entity(e, name),
            _ => return None,
        })
    }

    fn values(&self, map: HostObj, key: &str) -> Option<&[Arc<str>]> {
        let find = |m: &'_ [(Arc<str>, Vec<Arc<str>>)]| {
            m.iter().position(|(k, _)| k.eq_ignore_ascii_case(key))
        };
        match map {
            HostObj::Headers(Msg::Request) => self.req.headers.values(key),
            HostObj::Headers(Msg::Response) => self.resp.headers.values(key),
            HostObj::Headers(Msg::Stored(i)) => self.stored.get(i.index())?.headers.values(key),
            HostObj::Query(true) => {
                let q = &self.req.original().query;
                find(q).map(|i| q[i].1.as_slice())
            }
            HostObj::Query(false) => {
                let q = self.req.query();
                find(q).map(|i| q[i].1.as_slice())
            }
            HostObj::MatchedParameters => self
                .params
                .iter()
                .find(|(k, _, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v, _)| std::slice::from_ref(v)),
            _ => None,
        }
    }

    fn keys(&self, map: HostObj) -> Vec<Arc<str>> {
        let names = |m: &[(Arc<str>, Vec<Arc<str>>)]| m.iter().map(|(k, _)| k.clone()).collect();
        match map {
            HostObj::Headers(Msg::Request) => self.req.headers.keys(),
            HostObj::Headers(Msg::Response) => self.resp.headers.keys(),
            HostObj::Headers(Msg::Stored(i)) => self
                .stored
                .get(i.index())
                .map_or_else(Vec::new, |r| r.headers.keys()),
            HostObj::Query(true) => names(&self.req.original().query),
            HostObj::Query(false) => names(self.req.query()),
            HostObj::MatchedParameters => self.params.iter().map(|(k, _, _)| k.clone()).collect(),
            _ => Vec::new(),
        }
    }

    fn variable(&self, name: &str) -> Option<Value> {
        self.vars
            .iter()
            .find(|(k, _)| &**k == name)
            .map(|(_, v)| v.clone())
    }

    fn variable_names(&self) -> Vec<Arc<str>> {
        self.vars.iter().map(|(k, _)| k.clone()).collect()
    }

    fn body(&mut self, msg: Msg, preserve: bool) -> Option<Arc<str>> {
        let body = match msg {
            Msg::Request => &mut self.req.body,
            Msg::Response => &mut self.resp.body,
            Msg::Stored(i) => &mut self.stored.get_mut(i.index())?.body,
        };
        let Body::Held(b) = body else {
            return None;
        };
        if b.is_empty() {
            return None;
        }
        let text: Arc<str> = String::from_utf8_lossy(b).into();
        if !preserve {
            *body = Body::Consumed;
        }
        Some(text)
    }

    fn now(&self) -> DateTime {
        let ms = self.sh.clock.now_ms() as i64;
        let ticks = UNIX_EPOCH_TICKS.saturating_add(ms.saturating_mul(TICKS_PER_MS));
        DateTime::from_ticks(ticks, DateTimeKind::Utc).unwrap_or_else(|_| DateTime::utc_now())
    }

    /// From the thread's OS-seeded CSPRNG: unpredictable, and distinct across requests
    /// and threads.
    fn random(&mut self) -> [u8; 16] {
        match &mut self.seed {
            Some(state) => super::probe::seeded_bytes(state),
            None => random_bytes(),
        }
    }

    /// Drawn on the first read and kept for the exchange.
    fn request_id(&mut self) -> [u8; 16] {
        if let (None, Some(state)) = (self.request_id, &mut self.seed) {
            self.request_id = Some(super::probe::seeded_bytes(state));
        }
        *self.request_id.get_or_insert_with(random_bytes)
    }

    fn client_certificate(&self) -> Option<Arc<super::PeerCertificate>> {
        self.req.certificate.clone()
    }

    fn trace(&mut self, message: &str) {
        self.traces.push(Trace {
            source: "context.Trace".into(),
            severity: Severity::Verbose,
            message: message.into(),
            metadata: Vec::new(),
        });
    }
}

/// Sixteen bytes from the thread's OS-seeded CSPRNG.
fn random_bytes() -> [u8; 16] {
    use rand::RngCore;
    let mut out = [0u8; 16];
    rand::rng().fill_bytes(&mut out);
    out
}
