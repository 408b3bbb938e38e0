//! `rewrite-uri`: a new backend-relative path and query from a URL template.

use super::super::exchange::Exchange;
use super::super::run::Next;
use crate::program::{Op, Program, RewriteUri};
use std::sync::Arc;

/// `rewrite-uri`: a new backend-relative path and query; `{param}` takes the matched
/// template parameters.
pub(super) fn rewrite_uri(x: &mut Exchange, program: &Program, op: &Op, r: &RewriteUri) -> Next {
    let (template, copy_unmatched) = (&r.template, r.copy_unmatched_params);
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
