//! `validate-parameters`: the request's path, query and header parameters against the
//! operation's declared ones. A declared parameter must be present when required and
//! satisfy its schema (the specified action); a query parameter or header the operation
//! does not declare is `Unspecified` (the unspecified action). Actions come from a
//! `parameter` override, else its `headers`/`query`/`path` block, else the policy.

use super::super::exchange::Exchange;
use super::super::run::Next;
use super::validation::{check_text, contract, Action, Finding, Findings};
use crate::engine::schemas::Additional;
use crate::program::{Op, ParamBlock, ParamIn, ParamSpec, Program, ValidateParameters};
use crate::vm::Fault;
use std::sync::Arc;

/// Request headers of HTTP itself, of proxies and of the gateway: never unspecified.
const TRANSPORT_REQUEST_HEADERS: &[&str] = &[
    "accept",
    "accept-charset",
    "accept-encoding",
    "accept-language",
    "authorization",
    "cache-control",
    "connection",
    "content-length",
    "content-type",
    "cookie",
    "expect",
    "forwarded",
    "host",
    "keep-alive",
    "origin",
    "pragma",
    "referer",
    "te",
    "traceparent",
    "tracestate",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-proto",
    "ocp-apim-subscription-key",
    "ocp-apim-trace",
];

/// The actions of one kind of parameter.
struct Actions {
    specified: Action,
    unspecified: Action,
    overrides: Vec<(Arc<str>, Action)>,
}

impl Actions {
    fn read(
        x: &mut Exchange,
        program: &Program,
        v: &ValidateParameters,
        block: &ParamBlock,
    ) -> Result<Actions, Fault> {
        let specified = Action::of(
            x,
            program,
            block
                .specified
                .as_ref()
                .unwrap_or(&v.specified_parameter_action),
        )?;
        let unspecified = Action::of(
            x,
            program,
            block
                .unspecified
                .as_ref()
                .unwrap_or(&v.unspecified_parameter_action),
        )?;
        let mut overrides = Vec::with_capacity(block.parameters.len());
        for (name, a) in &block.parameters {
            overrides.push((
                program.strings[*name as usize].clone(),
                Action::of(x, program, a)?,
            ));
        }
        Ok(Actions {
            specified,
            unspecified,
            overrides,
        })
    }

    fn of(&self, name: &str, declared: bool, case_sensitive: bool) -> Action {
        let same = |n: &str| {
            if case_sensitive {
                n == name
            } else {
                n.eq_ignore_ascii_case(name)
            }
        };
        match self.overrides.iter().find(|(n, _)| same(n)) {
            Some((_, a)) => *a,
            None if declared => self.specified,
            None => self.unspecified,
        }
    }
}

/// `validate-parameters`.
pub(super) fn validate_parameters(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    v: &ValidateParameters,
) -> Next {
    match check(x, program, v) {
        Ok(found) => found.finish(x, program, op, v.errors_variable_name),
        Err(f) => Next::Error(x.fault_at(program, op, &f)),
    }
}

