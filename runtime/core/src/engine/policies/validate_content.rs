//! `validate-content`: the section's message body (the request in `inbound`, the response
//! after it) checked for size (`max-size`), content type (`content-type-map`, `content`)
//! and content: JSON against a JSON Schema (the operation's declared one, or `schema-id`),
//! XML and SOAP for well-formedness. Bodies are parsed within bounds: past `max-size` a
//! body is not parsed, nesting deeper than the engine's limit, invalid UTF-8 and XML
//! document type declarations (entities) are errors with their position.

use super::super::exchange::{Body, Exchange};
use super::super::run::Next;
use super::validation::{contract, on_request, Action, Finding, Findings};
use crate::engine::schemas::Additional;
use crate::program::{BodySpec, ContentRule, Op, Program, StrId, ValidateAs, ValidateContent};
use crate::vm::Fault;

mod parse;

/// `validate-content`.
pub(super) fn validate_content(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    v: &ValidateContent,
) -> Next {
    match check(x, program, v) {
        Ok(found) => found.finish(x, program, op, v.errors_variable_name),
        Err(f) => Next::Error(x.fault_at(program, op, &f)),
    }
}

/// `RequestBody` or `ResponseBody`, and `Request`/`Response` as APIM's messages say.
fn kind(request: bool) -> (&'static str, &'static str) {
    if request {
        ("RequestBody", "request")
    } else {
        ("ResponseBody", "response")
    }
}

fn check(x: &mut Exchange, program: &Program, v: &ValidateContent) -> Result<Findings, Fault> {
    let mut found = Findings::default();
    let request = on_request(x);
    let (body_kind, word) = kind(request);
    let body = {
        let b = if request {
            &x.ctx.req.body
        } else {
            &x.ctx.resp.body
        };
        match b {
            Body::Held(b) => b.clone(),
            _ => bytes::Bytes::new(),
        }
    };
    let max = x.arg_int(program, &v.max_size)?;
    let size = body.len();
    if i64::try_from(size).unwrap_or(i64::MAX) > max {
        let action = Action::of(x, program, &v.size_exceeded_action)?;
        let cap = if request { "Request's" } else { "Response's" };
        found.push(Finding {
            name: String::new(),
            kind: body_kind,
            rule: "SizeLimit",
            details: format!(
                "{cap} body is {size} bytes long and it exceeds the configured limit of {max} bytes."
            ),
            public: format!("{cap} body is {size} bytes long and it exceeds the limit of {max} bytes."),
            action,
        });
        // A body past the limit is never parsed.
        return Ok(found);
    }
    // An empty body (or none) has no content to check.
    if body.is_empty() {
        return Ok(found);
    }
    let content_type = effective_type(x, program, v, request)?;
    let Some(rule) = rule_for(program, v, &content_type) else {
        let action = Action::of(x, program, &v.unspecified_content_type_action)?;
        let details = format!("Unspecified content type {content_type} is not allowed.");
        found.push(Finding {
            name: content_type,
            kind: body_kind,
            rule: "Unspecified",
            public: details.clone(),
            details,
            action,
        });
        return Ok(found);
    };
    let action = Action::of(x, program, &rule.action)?;
    if action == Action::Ignore {
        return Ok(found);
    }
    let depth = x.ctx.sh.config.validation.max_depth;
    let problem = match rule.validate_as {
        ValidateAs::Json => check_json(x, program, rule, &content_type, request, &body, depth),
        ValidateAs::Xml => parse::xml(&body, depth, None).err(),
        ValidateAs::Soap => parse::xml(&body, depth, Some(&content_type)).err(),
    };
    if let Some((rule_name, error)) = problem {
        let details = if rule_name == "ValidationException" {
            format!("Body of the {word} cannot be validated for the content type {content_type}. {error}")
        } else {
            format!("Body of the {word} does not conform to the definition which is associated with the content type {content_type}. {error}")
        };
        found.push(Finding {
            name: content_type,
            kind: body_kind,
            rule: rule_name,
            public: details.clone(),
            details,
            action,
        });
    }
    Ok(found)
}

