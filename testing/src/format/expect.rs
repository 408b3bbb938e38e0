//! Expectations: the response, what reached each backend, variables, traces,
//! `context.LastError` and the policies that ran or must not.

use super::dec::Dec;
use crate::yaml::{Kind, Node, Pos};

/// What one request must produce. Every part is optional.
#[derive(Clone, Debug, Default)]
pub struct Expect {
    /// The response status.
    pub status: Option<(u16, Pos)>,
    /// Response headers.
    pub headers: Vec<(String, Matcher, Pos)>,
    /// The response body.
    pub body: Option<(BodyExpect, Pos)>,
    /// Calls to backends (`forward-request`), by backend id or URL prefix.
    pub backends: Vec<BackendExpect>,
    /// `send-request` calls, by URL prefix.
    pub sends: Vec<BackendExpect>,
    /// Variables after the exchange (`context.Variables`).
    pub variables: Vec<(String, Matcher, Pos)>,
    /// Trace records that must be there.
    pub traces: Vec<TraceExpect>,
    /// `context.LastError` fields; `Some(empty)` with `null`: no error may happen.
    pub last_error: Option<(Vec<(String, Matcher)>, Pos)>,
    /// Policies that must run: a policy name, `FILE:LINE`, or the end of a policy path.
    pub ran: Vec<(String, Pos)>,
    /// Policies that must not run.
    pub not_ran: Vec<(String, Pos)>,
    /// The `API/OPERATION` the request must be routed to.
    pub routed: Option<(String, Pos)>,
}

/// How a text is matched.
#[derive(Clone, Debug, PartialEq)]
pub enum Matcher {
    /// Exactly this.
    Equals(String),
    /// Containing this.
    Contains(String),
    /// Starting with this.
    StartsWith(String),
    /// There, whatever its value.
    Present,
    /// Not there.
    Absent,
}

impl Matcher {
    /// Whether `actual` (None: absent) matches.
    pub fn matches(&self, actual: Option<&str>) -> bool {
        match (self, actual) {
            (Matcher::Absent, a) => a.is_none(),
            (_, None) => false,
            (Matcher::Present, Some(_)) => true,
            (Matcher::Equals(e), Some(a)) => e == a,
            (Matcher::Contains(e), Some(a)) => a.contains(e.as_str()),
            (Matcher::StartsWith(e), Some(a)) => a.starts_with(e.as_str()),
        }
    }

    /// How the expectation reads in a failure.
    pub fn describe(&self) -> String {
        match self {
            Matcher::Equals(e) => format!("{e:?}"),
            Matcher::Contains(e) => format!("containing {e:?}"),
            Matcher::StartsWith(e) => format!("starting with {e:?}"),
            Matcher::Present => "present".into(),
            Matcher::Absent => "absent".into(),
        }
    }
}

/// Expectations on a body.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BodyExpect {
    /// Exactly this text.
    pub equals: Option<String>,
    /// Texts it contains.
    pub contains: Vec<String>,
    /// Texts it does not contain.
    pub not_contains: Vec<String>,
    /// Equal to this JSON (parsed, key order free).
    pub json: Option<serde_json::Value>,
    /// JSON paths (`$.a.b[0]`) and their values (`None`: the path must not exist).
    pub paths: Vec<(String, Option<serde_json::Value>)>,
    /// Empty.
    pub empty: bool,
}

/// Expectations on the calls to one backend (or `send-request` target).
#[derive(Clone, Debug, Default)]
pub struct BackendExpect {
    /// Backend id, URL prefix or `*`.
    pub key: String,
    /// Where it is written.
    pub pos: Pos,
    /// How many calls it got.
    pub calls: Option<u64>,
    /// Which call the other fields look at (1-based, default 1).
    pub call: u64,
    /// Method.
    pub method: Option<String>,
    /// URL (the backend's path and query for a backend id, the whole URL for a URL).
    pub url: Option<Matcher>,
    /// Headers.
    pub headers: Vec<(String, Matcher)>,
    /// Body.
    pub body: Option<BodyExpect>,
}

/// A trace record that must be there.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceExpect {
    /// Where it is written.
    pub pos: Pos,
    /// `source`.
    pub source: Option<String>,
    /// `severity` (`verbose`, `information`, `error`).
    pub severity: Option<String>,
    /// The message.
    pub message: Matcher,
}

impl Dec {
    /// Decodes an `expect`.
    pub(crate) fn expect(&mut self, n: &Node) -> Expect {
        const FIELDS: &[&str] = &[
            "status",
            "headers",
            "body",
            "backends",
            "send-request",
            "variables",
            "traces",
            "last-error",
            "ran",
            "not-ran",
            "routed",
        ];
        let mut e = Expect::default();
        for (k, at, v) in self.map(n, "`expect`", FIELDS).unwrap_or_default() {
            match k {
                "status" => match self.u64(v, "`status`") {
                    Some(s) if s < 1000 => e.status = Some((s as u16, v.pos)),
                    Some(_) => self.err(v.pos, "`status` must be below 1000"),
                    None => {}
                },
                "headers" => e.headers = self.matchers(v, "`headers`"),
                "body" => e.body = self.body_expect(v).map(|b| (b, v.pos)),
                "backends" => e.backends = self.backend_expects(v, "`backends`"),
                "send-request" => e.sends = self.backend_expects(v, "`send-request`"),
                "variables" => e.variables = self.matchers(v, "`variables`"),
                "traces" => {
                    e.traces = self
                        .seq(v)
                        .into_iter()
                        .filter_map(|t| self.trace(t))
                        .collect()
                }
                "last-error" if v.is_null() => e.last_error = Some((Vec::new(), at)),
                "last-error" => {
                    const LE: &[&str] = &[
                        "source",
                        "reason",
                        "message",
                        "scope",
                        "section",
                        "path",
                        "policy-id",
                    ];
                    let m = self.map(v, "`last-error`", LE).unwrap_or_default();
                    let fields = m
                        .into_iter()
                        .filter_map(|(k, _, v)| Some((k.to_string(), self.matcher(v)?)))
                        .collect();
                    e.last_error = Some((fields, at));
                }
                "ran" | "not-ran" => {
                    let items: Vec<(String, Pos)> = self
                        .seq(v)
                        .into_iter()
                        .filter_map(|i| Some((self.string(i, "a policy")?, i.pos)))
                        .collect();
                    if k == "ran" {
                        e.ran = items
                    } else {
                        e.not_ran = items
                    }
                }
                _ => e.routed = self.string(v, "`routed`").map(|s| (s, v.pos)),
            }
        }
        e
    }

