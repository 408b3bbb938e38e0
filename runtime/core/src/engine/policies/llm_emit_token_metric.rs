//! `llm-emit-token-metric` and `azure-openai-emit-token-metric`: the dimensions are read
//! now; the Total, Prompt and Completion Tokens samples are emitted once the usage is known
//! (`engine/tokens.rs`).

use super::super::exchange::Exchange;
use super::super::run::Next;
use super::super::tokens::{request_info, Metric};
use crate::program::{Op, Program, TokenMetric};

/// Registers the token metrics of this exchange.
pub(super) fn token_metric(x: &mut Exchange, program: &Program, op: &Op, m: &TokenMetric) -> Next {
    let dimensions = match super::emit_metric::dimensions(x, program, &m.dimensions) {
        Ok(d) => d,
        Err(f) => return Next::Error(x.fault_at(program, op, &f)),
    };
    request_info(x);
    x.llm.metrics.push(Metric {
        namespace: program.str(m.namespace).into(),
        dimensions,
    });
    Next::Go
}
