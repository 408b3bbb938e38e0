//! Backends at run time: the program's backend table with a client, a circuit breaker
//! and injected credentials per backend, and pools choosing among their members.
//!
//! A backend presents the client certificate named by the first of its
//! `credentials.certificateIds`. A pool member called through a pool presents its own
//! certificate, or the pool's when it has none (as the pool's credentials are sent too).

pub mod breaker;
pub mod certs;
pub mod client;
pub mod credentials;
pub mod pool;
mod tls;

use breaker::{Breaker, Outcome, Rule};
use certs::{Certificates, ClientCertificate};
use client::{Call, ClientSettings, Clients, OutBody, ReqBody};
use credentials::Injected;
use gatehouse_runtime::engine::{BackendFailure, BackendRequest, CertificateRef, Target};
use gatehouse_runtime::program::{Backend, BackendId, BackendKind, Program, TlsSettings};
use http::{header, HeaderMap, HeaderValue, Response};
use hyper::body::Incoming;
use pool::Pool;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The name metrics use for calls to plain URLs.
pub const URL_LABEL: &str = "url";

/// One backend entity, ready to call.
struct Entry {
    name: String,
    url: Option<String>,
    /// The `Host` header of calls to `url` over HTTP/1.
    host: Option<HeaderValue>,
    pool: Option<Pool>,
    tls: TlsSettings,
    breaker: Breaker,
    credentials: Injected,
    clients: Clients,
    /// For a pool with a client certificate: clients of its members that have none of
    /// their own, presenting the pool's.
    inherited: Vec<(BackendId, Clients)>,
}

/// The backend called (`None`: a plain URL) and the name of the certificate presented.
type ChosenKey = (Option<BackendId>, String);

/// The backend table of one loaded program.
pub struct Backends {
    entries: Vec<Entry>,
    /// Clients for plain URLs (`serviceUrl`, `base-url`), validating TLS fully.
    default: Clients,
    /// The operator's certificates with their keys, by name.
    certificates: Certificates,
    /// Certificate names by SHA-1 thumbprint (upper-case hexadecimal).
    thumbprints: HashMap<String, String>,
    /// Clients presenting a certificate an `authentication-certificate` chose, by the
    /// backend called (`None`: a plain URL) and the certificate's name; built on first
    /// use (at most one per backend and operator certificate), so connections made with
    /// one certificate are never reused for another or for none.
    chosen: Mutex<HashMap<ChosenKey, Arc<Clients>>>,
    settings: ClientSettings,
}

impl Backends {
    /// The table for `program` (secrets already resolved).
    pub fn new(program: &Program, settings: &ClientSettings) -> Result<Backends, String> {
        let now = Instant::now();
        let mut entries = Vec::with_capacity(program.backends.len());
        for b in &program.backends {
            let name = program.str(b.name).to_string();
            let credentials = Injected::new(program, &b.credentials)
                .map_err(|e| format!("backend '{name}': {e}"))?;
            let cert = certificate(program, b, &settings.certificates)?;
            let rules = b
                .breakers
                .iter()
                .map(|r| Rule::from_model(program, r))
                .collect();
            entries.push(Entry {
                url: b.url.map(|u| program.str(u).to_string()),
                host: b.url.and_then(|u| client::host_header(program.str(u))),
                pool: match &b.kind {
                    BackendKind::Pool(members) => Some(Pool::new(members)),
                    BackendKind::Single => None,
                },
                tls: b.tls,
                breaker: Breaker::new(rules, now),
                credentials,
                clients: Clients::new(b.tls, cert, settings.clone()),
                inherited: Vec::new(),
                name,
            });
        }
        for (entry, b) in entries.iter_mut().zip(&program.backends) {
            entry.inherited = inherited(program, b, settings)?;
        }
        let thumbprints = settings
            .certificates
            .iter()
            .filter_map(|(name, c)| {
                let leaf = c.chain.first()?;
                Some((crate::peer_cert::thumbprint(leaf), name.clone()))
            })
            .collect();
        Ok(Backends {
            entries,
            default: Clients::new(TlsSettings::default(), None, settings.clone()),
            certificates: settings.certificates.clone(),
            thumbprints,
            chosen: Mutex::new(HashMap::new()),
            settings: settings.clone(),
        })
    }

    /// The name metrics use for `target`: the backend's name, or `url` for plain URLs.
    pub fn label(&self, target: &Target) -> &str {
        match target {
            Target::Backend(id) => self.name(*id),
            Target::Url(_) => URL_LABEL,
        }
    }

    /// The name of backend `id` (`?` for one not declared).
    pub fn name(&self, id: BackendId) -> &str {
        self.entries.get(id as usize).map_or("?", |e| &e.name)
    }

