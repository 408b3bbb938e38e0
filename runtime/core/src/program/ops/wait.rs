//! `wait`: child policies run concurrently, until all or any of them is done.

use super::{Arg, OpData, Printer, Refs};
use crate::bundle::{many, put_len, put_opt_arg, put_var, BundleError, ProgramReader};
use crate::program::BlockId;

/// `wait`.
#[derive(Clone, Debug, PartialEq)]
pub struct Wait {
    /// `for`: `all` (default) or `any`.
    pub mode: Option<Arg>,
    /// One block per child policy (`send-request`, `choose`, `cache-lookup-value`), run
    /// concurrently.
    pub branches: Vec<BlockId>,
}

impl OpData for Wait {
    fn write(&self, w: &mut Vec<u8>) {
        put_opt_arg(w, self.mode);
        put_len(w, self.branches.len());
        for b in &self.branches {
            put_var(w, *b);
        }
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        let mode = r.opt_arg("a wait mode")?;
        let n = r.list("wait branches", 1)?;
        let branches = many(n, || r.block_id("a wait branch"))?;
        Ok(Wait { mode, branches })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        let blocks: Vec<String> = self.branches.iter().map(|b| format!("block {b}")).collect();
        format!("{name}{} -> {}", p.opt("for", self.mode), blocks.join(", "))
    }

    fn refs(&self, v: &mut dyn Refs) {
        if let Some(a) = self.mode {
            v.arg(a);
        }
        for b in &self.branches {
            v.block(*b);
        }
    }
}
