//! `validate-graphql-request`: the GraphQL request (a `POST` JSON body `{query,
//! operationName, variables}`, an `application/graphql` body, or `GET ?query=`) checked for
//! size (`max-size`), syntax and validity against the API's schema (`specification.graphql`,
//! parsed once at load), depth (`max-depth`, fragments followed), and its fields authorised
//! by the `authorize` rules: `reject` fails the request, `remove` takes the field out of the
//! query the backend gets, `allow` passes it, `ignore` tries the next rule.
//!
//! A request error answers `400` with a GraphQL errors block and no data; every error (also
//! a removed field's) is in the `GraphQLErrors` variable and `error-variable-name`, as a
//! JSON array of `{message}` objects.

use super::super::error;
use super::super::exchange::{Body, Exchange, Reply};
use super::super::headers::Headers;
use super::super::run::Next;
use crate::program::{Op, Program, ValidateGraphqlRequest};
use crate::value::Value;
use crate::vm::Fault;
use apollo_compiler::executable::{Selection, SelectionSet};
use apollo_compiler::validation::Valid;
use apollo_compiler::{ExecutableDocument, Schema};
use bytes::Bytes;
use http::StatusCode;
use std::collections::HashSet;
use std::sync::Arc;

/// APIM's default `max-depth`.
const DEFAULT_MAX_DEPTH: i64 = 6;

/// Most fields a request may select at all levels (APIM's documented limit).
const MAX_FIELDS: usize = 250;

/// The variable every GraphQL validation error also goes to.
const GRAPHQL_ERRORS: &str = "GraphQLErrors";

/// The schema of each API of `program` that has one, parsed and validated once.
pub(crate) fn schemas(program: &Program) -> Vec<Option<Arc<Valid<Schema>>>> {
    program
        .apis
        .iter()
        .map(|a| {
            let sdl = program.str(a.graphql_schema?);
            Schema::parse_and_validate(sdl, "schema.graphql")
                .ok()
                .map(Arc::new)
        })
        .collect()
}

/// `validate-graphql-request`.
pub(super) fn validate_graphql_request(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    v: &ValidateGraphqlRequest,
) -> Next {
    match check(x, program, v) {
        Ok(Outcome::Pass(errors)) => {
            record(x, program, v, &errors).unwrap_or(());
            Next::Go
        }
        Ok(Outcome::Fail(errors)) => {
            if let Err(f) = record(x, program, v, &errors) {
                return Next::Error(x.fault_at(program, op, &f));
            }
            fail(x, program, op, &errors)
        }
        Err(f) => Next::Error(x.fault_at(program, op, &f)),
    }
}

/// What the checks decided: go on (with field errors), or fail the request.
enum Outcome {
    Pass(Vec<String>),
    Fail(Vec<String>),
}

/// The GraphQL request in the message: its query and where it came from.
struct Request {
    query: String,
    operation: Option<String>,
    from: Source,
}

enum Source {
    /// A JSON body; the query is its `query` member.
    Json(serde_json::Value),
    /// An `application/graphql` body.
    Raw,
    /// The `query` query parameter.
    Query,
}

fn check(
    x: &mut Exchange,
    program: &Program,
    v: &ValidateGraphqlRequest,
) -> Result<Outcome, Fault> {
    let max_size = x.arg_int(program, &v.max_size)?;
    let max_depth = match &v.max_depth {
        Some(a) => x.arg_int(program, a)?,
        None => DEFAULT_MAX_DEPTH,
    };
    let body = match &x.ctx.req.body {
        Body::Held(b) => b.clone(),
        _ => Bytes::new(),
    };
    if i64::try_from(body.len()).unwrap_or(i64::MAX) > max_size {
        let e = format!(
            "The request is {} bytes, over the limit of {max_size} bytes.",
            body.len()
        );
        return Ok(Outcome::Fail(vec![e]));
    }
    let req = match read_request(x, &body) {
        Ok(r) => r,
        Err(e) => return Ok(Outcome::Fail(vec![e])),
    };
    let schema = x
        .ctx
        .api
        .and_then(|a| x.ctx.sh.graphql.get(a as usize).cloned().flatten());
    let Some(schema_ref) = schema.as_deref() else {
        // No schema (`specification.graphql`): the syntax, size and depth only.
        return Ok(match syntax_depth(&req.query) {
            Err(errors) => Outcome::Fail(errors),
            Ok(d) => over_limits(&d, max_depth).map_or(Outcome::Pass(Vec::new()), Outcome::Fail),
        });
    };
    let doc =
        match ExecutableDocument::parse_and_validate(schema_ref, &req.query, "request.graphql") {
            Ok(d) => d.into_inner(),
            Err(e) => return Ok(Outcome::Fail(messages(&e.errors))),
        };
    if let Some(errors) = over_limits(&depth(&doc), max_depth) {
        return Ok(Outcome::Fail(errors));
    }
    authorize(x, program, v, schema.as_deref(), doc, req)
}

