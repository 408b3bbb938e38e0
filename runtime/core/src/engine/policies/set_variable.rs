//! `set-variable`: a value in `context.Variables`.

use super::super::exchange::Exchange;
use super::super::run::Next;
use crate::program::{Op, Program, SetVariable};

/// `set-variable`: literal text is a string; an expression keeps its value (objects stay on
/// the exchange's heap, see [`Exchange::done`]).
pub(super) fn set_variable(x: &mut Exchange, program: &Program, op: &Op, s: &SetVariable) -> Next {
    let v = match x.arg_value(program, &s.value) {
        Ok(v) => v,
        Err(f) => return Next::Error(x.fault_at(program, op, &f)),
    };
    x.set_variable_named(program, s.name, v);
    Next::Go
}
