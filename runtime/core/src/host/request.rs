//! `RequestHost`: an in-process host built from a JSON request description (tests, `gatehouse eval`).
//!
//! ```json
//! {"method": "GET", "url": "https://h/p?q=1", "headers": {"Name": ["v"]}, "body": "...",
//!  "ip": "10.0.0.1", "variables": {"k": "v", "n": 5, "l": {"$type": "long", "value": 5}},
//!  "now": "2024-05-06T07:08:09Z",
//!  "response": {"status": 200, "reason": "OK", "headers": {}, "body": "..."},
//!  "api": {"Name": "orders"}, "operation": {"Id": "get"}, "lastError": {"Reason": "x"}}
//! ```
//! Everything is optional; the default is `GET https://localhost/`. Variables are
//! strings, `int` (integral numbers that fit), `long`, `double`, `bool` or `null`; a
//! `{"$type": T, "value": v}` object gives a typed value (`int long double decimal string bool
//! datetime guid timespan`).

use super::url::ParsedUrl;
use super::Host;
use crate::value::{Entity, HostObj, Msg, Value};
use gatehouse_dotnet::crypto::Guid;
use gatehouse_dotnet::datetime::DateTime;
use gatehouse_dotnet::json::JToken;
use gatehouse_dotnet::timespan::TimeSpan;
use gatehouse_dotnet::{dtparse, jsonparse, numparse, DResult, DotnetError};
use indexmap::IndexMap;
use std::sync::Arc;

type Multimap = Vec<(Arc<str>, Vec<Arc<str>>)>;

/// The parts of an HTTP message a host serves.
#[derive(Clone, Debug, Default)]
pub struct Message {
    /// Headers in order, values grouped by name.
    pub headers: Multimap,
    /// The body, if any (`None` once consumed).
    pub body: Option<Arc<str>>,
}

/// A request (and optional response) to evaluate expressions against.
#[derive(Clone, Debug)]
pub struct RequestSpec {
    /// HTTP method.
    pub method: Arc<str>,
    /// The (current and original) URL.
    pub url: ParsedUrl,
    /// Client IP address.
    pub ip: Arc<str>,
    /// The request.
    pub request: Message,
    /// The response.
    pub response: Message,
    /// Response status code and reason.
    pub status: (i32, Arc<str>),
    /// `context.Variables`.
    pub variables: Vec<(Arc<str>, Value)>,
    /// Entity properties (`Api.Name`, …).
    pub entities: Vec<(Entity, Arc<str>, Value)>,
    /// The fixed clock, if any (otherwise the system clock).
    pub now: Option<DateTime>,
}

impl Default for RequestSpec {
    fn default() -> Self {
        RequestSpec {
            method: "GET".into(),
            url: ParsedUrl::parse("https://localhost/"),
            ip: "127.0.0.1".into(),
            request: Message::default(),
            response: Message::default(),
            status: (200, "OK".into()),
            variables: Vec::new(),
            entities: Vec::new(),
            now: None,
        }
    }
}

/// A [`Host`] over a [`RequestSpec`].
#[derive(Clone, Debug)]
pub struct RequestHost {
    /// The request description.
    pub spec: RequestSpec,
    /// Messages passed to `context.Trace`.
    pub traces: Vec<String>,
    seed: u64,
    request_id: Option<[u8; 16]>,
}

impl RequestHost {
    /// A host for `spec`.
    pub fn new(spec: RequestSpec) -> RequestHost {
        RequestHost {
            spec,
            traces: Vec::new(),
            seed: 0x9E37_79B9_7F4A_7C15,
            request_id: None,
        }
    }

    /// A host from the JSON request description (see the module docs).
    pub fn from_json(json: &str) -> DResult<RequestHost> {
        let JToken::Object(root) = jsonparse::parse(json)? else {
            return Err(DotnetError::argument(
                "the request description must be a JSON object",
            ));
        };
        let mut spec = RequestSpec::default();
        for (k, v) in &root {
            read_field(&mut spec, k, v)?;
        }
        Ok(RequestHost::new(spec))
    }

    fn message(&self, msg: Msg) -> &Message {
        match msg {
            Msg::Request => &self.spec.request,
            // A host built from JSON has one response: stored ones read as it.
            Msg::Response | Msg::Stored(_) => &self.spec.response,
        }
    }
}

fn text(v: &JToken) -> Arc<str> {
    v.as_string().unwrap_or_default().into()
}

