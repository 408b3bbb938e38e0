//! `quota-by-key`: calls per renewal period per key, in windows aligned on
//! `first-period-start`.

use super::{Arg, OpData, Printer, Refs};
use crate::bundle::{put_arg, put_opt, put_opt_arg, put_var, BundleError, ProgramReader};
use crate::program::CodeId;

/// `quota-by-key`.
#[derive(Clone, Debug, PartialEq)]
pub struct QuotaByKey {
    /// Calls allowed per period.
    pub calls: u64,
    /// Period, seconds (0: one window that never ends).
    pub renewal_period: u64,
    /// Where the window grid is anchored: `first-period-start` in ms since the Unix epoch,
    /// taken modulo the period (so it is never negative).
    pub anchor_ms: u64,
    /// The counter key.
    pub counter_key: Arg,
    /// Count the call only when this holds (evaluated after the response).
    pub increment_condition: Option<CodeId>,
    /// How much one call counts (default 1).
    pub increment_count: Option<Arg>,
}

impl OpData for QuotaByKey {
    fn write(&self, w: &mut Vec<u8>) {
        put_var(w, self.calls);
        put_var(w, self.renewal_period);
        put_var(w, self.anchor_ms);
        put_arg(w, self.counter_key);
        put_opt(w, self.increment_condition);
        put_opt_arg(w, self.increment_count);
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        Ok(QuotaByKey {
            calls: r.r.var("calls")?,
            renewal_period: r.r.var("a renewal period")?,
            anchor_ms: r.r.var("a first period start")?,
            counter_key: r.arg("a counter key")?,
            increment_condition: r.opt_id("an increment condition", r.b.codes)?,
            increment_count: r.opt_arg("an increment count")?,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        let mut s = format!(
            "{name} calls={} renewal-period={} anchor-ms={} counter-key={}",
            self.calls,
            self.renewal_period,
            self.anchor_ms,
            p.arg(self.counter_key)
        );
        if let Some(c) = self.increment_condition {
            s.push_str(&format!(" increment-condition=expr#{c}"));
        }
        s.push_str(&p.opt("increment-count", self.increment_count));
        s
    }

    fn refs(&self, v: &mut dyn Refs) {
        v.arg(self.counter_key);
        if let Some(c) = self.increment_condition {
            v.code(c);
        }
        self.increment_count.into_iter().for_each(|a| v.arg(a));
    }
}
