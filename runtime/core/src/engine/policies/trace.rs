//! `trace`: a record on the exchange.

use super::super::exchange::{Exchange, Trace};
use super::super::run::Next;
use crate::program::{Arg, Op, Program, TraceOp};
use std::sync::Arc;

/// `trace`: records source, severity, message and metadata on the exchange.
pub(super) fn trace(x: &mut Exchange, program: &Program, op: &Op, t: &TraceOp) -> Next {
    let (source, severity, message, metadata) = (&t.source, t.severity, &t.message, &t.metadata);
    let text = |a: &Arg, x: &mut Exchange| x.arg_text(program, a);
    let parts = (|| {
        let source = text(source, x)?;
        let message = text(message, x)?;
        let mut meta: Vec<(Arc<str>, Arc<str>)> = Vec::with_capacity(metadata.len());
        for (k, v) in metadata {
            let name = program
                .strings
                .get(*k as usize)
                .cloned()
                .unwrap_or_default();
            meta.push((name, text(v, x)?));
        }
        Ok::<_, crate::vm::Fault>((source, message, meta))
    })();
    match parts {
        Ok((source, message, metadata)) => {
            x.ctx.traces.push(Trace {
                source,
                severity,
                message,
                metadata,
            });
            Next::Go
        }
        Err(f) => Next::Error(x.fault_at(program, op, &f)),
    }
}
