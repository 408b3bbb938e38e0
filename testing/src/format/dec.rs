//! The decoder: typed reads of YAML nodes, each mistake a located diagnostic.

use super::{Case, Request, Step, World, MAX_CASES};
use crate::diag::Diag;
use crate::yaml::{Kind, Node, Pos};
use std::path::{Path, PathBuf};

/// Decoding state: the file and what is wrong so far.
pub(crate) struct Dec {
    pub file: String,
    pub base: PathBuf,
    pub diags: Vec<Diag>,
}

/// A mapping's entries: key, where the key is, value.
pub(crate) type Entries<'n> = Vec<(&'n str, Pos, &'n Node)>;

impl Dec {
    pub fn new(file: &str, base: &Path) -> Dec {
        Dec {
            file: file.to_string(),
            base: base.to_path_buf(),
            diags: Vec::new(),
        }
    }

    /// Reports `message` at `pos`.
    pub fn err(&mut self, pos: Pos, message: impl Into<String>) {
        self.diags.push(Diag::new(&self.file, pos, message));
    }

    /// Reports `message` at `pos` with `help`.
    pub fn err_help(&mut self, pos: Pos, message: impl Into<String>, help: impl Into<String>) {
        self.diags
            .push(Diag::new(&self.file, pos, message).help(help));
    }

