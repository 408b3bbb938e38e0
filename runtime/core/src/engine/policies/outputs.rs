//! What policies write besides the message: `context.Variables` entries (and the values
//! they are given) and headers added to the final response whatever it is (rate-limit
//! counters).

use super::super::exchange::Exchange;
use crate::program::{Arg, Program, StrId};
use crate::value::Value;
use crate::vm::Fault;
use http::header::{HeaderName, HeaderValue};
use std::sync::Arc;

impl Exchange {
    /// An argument's value for a variable: literal text is a string; an expression keeps
    /// its value (objects stay on the exchange's heap, see [`Exchange::done`]).
    pub(crate) fn arg_value(&mut self, program: &Program, a: &Arg) -> Result<Value, Fault> {
        let Arg::Expr(code) = a else {
            return self.arg_text(program, a).map(Value::Str);
        };
        let e = self.eval(program, *code)?;
        let v = e.value.clone();
        if matches!(v, Value::Ref(_)) {
            self.keep_all = true;
        }
        self.done(e);
        Ok(v)
    }

    /// Sets variable `name` to `v` (replacing its value if it is set).
    pub(crate) fn set_variable(&mut self, name: Arc<str>, v: Value) {
        match self.ctx.vars.iter_mut().find(|(k, _)| *k == name) {
            Some((_, slot)) => *slot = v,
            None => self.ctx.vars.push((name, v)),
        }
    }

    /// Sets the variable named by the program's string `name` to `v`.
    pub(crate) fn set_variable_named(&mut self, program: &Program, name: StrId, v: Value) {
        let name: Arc<str> = program
            .strings
            .get(name as usize)
            .cloned()
            .unwrap_or_default();
        self.set_variable(name, v);
    }

    /// Adds header `name` (if given and valid) with the number `n` to the final response,
    /// replacing an earlier value of the same header.
    pub(crate) fn add_final_header(&mut self, program: &Program, name: Option<StrId>, n: u64) {
        let Some(name) = name.and_then(|n| HeaderName::from_bytes(program.str(n).as_bytes()).ok())
        else {
            return;
        };
        self.extra.retain(|(k, _)| *k != name);
        self.extra.push((name, HeaderValue::from(n)));
    }
}
