//! Compares what a step produced with what it expects: each difference a [`Mismatch`]
//! with where the expectation is written and the policies involved.

use crate::exec::{Call, Outcome};
use crate::format::{BackendExpect, BodyExpect, Expect, Matcher};
use crate::tables::Tables;
use crate::yaml::Pos;
use gatehouse_runtime::engine::http::HeaderMap;

/// One expectation that did not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    /// Where the expectation is written.
    pub at: Pos,
    /// What was looked at (`status`, `header X-A`, `body`, `backend orders-pool` …).
    pub what: String,
    /// Expected.
    pub expected: String,
    /// Got (may hold a diff).
    pub actual: String,
    /// The policies involved, as `file:line:col policy (path)`.
    pub policies: Vec<String>,
}

const STATUS: &[&str] = &[
    "return-response",
    "mock-response",
    "set-status",
    "rate-limit",
    "rate-limit-by-key",
    "quota",
    "check-header",
    "ip-filter",
    "cors",
    "forward-request",
    "validate-jwt",
];
const HEADERS: &[&str] = &[
    "set-header",
    "return-response",
    "mock-response",
    "cors",
    "rate-limit",
    "rate-limit-by-key",
    "quota",
    "forward-request",
];
const BODY: &[&str] = &[
    "set-body",
    "find-and-replace",
    "return-response",
    "mock-response",
    "forward-request",
];
const OUTGOING: &[&str] = &[
    "forward-request",
    "send-request",
    "set-backend-service",
    "rewrite-uri",
    "set-header",
    "set-query-parameter",
    "set-method",
    "set-body",
    "authentication-basic",
    "find-and-replace",
];
const VARIABLES: &[&str] = &["set-variable", "rate-limit-by-key", "send-request", "quota"];

/// Every expectation of `e` checked against `o`.
pub fn check(e: &Expect, o: &Outcome, t: &Tables) -> Vec<Mismatch> {
    let mut out = Vec::new();
    let mut miss = |at: Pos, what: String, expected: String, actual: String, kinds: &[&str]| {
        let subject = what.rsplit(' ').next().unwrap_or_default().to_string();
        let policies = involved(o, t, kinds, &subject);
        out.push(Mismatch {
            at,
            what,
            expected,
            actual,
            policies,
        });
    };
    if let Some((s, at)) = e.status {
        if o.status.as_u16() != s {
            miss(
                at,
                "status".into(),
                s.to_string(),
                o.status.as_u16().to_string(),
                STATUS,
            );
        }
    }
    for (name, m, at) in &e.headers {
        let actual = header_text(&o.headers, name);
        if !m.matches(actual.as_deref()) {
            miss(
                *at,
                format!("header {name}"),
                m.describe(),
                shown(actual.as_deref()),
                HEADERS,
            );
        }
    }
    if let Some((b, at)) = &e.body {
        if let Some((exp, act)) = body_mismatch(b, &o.body) {
            miss(*at, "body".into(), exp, act, BODY);
        }
    }
    for b in &e.backends {
        backend(b, o.calls.iter().filter(|c| !c.send), "backend", &mut miss);
    }
    for b in &e.sends {
        backend(
            b,
            o.calls.iter().filter(|c| c.send),
            "send-request",
            &mut miss,
        );
    }
    for (name, m, at) in &e.variables {
        let actual = o.variables.get(name).cloned().flatten();
        if !m.matches(actual.as_deref()) {
            miss(
                *at,
                format!("variable {name}"),
                m.describe(),
                shown(actual.as_deref()),
                VARIABLES,
            );
        }
    }
    for te in &e.traces {
        let found = o.traces.iter().any(|tr| {
            te.source.as_deref().is_none_or(|s| *tr.source == *s)
                && te
                    .severity
                    .as_deref()
                    .is_none_or(|s| format!("{:?}", tr.severity).eq_ignore_ascii_case(s))
                && te.message.matches(Some(&tr.message))
        });
        if !found {
            let got: Vec<String> = o
                .traces
                .iter()
                .map(|t| format!("[{}] {}", t.source, t.message))
                .collect();
            let want = format!(
                "a trace{}{} with message {}",
                te.source
                    .as_ref()
                    .map(|s| format!(" from {s}"))
                    .unwrap_or_default(),
                te.severity
                    .as_ref()
                    .map(|s| format!(" ({s})"))
                    .unwrap_or_default(),
                te.message.describe()
            );
            miss(
                te.pos,
                "traces".into(),
                want,
                if got.is_empty() {
                    "no trace".into()
                } else {
                    got.join("; ")
                },
                &["trace"],
            );
        }
    }
    if let Some((fields, at)) = &e.last_error {
        last_error(fields, *at, o, &mut miss);
    }
    for (p, at) in &e.ran {
        if !ran(o, t, p) {
            miss(
                *at,
                "ran".into(),
                format!("`{p}` runs"),
                "it did not run".into(),
                &[],
            );
        }
    }
    for (p, at) in &e.not_ran {
        if ran(o, t, p) {
            let ops = matching(o, t, p);
            out.push(Mismatch {
                at: *at,
                what: "not-ran".into(),
                expected: format!("`{p}` does not run"),
                actual: "it ran".into(),
                policies: ops,
            });
        }
    }
    if let Some((r, at)) = &e.routed {
        if o.routed.as_deref() != Some(r.as_str()) {
            out.push(Mismatch {
                at: *at,
                what: "routed".into(),
                expected: r.clone(),
                actual: shown(o.routed.as_deref()),
                policies: Vec::new(),
            });
        }
    }
    out
}

