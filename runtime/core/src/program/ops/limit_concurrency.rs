//! `limit-concurrency`: a key, how many requests may hold it at once, and the nested
//! policies run while holding it.

use super::{Arg, OpData, Printer, Refs};
use crate::bundle::{put_arg, put_var, BundleError, ProgramReader};
use crate::program::BlockId;

/// `limit-concurrency`.
#[derive(Clone, Debug, PartialEq)]
pub struct LimitConcurrency {
    /// The key (requests with the same key value share the limit).
    pub key: Arg,
    /// `max-count`: requests that may hold the key at once.
    pub max_count: u64,
    /// The nested policies.
    pub block: BlockId,
}

impl OpData for LimitConcurrency {
    fn write(&self, w: &mut Vec<u8>) {
        put_arg(w, self.key);
        put_var(w, self.max_count);
        put_var(w, self.block);
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        Ok(LimitConcurrency {
            key: r.arg("a concurrency key")?,
            max_count: r.r.var("max-count")?,
            block: r.block_id("the nested policies")?,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        format!(
            "{name} key={} max-count={} -> block {}",
            p.arg(self.key),
            self.max_count,
            self.block
        )
    }

    fn refs(&self, v: &mut dyn Refs) {
        v.arg(self.key);
        v.block(self.block);
    }
}
