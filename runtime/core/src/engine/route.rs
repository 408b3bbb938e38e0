//! The routing index: API by host, longest path prefix (with its version segment), version
//! header or query parameter and revision (`;rev=N`), then operation by method and URL
//! template (a `matchit` router per API and method). When the longest matching API has no
//! operation for the request, shorter prefixes are tried.

use crate::program::{ApiKind, Program, Protocols, Versioning};
use gatehouse_dotnet::uri::unescape_data_string;
use matchit::Router;
use std::sync::Arc;

/// Matched template parameters, in template order: name, decoded value, raw value.
pub(crate) type Params = Vec<(Arc<str>, Arc<str>, Arc<str>)>;

/// `name={param}` pairs of a template's query part.
type QueryParams = Vec<(Arc<str>, Arc<str>)>;

/// The routing table of one program.
#[derive(Debug, Default)]
pub(crate) struct Index {
    /// Routed APIs, longest path prefix first.
    apis: Vec<ApiRoutes>,
    warnings: Vec<String>,
    /// Whether an API's `protocols` are enforced by the scheme the request came with
    /// (APIM's rule) rather than taking either of `http`/`https` (`ws`/`wss`), the default.
    pub strict_plain_http: bool,
}

#[derive(Debug)]
struct ApiRoutes {
    api: u32,
    /// `/prefix` (with `/version` for a version set's segment scheme) or empty.
    prefix: String,
    /// Its revision, and whether it is current (the revision a request without `;rev=`
    /// reaches).
    revision: String,
    is_current: bool,
    /// A version header or query parameter to check, for a version set's header and query
    /// schemes.
    version: Option<VersionRule>,
    /// Lower-case host names (empty: any host).
    hosts: Vec<String>,
    /// Per upper-case method, then the `*` operations.
    methods: Vec<(String, Router<u32>)>,
    any: Router<u32>,
    /// Per operation: the `name={param}` pairs of its template's query part.
    query: Vec<QueryParams>,
    /// Operations whose template's query names literal values (`/?soapAction=X`), tried
    /// before the routers: method, folded path, the `name=value` pairs, operation.
    constrained: Vec<(String, String, QueryParams, u32)>,
    /// A SOAP API: a `soapAction` constraint reads the `SOAPAction` header (SOAP 1.1) or
    /// the `action` of the `Content-Type` (SOAP 1.2).
    soap: bool,
    /// A WebSocket API: only handshakes reach it.
    websocket: bool,
    /// The schemes it accepts ([`Protocols`] bits).
    protocols: u8,
}

/// Where a request goes.
#[derive(Debug)]
pub(crate) struct Routed {
    pub api: u32,
    pub op: u32,
    /// The path after the API prefix (starts with `/` or is empty), still encoded.
    pub rest: String,
    pub params: Params,
}

/// Where a version set's header/query scheme reads the version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum VersionIn {
    Header,
    Query,
}

/// The request must name `value` in header or query parameter `name`; with `value` `None`
/// (a version set's original) it must not name a version there.
#[derive(Debug)]
struct VersionRule {
    at: VersionIn,
    name: String,
    value: Option<String>,
}

/// The request as routing reads it: host, headers and query of `req`, with `method` (CORS
/// routes a preflight by the method it announces).
pub(crate) struct RequestView<'q> {
    /// The request.
    pub req: &'q super::request_response::Request,
    /// The method to route.
    pub method: &'q str,
}

impl RequestView<'_> {
    fn query(&self) -> &super::headers::Multimap {
        self.req.query()
    }

    fn header(&self, name: &str) -> Option<String> {
        let v = self.req.headers.map().get(name)?;
        Some(String::from_utf8_lossy(v.as_bytes()).into_owned())
    }
}

/// Why routing failed.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Miss {
    /// No API answers the path.
    NoApi,
    /// The API has no operation for the method and path.
    NoOperation(u32),
}