type Miss<'m> = dyn FnMut(Pos, String, String, String, &[&str]) + 'm;

fn backend<'c>(
    b: &BackendExpect,
    calls: impl Iterator<Item = &'c Call>,
    kind: &str,
    miss: &mut Miss<'_>,
) {
    let mine: Vec<&Call> = calls
        .filter(|c| {
            b.key == "*"
                || c.target == b.key
                || c.mock.as_deref() == Some(&b.key)
                || c.member.as_deref() == Some(&b.key)
                || (b.key.contains("://") && c.target.starts_with(&b.key))
        })
        .collect();
    let what = format!("{kind} {}", b.key);
    if let Some(n) = b.calls {
        if mine.len() as u64 != n {
            miss(
                b.pos,
                format!("{what} calls"),
                n.to_string(),
                mine.len().to_string(),
                OUTGOING,
            );
        }
    }
    let wants_call =
        b.method.is_some() || b.url.is_some() || !b.headers.is_empty() || b.body.is_some();
    if !wants_call {
        return;
    }
    let Some(c) = mine.get(b.call as usize - 1) else {
        miss(
            b.pos,
            format!("{what} call {}", b.call),
            "a call".into(),
            format!("{} call(s)", mine.len()),
            OUTGOING,
        );
        return;
    };
    if let Some(m) = &b.method {
        if !m.eq_ignore_ascii_case(&c.method) {
            miss(
                b.pos,
                format!("{what} method"),
                m.clone(),
                c.method.clone(),
                OUTGOING,
            );
        }
    }
    if let Some(m) = &b.url {
        if !m.matches(Some(&c.url)) {
            miss(
                b.pos,
                format!("{what} url"),
                m.describe(),
                c.url.clone(),
                OUTGOING,
            );
        }
    }
    for (name, m) in &b.headers {
        let actual = header_text(&c.headers, name);
        if !m.matches(actual.as_deref()) {
            miss(
                b.pos,
                format!("{what} header {name}"),
                m.describe(),
                shown(actual.as_deref()),
                OUTGOING,
            );
        }
    }
    if let Some(body) = &b.body {
        if let Some((exp, act)) = body_mismatch(body, &c.body) {
            miss(b.pos, format!("{what} body"), exp, act, OUTGOING);
        }
    }
}

fn last_error(fields: &[(String, Matcher)], at: Pos, o: &Outcome, miss: &mut Miss<'_>) {
    let Some(le) = &o.last_error else {
        if !fields.is_empty() {
            miss(
                at,
                "last-error".into(),
                "an error".into(),
                "no error".into(),
                &[],
            );
        }
        return;
    };
    if fields.is_empty() {
        let got = format!(
            "{} from {} ({}): {}",
            le.reason, le.source, le.path, le.message
        );
        miss(at, "last-error".into(), "no error".into(), got, &[]);
        return;
    }
    for (f, m) in fields {
        let v: &str = match f.as_str() {
            "source" => &le.source,
            "reason" => &le.reason,
            "message" => &le.message,
            "scope" => &le.scope,
            "section" => &le.section,
            "path" => &le.path,
            _ => &le.policy_id,
        };
        if !m.matches(Some(v)) {
            miss(
                at,
                format!("last-error {f}"),
                m.describe(),
                format!("{v:?}"),
                &[],
            );
        }
    }
}

/// The response's values of header `name`, joined with `, ` (None when absent).
fn header_text(h: &HeaderMap, name: &str) -> Option<String> {
    let vals: Vec<String> = h
        .get_all(name)
        .iter()
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .collect();
    (!vals.is_empty()).then(|| vals.join(", "))
}

