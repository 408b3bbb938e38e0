//! What policies write besides the message: `context.Variables` entries and headers added
//! to the final response whatever it is (rate-limit counters).

use super::super::exchange::Exchange;
use crate::program::{Program, StrId};
use crate::value::Value;
use http::header::{HeaderName, HeaderValue};
use std::sync::Arc;

impl Exchange {
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
