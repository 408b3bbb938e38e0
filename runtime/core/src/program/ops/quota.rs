//! `quota`: calls per renewal period per subscription, with `api`/`operation` sub-quotas.

use super::rate_limit::{limit_refs, print_limits, put_limits, read_limits, Limit};
use super::{OpData, Printer, Refs};
use crate::bundle::{BundleError, ProgramReader};

/// `quota`.
#[derive(Clone, Debug, PartialEq)]
pub struct Quota {
    /// The policy's quota first, then its `api` and `operation` children's (period 0:
    /// never renews).
    pub limits: Vec<Limit>,
}

impl OpData for Quota {
    fn write(&self, w: &mut Vec<u8>) {
        put_limits(w, &self.limits);
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        Ok(Quota {
            limits: read_limits(r)?,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        format!("{name} {}", print_limits(p, &self.limits))
    }

    fn refs(&self, v: &mut dyn Refs) {
        limit_refs(&self.limits, v);
    }
}
