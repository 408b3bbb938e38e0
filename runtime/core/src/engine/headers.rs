//! A message's headers: an `http::HeaderMap` with a lazily built string view for expressions.

use crate::program::ExistsAction;
use http::header::{HeaderName, HeaderValue};
use http::HeaderMap;
use std::cell::OnceCell;
use std::sync::Arc;

/// Names and values as expressions see them.
pub(crate) type Multimap = Vec<(Arc<str>, Vec<Arc<str>>)>;

/// Headers whose values are kept as repeated lines rather than joined with commas.
const REPEATED: &[&str] = &[
    "user-agent",
    "www-authenticate",
    "proxy-authenticate",
    "cookie",
    "set-cookie",
    "warning",
    "date",
    "expires",
    "if-modified-since",
    "if-unmodified-since",
    "last-modified",
    "retry-after",
];

/// Headers `set-header` may not change.
const FIXED: &[&str] = &[
    "connection",
    "content-length",
    "keep-alive",
    "transfer-encoding",
];

/// Why a header operation failed.
#[derive(Debug)]
pub(crate) struct BadHeader(pub String);

/// Headers with a string view built on first read and dropped on every change.
#[derive(Debug, Default)]
pub(crate) struct Headers {
    map: HeaderMap,
    view: OnceCell<Multimap>,
}

impl Headers {
    /// Wraps `map`.
    pub fn new(map: HeaderMap) -> Headers {
        Headers {
            map,
            view: OnceCell::new(),
        }
    }

    /// The header map.
    pub fn map(&self) -> &HeaderMap {
        &self.map
    }

    /// The header map, for changes (drops the view).
    pub fn map_mut(&mut self) -> &mut HeaderMap {
        self.view.take();
        &mut self.map
    }

    /// Takes the map out.
    pub fn take(&mut self) -> HeaderMap {
        self.view.take();
        std::mem::take(&mut self.map)
    }

    fn view(&self) -> &Multimap {
        self.view.get_or_init(|| {
            self.map
                .keys()
                .map(|k| {
                    let vals = self
                        .map
                        .get_all(k)
                        .iter()
                        .map(|v| Arc::from(String::from_utf8_lossy(v.as_bytes())))
                        .collect();
                    (Arc::from(k.as_str()), vals)
                })
                .collect()
        })
    }

    /// The values of `name` (case-insensitive).
    pub fn values(&self, name: &str) -> Option<&[Arc<str>]> {
        self.view()
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }

    /// The names, in order.
    pub fn keys(&self) -> Vec<Arc<str>> {
        self.view().iter().map(|(k, _)| k.clone()).collect()
    }

    /// `set-header`: applies `action` with `values` to header `name`.
    pub fn apply(
        &mut self,
        name: &str,
        action: ExistsAction,
        values: &[Arc<str>],
    ) -> Result<(), BadHeader> {
        self.apply_named(parse_name(name)?, action, values, None)
    }

    /// [`Headers::apply`] with the name parsed and, for one value, its parsed form.
    pub fn apply_named(
        &mut self,
        name: HeaderName,
        action: ExistsAction,
        values: &[Arc<str>],
        one: Option<&HeaderValue>,
    ) -> Result<(), BadHeader> {
        if FIXED.contains(&name.as_str()) {
            return Ok(());
        }
        let exists = self.map.contains_key(&name);
        match action {
            ExistsAction::Skip if exists => Ok(()),
            ExistsAction::Delete => {
                if name.as_str() != "server" {
                    self.map.remove(&name);
                    if let Some(view) = self.view.get_mut() {
                        view.retain(|(k, _)| **k != *name.as_str());
                    }
                }
                Ok(())
            }
            ExistsAction::Append if exists => {
                let mut all: Vec<Arc<str>> = self.values(name.as_str()).unwrap_or(&[]).to_vec();
                all.extend(values.iter().cloned());
                self.replace(name, &all)
            }
            _ => match (one, values) {
                (Some(v), [text]) => {
                    if self.view.get().is_some() {
                        self.sync_view(&name, vec![text.clone()]);
                    }
                    self.map.insert(name, v.clone());
                    Ok(())
                }
                _ => self.replace(name, values),
            },
        }
    }

    /// Updates the view (when built) to `values` for `name`.
    fn sync_view(&mut self, name: &HeaderName, values: Vec<Arc<str>>) {
        if let Some(view) = self.view.get_mut() {
            match view.iter_mut().find(|(k, _)| **k == *name.as_str()) {
                Some((_, v)) => *v = values,
                None => view.push((Arc::from(name.as_str()), values)),
            }
        }
    }

    /// Replaces header `name` with `values`: one comma-joined line, or repeated lines for
    /// the headers whose values may hold commas.
    fn replace(&mut self, name: HeaderName, values: &[Arc<str>]) -> Result<(), BadHeader> {
        let bad = |v: &str| BadHeader(format!("'{v}' is not a valid value of header '{name}'"));
        if let [value] = values {
            // One value: one line, no joining.
            let line = HeaderValue::from_str(value).map_err(|_| bad(value))?;
            self.map.remove(&name);
            if self.view.get().is_some() {
                self.sync_view(&name, vec![value.clone()]);
            }
            self.map.append(name, line);
            return Ok(());
        }
        let lines: Vec<HeaderValue> = if REPEATED.contains(&name.as_str()) && values.len() > 1 {
            values
                .iter()
                .map(|v| HeaderValue::from_str(v).map_err(|_| bad(v)))
                .collect::<Result<_, _>>()?
        } else {
            let joined = values.join(",");
            vec![HeaderValue::from_str(&joined).map_err(|_| bad(&joined))?]
        };
        self.map.remove(&name);
        if self.view.get().is_some() {
            // Keep the view in step instead of rebuilding it on the next read.
            let vals: Vec<Arc<str>> = match lines.as_slice() {
                [one] if values.len() != 1 => {
                    vec![Arc::from(String::from_utf8_lossy(one.as_bytes()))]
                }
                _ => values.to_vec(),
            };
            self.sync_view(&name, vals);
        }
        for v in lines {
            self.map.append(name.clone(), v);
        }
        Ok(())
    }
}

