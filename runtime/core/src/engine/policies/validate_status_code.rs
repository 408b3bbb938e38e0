//! `validate-status-code`: a response status the operation does not declare (neither
//! exactly nor through `default`) is an `Unspecified` error, with the action of its
//! `status-code` override or `unspecified-status-code-action`.

use super::super::exchange::Exchange;
use super::super::run::Next;
use super::validation::{contract, Action, Finding, Findings};
use crate::program::{Op, Program, ValidateStatusCode};
use crate::vm::Fault;

/// `validate-status-code`.
pub(super) fn validate_status_code(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    v: &ValidateStatusCode,
) -> Next {
    match check(x, program, v) {
        Ok(found) => found.finish(x, program, op, v.errors_variable_name),
        Err(f) => Next::Error(x.fault_at(program, op, &f)),
    }
}

fn check(x: &mut Exchange, program: &Program, v: &ValidateStatusCode) -> Result<Findings, Fault> {
    let mut found = Findings::default();
    let status = x.ctx.resp.status.as_u16();
    if contract(x, program).is_some_and(|c| c.response(status).is_some()) {
        return Ok(found);
    }
    let action = match v.codes.iter().find(|(code, _)| *code == status) {
        Some((_, a)) => Action::of(x, program, a)?,
        None => Action::of(x, program, &v.unspecified_status_code_action)?,
    };
    let message = format!("Unspecified status code {status} is not allowed.");
    found.push(Finding {
        name: status.to_string(),
        kind: "StatusCode",
        rule: "Unspecified",
        details: message.clone(),
        public: message,
        action,
    });
    Ok(found)
}
