//! `emit-metric`: one sample of a custom metric, with its dimensions, to the gateway's
//! custom metrics (`/metrics`).

use super::super::exchange::Exchange;
use super::super::run::Next;
use super::super::tokens::{default_value, PendingDimension};
use crate::program::{Arg, Dimension, DimensionValue, EmitMetric, Op, Program};
use crate::value::Value;
use crate::vm::{Fault, FaultKind};
use std::sync::Arc;

/// Records the metric's value under its namespace, name and dimensions.
pub(super) fn emit_metric(x: &mut Exchange, program: &Program, op: &Op, m: &EmitMetric) -> Next {
    let sample = (|| {
        let value = match &m.value {
            None => 1.0,
            Some(a) => number(x, program, a)?,
        };
        let dims = dimensions(x, program, &m.dimensions)?;
        Ok::<_, Fault>((value, dims))
    })();
    let (value, dims) = match sample {
        Ok(s) => s,
        Err(f) => return Next::Error(x.fault_at(program, op, &f)),
    };
    let dims: Vec<(Arc<str>, Arc<str>)> = dims
        .into_iter()
        .map(|(k, v)| {
            let v = v.unwrap_or_else(|d| default_value(x, d));
            (k, v)
        })
        .collect();
    let telemetry = &x.ctx.sh.config.telemetry;
    telemetry.record(program.str(m.namespace), program.str(m.name), value, &dims);
    Next::Go
}

/// The dimensions' names and values; a default dimension's value is filled in later.
pub(super) fn dimensions(
    x: &mut Exchange,
    program: &Program,
    dims: &[Dimension],
) -> Result<Vec<PendingDimension>, Fault> {
    let mut out = Vec::with_capacity(dims.len());
    for d in dims {
        let name = x.arg_text(program, &d.name)?;
        let value = match &d.value {
            DimensionValue::Given(a) => Ok(x.arg_text(program, a)?),
            DimensionValue::Default(def) => Err(*def),
        };
        out.push((name, value));
    }
    Ok(out)
}

/// An argument as a double (`value`).
fn number(x: &mut Exchange, program: &Program, a: &Arg) -> Result<f64, Fault> {
    if let Arg::Expr(c) = a {
        let e = x.eval(program, *c)?;
        let n = match &e.value {
            Value::Str(_) => None,
            v => v.as_f64(),
        };
        let text = e.text();
        x.done(e);
        if let Some(n) = n {
            return Ok(n);
        }
        return parse(&text);
    }
    parse(&x.arg_text(program, a)?)
}

fn parse(s: &str) -> Result<f64, Fault> {
    s.trim()
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
        .ok_or_else(|| Fault::new(FaultKind::Format, format!("'{s}' is not a valid double")))
}
