//! `set-header` on the section's message, and the multimap rules it shares with
//! `set-query-parameter`.

use super::super::exchange::Exchange;
use super::super::headers::parse_name;
use super::super::run::Next;
use crate::program::Program;
use crate::program::{Arg, ExistsAction, HeaderOp, Op};
use std::sync::Arc;

/// Evaluates a header/query operation's name and values.
pub(super) fn header_parts(
    x: &mut Exchange,
    program: &Program,
    h: &HeaderOp,
) -> Result<(Arc<str>, Vec<Arc<str>>), crate::vm::Fault> {
    let name = x.arg_text(program, &h.name)?;
    let mut values = Vec::with_capacity(h.values.len());
    for v in &h.values {
        values.push(x.arg_text(program, v)?);
    }
    Ok((name, values))
}

/// `set-header` on the section's message.
pub(super) fn set_header(x: &mut Exchange, program: &Program, op: &Op, h: &HeaderOp) -> Next {
    let sh = x.ctx.sh.clone();
    // A literal name is parsed once per program: its text is not needed.
    let name = match h.name {
        Arg::Lit(id) => sh.literals.name(id).cloned(),
        Arg::Expr(_) => None,
    };
    let name = match name {
        Some(n) => Ok(n),
        // Parsed only after the values are evaluated, whose faults come first.
        None => match x.arg_text(program, &h.name) {
            Ok(t) => Err(t),
            Err(f) => return Next::Error(x.fault_at(program, op, &f)),
        },
    };
    // One value (the usual case) needs no vector.
    let one_text;
    let many;
    let values: &[Arc<str>] = match h.values.as_slice() {
        [v] => {
            one_text = match x.arg_text(program, v) {
                Ok(t) => t,
                Err(f) => return Next::Error(x.fault_at(program, op, &f)),
            };
            std::slice::from_ref(&one_text)
        }
        vs => {
            let mut all = Vec::with_capacity(vs.len());
            for v in vs {
                match x.arg_text(program, v) {
                    Ok(t) => all.push(t),
                    Err(f) => return Next::Error(x.fault_at(program, op, &f)),
                }
            }
            many = all;
            &many
        }
    };
    let name = match name.or_else(|text| parse_name(&text)) {
        Ok(n) => n,
        Err(e) => return Next::Error(x.error_at(program, op, "", e.0)),
    };
    let one = match h.values.as_slice() {
        [Arg::Lit(id)] => sh.literals.value(*id),
        _ => None,
    };
    let headers = if x.section < 2 {
        &mut x.ctx.req.headers
    } else {
        &mut x.ctx.resp.headers
    };
    match headers.apply_named(name, h.action, values, one) {
        Ok(()) => Next::Go,
        Err(e) => Next::Error(x.error_at(program, op, "", e.0)),
    }
}

/// Applies `action` with `values` to entry `name` of multimap `map`.
pub(crate) fn apply_multi(
    map: &mut Vec<(Arc<str>, Vec<Arc<str>>)>,
    name: &Arc<str>,
    action: ExistsAction,
    values: Vec<Arc<str>>,
) {
    let at = map.iter().position(|(k, _)| k.eq_ignore_ascii_case(name));
    match (action, at) {
        (ExistsAction::Delete, Some(i)) => {
            map.remove(i);
        }
        (ExistsAction::Delete, None) | (ExistsAction::Skip, Some(_)) => {}
        (ExistsAction::Append, Some(i)) => map[i].1.extend(values),
        (_, Some(i)) => map[i].1 = values,
        (_, None) => map.push((name.clone(), values)),
    }
}
