//! `rate-limit`: calls per period per subscription, with `api`/`operation` sub-limits.

use super::{OpData, Printer, Refs};
use crate::bundle::{many, put_len, put_opt, put_var, BundleError, ProgramReader};
use crate::program::StrId;

/// An `api` or `operation` child's selector: its `id` (wins) or its `name`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target {
    /// `true`: `name` is the `id` (the API's or operation's identifier); `false`: its
    /// display name.
    pub by_id: bool,
    /// The identifier or display name.
    pub name: StrId,
}

/// One limit of `rate-limit` or `quota`: the policy's own (no target) or a child's.
#[derive(Clone, Debug, PartialEq)]
pub struct Limit {
    /// The API it applies to (`None`: every call).
    pub api: Option<Target>,
    /// The operation of that API it applies to.
    pub operation: Option<Target>,
    /// Calls per period.
    pub calls: Option<u64>,
    /// Kilobytes per period (`quota` only).
    pub kilobytes: Option<u64>,
    /// Period, seconds (`quota`: 0 never renews).
    pub period: u64,
}

fn put_target(w: &mut Vec<u8>, t: Option<Target>) {
    match t {
        None => w.push(0),
        Some(t) => {
            w.push(1 + u8::from(t.by_id));
            put_var(w, t.name);
        }
    }
}

fn read_target(r: &mut ProgramReader<'_, '_>) -> Result<Option<Target>, BundleError> {
    Ok(match r.tag("a limit's target", 3)? {
        0 => None,
        t => Some(Target {
            by_id: t == 2,
            name: r.str_id("a target name")?,
        }),
    })
}

fn put_opt_u64(w: &mut Vec<u8>, v: Option<u64>) {
    match v {
        None => w.push(0),
        Some(v) => {
            w.push(1);
            put_var(w, v);
        }
    }
}

fn read_opt_u64(r: &mut ProgramReader<'_, '_>, what: &str) -> Result<Option<u64>, BundleError> {
    Ok(match r.tag(what, 2)? {
        0 => None,
        _ => Some(r.r.var(what)?),
    })
}

/// Writes `limits`.
pub(crate) fn put_limits(w: &mut Vec<u8>, limits: &[Limit]) {
    put_len(w, limits.len());
    for l in limits {
        put_target(w, l.api);
        put_target(w, l.operation);
        put_opt_u64(w, l.calls);
        put_opt_u64(w, l.kilobytes);
        put_var(w, l.period);
    }
}

/// Reads limits written by [`put_limits`].
pub(crate) fn read_limits(r: &mut ProgramReader<'_, '_>) -> Result<Vec<Limit>, BundleError> {
    let n = r.list("limits", 5)?;
    many(n, || {
        Ok(Limit {
            api: read_target(r)?,
            operation: read_target(r)?,
            calls: read_opt_u64(r, "calls")?,
            kilobytes: read_opt_u64(r, "bandwidth")?,
            period: r.r.var("a renewal period")?,
        })
    })
}

/// The `explain` text of `limits`.
pub(crate) fn print_limits(p: &Printer<'_>, limits: &[Limit]) -> String {
    let one = |l: &Limit| {
        let mut s = String::new();
        for (label, t) in [("api", l.api), ("operation", l.operation)] {
            if let Some(t) = t {
                let by = if t.by_id { "id" } else { "name" };
                s.push_str(&format!("{label} {by}={:?} ", p.s(t.name)));
            }
        }
        if let Some(c) = l.calls {
            s.push_str(&format!("calls={c} "));
        }
        if let Some(k) = l.kilobytes {
            s.push_str(&format!("bandwidth={k} "));
        }
        s.push_str(&format!("renewal-period={}", l.period));
        s
    };
    let all: Vec<String> = limits.iter().map(one).collect();
    format!("[{}]", all.join("; "))
}

/// Visits the targets' names.
pub(crate) fn limit_refs(limits: &[Limit], v: &mut dyn Refs) {
    for l in limits {
        for t in [l.api, l.operation].into_iter().flatten() {
            v.string(t.name);
        }
    }
}

/// Where `rate-limit` and `rate-limit-by-key` report their counts: five optional header
/// and variable names (the retry header defaults to `Retry-After` at lowering).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CallsReport {
    /// Header that receives the seconds until retry on 429.
    pub retry_after_header_name: Option<StrId>,
    /// Variable that receives the seconds until retry.
    pub retry_after_variable_name: Option<StrId>,
    /// Header that receives the remaining calls.
    pub remaining_calls_header_name: Option<StrId>,
    /// Variable that receives the remaining calls.
    pub remaining_calls_variable_name: Option<StrId>,
    /// Header that receives the total calls allowed.
    pub total_calls_header_name: Option<StrId>,
}

impl CallsReport {
    /// The attribute names, in bundle order.
    pub const ATTRIBUTES: [&'static str; 5] = [
        "retry-after-header-name",
        "retry-after-variable-name",
        "remaining-calls-header-name",
        "remaining-calls-variable-name",
        "total-calls-header-name",
    ];

    /// The names, in bundle order.
    fn names(&self) -> [Option<StrId>; 5] {
        [
            self.retry_after_header_name,
            self.retry_after_variable_name,
            self.remaining_calls_header_name,
            self.remaining_calls_variable_name,
            self.total_calls_header_name,
        ]
    }

    /// Writes the names.
    pub(crate) fn write(&self, w: &mut Vec<u8>) {
        for name in self.names() {
            put_opt(w, name);
        }
    }

    /// Reads names written by [`CallsReport::write`].
    pub(crate) fn read(r: &mut ProgramReader<'_, '_>) -> Result<CallsReport, BundleError> {
        Ok(CallsReport {
            retry_after_header_name: r.opt_str("a header name")?,
            retry_after_variable_name: r.opt_str("a variable name")?,
            remaining_calls_header_name: r.opt_str("a header name")?,
            remaining_calls_variable_name: r.opt_str("a variable name")?,
            total_calls_header_name: r.opt_str("a header name")?,
        })
    }

    /// The `explain` text of the names given.
    pub(crate) fn print(&self, p: &Printer<'_>) -> String {
        let labels = [
            "retry-after-header",
            "retry-after-variable",
            "remaining-calls-header",
            "remaining-calls-variable",
            "total-calls-header",
        ];
        labels
            .into_iter()
            .zip(self.names())
            .map(|(label, id)| p.name(label, id))
            .collect()
    }

    /// Visits the names.
    pub(crate) fn refs(&self, v: &mut dyn Refs) {
        self.names().into_iter().flatten().for_each(|s| v.string(s));
    }
}

/// `rate-limit`.
#[derive(Clone, Debug, PartialEq)]
pub struct RateLimit {
    /// The policy's limit first, then its `api` and `operation` children's.
    pub limits: Vec<Limit>,
    /// Where the counts are reported.
    pub report: CallsReport,
}

impl OpData for RateLimit {
    fn write(&self, w: &mut Vec<u8>) {
        put_limits(w, &self.limits);
        self.report.write(w);
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        Ok(RateLimit {
            limits: read_limits(r)?,
            report: CallsReport::read(r)?,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        format!(
            "{name} {}{}",
            print_limits(p, &self.limits),
            self.report.print(p)
        )
    }

    fn refs(&self, v: &mut dyn Refs) {
        limit_refs(&self.limits, v);
        self.report.refs(v);
    }
}
