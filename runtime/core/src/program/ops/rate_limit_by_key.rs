//! `rate-limit-by-key`: calls per period per key, and where to report the counts.

use super::rate_limit::CallsReport;
use super::{Arg, OpData, Printer, Refs};
use crate::bundle::{put_arg, put_opt, put_opt_arg, BundleError, ProgramReader};
use crate::program::CodeId;

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
    /// Where the counts are reported.
    pub report: CallsReport,
}

impl OpData for RateLimitByKey {
    fn write(&self, w: &mut Vec<u8>) {
        put_arg(w, self.calls);
        put_arg(w, self.renewal_period);
        put_arg(w, self.counter_key);
        put_opt(w, self.increment_condition);
        put_opt_arg(w, self.increment_count);
        self.report.write(w);
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        Ok(RateLimitByKey {
            calls: r.arg("calls")?,
            renewal_period: r.arg("a renewal period")?,
            counter_key: r.arg("a counter key")?,
            increment_condition: r.opt_id("an increment condition", r.b.codes)?,
            increment_count: r.opt_arg("an increment count")?,
            report: CallsReport::read(r)?,
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
        s.push_str(&self.report.print(p));
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
        self.report.refs(v);
    }
}
