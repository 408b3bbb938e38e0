//! The blocks of a program bundle: policy operations, every tag and index checked.

use super::read_program::{many, In};
use crate::bundle::BundleError;
use crate::program::{Block, Op, OpKind};

impl In<'_, '_> {
    /// The blocks section's entries, with the byte offset of each block.
    pub(super) fn blocks(&mut self) -> Result<(Vec<Block>, Vec<usize>), BundleError> {
        let n = self.table("blocks", self.limits.max_blocks, 1)?;
        self.b.blocks = n;
        let (mut all, mut offsets) = (Vec::with_capacity(n), Vec::with_capacity(n));
        for _ in 0..n {
            offsets.push(self.r.pos);
            let at = self.r.pos;
            let m = self.list("operations of a block", 2)?;
            self.ops = self.ops.saturating_add(m);
            if self.ops > self.limits.max_ops {
                return Err(BundleError::new(
                    at,
                    format!("operations total over the limit of {}", self.limits.max_ops),
                ));
            }
            let ops = many(m, || self.op())?;
            all.push(Block { ops });
        }
        Ok((all, offsets))
    }

    /// A block index.
    pub(crate) fn block_id(&mut self, what: &str) -> Result<u32, BundleError> {
        self.id(what, self.b.blocks)
    }

    /// A code index.
    pub(crate) fn code_id(&mut self, what: &str) -> Result<u32, BundleError> {
        self.id(what, self.b.codes)
    }

    /// An operation: its location, its tag, then its fields ([`crate::program::OpData::read`]).
    fn op(&mut self) -> Result<Op, BundleError> {
        let loc = self.id("an operation's location", self.b.locs)?;
        let at = self.r.pos;
        let tag = self.r.u8("operation tag")?;
        match OpKind::read(tag, self)? {
            Some(kind) => Ok(Op { kind, loc }),
            None => Err(BundleError::new(at, format!("unknown operation tag {tag}"))),
        }
    }
}