fn read_field(spec: &mut RequestSpec, key: &str, v: &JToken) -> DResult<()> {
    match key {
        "method" => spec.method = text(v),
        "url" => spec.url = ParsedUrl::parse(&text(v)),
        "ip" => spec.ip = text(v),
        "headers" => spec.request.headers = multimap(v),
        "body" => spec.request.body = Some(body_text(v)),
        "variables" => {
            spec.variables = object(v)
                .map(|(k, v)| Ok((k.into(), value(v)?)))
                .collect::<DResult<_>>()?
        }
        "now" => {
            spec.now = Some(
                dtparse::parse(&text(v), DateTime::utc_now())?
                    .with_kind(gatehouse_dotnet::datetime::DateTimeKind::Utc),
            )
        }
        "response" => {
            for (k, v) in object(v) {
                match k {
                    "status" => {
                        spec.status.0 = v.to_int(gatehouse_dotnet::numfmt::IntType::Int32)? as i32
                    }
                    "reason" => spec.status.1 = text(v),
                    "headers" => spec.response.headers = multimap(v),
                    "body" => spec.response.body = Some(body_text(v)),
                    other => return Err(unknown_key(&format!("response.{other}"))),
                }
            }
        }
        _ => {
            let Some(e) = entity(key) else {
                return Err(unknown_key(key));
            };
            for (k, v) in object(v) {
                spec.entities.push((e, k.into(), value(v)?));
            }
        }
    }
    Ok(())
}

/// A key the request description does not have: refused, so a typo is not ignored.
fn unknown_key(key: &str) -> DotnetError {
    DotnetError::argument(format!(
        "unknown key `{key}` (known: method, url, ip, headers, body, variables, now, \
         response {{status, reason, headers, body}}, api, operation, product, subscription, \
         user, lastError, deployment, gateway)"
    ))
}

fn entity(key: &str) -> Option<Entity> {
    Some(match key {
        "api" => Entity::Api,
        "operation" => Entity::Operation,
        "product" => Entity::Product,
        "subscription" => Entity::Subscription,
        "user" => Entity::User,
        "lastError" => Entity::LastError,
        "deployment" => Entity::Deployment,
        "gateway" => Entity::Gateway,
        _ => return None,
    })
}

fn object(v: &JToken) -> impl Iterator<Item = (&str, &JToken)> {
    static EMPTY: std::sync::OnceLock<IndexMap<String, JToken>> = std::sync::OnceLock::new();
    let m = match v {
        JToken::Object(m) => m,
        _ => EMPTY.get_or_init(IndexMap::new),
    };
    m.iter().map(|(k, v)| (k.as_str(), v))
}

/// A body given as a string, or as JSON (written compactly).
fn body_text(v: &JToken) -> Arc<str> {
    match v {
        JToken::Object(_) | JToken::Array(_) => v
            .to_json(gatehouse_dotnet::jsonwrite::Formatting::None)
            .into(),
        _ => text(v),
    }
}

fn multimap(v: &JToken) -> Multimap {
    object(v)
        .map(|(k, v)| {
            let vals = match v {
                JToken::Array(xs) => xs.iter().map(text).collect(),
                other => vec![text(other)],
            };
            (Arc::from(k), vals)
        })
        .collect()
}

/// A variable's value from JSON.
fn value(v: &JToken) -> DResult<Value> {
    Ok(match v {
        JToken::Null => Value::Null,
        JToken::Boolean(b) => Value::Bool(*b),
        JToken::Integer(i) => match i32::try_from(*i) {
            Ok(i) => Value::Int(i),
            Err(_) => Value::Long(*i),
        },
        JToken::Float(f) => Value::Double(*f),
        JToken::Object(m) if m.contains_key("$type") => typed(m)?,
        JToken::Object(_) | JToken::Array(_) => {
            Value::str(v.to_json(gatehouse_dotnet::jsonwrite::Formatting::None))
        }
        other => Value::str(other.as_string().unwrap_or_default()),
    })
}