    /// A mapping whose keys must be among `allowed`.
    pub fn map<'n>(&mut self, n: &'n Node, what: &str, allowed: &[&str]) -> Option<Entries<'n>> {
        let Kind::Map(m) = &n.kind else {
            self.err(n.pos, format!("{what} must be a mapping"));
            return None;
        };
        let mut out = Vec::new();
        for (k, at, v) in m {
            if !allowed.is_empty() && !allowed.contains(&k.as_str()) {
                let best = allowed
                    .iter()
                    .map(|a| (strsim::jaro_winkler(a, k), *a))
                    .fold((0.0, ""), |a, b| if b.0 > a.0 { b } else { a });
                let msg = format!("`{k}` is not a field of {what}");
                if best.0 > 0.8 {
                    self.err_help(*at, msg, format!("did you mean `{}`?", best.1));
                } else {
                    self.err_help(*at, msg, format!("expected one of: {}", allowed.join(", ")));
                }
                continue;
            }
            out.push((k.as_str(), *at, v));
        }
        Some(out)
    }

    /// Any mapping (keys free), as entries.
    pub fn free_map<'n>(&mut self, n: &'n Node, what: &str) -> Option<Entries<'n>> {
        self.map(n, what, &[])
    }

    /// A sequence's items (a single item is taken as a one-item sequence).
    pub fn seq<'n>(&mut self, n: &'n Node) -> Vec<&'n Node> {
        match &n.kind {
            Kind::Seq(s) => s.iter().collect(),
            _ => vec![n],
        }
    }

    /// A scalar as text.
    pub fn string(&mut self, n: &Node, what: &str) -> Option<String> {
        match &n.kind {
            Kind::Scalar(s, _) => Some(s.clone()),
            _ => {
                self.err(n.pos, format!("{what} must be a string"));
                None
            }
        }
    }

    /// A whole number.
    pub fn u64(&mut self, n: &Node, what: &str) -> Option<u64> {
        match n.text().map(|t| t.trim().parse::<u64>()) {
            Some(Ok(v)) => Some(v),
            _ => {
                self.err(n.pos, format!("{what} must be a whole number"));
                None
            }
        }
    }

    /// A duration: milliseconds, or a number with `ms`, `s`, `m`, `h` or `d`.
    pub fn duration_ms(&mut self, n: &Node, what: &str) -> Option<u64> {
        let parsed = n.text().and_then(parse_duration_ms);
        if parsed.is_none() {
            self.err_help(
                n.pos,
                format!("{what} must be a duration"),
                "write milliseconds (`250`) or a number with a unit: `250ms`, `2s`, `5m`, `1h`, `1d`",
            );
        }
        parsed
    }

    /// A mapping of names to scalar values, in order.
    pub fn pairs(&mut self, n: &Node, what: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (k, _, v) in self.free_map(n, what).unwrap_or_default() {
            match &v.kind {
                Kind::Scalar(s, _) => out.push((k.to_string(), s.clone())),
                Kind::Seq(items) => {
                    for i in items {
                        if let Some(s) = self.string(i, &format!("a value of `{k}`")) {
                            out.push((k.to_string(), s));
                        }
                    }
                }
                Kind::Map(_) => self.err(v.pos, format!("the value of `{k}` must be a string")),
            }
        }
        out
    }

    /// A body: text, or a mapping `{file: PATH}` / `{json: VALUE}`.
    pub fn body(&mut self, n: &Node, what: &str) -> Option<Vec<u8>> {
        if let Kind::Scalar(s, _) = &n.kind {
            return Some(s.clone().into_bytes());
        }
        let m = self.map(n, what, &["file", "json", "text"])?;
        let [(k, _, v)] = m.as_slice() else {
            self.err(
                n.pos,
                format!("{what} takes one of `text`, `file` or `json`"),
            );
            return None;
        };
        match *k {
            "json" => Some(v.to_json().to_string().into_bytes()),
            "text" => self.string(v, "`text`").map(String::into_bytes),
            _ => {
                let rel = self.string(v, "`file`")?;
                let path = self.base.join(&rel);
                match std::fs::metadata(&path).map(|m| m.len()) {
                    Ok(len) if len > super::MAX_FILE_BYTES => {
                        self.err(
                            v.pos,
                            format!("`{rel}` is larger than {} bytes", super::MAX_FILE_BYTES),
                        );
                        None
                    }
                    _ => match std::fs::read(&path) {
                        Ok(b) => Some(b),
                        Err(e) => {
                            self.err(v.pos, format!("cannot read `{rel}`: {e}"));
                            None
                        }
                    },
                }
            }
        }
    }

    /// The whole file: `world` (shared by its cases) and `cases`.
    pub fn file(&mut self, root: &Node) -> Vec<Case> {
        let Some(m) = self.map(root, "a test file", &["world", "cases"]) else {
            return Vec::new();
        };
        let mut base = World::default();
        let mut cases = Vec::new();
        let mut saw_cases = false;
        for (k, _, v) in m {
            match k {
                "world" => base = self.world(v),
                _ => {
                    saw_cases = true;
                    let items = self.seq(v);
                    if items.len() > MAX_CASES {
                        self.err(v.pos, format!("more than {MAX_CASES} cases"));
                        continue;
                    }
                    for c in items {
                        cases.extend(self.case(c));
                    }
                }
            }
        }
        if !saw_cases {
            self.err_help(
                root.pos,
                "the file has no `cases`",
                "add `cases:` with at least one case",
            );
        }
        for c in &mut cases {
            c.world = base.merged(&c.world);
        }
        let mut seen = std::collections::HashSet::new();
        for c in &cases {
            if !seen.insert(c.name.clone()) {
                self.err(
                    c.pos,
                    format!("a case named `{}` is already in this file", c.name),
                );
            }
        }
        cases
    }

    fn case(&mut self, n: &Node) -> Option<Case> {
        const FIELDS: &[&str] = &["name", "world", "request", "expect", "steps"];
        let m = self.map(n, "a case", FIELDS)?;
        let mut name = None;
        let mut world = World::default();
        let mut single: (Option<&Node>, Option<&Node>) = (None, None);
        let mut steps = Vec::new();
        let mut has_steps = false;
        for (k, _, v) in m {
            match k {
                "name" => name = self.string(v, "`name`"),
                "world" => world = self.world(v),
                "request" => single.0 = Some(v),
                "expect" => single.1 = Some(v),
                _ => {
                    has_steps = true;
                    let items = self.seq(v);
                    if items.len() > MAX_CASES {
                        self.err(v.pos, format!("more than {MAX_CASES} steps"));
                    }
                    for s in items.into_iter().take(MAX_CASES) {
                        steps.extend(self.step(s));
                    }
                }
            }
        }
        match (single, has_steps) {
            ((Some(r), e), false) => {
                let request = self.request(r)?;
                let expect = e.map(|e| self.expect(e)).unwrap_or_default();
                steps.push(Step {
                    pos: r.pos,
                    advance_ms: 0,
                    request,
                    expect,
                });
            }
            ((None, None), true) => {}
            ((None, _), false) => {
                self.err_help(
                    n.pos,
                    "the case has no `request`",
                    "give `request` (and `expect`), or `steps`",
                );
            }
            _ => self.err(
                n.pos,
                "a case gives either `request`/`expect` or `steps`, not both",
            ),
        }
        let Some(name) = name else {
            self.err(n.pos, "the case has no `name`");
            return None;
        };
        Some(Case {
            name,
            pos: n.pos,
            world,
            steps,
        })
    }

    fn step(&mut self, n: &Node) -> Option<Step> {
        let m = self.map(n, "a step", &["advance", "request", "expect"])?;
        let mut advance_ms = 0;
        let mut request = None;
        let mut expect = Default::default();
        for (k, _, v) in m {
            match k {
                "advance" => advance_ms = self.duration_ms(v, "`advance`").unwrap_or(0),
                "request" => request = self.request(v),
                _ => expect = self.expect(v),
            }
        }
        let Some(request) = request else {
            self.err(n.pos, "the step has no `request`");
            return None;
        };
        Some(Step {
            pos: n.pos,
            advance_ms,
            request,
            expect,
        })
    }

    fn request(&mut self, n: &Node) -> Option<Request> {
        const FIELDS: &[&str] = &[
            "method",
            "url",
            "operation",
            "params",
            "query",
            "headers",
            "body",
            "client-ip",
            "client-certificate",
            "subscription",
            "product",
            "subscription-key",
            "bearer",
        ];
        let m = self.map(n, "a request", FIELDS)?;
        let mut r = Request {
            pos: n.pos,
            ..Request::default()
        };
        for (k, _, v) in m {
            match k {
                "method" => r.method = self.string(v, "`method`").unwrap_or_default(),
                "url" => r.url = self.string(v, "`url`"),
                "operation" => {
                    let s = self.string(v, "`operation`").unwrap_or_default();
                    match s.split_once('/') {
                        Some((a, o)) if !a.is_empty() && !o.is_empty() => {
                            r.operation = Some((a.to_string(), o.to_string()));
                        }
                        _ => self.err_help(
                            v.pos,
                            format!("`{s}` is not API/OPERATION"),
                            "write e.g. `orders/get-order`",
                        ),
                    }
                }
                "params" => r.params = self.pairs(v, "`params`").into_iter().collect(),
                "query" => r.query = self.pairs(v, "`query`"),
                "headers" => r.headers = self.pairs(v, "`headers`"),
                "body" => r.body = self.body(v, "`body`").unwrap_or_default(),
                "client-ip" => r.client_ip = self.string(v, "`client-ip`"),
                "client-certificate" => {
                    r.client_certificate = self.body(v, "`client-certificate`");
                }
                "subscription" => r.subscription = self.string(v, "`subscription`"),
                "product" => r.product = self.string(v, "`product`"),
                "subscription-key" => r.subscription_key = self.string(v, "`subscription-key`"),
                _ => r.bearer = self.string(v, "`bearer`"),
            }
        }
        if r.url.is_none() && r.operation.is_none() {
            self.err_help(
                n.pos,
                "the request has no `url`",
                "give `url` (`/orders/42`) or `operation` (`orders/get-order`)",
            );
        }
        if !r.method.is_empty() && http::Method::from_bytes(r.method.as_bytes()).is_err() {
            self.err(n.pos, format!("`{}` is not an HTTP method", r.method));
        }
        Some(r)
    }
}

/// `250`, `250ms`, `2s`, `5m`, `1h`, `1d` in milliseconds.
pub(crate) fn parse_duration_ms(s: &str) -> Option<u64> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (n, unit) = s.split_at(split);
    let n: u64 = n.parse().ok()?;
    let mul = match unit.trim() {
        "" | "ms" => 1,
        "s" => 1000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return None,
    };
    n.checked_mul(mul)
}