fn check(x: &mut Exchange, program: &Program, v: &ValidateParameters) -> Result<Findings, Fault> {
    let mut found = Findings::default();
    // `blocks` is headers, query, path.
    let headers = Actions::read(x, program, v, &v.blocks[0])?;
    let query = Actions::read(x, program, v, &v.blocks[1])?;
    let path = Actions::read(x, program, v, &v.blocks[2])?;
    let declared: &[ParamSpec] = contract(x, program).map_or(&[], |c| &c.parameters);
    for d in declared {
        let name = program.str(d.name);
        let (actions, values) = match d.location {
            ParamIn::Path => (&path, path_value(x, name)),
            ParamIn::Query => (&query, query_values(x, name)),
            ParamIn::Header => (&headers, x.ctx.req.headers.values(name).map(<[_]>::to_vec)),
        };
        let action = actions.of(name, true, d.location != ParamIn::Header);
        check_declared(x, d, name, values, action, &mut found);
    }
    let key_query = key_query(x, program);
    let received: Vec<Arc<str>> = x.ctx.req.query().iter().map(|(k, _)| k.clone()).collect();
    for name in received {
        let declared = declared
            .iter()
            .any(|d| d.location == ParamIn::Query && program.str(d.name) == &*name);
        if !declared && key_query.as_deref() != Some(&*name) {
            let details = format!("Unspecified query parameter {name} is not allowed.");
            let action = query.of(&name, false, true);
            found.push(finding(
                &name,
                ParamIn::Query,
                "Unspecified",
                details,
                action,
            ));
        }
    }
    let key_header = key_header(x, program);
    for name in x.ctx.req.headers.keys() {
        let known = declared.iter().any(|d| {
            d.location == ParamIn::Header && program.str(d.name).eq_ignore_ascii_case(&name)
        }) || TRANSPORT_REQUEST_HEADERS
            .iter()
            .any(|t| t.eq_ignore_ascii_case(&name))
            || key_header
                .as_deref()
                .is_some_and(|k| k.eq_ignore_ascii_case(&name));
        if !known {
            let details = format!("Unspecified header {name} is not allowed.");
            let action = headers.of(&name, false, false);
            found.push(finding(
                &name,
                ParamIn::Header,
                "Unspecified",
                details,
                action,
            ));
        }
    }
    Ok(found)
}

/// A declared parameter: present when required, each value valid against its schema.
fn check_declared(
    x: &Exchange,
    d: &ParamSpec,
    name: &str,
    values: Option<Vec<Arc<str>>>,
    action: Action,
    found: &mut Findings,
) {
    let what = place(d.location);
    let Some(values) = values else {
        if d.required {
            let details = format!("{what} {name} is required but missing.");
            found.push(finding(
                name,
                d.location,
                "ValidationError",
                details,
                action,
            ));
        }
        return;
    };
    let Some(schema) = d.schema else { return };
    let validator = match x.ctx.sh.schemas.get(schema, Additional::AsDeclared) {
        Ok(v) => v,
        Err(e) => {
            let details = format!("API's schema could not be resolved: {e}");
            found.push(finding(
                name,
                d.location,
                "ValidationException",
                details,
                action,
            ));
            return;
        }
    };
    for value in &values {
        if let Err(e) = check_text(validator, value) {
            let details = format!("{what} {name} contains invalid value. {e}");
            found.push(finding(
                name,
                d.location,
                "ValidationError",
                details,
                action,
            ));
        }
    }
}

/// The matched template value of `name`.
fn path_value(x: &Exchange, name: &str) -> Option<Vec<Arc<str>>> {
    let (_, value, _) = x.ctx.params.iter().find(|(k, _, _)| &**k == name)?;
    Some(vec![value.clone()])
}

/// The query values of `name`.
fn query_values(x: &Exchange, name: &str) -> Option<Vec<Arc<str>>> {
    let q = x.ctx.req.query();
    let (_, values) = q.iter().find(|(k, _)| &**k == name)?;
    Some(values.clone())
}

/// The API's subscription key query parameter (never unspecified).
fn key_query(x: &Exchange, program: &Program) -> Option<String> {
    let api = program.apis.get(x.ctx.api? as usize)?;
    Some(program.str(api.key_query).to_string()).filter(|k| !k.is_empty())
}

/// The API's subscription key header (never unspecified).
fn key_header(x: &Exchange, program: &Program) -> Option<String> {
    let api = program.apis.get(x.ctx.api? as usize)?;
    Some(program.str(api.key_header).to_string()).filter(|k| !k.is_empty())
}

/// The words APIM's messages use for a parameter's place.
fn place(p: ParamIn) -> &'static str {
    match p {
        ParamIn::Path => "Path parameter",
        ParamIn::Query => "Query parameter",
        ParamIn::Header => "Header",
    }
}

fn finding(name: &str, p: ParamIn, rule: &'static str, details: String, action: Action) -> Finding {
    let kind = match p {
        ParamIn::Path => "PathParameter",
        ParamIn::Query => "QueryParameter",
        ParamIn::Header => "RequestHeader",
    };
    Finding {
        name: name.to_string(),
        kind,
        rule,
        public: details.clone(),
        details,
        action,
    }
}