    /// A matcher: a text (exact), `null` (absent), or `{contains|starts-with|equals: T}`,
    /// `{present: true}`.
    pub(crate) fn matcher(&mut self, n: &Node) -> Option<Matcher> {
        if n.is_null() {
            return Some(Matcher::Absent);
        }
        if let Kind::Scalar(s, _) = &n.kind {
            return Some(Matcher::Equals(s.clone()));
        }
        let m = self.map(
            n,
            "a matcher",
            &["equals", "contains", "starts-with", "present"],
        )?;
        let [(k, _, v)] = m.as_slice() else {
            self.err(
                n.pos,
                "a matcher takes one of `equals`, `contains`, `starts-with` or `present`",
            );
            return None;
        };
        let s = self.string(v, "a matcher's value")?;
        Some(match *k {
            "equals" => Matcher::Equals(s),
            "contains" => Matcher::Contains(s),
            "starts-with" => Matcher::StartsWith(s),
            _ if s == "false" => Matcher::Absent,
            _ => Matcher::Present,
        })
    }

    fn matchers(&mut self, n: &Node, what: &str) -> Vec<(String, Matcher, Pos)> {
        let m = self.free_map(n, what).unwrap_or_default();
        m.into_iter()
            .filter_map(|(k, at, v)| Some((k.to_string(), self.matcher(v)?, at)))
            .collect()
    }

    fn body_expect(&mut self, n: &Node) -> Option<BodyExpect> {
        if let Kind::Scalar(s, _) = &n.kind {
            return Some(BodyExpect {
                equals: Some(s.clone()),
                ..BodyExpect::default()
            });
        }
        const FIELDS: &[&str] = &[
            "equals",
            "contains",
            "not-contains",
            "json",
            "json-path",
            "empty",
        ];
        let m = self.map(n, "a body expectation", FIELDS)?;
        let mut b = BodyExpect::default();
        for (k, _, v) in m {
            match k {
                "equals" => b.equals = self.string(v, "`equals`"),
                "contains" | "not-contains" => {
                    let items: Vec<String> = self
                        .seq(v)
                        .into_iter()
                        .filter_map(|i| self.string(i, "a text"))
                        .collect();
                    if k == "contains" {
                        b.contains = items
                    } else {
                        b.not_contains = items
                    }
                }
                "json" => b.json = Some(v.to_json()),
                "json-path" => {
                    for (p, at, val) in self.free_map(v, "`json-path`").unwrap_or_default() {
                        if crate::json_path::parse(p).is_none() {
                            self.err_help(
                                at,
                                format!("`{p}` is not a JSON path"),
                                "write `$.name`, `$.items[0].id` or `$['a key']`",
                            );
                        }
                        let val = (!val.is_null()).then(|| val.to_json());
                        b.paths.push((p.to_string(), val));
                    }
                }
                _ => b.empty = v.text() == Some("true"),
            }
        }
        Some(b)
    }

    fn backend_expects(&mut self, n: &Node, what: &str) -> Vec<BackendExpect> {
        const FIELDS: &[&str] = &["calls", "call", "method", "url", "headers", "body"];
        let mut out = Vec::new();
        for (key, at, v) in self.free_map(n, what).unwrap_or_default() {
            let mut b = BackendExpect {
                key: key.to_string(),
                pos: at,
                call: 1,
                ..BackendExpect::default()
            };
            for (k, _, f) in self
                .map(v, "a backend expectation", FIELDS)
                .unwrap_or_default()
            {
                match k {
                    "calls" => b.calls = self.u64(f, "`calls`"),
                    "call" => b.call = self.u64(f, "`call`").unwrap_or(1).max(1),
                    "method" => b.method = self.string(f, "`method`"),
                    "url" => b.url = self.matcher(f),
                    "headers" => {
                        b.headers = self
                            .matchers(f, "`headers`")
                            .into_iter()
                            .map(|(k, m, _)| (k, m))
                            .collect()
                    }
                    _ => b.body = self.body_expect(f),
                }
            }
            out.push(b);
        }
        out
    }

    fn trace(&mut self, n: &Node) -> Option<TraceExpect> {
        let m = self.map(n, "a trace expectation", &["source", "severity", "message"])?;
        let mut t = TraceExpect {
            pos: n.pos,
            source: None,
            severity: None,
            message: Matcher::Present,
        };
        for (k, _, v) in m {
            match k {
                "source" => t.source = self.string(v, "`source`"),
                "severity" => t.severity = self.string(v, "`severity`"),
                _ => t.message = self.matcher(v)?,
            }
        }
        Some(t)
    }
}
