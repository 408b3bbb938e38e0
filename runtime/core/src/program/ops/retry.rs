//! `retry`: a block run once, then again while its condition holds, with APIM's waits.

use super::{Arg, OpData, Printer, Refs};
use crate::bundle::{put_arg, put_opt_arg, put_var, BundleError, ProgramReader};
use crate::program::{BlockId, CodeId};

/// `retry`.
#[derive(Clone, Debug, PartialEq)]
pub struct Retry {
    /// `condition`: evaluated after each run; another run follows while it is `true`.
    pub condition: CodeId,
    /// `count`: how many retries at most (1–50).
    pub count: Arg,
    /// `interval`: seconds between runs.
    pub interval: Arg,
    /// `max-interval`: the cap of the exponential schedule, seconds.
    pub max_interval: Option<Arg>,
    /// `delta`: the increment of the linear and exponential schedules, seconds.
    pub delta: Option<Arg>,
    /// `first-fast-retry`: the first retry follows at once.
    pub first_fast_retry: Option<Arg>,
    /// The child policies.
    pub body: BlockId,
}

impl Retry {
    /// The smallest `count` APIM accepts.
    pub const MIN_COUNT: i64 = 1;
    /// The largest `count` APIM accepts.
    pub const MAX_COUNT: i64 = 50;
}

impl OpData for Retry {
    fn write(&self, w: &mut Vec<u8>) {
        put_var(w, self.condition);
        put_arg(w, self.count);
        put_arg(w, self.interval);
        put_opt_arg(w, self.max_interval);
        put_opt_arg(w, self.delta);
        put_opt_arg(w, self.first_fast_retry);
        put_var(w, self.body);
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        Ok(Retry {
            condition: r.code_id("a retry condition")?,
            count: r.arg("a retry count")?,
            interval: r.arg("a retry interval")?,
            max_interval: r.opt_arg("a retry max-interval")?,
            delta: r.opt_arg("a retry delta")?,
            first_fast_retry: r.opt_arg("first-fast-retry")?,
            body: r.block_id("a retry body")?,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        let mut s = format!(
            "{name} condition=expr#{} count={} interval={}",
            self.condition,
            p.arg(self.count),
            p.arg(self.interval)
        );
        s.push_str(&p.opt("max-interval", self.max_interval));
        s.push_str(&p.opt("delta", self.delta));
        s.push_str(&p.opt("first-fast-retry", self.first_fast_retry));
        s.push_str(&format!(" -> block {}", self.body));
        s
    }

    fn refs(&self, v: &mut dyn Refs) {
        v.code(self.condition);
        v.arg(self.count);
        v.arg(self.interval);
        for a in [self.max_interval, self.delta, self.first_fast_retry]
            .into_iter()
            .flatten()
        {
            v.arg(a);
        }
        v.block(self.body);
    }
}