impl Index {
    /// Indexes the current revisions of every API of `program`.
    pub fn build(program: &Program) -> Index {
        let mut ix = Index::default();
        for (ai, api) in program.apis.iter().enumerate() {
            let path = program.str(api.path).trim_matches('/');
            let version = api.version.map(|v| program.str(v).to_string());
            let mut prefix = if path.is_empty() {
                String::new()
            } else {
                format!("/{path}")
            };
            let mut rule = None;
            match api.versioning {
                Some(Versioning::Segment) => {
                    if let Some(v) = &version {
                        prefix = format!("{prefix}/{v}");
                    }
                }
                Some(Versioning::Header(n) | Versioning::Query(n)) => {
                    let at = match api.versioning {
                        Some(Versioning::Header(_)) => VersionIn::Header,
                        _ => VersionIn::Query,
                    };
                    let name = program.str(n).to_string();
                    rule = Some(VersionRule {
                        at,
                        name,
                        value: version,
                    });
                }
                None => {}
            }
            let mut routes = ApiRoutes {
                api: ai as u32,
                prefix,
                revision: program.str(api.revision).to_string(),
                is_current: api.is_current,
                version: rule,
                hosts: api
                    .hosts
                    .iter()
                    .map(|h| program.str(*h).to_ascii_lowercase())
                    .collect(),
                methods: Vec::new(),
                any: Router::new(),
                query: Vec::new(),
                constrained: Vec::new(),
                soap: api.kind == ApiKind::Soap,
                websocket: api.kind == ApiKind::WebSocket,
                protocols: api.protocols.0,
            };
            for (oi, op) in api.operations.iter().enumerate() {
                let (path, query, literal) = split_template(program.str(op.template));
                routes.query.push(query);
                let method = program.str(op.method).to_ascii_uppercase();
                if !literal.is_empty() {
                    let path = fold_static(&path);
                    routes.constrained.push((method, path, literal, oi as u32));
                    continue;
                }
                let router = if method == "*" {
                    &mut routes.any
                } else {
                    match routes.methods.iter().position(|(m, _)| *m == method) {
                        Some(i) => &mut routes.methods[i].1,
                        None => {
                            routes.methods.push((method, Router::new()));
                            let last = routes.methods.len() - 1;
                            &mut routes.methods[last].1
                        }
                    }
                };
                for path in catch_all(&fold_static(&path)) {
                    if let Err(e) = router.insert(path, oi as u32) {
                        ix.warnings.push(format!(
                            "{}/{}: {e}",
                            program.str(api.name),
                            program.str(op.name)
                        ));
                    }
                }
            }
            ix.apis.push(routes);
        }
        // Longest prefix first; at one prefix, APIs with a host before host-less ones, and
        // a version set's versions before its original.
        ix.apis.sort_by_key(|a| {
            let original = a.version.as_ref().is_some_and(|r| r.value.is_none());
            (
                std::cmp::Reverse(a.prefix.len()),
                a.hosts.is_empty(),
                original,
            )
        });
        ix
    }

    /// Templates that could not be indexed.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Routes the request's `path` (without the query; `;rev=N` after the API's path picks
    /// a revision).
    pub fn route(&self, req: &RequestView<'_>, path: &str) -> Result<Routed, Miss> {
        let host = strip_port(req.req.host());
        let (path, rev) = split_revision(path);
        let mut miss = Miss::NoApi;
        for api in &self.apis {
            let host_ok =
                api.hosts.is_empty() || api.hosts.iter().any(|h| h.eq_ignore_ascii_case(host));
            let revision_ok = match &rev {
                Some(r) => api.revision == *r,
                None => api.is_current,
            };
            if !host_ok || !revision_ok || !version_ok(api, req) || !self.scheme_ok(api, req) {
                continue;
            }
            let Some(rest) = strip_prefix(&path, &api.prefix) else {
                continue;
            };
            match api.operation(req, rest) {
                Some(r) => return Ok(r),
                None if miss == Miss::NoApi => miss = Miss::NoOperation(api.api),
                None => {}
            }
        }
        Err(miss)
    }