/// The first limit the query is over: fields selected, then depth.
fn over_limits(depth: &Depth, max_depth: i64) -> Option<Vec<String>> {
    if depth.fields > MAX_FIELDS {
        let e = format!(
            "The query selects {} fields, over the limit of {MAX_FIELDS}.",
            depth.fields
        );
        return Some(vec![e]);
    }
    if i64::try_from(depth.max).unwrap_or(i64::MAX) > max_depth {
        let e = format!(
            "The query has depth {}, over the limit of {max_depth}.",
            depth.max
        );
        return Some(vec![e]);
    }
    None
}

/// The request's query: from the JSON body, an `application/graphql` body, or `?query=`.
fn read_request(x: &Exchange, body: &Bytes) -> Result<Request, String> {
    let query_param = |name: &str| {
        x.ctx
            .req
            .query()
            .iter()
            .find(|(k, _)| &**k == name)
            .and_then(|(_, vs)| vs.first().map(|v| v.to_string()))
    };
    if body.is_empty() {
        let query = query_param("query").ok_or("The request has no GraphQL query.")?;
        return Ok(Request {
            query,
            operation: query_param("operationName"),
            from: Source::Query,
        });
    }
    let text =
        std::str::from_utf8(body).map_err(|_| "The request body is not UTF-8.".to_string())?;
    let content_type = x
        .ctx
        .req
        .headers
        .map()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if content_type
        .to_ascii_lowercase()
        .starts_with("application/graphql")
    {
        return Ok(Request {
            query: text.to_string(),
            operation: query_param("operationName"),
            from: Source::Raw,
        });
    }
    let json: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| format!("The request body is not a GraphQL request: {e}."))?;
    let query = json
        .get("query")
        .and_then(|q| q.as_str())
        .ok_or("The request body has no \"query\" string.")?
        .to_string();
    let operation = json
        .get("operationName")
        .and_then(|o| o.as_str())
        .map(str::to_string);
    Ok(Request {
        query,
        operation,
        from: Source::Json(json),
    })
}

/// The messages of a diagnostic list (at most 20).
fn messages(e: &apollo_compiler::validation::DiagnosticList) -> Vec<String> {
    e.iter().take(20).map(|d| d.error.to_string()).collect()
}

/// The depth of a query read without a schema (its syntax checked).
fn syntax_depth(query: &str) -> Result<Depth, Vec<String>> {
    use apollo_compiler::ast::{Definition, Selection as S};
    let doc = apollo_compiler::ast::Document::parse(query, "request.graphql")
        .map_err(|e| messages(&e.errors))?;
    let fragments: std::collections::HashMap<String, &Vec<S>> = doc
        .definitions
        .iter()
        .filter_map(|d| match d {
            Definition::FragmentDefinition(f) => Some((f.name.to_string(), &f.selection_set)),
            _ => None,
        })
        .collect();
    fn walk(
        set: &[S],
        level: usize,
        frags: &std::collections::HashMap<String, &Vec<S>>,
        seen: &mut HashSet<String>,
        d: &mut Depth,
    ) {
        for sel in set {
            match sel {
                S::Field(f) => {
                    d.fields += 1;
                    d.max = d.max.max(level);
                    if level < 1024 {
                        walk(&f.selection_set, level + 1, frags, seen, d);
                    }
                }
                S::InlineFragment(i) => walk(&i.selection_set, level, frags, seen, d),
                S::FragmentSpread(s) => {
                    if seen.insert(s.fragment_name.to_string()) {
                        if let Some(set) = frags.get(s.fragment_name.as_str()) {
                            walk(set, level, frags, seen, d);
                        }
                    }
                }
            }
        }
    }
    let mut d = Depth { max: 0, fields: 0 };
    for def in &doc.definitions {
        if let Definition::OperationDefinition(op) = def {
            let mut seen = HashSet::new();
            walk(&op.selection_set, 1, &fragments, &mut seen, &mut d);
        }
    }
    Ok(d)
}

/// The deepest field nesting of any operation and the fields selected in all.
struct Depth {
    max: usize,
    fields: usize,
}

fn depth(doc: &ExecutableDocument) -> Depth {
    let mut d = Depth { max: 0, fields: 0 };
    for op in doc.operations.iter() {
        let mut seen = HashSet::new();
        walk_depth(doc, &op.selection_set, 1, &mut seen, &mut d);
    }
    d
}

