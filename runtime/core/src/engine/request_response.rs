//! The request and response as the engine holds them while policies change them.

use super::headers::{Headers, Multimap};
use super::Target;
use crate::host::ParsedUrl;
use bytes::Bytes;
use http::{Method, StatusCode};
use std::cell::OnceCell;
use std::net::IpAddr;
use std::sync::Arc;

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
    /// The client's TLS certificate (`context.Request.Certificate`).
    pub certificate: Option<Arc<super::PeerCertificate>>,
    /// The certificate backend calls present (`authentication-certificate`).
    pub backend_certificate: Option<super::CertificateRef>,
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
    /// Whether it asked to upgrade to a WebSocket (`Upgrade: websocket` on a `GET`), read
    /// before the hop-by-hop headers are removed.
    pub websocket: bool,
}

impl Request {
    /// The request as received.
    pub fn new(head: super::RequestHead) -> Request {
        let mut headers = head.headers;
        let websocket = head.method == Method::GET && super::headers::asks_websocket(&headers);
        if headers.contains_key(http::header::CONNECTION) {
            super::headers::strip_connection_named(&mut headers);
        }
        Request {
            method: head.method,
            headers: Headers::new(headers),
            body: Body::Stream,
            websocket,
            scheme: head.scheme,
            host: head.host,
            received: head.path_and_query,
            original: OnceCell::new(),
            ip: head.client_ip,
            certificate: head.client_certificate,
            backend_certificate: None,
            target: None,
            base: "".into(),
            path: String::new(),
            query: OnceCell::new(),
            query_changed: false,
        }
    }

    /// `http` or `https`: how the client connected.
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// The `Host` header (or `:authority`) as received, with the port if any.
    pub fn host(&self) -> &str {
        &self.host
    }

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
    /// The reason phrase set by a policy (`None`: the status code's standard one).
    pub reason: Option<Arc<str>>,
    pub headers: Headers,
    pub body: Body,
}

impl Reply {
    /// `200 OK`, no headers, no body.
    pub fn empty() -> Reply {
        Reply {
            status: StatusCode::OK,
            reason: None,
            headers: Headers::default(),
            body: Body::Absent,
        }
    }

    /// `context.Response.StatusReason`.
    pub fn reason(&self) -> Arc<str> {
        match &self.reason {
            Some(r) => r.clone(),
            None => self.status.canonical_reason().unwrap_or("").into(),
        }
    }
}