fn typed(m: &IndexMap<String, JToken>) -> DResult<Value> {
    let ty = m
        .get("$type")
        .and_then(JToken::as_string)
        .unwrap_or_default();
    let raw = m
        .get("value")
        .and_then(JToken::as_string)
        .unwrap_or_default();
    Ok(match ty.as_str() {
        "int" => {
            Value::Int(numparse::parse_int(&raw, gatehouse_dotnet::numfmt::IntType::Int32)? as i32)
        }
        "long" => {
            Value::Long(numparse::parse_int(&raw, gatehouse_dotnet::numfmt::IntType::Int64)? as i64)
        }
        "double" => Value::Double(numparse::parse_f64(&raw)?),
        "decimal" => Value::Decimal(numparse::parse_decimal(&raw)?),
        "bool" => Value::Bool(numparse::parse_bool(&raw)?),
        "datetime" => Value::DateTime(dtparse::parse(&raw, DateTime::utc_now())?),
        "guid" => Value::Guid(Guid::parse(&raw)?),
        "timespan" => Value::TimeSpan(TimeSpan::parse(&raw)?),
        _ => Value::str(raw),
    })
}

fn find<'a>(map: &'a Multimap, key: &str) -> Option<&'a [Arc<str>]> {
    map.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.as_slice())
}

impl Host for RequestHost {
    fn property(&mut self, obj: HostObj, name: &str) -> Option<Value> {
        let s = &self.spec;
        Some(match (obj, name) {
            (HostObj::Message(Msg::Request), "Method") => Value::Str(s.method.clone()),
            (HostObj::Message(Msg::Request), "IpAddress") => Value::Str(s.ip.clone()),
            (HostObj::Message(Msg::Response), "StatusCode") => Value::Int(s.status.0),
            (HostObj::Message(Msg::Response), "StatusReason") => Value::Str(s.status.1.clone()),
            (HostObj::Url(_), "Scheme") => Value::Str(s.url.scheme.clone()),
            (HostObj::Url(_), "Host") => Value::Str(s.url.host.clone()),
            (HostObj::Url(_), "Port") => Value::Int(s.url.port),
            (HostObj::Url(_), "Path") => Value::Str(s.url.path.clone()),
            (HostObj::Url(_), "QueryString") => Value::Str(s.url.query_string.clone()),
            (HostObj::Url(_), "ToString") => Value::str(s.url.text()),
            (HostObj::Entity(e), name) => s
                .entities
                .iter()
                .find(|(x, k, _)| *x == e && &**k == name)
                .map(|(_, _, v)| v.clone())
                .unwrap_or(Value::Null),
            _ => return None,
        })
    }

    fn values(&self, map: HostObj, key: &str) -> Option<&[Arc<str>]> {
        match map {
            HostObj::Headers(m) => find(&self.message(m).headers, key),
            HostObj::Query(_) => find(&self.spec.url.query, key),
            _ => None,
        }
    }

    fn keys(&self, map: HostObj) -> Vec<Arc<str>> {
        let m = match map {
            HostObj::Headers(m) => &self.message(m).headers,
            HostObj::Query(_) => &self.spec.url.query,
            _ => return Vec::new(),
        };
        m.iter().map(|(k, _)| k.clone()).collect()
    }

    fn variable(&self, name: &str) -> Option<Value> {
        let vars = &self.spec.variables;
        vars.iter()
            .find(|(k, _)| &**k == name)
            .map(|(_, v)| v.clone())
    }

    fn variable_names(&self) -> Vec<Arc<str>> {
        self.spec.variables.iter().map(|(k, _)| k.clone()).collect()
    }

    fn body(&mut self, msg: Msg, preserve: bool) -> Option<Arc<str>> {
        let m = match msg {
            Msg::Request => &mut self.spec.request,
            Msg::Response | Msg::Stored(_) => &mut self.spec.response,
        };
        if preserve {
            m.body.clone()
        } else {
            m.body.take()
        }
    }

    fn now(&self) -> DateTime {
        self.spec.now.unwrap_or_else(DateTime::utc_now)
    }

    fn random(&mut self) -> [u8; 16] {
        let mut out = [0u8; 16];
        for chunk in out.chunks_mut(8) {
            self.seed ^= self.seed << 13;
            self.seed ^= self.seed >> 7;
            self.seed ^= self.seed << 17;
            chunk.copy_from_slice(&self.seed.to_le_bytes());
        }
        out
    }

    fn request_id(&mut self) -> [u8; 16] {
        match self.request_id {
            Some(id) => id,
            None => {
                let id = self.random();
                self.request_id = Some(id);
                id
            }
        }
    }

    fn trace(&mut self, message: &str) {
        self.traces.push(message.to_string());
    }
}