    /// Sends `req`; `client_body` is the client's body when `req.body` is `None`.
    pub async fn forward(
        &self,
        req: BackendRequest,
        client_body: Option<ReqBody>,
    ) -> Result<Response<Incoming>, BackendFailure> {
        let body = match (req.body, client_body) {
            (Some(b), _) => OutBody::Full(b),
            (None, Some(s)) => OutBody::Stream(s),
            (None, None) => OutBody::Full(bytes::Bytes::new()),
        };
        let mut call = Call {
            url: String::new(),
            method: req.method,
            headers: req.headers,
            timeout: req.timeout,
            follow_redirects: req.follow_redirects,
            version: req.http_version,
            host: None,
        };
        call.headers.remove(header::HOST);
        let chosen = req.certificate.as_ref();
        match req.target {
            Target::Url(base) => {
                call.url = join(&base, &req.path_and_query);
                match chosen {
                    None => self.default.call(call, body).await,
                    Some(c) => {
                        let clients = self.presenting(None, TlsSettings::default(), c)?;
                        clients.call(call, body).await
                    }
                }
            }
            Target::Backend(id) => {
                self.call_backend(id, req.path_and_query, call, body, chosen)
                    .await
            }
        }
    }

    /// The clients that present certificate `c` to backend `backend` (`None`: a plain
    /// URL) validating its TLS as `tls` says; a certificate the operator did not provide
    /// fails the call as the handshake would.
    fn presenting(
        &self,
        backend: Option<BackendId>,
        tls: TlsSettings,
        c: &CertificateRef,
    ) -> Result<Arc<Clients>, BackendFailure> {
        let name = match c {
            CertificateRef::Id(id) => Some(id.as_str()),
            CertificateRef::Thumbprint(t) => self.thumbprints.get(t).map(String::as_str),
        };
        let Some((name, cert)) = name.and_then(|n| Some((n, self.certificates.get(n)?))) else {
            let what = match c {
                CertificateRef::Id(id) => format!("with id '{id}'"),
                CertificateRef::Thumbprint(t) => format!("with thumbprint '{t}'"),
            };
            return Err(client::failure(
                "BackendConnectionFailure",
                format!("No client certificate {what} was provided to the gateway."),
            ));
        };
        let mut chosen = self.chosen.lock().unwrap_or_else(|e| e.into_inner());
        let clients = chosen
            .entry((backend, name.to_string()))
            .or_insert_with(|| {
                Arc::new(Clients::new(tls, Some(cert.clone()), self.settings.clone()))
            });
        Ok(clients.clone())
    }

    async fn call_backend(
        &self,
        id: BackendId,
        mut pq: String,
        mut call: Call,
        body: OutBody,
        chosen: Option<&CertificateRef>,
    ) -> Result<Response<Incoming>, BackendFailure> {
        let entry = self.entry(id)?;
        let mut clients = None;
        let member = match &entry.pool {
            Some(pool) => {
                entry.credentials.apply(&mut call.headers, &mut pq);
                let now = Instant::now();
                let picked = pool.pick(|m| {
                    self.entries
                        .get(m as usize)
                        .is_none_or(|e| e.breaker.is_open(now))
                });
                let Some(m) = picked else {
                    return Err(unavailable(&entry.name, self.pool_retry_after(pool, now)));
                };
                clients = entry.inherited.iter().find(|c| c.0 == m).map(|c| &c.1);
                self.entry(m)?
            }
            None => entry,
        };
        let presenting = match chosen {
            Some(c) => {
                let m = self.entries.iter().position(|e| std::ptr::eq(e, member));
                Some(self.presenting(m.map(|m| m as BackendId), member.tls, c)?)
            }
            None => None,
        };
        let now = Instant::now();
        if let Err(wait) = member.breaker.admit(now) {
            return Err(unavailable(&member.name, wait));
        }
        member.credentials.apply(&mut call.headers, &mut pq);
        let base = member.url.as_deref().unwrap_or_default();
        call.url = join(base, &pq);
        call.host = member.host.clone();
        let clients = presenting
            .as_deref()
            .unwrap_or(clients.unwrap_or(&member.clients));
        let result = clients.call(call, body).await;
        let now = Instant::now();
        match &result {
            Ok(resp) => member.breaker.record(
                now,
                Outcome::Status(resp.status().as_u16(), retry_after(resp.headers())),
            ),
            // The client's side failed: the backend is not to blame.
            Err(f) if f.reason == client::CLIENT_FAILURE => member.breaker.release(now),
            Err(f) => member.breaker.record(now, Outcome::Error(f.reason)),
        }
        result
    }

