//! Policy operations: one function per `OpKind`, dispatched by [`exec`].

mod answer;
mod backend;
mod limit;
mod message;

pub(crate) use backend::forward_error;
pub(crate) use limit::settle_deferred;

use super::exchange::Exchange;
use super::run::Next;
use crate::program::Program;
use crate::program::{Op, OpKind};
use gatehouse_dotnet::uri::escape_data_string;
use std::sync::Arc;

/// Runs `op`.
pub(crate) fn exec(x: &mut Exchange, program: &Program, op: &Op) -> Next {
    match &op.kind {
        OpKind::Call(b) => Next::Enter(*b),
        OpKind::Choose {
            branches,
            otherwise,
        } => {
            for (cond, block) in branches {
                match x.eval_bool(program, *cond) {
                    Ok(true) => return Next::Enter(*block),
                    Ok(false) => {}
                    Err(f) => return Next::Error(x.fault_at(program, op, &f)),
                }
            }
            otherwise.map_or(Next::Go, Next::Enter)
        }
        OpKind::SetHeader(h) => message::set_header(x, program, op, h),
        OpKind::SetQueryParameter(h) => message::set_query(x, program, op, h),
        OpKind::RewriteUri {
            template,
            copy_unmatched_params,
        } => message::rewrite_uri(x, program, op, template, *copy_unmatched_params),
        OpKind::SetMethod(a) => message::set_method(x, program, op, a),
        OpKind::SetStatus { code, reason } => message::set_status(x, program, op, code, reason),
        OpKind::SetVariable { name, value } => message::set_variable(x, program, op, *name, value),
        OpKind::SetBody { value } => message::set_body(x, program, op, value),
        OpKind::ReturnResponse(r) => answer::return_response(x, program, op, r),
        OpKind::MockResponse {
            status,
            content_type,
        } => answer::mock_response(x, program, *status, *content_type),
        OpKind::Trace {
            source,
            severity,
            message,
            metadata,
        } => answer::trace(x, program, op, source, *severity, message, metadata),
        OpKind::SetBackendService {
            backend_id,
            base_url,
        } => backend::set_backend_service(x, program, op, backend_id, base_url),
        OpKind::ForwardRequest(f) => backend::forward_request(x, program, op, f),
        OpKind::RateLimitByKey(r) => limit::rate_limit_by_key(x, program, op, r),
    }
}

/// A decoded query as a query string with its `?` (empty when there is no parameter).
pub(crate) fn query_string(query: &[(Arc<str>, Vec<Arc<str>>)]) -> String {
    let mut out = String::new();
    for (k, vs) in query {
        for v in vs {
            out.push(if out.is_empty() { '?' } else { '&' });
            out.push_str(&escape_data_string(k));
            out.push('=');
            out.push_str(&escape_data_string(v));
        }
    }
    out
}
