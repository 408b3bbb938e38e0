//! The writer of blocks: each policy operation as its location, a tag and its fields.

use super::op_tag as t;
use super::write_program::{put_arg, put_flags, put_opt, put_opt_arg};
use crate::bundle::{put_len, put_var};
use crate::program::{Block, HeaderOp, Op, OpKind, RateLimitByKey, ReturnResponse};

/// A block: its operation count, then each operation.
pub(super) fn put_block(w: &mut Vec<u8>, b: &Block) {
    put_len(w, b.ops.len());
    b.ops.iter().for_each(|op| put_op(w, op));
}

fn put_op(w: &mut Vec<u8>, op: &Op) {
    put_var(w, op.loc);
    match &op.kind {
        OpKind::Call(b) => {
            w.push(t::CALL);
            put_var(w, *b);
        }
        OpKind::Choose {
            branches,
            otherwise,
        } => {
            w.push(t::CHOOSE);
            put_len(w, branches.len());
            for (cond, block) in branches {
                put_var(w, *cond);
                put_var(w, *block);
            }
            put_opt(w, *otherwise);
        }
        OpKind::SetHeader(h) => {
            w.push(t::SET_HEADER);
            put_header(w, h);
        }
        OpKind::SetQueryParameter(h) => {
            w.push(t::SET_QUERY_PARAMETER);
            put_header(w, h);
        }
        OpKind::RewriteUri {
            template,
            copy_unmatched_params,
        } => {
            w.push(t::REWRITE_URI);
            put_arg(w, *template);
            put_flags(w, &[*copy_unmatched_params]);
        }
        OpKind::SetMethod(a) => {
            w.push(t::SET_METHOD);
            put_arg(w, *a);
        }
        OpKind::SetStatus { code, reason } => {
            w.push(t::SET_STATUS);
            put_arg(w, *code);
            put_opt_arg(w, *reason);
        }
        OpKind::SetVariable { name, value } => {
            w.push(t::SET_VARIABLE);
            put_var(w, *name);
            put_arg(w, *value);
        }
        OpKind::SetBody { value } => {
            w.push(t::SET_BODY);
            put_arg(w, *value);
        }
        OpKind::ReturnResponse(r) => {
            w.push(t::RETURN_RESPONSE);
            put_return(w, r);
        }
        OpKind::MockResponse {
            status,
            content_type,
        } => {
            w.push(t::MOCK_RESPONSE);
            put_var(w, *status);
            put_opt(w, *content_type);
        }
        OpKind::Trace {
            source,
            severity,
            message,
            metadata,
        } => {
            w.push(t::TRACE);
            put_arg(w, *source);
            w.push(*severity as u8);
            put_arg(w, *message);
            put_len(w, metadata.len());
            for (name, value) in metadata {
                put_var(w, *name);
                put_arg(w, *value);
            }
        }
        OpKind::SetBackendService {
            backend_id,
            base_url,
        } => {
            w.push(t::SET_BACKEND_SERVICE);
            put_opt_arg(w, *backend_id);
            put_opt_arg(w, *base_url);
        }
        OpKind::ForwardRequest(f) => {
            w.push(t::FORWARD_REQUEST);
            put_var(w, f.timeout_ms);
            put_flags(
                w,
                &[
                    f.follow_redirects,
                    f.buffer_request_body,
                    f.buffer_response,
                    f.fail_on_error_status_code,
                ],
            );
            w.push(f.http_version as u8);
        }
        OpKind::RateLimitByKey(r) => {
            w.push(t::RATE_LIMIT_BY_KEY);
            put_rate_limit(w, r);
        }
    }
}

/// A header operation: name, action, values.
fn put_header(w: &mut Vec<u8>, h: &HeaderOp) {
    put_arg(w, h.name);
    w.push(h.action as u8);
    put_len(w, h.values.len());
    h.values.iter().for_each(|v| put_arg(w, *v));
}

fn put_return(w: &mut Vec<u8>, r: &ReturnResponse) {
    put_opt(w, r.variable);
    put_opt_arg(w, r.status.map(|(code, _)| code));
    if let Some((_, reason)) = r.status {
        put_opt_arg(w, reason);
    }
    put_len(w, r.headers.len());
    r.headers.iter().for_each(|h| put_header(w, h));
    put_opt_arg(w, r.body);
}

fn put_rate_limit(w: &mut Vec<u8>, r: &RateLimitByKey) {
    put_arg(w, r.calls);
    put_arg(w, r.renewal_period);
    put_arg(w, r.counter_key);
    put_opt(w, r.increment_condition);
    put_opt_arg(w, r.increment_count);
    for name in [
        r.retry_after_header_name,
        r.retry_after_variable_name,
        r.remaining_calls_header_name,
        r.remaining_calls_variable_name,
        r.total_calls_header_name,
    ] {
        put_opt(w, name);
    }
}
