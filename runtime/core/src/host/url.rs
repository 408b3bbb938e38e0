//! A small absolute-URL splitter for `IUrl`: scheme, host, port, path and query pairs.

use gatehouse_dotnet::uri::url_decode;
use std::sync::Arc;

/// An absolute URL split into the parts `IUrl` exposes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedUrl {
    /// `http` or `https`.
    pub scheme: Arc<str>,
    /// Host name.
    pub host: Arc<str>,
    /// Port (explicit, or the scheme's default).
    pub port: i32,
    /// Path, starting with `/`.
    pub path: Arc<str>,
    /// The raw query string including `?` (empty when none).
    pub query_string: Arc<str>,
    /// Decoded query parameters, in order, values grouped by name.
    pub query: Vec<(Arc<str>, Vec<Arc<str>>)>,
}

impl ParsedUrl {
    /// Splits `url`; anything unparseable lands in the path.
    pub fn parse(url: &str) -> ParsedUrl {
        let (scheme, rest) = url.split_once("://").unwrap_or(("https", url));
        let (authority, rest) = match rest.find(['/', '?']) {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        let default_port = if scheme.eq_ignore_ascii_case("http") {
            80
        } else {
            443
        };
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) => (h, p.parse().unwrap_or(default_port)),
            None => (authority, default_port),
        };
        let (path, query) = match rest.split_once('?') {
            Some((p, q)) => (p, q),
            None => (rest, ""),
        };
        let path = if path.is_empty() { "/" } else { path };
        ParsedUrl {
            scheme: scheme.to_ascii_lowercase().into(),
            host: host.into(),
            port,
            path: path.into(),
            query_string: if query.is_empty() {
                "".into()
            } else {
                format!("?{query}").into()
            },
            query: pairs(query),
        }
    }

    /// The URL as text (`Url.ToString()`).
    pub fn text(&self) -> String {
        let default = (&*self.scheme == "http" && self.port == 80)
            || (&*self.scheme == "https" && self.port == 443);
        let port = if default {
            String::new()
        } else {
            format!(":{}", self.port)
        };
        format!(
            "{}://{}{port}{}{}",
            self.scheme, self.host, self.path, self.query_string
        )
    }
}

/// Decoded `name=value` pairs of a query string, grouped by case-insensitive name.
fn pairs(query: &str) -> Vec<(Arc<str>, Vec<Arc<str>>)> {
    let mut out: Vec<(Arc<str>, Vec<Arc<str>>)> = Vec::new();
    for part in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        let (k, v) = (url_decode(k), url_decode(v));
        match out.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(&k)) {
            Some((_, vs)) => vs.push(v.into()),
            None => out.push((k.into(), vec![v.into()])),
        }
    }
    out
}