fn walk_depth(
    doc: &ExecutableDocument,
    set: &SelectionSet,
    level: usize,
    seen: &mut HashSet<String>,
    d: &mut Depth,
) {
    for sel in &set.selections {
        match sel {
            Selection::Field(f) => {
                d.fields += 1;
                d.max = d.max.max(level);
                if !f.selection_set.selections.is_empty() && level < 1024 {
                    walk_depth(doc, &f.selection_set, level + 1, seen, d);
                }
            }
            Selection::InlineFragment(i) => walk_depth(doc, &i.selection_set, level, seen, d),
            Selection::FragmentSpread(s) => {
                // A fragment is followed once per operation (cycles are invalid anyway).
                if seen.insert(s.fragment_name.to_string()) {
                    if let Some(frag) = doc.fragments.get(&s.fragment_name) {
                        walk_depth(doc, &frag.selection_set, level, seen, d);
                    }
                }
            }
        }
    }
}

/// What the rules say of one field.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Allow,
    Remove,
    Reject,
}

fn authorize(
    x: &mut Exchange,
    program: &Program,
    v: &ValidateGraphqlRequest,
    schema: Option<&Valid<Schema>>,
    mut doc: ExecutableDocument,
    req: Request,
) -> Result<Outcome, Fault> {
    if v.rules.is_empty() {
        return Ok(Outcome::Pass(Vec::new()));
    }
    let mut errors = Vec::new();
    let mut removed = false;
    let mut ops: Vec<_> = doc
        .operations
        .iter()
        .map(|o| (o.operation_type, o.name.clone()))
        .collect();
    if let Some(name) = &req.operation {
        ops.retain(|(_, n)| n.as_ref().is_some_and(|n| n.as_str() == name));
    }
    for (kind, name) in ops {
        let root = schema
            .and_then(|s| s.root_operation(kind).map(|n| n.to_string()))
            .unwrap_or_else(|| default_root(kind).to_string());
        let Ok(op) = doc.operations.get_mut(name.as_ref().map(|n| n.as_str())) else {
            continue;
        };
        let set = &mut op.selection_set;
        let verdict = walk_rules(x, program, v, &root, set, &mut errors, &mut removed)?;
        if verdict == Some(Verdict::Reject) {
            return Ok(Outcome::Fail(errors));
        }
    }
    // Fragments are authorised by their type condition.
    let names: Vec<_> = doc.fragments.keys().cloned().collect();
    for name in names {
        let Some(frag) = doc.fragments.get_mut(&name) else {
            continue;
        };
        let frag = frag.make_mut();
        let on = frag.selection_set.ty.to_string();
        let verdict = walk_rules(
            x,
            program,
            v,
            &on,
            &mut frag.selection_set,
            &mut errors,
            &mut removed,
        )?;
        if verdict == Some(Verdict::Reject) {
            return Ok(Outcome::Fail(errors));
        }
    }
    if removed {
        rewrite(x, &doc, req);
    }
    Ok(Outcome::Pass(errors))
}

fn default_root(kind: apollo_compiler::ast::OperationType) -> &'static str {
    match kind {
        apollo_compiler::ast::OperationType::Query => "Query",
        apollo_compiler::ast::OperationType::Mutation => "Mutation",
        apollo_compiler::ast::OperationType::Subscription => "Subscription",
    }
}

/// Applies the rules to every field of `set` (of type `parent`), removing the fields a
/// `remove` rule names; `Some(Reject)` as soon as a `reject` rule applies.
#[allow(clippy::too_many_arguments)]
fn walk_rules(
    x: &mut Exchange,
    program: &Program,
    v: &ValidateGraphqlRequest,
    parent: &str,
    set: &mut SelectionSet,
    errors: &mut Vec<String>,
    removed: &mut bool,
) -> Result<Option<Verdict>, Fault> {
    let mut keep = Vec::with_capacity(set.selections.len());
    for mut sel in std::mem::take(&mut set.selections) {
        match &mut sel {
            Selection::Field(f) => {
                let name = f.name.to_string();
                let path = format!("/{parent}/{name}");
                match verdict(x, program, v, &path)? {
                    Verdict::Reject => {
                        errors.push(format!("The field {path} is not allowed."));
                        return Ok(Some(Verdict::Reject));
                    }
                    Verdict::Remove => {
                        errors.push(format!("The field {path} was removed from the request."));
                        *removed = true;
                        continue;
                    }
                    Verdict::Allow => {}
                }
                if !f.selection_set.selections.is_empty() {
                    let ty = f.selection_set.ty.to_string();
                    let f = f.make_mut();
                    if walk_rules(x, program, v, &ty, &mut f.selection_set, errors, removed)?
                        == Some(Verdict::Reject)
                    {
                        return Ok(Some(Verdict::Reject));
                    }
                }
            }
            Selection::InlineFragment(i) => {
                let ty = i.selection_set.ty.to_string();
                let i = i.make_mut();
                if walk_rules(x, program, v, &ty, &mut i.selection_set, errors, removed)?
                    == Some(Verdict::Reject)
                {
                    return Ok(Some(Verdict::Reject));
                }
            }
            Selection::FragmentSpread(_) => {}
        }
        keep.push(sel);
    }
    set.selections = keep;
    Ok(None)
}