/// Parses a header name (surrounding blanks ignored).
pub(crate) fn parse_name(name: &str) -> Result<HeaderName, BadHeader> {
    HeaderName::from_bytes(name.trim().as_bytes())
        .map_err(|_| BadHeader(format!("'{name}' is not a valid header name")))
}

/// Header names and values written as literals, parsed once per program.
#[derive(Debug, Default)]
pub(crate) struct Literals {
    names: rustc_hash::FxHashMap<u32, HeaderName>,
    values: rustc_hash::FxHashMap<u32, HeaderValue>,
    /// Per API, its subscription-key header.
    key_headers: Vec<Option<HeaderName>>,
}

impl Literals {
    /// Parses the literal names and values of every header operation of `program`.
    pub fn build(program: &crate::program::Program) -> Literals {
        use crate::program::{Arg, OpKind};
        let mut l = Literals::default();
        let mut add = |h: &crate::program::HeaderOp| {
            if let Arg::Lit(id) = h.name {
                if let Ok(n) = parse_name(program.str(id)) {
                    l.names.insert(id, n);
                }
            }
            for v in &h.values {
                if let Arg::Lit(id) = v {
                    if let Ok(v) = HeaderValue::from_str(program.str(*id)) {
                        l.values.insert(*id, v);
                    }
                }
            }
        };
        l.key_headers = (0..program.apis.len() as u32)
            .map(|a| parse_name(super::subscription::key_names(program, a).0).ok())
            .collect();
        for op in program.blocks.iter().flat_map(|b| &b.ops) {
            match &op.kind {
                OpKind::SetHeader(h) => add(h),
                OpKind::ReturnResponse(r) => r.headers.iter().for_each(&mut add),
                _ => {}
            }
        }
        l
    }

    /// The parsed name of literal `id`.
    pub fn name(&self, id: u32) -> Option<&HeaderName> {
        self.names.get(&id)
    }

    /// The subscription-key header of API `api`.
    pub fn key_header(&self, api: u32) -> Option<&HeaderName> {
        self.key_headers.get(api as usize).and_then(|h| h.as_ref())
    }

    /// The parsed value of literal `id`.
    pub fn value(&self, id: u32) -> Option<&HeaderValue> {
        self.values.get(&id)
    }
}

/// Whether `map` asks to upgrade the connection to a WebSocket: `Upgrade: websocket` and a
/// `Connection` naming `upgrade` (RFC 6455, 4.1), compared without regard to case.
pub fn asks_websocket(map: &HeaderMap) -> bool {
    let has = |name: http::header::HeaderName, token: &str| {
        map.get_all(name).iter().any(|v| {
            v.as_bytes()
                .split(|b| *b == b',')
                .any(|t| t.trim_ascii().eq_ignore_ascii_case(token.as_bytes()))
        })
    };
    has(http::header::UPGRADE, "websocket") && has(http::header::CONNECTION, "upgrade")
}

/// Hop-by-hop headers, never forwarded.
static HOP_BY_HOP: [HeaderName; 10] = [
    http::header::CONNECTION,
    HeaderName::from_static("keep-alive"),
    HeaderName::from_static("proxy-connection"),
    http::header::TE,
    http::header::TRAILER,
    http::header::TRANSFER_ENCODING,
    http::header::UPGRADE,
    http::header::PROXY_AUTHENTICATE,
    http::header::PROXY_AUTHORIZATION,
    http::header::HOST,
];

/// Removes hop-by-hop headers (and those `Connection` names) from `map`.
pub(crate) fn strip_hop_by_hop(map: &mut HeaderMap) {
    if map.contains_key(http::header::CONNECTION) {
        strip_connection_named(map);
    }
    strip_fixed_hop_by_hop(map);
}

/// Removes the headers the `Connection` header names (not `Host`, which routing and
/// `context.Request.Url` are built from). The client's request gets this as received,
/// before any policy runs, so a client cannot name away headers that policies set.
pub(crate) fn strip_connection_named(map: &mut HeaderMap) {
    let named: Vec<String> = map
        .get_all(http::header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty() && s != "host")
        .collect();
    for name in named {
        map.remove(name.as_str());
    }
}

/// Removes the fixed hop-by-hop headers (`Connection` itself included, but not the
/// headers it names: see [`strip_connection_named`]).
pub(crate) fn strip_fixed_hop_by_hop(map: &mut HeaderMap) {
    // One pass over the (few) headers present instead of a lookup per hop-by-hop name;
    // the names found are noted by index, in the map's order (no vector).
    let mut found = [0usize; HOP_BY_HOP.len()];
    let mut n = 0;
    for k in map.keys() {
        if let Some(i) = HOP_BY_HOP.iter().position(|h| h == k) {
            if let Some(slot) = found.get_mut(n) {
                *slot = i;
                n += 1;
            }
        }
    }
    for i in found.iter().take(n) {
        if let Some(h) = HOP_BY_HOP.get(*i) {
            map.remove(h);
        }
    }
}