    /// Whether `api` takes `req`: a WebSocket API only handshakes, and the scheme the
    /// request came with (`ws`/`wss` for a handshake) among its `protocols`.
    fn scheme_ok(&self, api: &ApiRoutes, req: &RequestView<'_>) -> bool {
        let handshake = api.websocket && req.req.websocket;
        if api.websocket && !handshake {
            return false;
        }
        let (plain, secure) = match handshake {
            true => (Protocols::WS, Protocols::WSS),
            false => (Protocols::HTTP, Protocols::HTTPS),
        };
        // By default TLS may end in front of the gateway (or behind it, at the backend's
        // side of a proxy): the scheme a request came with says little, so either is taken.
        let bits = match req.req.scheme() {
            _ if !self.strict_plain_http => plain | secure,
            "https" => secure,
            _ => plain,
        };
        api.protocols & bits != 0
    }

    /// The query parameter names operation `op` of API `api` names in its template.
    pub fn template_query(&self, api: u32, op: u32) -> &[(Arc<str>, Arc<str>)] {
        self.apis
            .iter()
            .find(|a| a.api == api)
            .and_then(|a| a.query.get(op as usize))
            .map_or(&[], |q| q)
    }
}

impl ApiRoutes {
    /// The operation answering `req` at `rest` (the path after the prefix), with its
    /// parameters.
    fn operation(&self, req: &RequestView<'_>, rest: &str) -> Option<Routed> {
        let target = if rest.is_empty() { "/" } else { rest };
        // Templates match without regard to ASCII case, as API prefixes do (APIM's rule);
        // parameters keep the request's own spelling (lower-casing ASCII keeps offsets).
        let folded = target.to_ascii_lowercase();
        if let Some(op) = self.constrained_operation(req, &folded) {
            return Some(Routed {
                api: self.api,
                op,
                rest: rest.to_string(),
                params: Vec::new(),
            });
        }
        let m = self
            .methods
            .iter()
            .find(|(m, _)| m.eq_ignore_ascii_case(req.method))
            .and_then(|(_, r)| r.at(&folded).ok())
            .or_else(|| self.any.at(&folded).ok())?;
        let op = *m.value;
        let mut params: Params = m
            .params
            .iter()
            .filter(|(k, _)| *k != CATCH_ALL)
            .map(|(k, v)| {
                let at = (v.as_ptr() as usize).wrapping_sub(folded.as_ptr() as usize);
                let v = target.get(at..at + v.len()).unwrap_or(v);
                let raw: Arc<str> = Arc::from(v);
                let decoded = if v.contains('%') {
                    Arc::from(unescape_data_string(v))
                } else {
                    raw.clone()
                };
                (Arc::from(k), decoded, raw)
            })
            .collect();
        for (name, param) in self.query.get(op as usize).map_or(&[][..], |q| q) {
            let value = req
                .query()
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .and_then(|(_, vs)| vs.first());
            if let Some(v) = value {
                params.push((param.clone(), v.clone(), v.clone()));
            }
        }
        Some(Routed {
            api: self.api,
            op,
            rest: rest.to_string(),
            params,
        })
    }
}

impl ApiRoutes {
    /// The first operation with literal query values the request carries (for a SOAP API,
    /// `soapAction` is the request's SOAP action).
    fn constrained_operation(&self, req: &RequestView<'_>, folded: &str) -> Option<u32> {
        self.constrained
            .iter()
            .find_map(|(method, path, pairs, op)| {
                let method_ok = method == "*" || method.eq_ignore_ascii_case(req.method);
                let ok = method_ok
                    && path == folded
                    && pairs.iter().all(|(k, v)| self.carries(req, k, v));
                ok.then_some(*op)
            })
    }

    /// Whether the request carries `name=value`.
    fn carries(&self, req: &RequestView<'_>, name: &str, value: &str) -> bool {
        if self.soap && name.eq_ignore_ascii_case("soapAction") {
            return soap_action(req).is_some_and(|a| a == value);
        }
        req.query()
            .iter()
            .any(|(k, vs)| k.eq_ignore_ascii_case(name) && vs.iter().any(|v| &**v == value))
    }
}

