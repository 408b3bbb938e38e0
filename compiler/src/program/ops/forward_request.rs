//! `forward-request`: timeouts, redirects, buffering, error statuses and the HTTP version.

use super::{Lowering, Reported};
use crate::program::{Builder, ScopeEnv, Site};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{ForwardRequest, HttpVersion, OpKind};

/// `forward-request`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "forward-request",
    attributes: &[
        "timeout",
        "timeout-ms",
        "follow-redirects",
        "buffer-request-body",
        "buffer-response",
        "fail-on-error-status-code",
        "http-version",
    ],
    lower: |b, env, site, e| forward(b, env, site, e).map(OpKind::ForwardRequest),
};

fn forward(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<ForwardRequest, Reported> {
    let mut f = ForwardRequest::default();
    let whole = |n: i64| u64::try_from(n).map_err(|_| Reported);
    if let Some(s) = b.int_attr(env, site, e, "timeout")? {
        f.timeout_ms = whole(s)?.saturating_mul(1000);
    }
    if let Some(ms) = b.int_attr(env, site, e, "timeout-ms")? {
        f.timeout_ms = whole(ms)?;
    }
    f.follow_redirects = b.flag(env, site, e, "follow-redirects", f.follow_redirects)?;
    f.buffer_request_body = b.flag(env, site, e, "buffer-request-body", f.buffer_request_body)?;
    f.buffer_response = b.flag(env, site, e, "buffer-response", f.buffer_response)?;
    let fail = f.fail_on_error_status_code;
    f.fail_on_error_status_code = b.flag(env, site, e, "fail-on-error-status-code", fail)?;
    f.http_version = match b.text_attr(env, site, e, "http-version")?.as_deref() {
        None | Some("1") => HttpVersion::Http1,
        Some("2") => HttpVersion::Http2,
        Some("2or1") => HttpVersion::Http2Or1,
        Some(_) => return Err(Reported), // not of the catalogue's enumeration: reported there
    };
    Ok(f)
}
