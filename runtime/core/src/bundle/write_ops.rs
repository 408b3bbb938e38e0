//! The writer of blocks: each policy operation as its location, its tag and its fields.

use crate::bundle::{put_len, put_var};
use crate::program::{Block, Op};

/// A block: its operation count, then each operation.
pub(super) fn put_block(w: &mut Vec<u8>, b: &Block) {
    put_len(w, b.ops.len());
    b.ops.iter().for_each(|op| put_op(w, op));
}

/// An operation: its location, its tag, then its fields ([`crate::program::OpData::write`]).
fn put_op(w: &mut Vec<u8>, op: &Op) {
    put_var(w, op.loc);
    w.push(op.kind.tag());
    op.kind.write(w);
}