/// The SOAP action of a request: the `SOAPAction` header without its quotes (SOAP 1.1),
/// else the `action` parameter of its `Content-Type` (SOAP 1.2).
fn soap_action(req: &RequestView<'_>) -> Option<String> {
    if let Some(a) = req.header("soapaction") {
        return Some(a.trim().trim_matches('"').to_string());
    }
    let ct = req.header("content-type")?;
    ct.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("action")
            .then(|| v.trim().trim_matches('"').to_string())
    })
}

/// The name of a `/*` template's catch-all parameter (never shown to policies).
const CATCH_ALL: &str = "__rest";

/// The router paths of a folded template: a trailing `/*` (APIM's wildcard operation)
/// matches the path before it and anything under it.
fn catch_all(path: &str) -> Vec<String> {
    match path.strip_suffix("/*") {
        Some(base) => {
            let exact = if base.is_empty() { "/" } else { base };
            vec![exact.to_string(), format!("{base}/{{*{CATCH_ALL}}}")]
        }
        None => vec![path.to_string()],
    }
}

/// Whether the request names the version `api` wants (header and query schemes); a
/// version set's original wants none named.
fn version_ok(api: &ApiRoutes, req: &RequestView<'_>) -> bool {
    let Some(rule) = &api.version else {
        return true;
    };
    let given = match rule.at {
        VersionIn::Header => req.header(&rule.name),
        VersionIn::Query => req
            .query()
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(&rule.name))
            .and_then(|(_, vs)| vs.first().map(|v| v.to_string())),
    };
    let given = given.filter(|g| !g.is_empty());
    match (&rule.value, given) {
        (None, None) => true,
        (Some(want), Some(g)) => want.eq_ignore_ascii_case(&g),
        _ => false,
    }
}

/// `host` without a trailing `:port`.
fn strip_port(host: &str) -> &str {
    host.rsplit_once(':').map_or(host, |(h, p)| {
        if p.bytes().all(|b| b.is_ascii_digit()) {
            h
        } else {
            host
        }
    })
}

/// The path without its `;rev=N` (APIM's revision selector, written after the API's
/// path: `/orders;rev=2/items`), and `N`.
fn split_revision(path: &str) -> (std::borrow::Cow<'_, str>, Option<String>) {
    let Some(at) = path.find(";rev=") else {
        return (std::borrow::Cow::Borrowed(path), None);
    };
    let digits = &path[at + 5..];
    let n = digits.bytes().take_while(u8::is_ascii_digit).count();
    let after = &digits[n..];
    if n == 0 || !(after.is_empty() || after.starts_with('/')) {
        return (std::borrow::Cow::Borrowed(path), None);
    }
    let rev = digits[..n].trim_start_matches('0').to_string();
    let clean = format!("{}{after}", &path[..at]);
    (std::borrow::Cow::Owned(clean), Some(rev))
}

/// A template with its static text lower-cased (ASCII) and its `{parameters}` as written.
fn fold_static(template: &str) -> String {
    let mut out = String::with_capacity(template.len());
    let mut depth = 0usize;
    for c in template.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        out.push(if depth == 0 {
            c.to_ascii_lowercase()
        } else {
            c
        });
    }
    out
}

/// The path after `prefix`, when `path` is `prefix` or continues it with `/`.
fn strip_prefix<'a>(path: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = if prefix.is_empty() {
        path
    } else {
        let head = path.get(..prefix.len())?;
        if !head.eq_ignore_ascii_case(prefix) {
            return None;
        }
        &path[prefix.len()..]
    };
    (rest.is_empty() || rest.starts_with('/')).then_some(rest)
}

/// A template's path (with a leading `/`) and its query part's `name={param}` pairs.
fn split_template(t: &str) -> (String, QueryParams, QueryParams) {
    let (path, query) = t.split_once('?').unwrap_or((t, ""));
    let path = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    };
    let (mut pairs, mut literal) = (Vec::new(), Vec::new());
    for p in query.split('&') {
        let Some((k, v)) = p.split_once('=') else {
            continue;
        };
        match v.strip_prefix('{').and_then(|v| v.strip_suffix('}')) {
            Some(param) => pairs.push((Arc::from(k), Arc::from(param))),
            None => literal.push((Arc::from(k), Arc::from(v))),
        }
    }
    (path, pairs, literal)
}
