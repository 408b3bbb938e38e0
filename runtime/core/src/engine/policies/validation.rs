//! What the validation policies share: their actions (`ignore`, `detect`, `prevent`), the
//! error objects APIM documents (`Name`, `Type`, `ValidationRule`, `Details`, `Action`),
//! the `errors-variable-name` variable and the `prevent` answer (400 in `inbound`, 502
//! after it) with its public message and `context.LastError`.

use super::super::error;
use super::super::exchange::{Body, Exchange, Reply};
use super::super::headers::Headers;
use super::super::run::Next;
use crate::program::{Arg, Contract, Op, Program, StrId};
use crate::value::Value;
use crate::vm::Fault;
use http::StatusCode;

/// What a validation does with what it finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Action {
    /// Nothing.
    Ignore,
    /// Records it (`errors-variable-name`) and goes on.
    Detect,
    /// Records it and stops the request.
    Prevent,
}

impl Action {
    /// The action an argument names (case-insensitive).
    pub(super) fn of(x: &mut Exchange, program: &Program, a: &Arg) -> Result<Action, Fault> {
        let text = x.arg_text(program, a)?;
        match text.trim().to_ascii_lowercase().as_str() {
            "ignore" => Ok(Action::Ignore),
            "detect" => Ok(Action::Detect),
            "prevent" => Ok(Action::Prevent),
            _ => Err(Fault::unsupported(format!(
                "'{text}' as a validation action (ignore, detect or prevent)"
            ))),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Action::Ignore => "ignore",
            Action::Detect => "detect",
            Action::Prevent => "prevent",
        }
    }
}

/// One validation error, as APIM reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Finding {
    /// `Name`: the parameter, header, content type or status the error is about.
    pub name: String,
    /// `Type`: `RequestBody`, `ResponseBody`, `QueryParameter`, `PathParameter`,
    /// `RequestHeader`, `ResponseHeader`, `StatusCode` or `ApiSchema`.
    pub kind: &'static str,
    /// `ValidationRule`: `SizeLimit`, `Unspecified`, `IncorrectMessage`, `MissingDefinition`,
    /// `ValidationError`, `ValidationException`.
    pub rule: &'static str,
    /// `Details`: for the operator, not the client.
    pub details: String,
    /// What the client is told when the error prevents the request (inbound).
    pub public: String,
    /// `Action`.
    pub action: Action,
}

/// The findings of one validation policy run.
#[derive(Debug, Default)]
pub(super) struct Findings {
    found: Vec<Finding>,
}

/// The public message of outbound validation errors.
const OUTBOUND_PUBLIC: &str =
    "The request could not be processed due to an internal error. Contact the API owner.";

/// Most errors one policy run records.
const MAX_FINDINGS: usize = 100;

impl Findings {
    /// Records `f` unless its action is `ignore` (or too many are recorded already).
    pub(super) fn push(&mut self, f: Finding) {
        if f.action != Action::Ignore && self.found.len() < MAX_FINDINGS {
            self.found.push(f);
        }
    }

    /// The findings as a JSON array of APIM's error objects.
    fn json(&self) -> String {
        let items: Vec<serde_json::Value> = self
            .found
            .iter()
            .map(|f| {
                serde_json::json!({
                    "Name": f.name,
                    "Type": f.kind,
                    "ValidationRule": f.rule,
                    "Details": f.details,
                    "Action": f.action.name(),
                })
            })
            .collect();
        serde_json::Value::Array(items).to_string()
    }

    /// Ends the policy: writes the variable (when named and something was found), then
    /// goes on, or answers 400 (`inbound`) / 502 (later sections) for `prevent`.
    pub(super) fn finish(
        self,
        x: &mut Exchange,
        program: &Program,
        op: &Op,
        variable: Option<StrId>,
    ) -> Next {
        if let Some(name) = variable {
            if !self.found.is_empty() {
                x.set_variable_named(program, name, Value::str(self.json()));
            }
        }
        let Some(first) = self.found.iter().find(|f| f.action == Action::Prevent) else {
            return Next::Go;
        };
        let inbound = x.section < 2;
        let (status, reason, public) = if inbound {
            (
                StatusCode::BAD_REQUEST,
                "Bad request",
                first.public.as_str(),
            )
        } else {
            (
                StatusCode::BAD_GATEWAY,
                "Response not allowed",
                OUTBOUND_PUBLIC,
            )
        };
        x.ctx.resp = Reply {
            status,
            reason: None,
            headers: Headers::new(error::json_headers()),
            body: Body::Held(error::json_body(status, public)),
        };
        let message = first.details.clone();
        Next::Fail(x.error_at(program, op, reason, message))
    }
}

/// Whether the current section works on the request (`inbound`, `backend`).
pub(super) fn on_request(x: &Exchange) -> bool {
    x.section < 2
}

/// The contract of the exchange's operation (none before routing, or for a request that
/// matched no operation).
pub(super) fn contract<'p>(x: &Exchange, program: &'p Program) -> Option<&'p Contract> {
    let (api, op) = x.ctx.api.zip(x.ctx.op)?;
    let op = program
        .apis
        .get(api as usize)?
        .operations
        .get(op as usize)?;
    Some(&op.contract)
}

/// Checks a parameter or header value (text) against its compiled schema: valid when the
/// text, or the number, boolean or comma-separated array it spells, satisfies it. `Err`
/// holds the first error of the text's own check.
pub(super) fn check_text(schema: &jsonschema::Validator, text: &str) -> Result<(), String> {
    use serde_json::Value as J;
    let as_text = J::String(text.to_string());
    let first = match schema.iter_errors(&as_text).next() {
        None => return Ok(()),
        Some(e) => e.to_string(),
    };
    let scalar = |t: &str| -> J {
        let t = t.trim();
        match t {
            "true" => J::Bool(true),
            "false" => J::Bool(false),
            "null" => J::Null,
            _ => t
                .parse::<i64>()
                .map(J::from)
                .ok()
                .or_else(|| {
                    t.parse::<f64>()
                        .ok()
                        .and_then(|f| serde_json::Number::from_f64(f).map(J::Number))
                })
                .unwrap_or_else(|| J::String(t.to_string())),
        }
    };
    let candidates = [
        scalar(text),
        J::Array(text.split(',').map(scalar).collect()),
    ];
    if candidates.iter().any(|c| schema.is_valid(c)) {
        return Ok(());
    }
    Err(first)
}
