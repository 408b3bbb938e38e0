//! `return-response`: a response variable, and a status, headers and body set on it.

use super::{set_body, set_header, set_status, Lowering, Reported};
use crate::program::{Builder, ScopeEnv, Site};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{OpKind, ReturnResponse};

/// `return-response`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "return-response",
    attributes: &["response-variable-name"],
    lower: |b, env, site, e| return_response(b, env, site, e).map(OpKind::ReturnResponse),
};

fn return_response(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<ReturnResponse, Reported> {
    let variable = b
        .text_attr(env, site, e, "response-variable-name")?
        .map(|v| b.intern(&v));
    let mut out = ReturnResponse {
        variable,
        status: None,
        headers: Vec::new(),
        body: None,
    };
    let mut counts = std::collections::HashMap::new();
    for c in e.child_elements() {
        let name = &*c.name.text;
        let n = counts.entry(name).or_insert(0usize);
        *n += 1;
        let inner = site.child(name, *n);
        match name {
            "set-status" => out.status = Some(set_status::status(b, env, &inner, c)?),
            "set-header" => out.headers.push(set_header::header_op(b, env, &inner, c)?),
            "set-body" => out.body = Some(set_body::body(b, env, &inner, c)?),
            // Any other child is reported by the checks (unknown or not executed).
            _ => return Err(b.unreported()),
        }
    }
    Ok(out)
}