/// The verdict for field `path` (`/Type/field`): the rules that match it, most specific
/// first (an exact path before a `*` pattern, longer patterns before shorter), the first
/// whose action is not `ignore`; no rule is `allow`.
fn verdict(
    x: &mut Exchange,
    program: &Program,
    v: &ValidateGraphqlRequest,
    path: &str,
) -> Result<Verdict, Fault> {
    let mut matching: Vec<(usize, usize)> = v
        .rules
        .iter()
        .enumerate()
        .filter_map(|(i, (p, _))| specificity(program.str(*p), path).map(|s| (s, i)))
        .collect();
    matching.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in matching {
        let Some((_, action)) = v.rules.get(i) else {
            continue;
        };
        let action = match action {
            Some(a) => x.arg_text(program, a)?.trim().to_ascii_lowercase(),
            None => "allow".to_string(),
        };
        match action.as_str() {
            "allow" => return Ok(Verdict::Allow),
            "remove" => return Ok(Verdict::Remove),
            // `deny` appears in one of APIM's own examples: read as `reject`.
            "reject" | "deny" => return Ok(Verdict::Reject),
            "ignore" => continue,
            other => {
                return Err(Fault::unsupported(format!(
                    "'{other}' as a GraphQL rule action (allow, remove, reject or ignore)"
                )))
            }
        }
    }
    Ok(Verdict::Allow)
}

/// How specifically `pattern` matches `path` (`None`: it does not). Patterns compare
/// without regard to case; a trailing `*` matches any rest (`/__*` is introspection:
/// `__schema`, `__type` and the other `__` fields of any type).
fn specificity(pattern: &str, path: &str) -> Option<usize> {
    let (p, t) = (pattern.to_ascii_lowercase(), path.to_ascii_lowercase());
    if p == t {
        return Some(usize::MAX);
    }
    let prefix = p.strip_suffix('*')?;
    if prefix == "/__" {
        let field = t.rsplit('/').next().unwrap_or_default();
        return field.starts_with("__").then_some(prefix.len());
    }
    t.starts_with(prefix).then_some(prefix.len())
}

/// Puts the query without its removed fields back where it came from.
fn rewrite(x: &mut Exchange, doc: &ExecutableDocument, req: Request) {
    let query = doc.to_string();
    match req.from {
        Source::Json(mut json) => {
            if let Some(q) = json.get_mut("query") {
                *q = serde_json::Value::String(query);
            }
            x.ctx.req.body = Body::Held(Bytes::from(json.to_string()));
        }
        Source::Raw => x.ctx.req.body = Body::Held(Bytes::from(query)),
        Source::Query => x.ctx.req.update_query(|q| {
            let value: Arc<str> = Arc::from(query.as_str());
            match q.iter_mut().find(|(k, _)| &**k == "query") {
                Some((_, vs)) => *vs = vec![value],
                None => q.push((Arc::from("query"), vec![value])),
            }
        }),
    }
}

/// Stores the errors in `GraphQLErrors` and `error-variable-name`, when there are any.
fn record(
    x: &mut Exchange,
    program: &Program,
    v: &ValidateGraphqlRequest,
    errors: &[String],
) -> Result<(), Fault> {
    if errors.is_empty() {
        return Ok(());
    }
    let json = errors_json(errors).to_string();
    x.set_variable(Arc::from(GRAPHQL_ERRORS), Value::str(json.clone()));
    if let Some(a) = &v.error_variable_name {
        let name = x.arg_text(program, a)?;
        if !name.is_empty() {
            x.set_variable(name, Value::str(json));
        }
    }
    Ok(())
}

fn errors_json(errors: &[String]) -> serde_json::Value {
    serde_json::Value::Array(
        errors
            .iter()
            .map(|m| serde_json::json!({ "message": m }))
            .collect(),
    )
}

/// The request error: `400` with an errors block and no data; `context.LastError` is the
/// policy's with reason `GraphQLValidationFailed`.
fn fail(x: &mut Exchange, program: &Program, op: &Op, errors: &[String]) -> Next {
    let body = serde_json::json!({ "errors": errors_json(errors) }).to_string();
    x.ctx.resp = Reply {
        status: StatusCode::BAD_REQUEST,
        reason: None,
        headers: Headers::new(error::json_headers()),
        body: Body::Held(Bytes::from(body)),
    };
    let message = errors.first().cloned().unwrap_or_default();
    Next::Fail(x.error_at(program, op, "GraphQLValidationFailed", message))
}