fn shown(v: Option<&str>) -> String {
    v.map_or_else(|| "absent".into(), |v| format!("{v:?}"))
}

/// `(expected, actual)` when `body` does not meet `b`.
pub fn body_mismatch(b: &BodyExpect, body: &[u8]) -> Option<(String, String)> {
    let text = String::from_utf8_lossy(body);
    if b.empty && !body.is_empty() {
        return Some(("an empty body".into(), format!("{text:?}")));
    }
    if let Some(e) = &b.equals {
        if *e != text {
            return Some((format!("{e:?}"), format!("{text:?}\n{}", diff(e, &text))));
        }
    }
    for c in &b.contains {
        if !text.contains(c.as_str()) {
            return Some((format!("containing {c:?}"), format!("{text:?}")));
        }
    }
    for c in &b.not_contains {
        if text.contains(c.as_str()) {
            return Some((format!("not containing {c:?}"), format!("{text:?}")));
        }
    }
    if b.json.is_none() && b.paths.is_empty() {
        return None;
    }
    let Ok(actual) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Some(("a JSON body".into(), format!("{text:?}")));
    };
    if let Some(j) = &b.json {
        if *j != actual {
            let (e, a) = (pretty(j), pretty(&actual));
            return Some((e.clone(), format!("{a}\n{}", diff(&e, &a))));
        }
    }
    for (p, want) in &b.paths {
        let path = crate::json_path::parse(p).unwrap_or_default();
        let got = crate::json_path::select(&actual, &path);
        let ok = match (want, got) {
            (None, g) => g.is_none(),
            (Some(w), Some(g)) => {
                w == g
                    || g.as_str().is_some_and(|s| Some(s) == w.as_str())
                    || (w.is_string() && w.as_str() == Some(&g.to_string()))
            }
            (Some(_), None) => false,
        };
        if !ok {
            let e = want.as_ref().map_or("absent".into(), |w| w.to_string());
            let a = got.map_or("absent".into(), |g| g.to_string());
            return Some((format!("{p} = {e}"), format!("{p} = {a}")));
        }
    }
    None
}

fn pretty(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

/// A line diff: the common head and tail kept, the middle as `-` (expected) and `+` (got).
pub fn diff(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let head = e.iter().zip(&a).take_while(|(x, y)| x == y).count();
    let tail = e[head..]
        .iter()
        .rev()
        .zip(a[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let mut out = String::new();
    for l in &e[..head] {
        out.push_str(&format!("  {l}\n"));
    }
    for l in &e[head..e.len() - tail] {
        out.push_str(&format!("- {l}\n"));
    }
    for l in &a[head..a.len() - tail] {
        out.push_str(&format!("+ {l}\n"));
    }
    for l in &e[e.len() - tail..] {
        out.push_str(&format!("  {l}\n"));
    }
    out.trim_end().to_string()
}

/// Whether a policy matching `p` ran: a policy name, `FILE:LINE`, or a path's end.
fn ran(o: &Outcome, t: &Tables, p: &str) -> bool {
    !matching(o, t, p).is_empty()
}

fn matching(o: &Outcome, t: &Tables, p: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for loc in &o.probe.ran {
        let Some(op) = t.ops.get(loc) else { continue };
        let place = format!("{}:{}", op.key.0, op.key.1);
        if op.policy == p
            || place == p
            || op.path.ends_with(p)
            || format!("{place}:{}", op.key.2) == p
        {
            let d = describe(op);
            if !out.contains(&d) {
                out.push(d);
            }
        }
    }
    out
}

/// `file:line:col policy (path)`.
pub fn describe(op: &crate::tables::OpInfo) -> String {
    format!(
        "{}:{}:{} {} ({})",
        op.key.0, op.key.1, op.key.2, op.policy, op.path
    )
}

/// The policies of `kinds` that ran (those naming another header or variable than the
/// last word of `what` left out), plus where `context.LastError` points.
fn involved(o: &Outcome, t: &Tables, kinds: &[&str], what: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for loc in &o.probe.ran {
        let Some(op) = t.ops.get(loc) else { continue };
        let err_here = o
            .last_error
            .as_ref()
            .is_some_and(|e| !e.path.is_empty() && *e.path == *op.path);
        let other = op
            .subject
            .as_ref()
            .is_some_and(|s| !s.eq_ignore_ascii_case(what));
        if (kinds.contains(&op.policy) && !other || err_here) && op.policy != "base" {
            let d = describe(op);
            if !out.contains(&d) {
                out.push(d);
            }
        }
    }
    out
}
