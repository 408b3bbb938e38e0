//! `choose`: conditions and the blocks they select.

use super::{OpData, Printer, Refs};
use crate::bundle::{many, put_len, put_opt, put_var, BundleError, ProgramReader};
use crate::program::{BlockId, CodeId};

/// `choose`: the first `when` whose condition is true, else `otherwise`.
#[derive(Clone, Debug, PartialEq)]
pub struct Choose {
    /// `(condition, block)` of each `when`.
    pub branches: Vec<(CodeId, BlockId)>,
    /// The `otherwise` block.
    pub otherwise: Option<BlockId>,
}

impl OpData for Choose {
    fn write(&self, w: &mut Vec<u8>) {
        put_len(w, self.branches.len());
        for (cond, block) in &self.branches {
            put_var(w, *cond);
            put_var(w, *block);
        }
        put_opt(w, self.otherwise);
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        let n = r.list("branches", 2)?;
        let branches = many(n, || {
            Ok((r.code_id("a condition")?, r.block_id("a branch")?))
        })?;
        Ok(Choose {
            branches,
            otherwise: r.opt_id("an otherwise block", r.b.blocks)?,
        })
    }

    fn print(&self, _p: &Printer<'_>, name: &str) -> String {
        let mut parts: Vec<String> = self
            .branches
            .iter()
            .map(|(c, b)| format!("when expr#{c} -> block {b}"))
            .collect();
        parts.extend(self.otherwise.map(|b| format!("otherwise -> block {b}")));
        format!("{name} {}", parts.join(", "))
    }

    fn refs(&self, v: &mut dyn Refs) {
        for (c, b) in &self.branches {
            v.code(*c);
            v.block(*b);
        }
        if let Some(b) = self.otherwise {
            v.block(b);
        }
    }
}
