//! `choose`: the first branch whose condition holds, else `otherwise`.

use super::super::exchange::Exchange;
use super::super::run::Next;
use crate::program::{Choose, Op, Program};

/// Enters the block of the first `when` whose condition is true, else `otherwise` (if any).
pub(super) fn choose(x: &mut Exchange, program: &Program, op: &Op, c: &Choose) -> Next {
    for (cond, block) in &c.branches {
        match x.eval_bool(program, *cond) {
            Ok(true) => return Next::Enter(*block),
            Ok(false) => {}
            Err(f) => return Next::Error(x.fault_at(program, op, &f)),
        }
    }
    c.otherwise.map_or(Next::Go, Next::Enter)
}
