//! `validate-headers`: the response's headers against the headers the operation declares
//! for the response's status. A declared header must satisfy its schema (and be present
//! when required): `specified-header-action`; any other header is `Unspecified`:
//! `unspecified-header-action`. A `header` override sets the action of one name.

use super::super::exchange::Exchange;
use super::super::run::Next;
use super::validation::{check_text, contract, Action, Finding, Findings};
use crate::engine::schemas::Additional;
use crate::program::{Op, ParamSpec, Program, ValidateHeaders};
use crate::vm::Fault;
use std::sync::Arc;

/// Response headers the transport or gateway sets, never reported as unspecified.
pub(super) const TRANSPORT_RESPONSE_HEADERS: &[&str] = &[
    "content-length",
    "content-type",
    "date",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "server",
];

/// `validate-headers`.
pub(super) fn validate_headers(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    v: &ValidateHeaders,
) -> Next {
    match check(x, program, v) {
        Ok(found) => found.finish(x, program, op, v.errors_variable_name),
        Err(f) => Next::Error(x.fault_at(program, op, &f)),
    }
}

fn check(x: &mut Exchange, program: &Program, v: &ValidateHeaders) -> Result<Findings, Fault> {
    let mut found = Findings::default();
    let status = x.ctx.resp.status.as_u16();
    let declared: &[ParamSpec] = contract(x, program)
        .and_then(|c| c.response(status))
        .map_or(&[], |r| &r.headers);
    let specified = Action::of(x, program, &v.specified_header_action)?;
    let unspecified = Action::of(x, program, &v.unspecified_header_action)?;
    let mut overrides = Vec::with_capacity(v.headers.len());
    for (name, a) in &v.headers {
        overrides.push((program.str(*name), Action::of(x, program, a)?));
    }
    let action_for = |name: &str, default: Action| {
        overrides
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map_or(default, |(_, a)| *a)
    };
    let sh = x.ctx.sh.clone();
    for d in declared {
        let name = program.str(d.name);
        let action = action_for(name, specified);
        let values: Option<Vec<Arc<str>>> = x.ctx.resp.headers.values(name).map(<[_]>::to_vec);
        let Some(values) = values else {
            if d.required {
                let details = format!("Response header {name} is required but missing.");
                found.push(finding(name, "ValidationError", details, action));
            }
            continue;
        };
        let Some(schema) = d.schema else { continue };
        let validator = match sh.schemas.get(schema, Additional::AsDeclared) {
            Ok(v) => v,
            Err(e) => {
                let details = format!("API's schema could not be resolved: {e}");
                found.push(finding(name, "ValidationException", details, action));
                continue;
            }
        };
        for value in &values {
            if let Err(e) = check_text(validator, value) {
                let details = format!("Response header {name} contains invalid value. {e}");
                found.push(finding(name, "ValidationError", details, action));
            }
        }
    }
    for name in x.ctx.resp.headers.keys() {
        let known = declared
            .iter()
            .any(|d| program.str(d.name).eq_ignore_ascii_case(&name))
            || TRANSPORT_RESPONSE_HEADERS
                .iter()
                .any(|t| t.eq_ignore_ascii_case(&name));
        if !known {
            let details = format!("Unspecified header {name} is not allowed.");
            found.push(finding(
                &name,
                "Unspecified",
                details,
                action_for(&name, unspecified),
            ));
        }
    }
    Ok(found)
}

fn finding(name: &str, rule: &'static str, details: String, action: Action) -> Finding {
    Finding {
        name: name.to_string(),
        kind: "ResponseHeader",
        rule,
        public: details.clone(),
        details,
        action,
    }
}