    fn entry(&self, id: BackendId) -> Result<&Entry, BackendFailure> {
        self.entries.get(id as usize).ok_or_else(|| {
            client::failure(
                "BackendUnavailable",
                format!("backend #{id} is not declared"),
            )
        })
    }

    /// The shortest wait until some member of `pool` may be tried.
    fn pool_retry_after(&self, pool: &Pool, now: Instant) -> Duration {
        pool.members()
            .filter_map(|m| self.entries.get(m as usize))
            .filter_map(|e| e.breaker.admit_wait(now))
            .min()
            .unwrap_or_default()
    }
}

/// The client certificate backend `b` presents; one that was not provided is an error
/// naming it and the backend.
fn certificate(
    program: &Program,
    b: &Backend,
    given: &Certificates,
) -> Result<Option<Arc<ClientCertificate>>, String> {
    let Some(name) = certs::presented(program, &b.credentials.certificates) else {
        return Ok(None);
    };
    given
        .get(name)
        .cloned()
        .map(Some)
        .ok_or_else(|| certs::missing(program.str(b.name), name))
}

/// For pool `b` with a client certificate, clients of its members without one of their
/// own that present the pool's certificate.
fn inherited(
    program: &Program,
    b: &Backend,
    settings: &ClientSettings,
) -> Result<Vec<(BackendId, Clients)>, String> {
    let (BackendKind::Pool(members), Some(cert)) =
        (&b.kind, certificate(program, b, &settings.certificates)?)
    else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for m in members {
        let Some(member) = program.backends.get(m.backend as usize) else {
            continue;
        };
        if member.credentials.certificates.is_empty()
            && !out.iter().any(|c: &(BackendId, Clients)| c.0 == m.backend)
        {
            let clients = Clients::new(member.tls, Some(cert.clone()), settings.clone());
            out.push((m.backend, clients));
        }
    }
    Ok(out)
}

/// `BackendUnavailable` for an open circuit of `name`, retry after `wait`.
fn unavailable(name: &str, wait: Duration) -> BackendFailure {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    BackendFailure {
        reason: "BackendUnavailable",
        message: format!("Backend '{name}' is unavailable: its circuit breaker is open"),
        retry_after: Some(secs),
        status: None,
    }
}

/// A `Retry-After` given in seconds.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(header::RETRY_AFTER)?.to_str().ok()?;
    v.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// `base` + `path_and_query`, with one `/` between them (and a `/` path when the base
/// has none and only a query follows).
pub fn join(base: &str, path_and_query: &str) -> String {
    // A WebSocket backend (`ws://`, `wss://`) takes its handshake over HTTP(S).
    let http = match base.get(..6) {
        Some(s) if s.eq_ignore_ascii_case("wss://") => Some(format!("https://{}", &base[6..])),
        _ => match base.get(..5) {
            Some(s) if s.eq_ignore_ascii_case("ws://") => Some(format!("http://{}", &base[5..])),
            _ => None,
        },
    };
    let base = http.as_deref().unwrap_or(base).trim_end_matches('/');
    let has_path = base
        .split_once("://")
        .is_none_or(|(_, rest)| rest.contains('/'));
    let slash = match path_and_query.as_bytes().first() {
        None | Some(b'?') => !has_path,
        Some(b'/') => false,
        _ => true,
    };
    // One allocation of the exact size (format! would grow the string as it writes).
    let mut url = String::with_capacity(base.len() + usize::from(slash) + path_and_query.len());
    url.push_str(base);
    if slash {
        url.push('/');
    }
    url.push_str(path_and_query);
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn websocket_urls_take_their_handshake_over_http() {
        assert_eq!(join("ws://h:1/chat", "/?a=1"), "http://h:1/chat/?a=1");
        assert_eq!(join("WSS://h/chat", ""), "https://h/chat");
    }

    #[test]
    fn join_puts_one_slash_between() {
        assert_eq!(join("http://h:1/api/", "/o?x=1"), "http://h:1/api/o?x=1");
        assert_eq!(join("http://h:1", "o"), "http://h:1/o");
        assert_eq!(join("http://h:1", ""), "http://h:1/");
        assert_eq!(join("http://h:1", "?a=b"), "http://h:1/?a=b");
        assert_eq!(join("http://h:1/api", "?a=b"), "http://h:1/api?a=b");
    }

    #[test]
    fn retry_after_reads_seconds_only() {
        let mut h = HeaderMap::new();
        h.insert(header::RETRY_AFTER, http::HeaderValue::from_static(" 7 "));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        h.insert(
            header::RETRY_AFTER,
            http::HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn unavailable_rounds_the_wait_up() {
        let f = unavailable("b", Duration::from_millis(1500));
        assert_eq!((f.reason, f.retry_after), ("BackendUnavailable", Some(2)));
    }
}
