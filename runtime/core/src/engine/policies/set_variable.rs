//! `set-variable`: a value in `context.Variables`.

use super::super::exchange::Exchange;
use super::super::run::Next;
use crate::program::{Arg, Op, Program, SetVariable};
use crate::value::Value;

/// `set-variable`: literal text is a string; an expression keeps its value (objects stay on
/// the exchange's heap, see [`Exchange::done`]).
pub(super) fn set_variable(x: &mut Exchange, program: &Program, op: &Op, s: &SetVariable) -> Next {
    let (name, value) = (s.name, &s.value);
    let v = match value {
        Arg::Lit(s) => Value::Str(
            program
                .strings
                .get(*s as usize)
                .cloned()
                .unwrap_or_default(),
        ),
        Arg::Expr(c) => match x.eval(program, *c) {
            Ok(e) => {
                let v = e.value.clone();
                if matches!(v, Value::Ref(_)) {
                    x.keep_all = true;
                }
                x.done(e);
                v
            }
            Err(f) => return Next::Error(x.fault_at(program, op, &f)),
        },
    };
    x.set_variable_named(program, name, v);
    Next::Go
}
