//! `rate-limit-by-key`: calls per period per key, and where to report the counts.

use super::{Arg, OpData, Printer, Refs};
use crate::bundle::{put_arg, put_opt, put_opt_arg, BundleError, ProgramReader};
use crate::program::{CodeId, StrId};

/// `rate-limit-by-key`.
#[derive(Clone, Debug, PartialEq)]
pub struct RateLimitByKey {
    /// Calls allowed per period.
    pub calls: Arg,
    /// Period length in seconds.
    pub renewal_period: Arg,
    /// The counter key.
    pub counter_key: Arg,
    /// Count the call only when this holds (evaluated after the response).
    pub increment_condition: Option<CodeId>,
    /// How much one call counts (default 1).
    pub increment_count: Option<Arg>,
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

impl RateLimitByKey {
    /// The optional header and variable names, in bundle order.
    fn names(&self) -> [Option<StrId>; 5] {
        [
            self.retry_after_header_name,
            self.retry_after_variable_name,
            self.remaining_calls_header_name,
            self.remaining_calls_variable_name,
            self.total_calls_header_name,
        ]
    }
}

impl OpData for RateLimitByKey {
    fn write(&self, w: &mut Vec<u8>) {
        put_arg(w, self.calls);
        put_arg(w, self.renewal_period);
        put_arg(w, self.counter_key);
        put_opt(w, self.increment_condition);
        put_opt_arg(w, self.increment_count);
        for name in self.names() {
            put_opt(w, name);
        }
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        Ok(RateLimitByKey {
            calls: r.arg("calls")?,
            renewal_period: r.arg("a renewal period")?,
            counter_key: r.arg("a counter key")?,
            increment_condition: r.opt_id("an increment condition", r.b.codes)?,
            increment_count: r.opt_arg("an increment count")?,
            retry_after_header_name: r.opt_str("a header name")?,
            retry_after_variable_name: r.opt_str("a variable name")?,
            remaining_calls_header_name: r.opt_str("a header name")?,
            remaining_calls_variable_name: r.opt_str("a variable name")?,
            total_calls_header_name: r.opt_str("a header name")?,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        let mut s = format!(
            "{name} calls={} renewal-period={} counter-key={}",
            p.arg(self.calls),
            p.arg(self.renewal_period),
            p.arg(self.counter_key)
        );
        if let Some(c) = self.increment_condition {
            s.push_str(&format!(" increment-condition=expr#{c}"));
        }
        s.push_str(&p.opt("increment-count", self.increment_count));
        let labels = [
            "retry-after-header",
            "retry-after-variable",
            "remaining-calls-header",
            "remaining-calls-variable",
            "total-calls-header",
        ];
        for (label, id) in labels.into_iter().zip(self.names()) {
            s.push_str(&p.name(label, id));
        }
        s
    }

    fn refs(&self, v: &mut dyn Refs) {
        v.arg(self.calls);
        v.arg(self.renewal_period);
        v.arg(self.counter_key);
        if let Some(c) = self.increment_condition {
            v.code(c);
        }
        self.increment_count.into_iter().for_each(|a| v.arg(a));
        self.names().into_iter().flatten().for_each(|s| v.string(s));
    }
}