/// The content type the body is validated as: `any-content-type-value`, else (without a
/// `Content-Type`) `missing-content-type-value`, else the first `type` mapping that
/// applies, else the message's own (media type only, lower case; empty without one).
fn effective_type(
    x: &mut Exchange,
    program: &Program,
    v: &ValidateContent,
    request: bool,
) -> Result<String, Fault> {
    if let Some(any) = v.any_content_type_value {
        return Ok(program.str(any).to_ascii_lowercase());
    }
    let headers = if request {
        &x.ctx.req.headers
    } else {
        &x.ctx.resp.headers
    };
    let declared = headers
        .values("content-type")
        .and_then(|v| v.first())
        .map(|t| {
            t.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|t| !t.is_empty());
    let Some(actual) = declared else {
        let missing = v.missing_content_type_value.map(|m| program.str(m));
        return Ok(missing.unwrap_or("").to_ascii_lowercase());
    };
    for t in &v.type_map {
        let applies = match (t.from, &t.when) {
            (Some(from), _) => program.str(from).eq_ignore_ascii_case(&actual),
            (None, Some(crate::program::Arg::Expr(c))) => x.eval_bool(program, *c)?,
            (None, Some(crate::program::Arg::Lit(s))) => {
                program.str(*s).trim().eq_ignore_ascii_case("true")
            }
            (None, None) => false,
        };
        if applies {
            return Ok(program.str(t.to).to_ascii_lowercase());
        }
    }
    Ok(actual)
}

/// The `content` element for `content_type`: the one naming it, else one without `type`.
fn rule_for<'v>(
    program: &Program,
    v: &'v ValidateContent,
    content_type: &str,
) -> Option<&'v ContentRule> {
    let named = v.contents.iter().find(|c| {
        c.content_type
            .is_some_and(|t| program.str(t).eq_ignore_ascii_case(content_type))
    });
    named.or_else(|| v.contents.iter().find(|c| c.content_type.is_none()))
}

/// A JSON body: parsed within bounds, then checked against its schema. `Some` is the
/// validation rule broken and the error.
fn check_json(
    x: &Exchange,
    program: &Program,
    rule: &ContentRule,
    content_type: &str,
    request: bool,
    body: &[u8],
    depth: usize,
) -> Option<(&'static str, String)> {
    let value = match parse::json(body, depth) {
        Ok(v) => v,
        Err(e) => return Some(("IncorrectMessage", e)),
    };
    let schema = rule
        .schema
        .or_else(|| declared_schema(x, program, content_type, request))?;
    let validator = match x
        .ctx
        .sh
        .schemas
        .get(schema, Additional::of(rule.allow_additional_properties))
    {
        Ok(v) => v,
        Err(e) => {
            return Some((
                "ValidationException",
                format!("API's schema could not be resolved: {e}"),
            ))
        }
    };
    // The common case, a valid body, without building errors.
    if validator.is_valid(&value) {
        return None;
    }
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .take(MAX_REPORTED)
        .map(|e| {
            let at = e.instance_path.to_string();
            if at.is_empty() {
                format!("{e}.")
            } else {
                format!("{e} at '{at}'.")
            }
        })
        .collect();
    (!errors.is_empty()).then(|| ("IncorrectMessage", errors.join(" ")))
}

/// Schema errors one body reports.
const MAX_REPORTED: usize = 5;

/// The operation's schema for this body: the request body of `content_type`, or the
/// response's for its status (exactly, else `default`).
fn declared_schema(
    x: &Exchange,
    program: &Program,
    content_type: &str,
    request: bool,
) -> Option<StrId> {
    let c = contract(x, program)?;
    let bodies: &[BodySpec] = if request {
        &c.request
    } else {
        &c.response(x.ctx.resp.status.as_u16())?.bodies
    };
    let same = |b: &&BodySpec| {
        program
            .str(b.content_type)
            .eq_ignore_ascii_case(content_type)
    };
    let any = |b: &&BodySpec| matches!(program.str(b.content_type), "*/*" | "application/*");
    bodies
        .iter()
        .find(same)
        .or_else(|| bodies.iter().find(any))?
        .schema
}
