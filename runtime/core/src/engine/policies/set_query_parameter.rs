//! `set-query-parameter`: the request's query, by the same rules as headers.

use super::super::exchange::Exchange;
use super::super::run::Next;
use super::set_header::{apply_multi, header_parts};
use crate::program::{HeaderOp, Op, Program};

/// `set-query-parameter`.
pub(super) fn set_query_parameter(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    h: &HeaderOp,
) -> Next {
    match header_parts(x, program, h) {
        Ok((name, values)) => {
            x.ctx
                .req
                .update_query(|q| apply_multi(q, &name, h.action, values));
            Next::Go
        }
        Err(f) => Next::Error(x.fault_at(program, op, &f)),
    }
}
