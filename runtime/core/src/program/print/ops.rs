//! Operations as one line of text each, and the expressions they refer to.

use super::Printer;
use crate::program::{Arg, CodeId, ExistsAction, HeaderOp, Op, OpKind};

impl Printer<'_> {
    fn arg(&self, a: Arg) -> String {
        match a {
            Arg::Lit(s) => format!("{:?}", self.s(s)),
            Arg::Expr(c) => format!("expr#{c}"),
        }
    }

    fn opt(&self, name: &str, a: Option<Arg>) -> String {
        a.map_or(String::new(), |a| format!(" {name}={}", self.arg(a)))
    }

    fn name(&self, label: &str, s: Option<u32>) -> String {
        s.map_or(String::new(), |s| format!(" {label}={:?}", self.s(s)))
    }

    fn header(&self, h: &HeaderOp) -> String {
        let values: Vec<String> = h.values.iter().map(|&v| self.arg(v)).collect();
        format!(
            "name={} action={} values=[{}]",
            self.arg(h.name),
            action_name(h.action),
            values.join(", ")
        )
    }

    pub(super) fn op(&self, op: &Op) -> String {
        let name = op.kind.policy_name();
        match &op.kind {
            OpKind::Call(b) => format!("call block {b}"),
            OpKind::Choose { branches, otherwise } => {
                let mut parts: Vec<String> = branches
                    .iter()
                    .map(|(c, b)| format!("when expr#{c} -> block {b}"))
                    .collect();
                parts.extend(otherwise.map(|b| format!("otherwise -> block {b}")));
                format!("choose {}", parts.join(", "))
            }
            OpKind::SetHeader(h) | OpKind::SetQueryParameter(h) => format!("{name} {}", self.header(h)),
            OpKind::RewriteUri {
                template,
                copy_unmatched_params,
            } => format!(
                "{name} template={} copy-unmatched-params={copy_unmatched_params}",
                self.arg(*template)
            ),
            OpKind::SetMethod(m) => format!("{name} {}", self.arg(*m)),
            OpKind::SetStatus { code, reason } => {
                format!("{name} code={}{}", self.arg(*code), self.opt("reason", *reason))
            }
            OpKind::SetVariable { name: v, value } => {
                format!("{name} name={:?} value={}", self.s(*v), self.arg(*value))
            }
            OpKind::SetBody { value } => format!("{name} {}", self.arg(*value)),
            OpKind::ReturnResponse(r) => {
                let mut s = format!("{name}{}", self.name("variable", r.variable));
                if let Some((code, reason)) = r.status {
                    s.push_str(&format!(" status={}{}", self.arg(code), self.opt("reason", reason)));
                }
                for h in &r.headers {
                    s.push_str(&format!(" header({})", self.header(h)));
                }
                s.push_str(&self.opt("body", r.body));
                s
            }
            OpKind::MockResponse {
                status,
                content_type,
            } => format!("{name} status={status}{}", self.name("content-type", *content_type)),
            OpKind::Trace {
                source,
                severity,
                message,
                metadata,
            } => {
                let meta: Vec<String> = metadata
                    .iter()
                    .map(|(k, v)| format!("{:?}={}", self.s(*k), self.arg(*v)))
                    .collect();
                format!(
                    "{name} source={} severity={severity:?} message={} metadata=[{}]",
                    self.arg(*source),
                    self.arg(*message),
                    meta.join(", ")
                )
            }
            OpKind::SetBackendService {
                backend_id,
                base_url,
            } => format!(
                "{name}{}{}",
                self.opt("backend-id", *backend_id),
                self.opt("base-url", *base_url)
            ),
            OpKind::ForwardRequest(f) => format!(
                "{name} timeout={}ms follow-redirects={} buffer-request-body={} buffer-response={} fail-on-error-status-code={} http-version={:?}",
                f.timeout_ms,
                f.follow_redirects,
                f.buffer_request_body,
                f.buffer_response,
                f.fail_on_error_status_code,
                f.http_version
            ),
            OpKind::RateLimitByKey(r) => {
                let mut s = format!(
                    "{name} calls={} renewal-period={} counter-key={}",
                    self.arg(r.calls),
                    self.arg(r.renewal_period),
                    self.arg(r.counter_key)
                );
                if let Some(c) = r.increment_condition {
                    s.push_str(&format!(" increment-condition=expr#{c}"));
                }
                s.push_str(&self.opt("increment-count", r.increment_count));
                s.push_str(&self.name("retry-after-header", r.retry_after_header_name));
                s.push_str(&self.name("retry-after-variable", r.retry_after_variable_name));
                s.push_str(&self.name("remaining-calls-header", r.remaining_calls_header_name));
                s.push_str(&self.name("remaining-calls-variable", r.remaining_calls_variable_name));
                s.push_str(&self.name("total-calls-header", r.total_calls_header_name));
                s
            }
        }
    }
}

fn action_name(a: ExistsAction) -> &'static str {
    match a {
        ExistsAction::Override => "override",
        ExistsAction::Skip => "skip",
        ExistsAction::Append => "append",
        ExistsAction::Delete => "delete",
    }
}

/// The codes an operation refers to directly, in the order they are printed.
pub(super) fn codes_of(kind: &OpKind) -> Vec<CodeId> {
    let mut out = Vec::new();
    let mut arg = |a: &Arg| {
        if let Arg::Expr(c) = a {
            out.push(*c);
        }
    };
    match kind {
        OpKind::Call(_) | OpKind::MockResponse { .. } | OpKind::ForwardRequest(_) => {}
        OpKind::Choose { branches, .. } => {
            return branches.iter().map(|(c, _)| *c).collect();
        }
        OpKind::SetHeader(h) | OpKind::SetQueryParameter(h) => {
            arg(&h.name);
            h.values.iter().for_each(arg);
        }
        OpKind::RewriteUri { template, .. } => arg(template),
        OpKind::SetMethod(a)
        | OpKind::SetBody { value: a }
        | OpKind::SetVariable { value: a, .. } => arg(a),
        OpKind::SetStatus { code, reason } => {
            arg(code);
            reason.iter().for_each(arg);
        }
        OpKind::ReturnResponse(r) => {
            if let Some((code, reason)) = &r.status {
                arg(code);
                reason.iter().for_each(&mut arg);
            }
            for h in &r.headers {
                arg(&h.name);
                h.values.iter().for_each(&mut arg);
            }
            r.body.iter().for_each(arg);
        }
        OpKind::Trace {
            source,
            message,
            metadata,
            ..
        } => {
            arg(source);
            arg(message);
            metadata.iter().for_each(|(_, v)| arg(v));
        }
        OpKind::SetBackendService {
            backend_id,
            base_url,
        } => {
            backend_id.iter().for_each(&mut arg);
            base_url.iter().for_each(arg);
        }
        OpKind::RateLimitByKey(r) => {
            arg(&r.calls);
            arg(&r.renewal_period);
            arg(&r.counter_key);
            if let Some(c) = r.increment_condition {
                out.push(c);
            }
            if let Some(Arg::Expr(c)) = r.increment_count {
                out.push(c);
            }
        }
    }
    out
}
