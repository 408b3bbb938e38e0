//! `forward-request`: timeouts, redirects, buffering, error statuses and the HTTP version.

use super::{Lowering, Reported};
use crate::program::{Builder, ScopeEnv, Site};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{Arg, ForwardAttr, ForwardRequest, HttpVersion, OpKind};

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
    // Attributes given as expressions are evaluated per request.
    for attr in [
        ForwardAttr::Timeout,
        ForwardAttr::TimeoutMs,
        ForwardAttr::FollowRedirects,
        ForwardAttr::BufferRequestBody,
        ForwardAttr::HttpVersion,
    ] {
        let name = attr.name();
        if e.attribute(name)
            .is_some_and(|a| a.value.expression().is_some())
        {
            match b.attr(env, site, e, name)? {
                Some(Arg::Expr(code)) => f.exprs.push((attr, code)),
                _ => return Err(Reported),
            }
        }
    }
    let literal = |name: &str| !f.exprs.iter().any(|(a, _)| a.name() == name);
    let (timeout, timeout_ms) = (literal("timeout"), literal("timeout-ms"));
    let (follow, buffer, version) = (
        literal("follow-redirects"),
        literal("buffer-request-body"),
        literal("http-version"),
    );
    let whole = |n: i64| u64::try_from(n).map_err(|_| Reported);
    let secs = if timeout {
        b.int_attr(env, site, e, "timeout")?
    } else {
        None
    };
    if let Some(s) = secs {
        f.timeout_ms = whole(s)?.saturating_mul(1000);
    }
    let ms = if timeout_ms {
        b.int_attr(env, site, e, "timeout-ms")?
    } else {
        None
    };
    if let Some(ms) = ms {
        f.timeout_ms = whole(ms)?;
    }
    if follow {
        f.follow_redirects = b.flag(env, site, e, "follow-redirects", f.follow_redirects)?;
    }
    if buffer {
        let given = f.buffer_request_body;
        f.buffer_request_body = b.flag(env, site, e, "buffer-request-body", given)?;
    }
    f.buffer_response = b.flag(env, site, e, "buffer-response", f.buffer_response)?;
    let fail = f.fail_on_error_status_code;
    f.fail_on_error_status_code = b.flag(env, site, e, "fail-on-error-status-code", fail)?;
    if !version {
        return Ok(f);
    }
    f.http_version = match b.text_attr(env, site, e, "http-version")?.as_deref() {
        None | Some("1") => HttpVersion::Http1,
        Some("2") => HttpVersion::Http2,
        Some("2or1") => HttpVersion::Http2Or1,
        Some(_) => return Err(Reported), // not of the catalogue's enumeration: reported there
    };
    Ok(f)
}
