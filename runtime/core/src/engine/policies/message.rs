//! Policies that change the request or response: headers, query, URI, method, status,
//! variables and bodies.

use super::super::exchange::{Body, Exchange};
use super::super::headers::parse_name;
use super::super::run::Next;
use crate::program::Program;
use crate::program::{Arg, ExistsAction, HeaderOp, Op, StrId};
use crate::value::Value;
use crate::vm::Obj;
use bytes::Bytes;
use http::{Method, StatusCode};
use std::sync::Arc;

/// Evaluates a header/query operation's name and values.
fn header_parts(
    x: &mut Exchange,
    program: &Program,
    h: &HeaderOp,
) -> Result<(Arc<str>, Vec<Arc<str>>), crate::vm::Fault> {
    let name = x.arg_text(program, &h.name)?;
    let mut values = Vec::with_capacity(h.values.len());
    for v in &h.values {
        values.push(x.arg_text(program, v)?);
    }
    Ok((name, values))
}

/// `set-header` on the section's message.
pub(super) fn set_header(x: &mut Exchange, program: &Program, op: &Op, h: &HeaderOp) -> Next {
    let sh = x.ctx.sh.clone();
    // A literal name is parsed once per program: its text is not needed.
    let name = match h.name {
        Arg::Lit(id) => sh.literals.name(id).cloned(),
        Arg::Expr(_) => None,
    };
    let name = match name {
        Some(n) => Ok(n),
        // Parsed only after the values are evaluated, whose faults come first.
        None => match x.arg_text(program, &h.name) {
            Ok(t) => Err(t),
            Err(f) => return Next::Error(x.fault_at(program, op, &f)),
        },
    };
    // One value (the usual case) needs no vector.
    let one_text;
    let many;
    let values: &[Arc<str>] = match h.values.as_slice() {
        [v] => {
            one_text = match x.arg_text(program, v) {
                Ok(t) => t,
                Err(f) => return Next::Error(x.fault_at(program, op, &f)),
            };
            std::slice::from_ref(&one_text)
        }
        vs => {
            let mut all = Vec::with_capacity(vs.len());
            for v in vs {
                match x.arg_text(program, v) {
                    Ok(t) => all.push(t),
                    Err(f) => return Next::Error(x.fault_at(program, op, &f)),
                }
            }
            many = all;
            &many
        }
    };
    let name = match name.or_else(|text| parse_name(&text)) {
        Ok(n) => n,
        Err(e) => return Next::Error(x.error_at(program, op, "", e.0)),
    };
    let one = match h.values.as_slice() {
        [Arg::Lit(id)] => sh.literals.value(*id),
        _ => None,
    };
    let headers = if x.section < 2 {
        &mut x.ctx.req.headers
    } else {
        &mut x.ctx.resp.headers
    };
    match headers.apply_named(name, h.action, values, one) {
        Ok(()) => Next::Go,
        Err(e) => Next::Error(x.error_at(program, op, "", e.0)),
    }
}

/// Applies `action` with `values` to entry `name` of multimap `map`.
pub(crate) fn apply_multi(
    map: &mut Vec<(Arc<str>, Vec<Arc<str>>)>,
    name: &Arc<str>,
    action: ExistsAction,
    values: Vec<Arc<str>>,
) {
    let at = map.iter().position(|(k, _)| k.eq_ignore_ascii_case(name));
    match (action, at) {
        (ExistsAction::Delete, Some(i)) => {
            map.remove(i);
        }
        (ExistsAction::Delete, None) | (ExistsAction::Skip, Some(_)) => {}
        (ExistsAction::Append, Some(i)) => map[i].1.extend(values),
        (_, Some(i)) => map[i].1 = values,
        (_, None) => map.push((name.clone(), values)),
    }
}

/// `set-query-parameter`.
pub(super) fn set_query(x: &mut Exchange, program: &Program, op: &Op, h: &HeaderOp) -> Next {
    match header_parts(x, program, h) {
        Ok((name, values)) => {
            x.ctx
                .req
                .update_query(|q| apply_multi(q, &name, h.action, values));
            Next::Go
        }
        Err(f) => Next::Error(x.fault_at(program, op, &f)),
    }
}

/// `rewrite-uri`: a new backend-relative path and query; `{param}` takes the matched
/// template parameters.
pub(super) fn rewrite_uri(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    template: &Arg,
    copy_unmatched: bool,
) -> Next {
    let text = match x.arg_text(program, template) {
        Ok(t) => t,
        Err(f) => return Next::Error(x.fault_at(program, op, &f)),
    };
    let expanded = expand(&text, &x.ctx.params);
    let (path, query) = expanded.split_once('?').unwrap_or((&expanded, ""));
    let mut new_query = super::super::exchange::parse_query(query);
    if copy_unmatched {
        let (api, opi) = (x.ctx.api.unwrap_or(0), x.ctx.op.unwrap_or(0));
        let named = x.ctx.sh.routes.template_query(api, opi);
        for (k, vs) in x.ctx.req.query() {
            let matched = named.iter().any(|(n, _)| n.eq_ignore_ascii_case(k));
            let present = new_query.iter().any(|(n, _)| n.eq_ignore_ascii_case(k));
            if !matched && !present {
                new_query.push((k.clone(), vs.clone()));
            }
        }
    }
    x.ctx.req.path = if path.is_empty() || path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    };
    x.ctx.req.update_query(|q| *q = new_query);
    Next::Go
}

/// `template` with each `{name}` replaced by matched parameter `name` (unknown names stay).
fn expand(template: &str, params: &[(Arc<str>, Arc<str>, Arc<str>)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let name = after[..close].trim_start_matches('*');
        match params.iter().find(|(k, _, _)| k.eq_ignore_ascii_case(name)) {
            Some((_, _, raw)) => out.push_str(raw),
            None => out.push_str(&rest[open..open + close + 2]),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// `set-method`.
pub(super) fn set_method(x: &mut Exchange, program: &Program, op: &Op, a: &Arg) -> Next {
    let text = match x.arg_text(program, a) {
        Ok(t) => t,
        Err(f) => return Next::Error(x.fault_at(program, op, &f)),
    };
    match Method::from_bytes(text.trim().to_ascii_uppercase().as_bytes()) {
        Ok(m) => {
            x.ctx.req.method = m;
            Next::Go
        }
        Err(_) => {
            Next::Error(x.error_at(program, op, "", format!("'{text}' is not a valid method")))
        }
    }
}

/// `set-status` on the response.
pub(super) fn set_status(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    code: &Arg,
    reason: &Option<Arg>,
) -> Next {
    let n = match x.arg_int(program, code) {
        Ok(n) => n,
        Err(f) => return Next::Error(x.fault_at(program, op, &f)),
    };
    let Some(status) = u16::try_from(n)
        .ok()
        .and_then(|n| StatusCode::from_u16(n).ok())
    else {
        return Next::Error(x.error_at(program, op, "", format!("{n} is not a valid status code")));
    };
    let reason = match reason {
        Some(r) => match x.arg_text(program, r) {
            Ok(t) => Some(t),
            Err(f) => return Next::Error(x.fault_at(program, op, &f)),
        },
        None => None,
    };
    x.ctx.resp.status = status;
    x.ctx.resp.reason = reason;
    Next::Go
}

/// `set-variable`: literal text is a string; an expression keeps its value (objects stay on
/// the exchange's heap, see [`Exchange::done`]).
pub(super) fn set_variable(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    name: StrId,
    value: &Arg,
) -> Next {
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
    let name: Arc<str> = program
        .strings
        .get(name as usize)
        .cloned()
        .unwrap_or_default();
    match x.ctx.vars.iter_mut().find(|(k, _)| *k == name) {
        Some((_, slot)) => *slot = v,
        None => x.ctx.vars.push((name, v)),
    }
    Next::Go
}

/// `set-body` on the section's message.
pub(super) fn set_body(x: &mut Exchange, program: &Program, op: &Op, value: &Arg) -> Next {
    let bytes = match value {
        Arg::Lit(s) => Bytes::from(program.str(*s).to_string()),
        Arg::Expr(c) => match x.eval(program, *c) {
            Ok(e) => {
                let b = match &e.value {
                    Value::Str(s) => Bytes::from(s.to_string()),
                    Value::Ref(r) => match e.heap.get(*r) {
                        Obj::Bytes(b) => Bytes::from(b.clone()),
                        _ => Bytes::from(e.text()),
                    },
                    _ => Bytes::from(e.text()),
                };
                x.done(e);
                b
            }
            Err(f) => return Next::Error(x.fault_at(program, op, &f)),
        },
    };
    let body = Body::Held(bytes);
    if x.section < 2 {
        x.ctx.req.body = body;
        x.ctx
            .req
            .headers
            .map_mut()
            .remove(http::header::CONTENT_LENGTH);
    } else {
        x.ctx.resp.body = body;
        x.ctx
            .resp
            .headers
            .map_mut()
            .remove(http::header::CONTENT_LENGTH);
    }
    Next::Go
}
