//! Executed policies to typed operations, attributes parsed with APIM's defaults.

use super::{Builder, ScopeEnv, Site, NOT_EXECUTED};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{
    Arg, ExistsAction, ForwardRequest, HeaderOp, HttpVersion, MockResponse, OpKind, ReturnResponse,
    RewriteUri, SetBackendService, SetBody, SetMethod, SetStatus, SetVariable, Severity, TraceOp,
};

mod limits;

/// Lowers one executed policy (other than `base`, `choose`, `include-fragment`).
pub(super) fn lower(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Option<OpKind> {
    let known: &[&str] = match &*e.name.text {
        "set-header" | "set-query-parameter" => &["name", "exists-action"],
        "rewrite-uri" => &["template", "copy-unmatched-params"],
        "set-status" => &["code", "reason"],
        "set-variable" => &["name", "value"],
        "set-body" => &["template", "xsi-nil"],
        "return-response" => &["response-variable-name"],
        "mock-response" => &["status-code", "content-type"],
        "trace" => &["source", "severity"],
        "set-backend-service" => &["backend-id", "base-url"],
        "forward-request" => &[
            "timeout",
            "timeout-ms",
            "follow-redirects",
            "buffer-request-body",
            "buffer-response",
            "fail-on-error-status-code",
            "http-version",
        ],
        "rate-limit-by-key" => limits::ATTRIBUTES,
        _ => &[],
    };
    if !attributes_supported(b, site, e, known) {
        return None;
    }
    match &*e.name.text {
        "set-header" => header_op(b, env, site, e).map(OpKind::SetHeader),
        "set-query-parameter" => header_op(b, env, site, e).map(OpKind::SetQueryParameter),
        "rewrite-uri" => Some(OpKind::RewriteUri(RewriteUri {
            template: b.attr(env, site, e, "template")?,
            copy_unmatched_params: flag(b, env, site, e, "copy-unmatched-params", true)?,
        })),
        "set-method" => b
            .content(env, site, e)
            .map(|m| OpKind::SetMethod(SetMethod(m))),
        "set-status" => status(b, env, site, e)
            .map(|(code, reason)| OpKind::SetStatus(SetStatus { code, reason })),
        "set-variable" => Some(OpKind::SetVariable(SetVariable {
            name: {
                let name = b.literal_attr(env, site, e, "name")?;
                b.intern(&name)
            },
            value: b.attr(env, site, e, "value")?,
        })),
        "set-body" => body(b, env, site, e).map(|value| OpKind::SetBody(SetBody { value })),
        "return-response" => return_response(b, env, site, e).map(OpKind::ReturnResponse),
        "mock-response" => mock(b, env, site, e),
        "trace" => trace(b, env, site, e),
        "set-backend-service" => Some(OpKind::SetBackendService(SetBackendService {
            backend_id: backend_id(b, env, site, e),
            base_url: b.attr(env, site, e, "base-url"),
        })),
        "forward-request" => forward(b, env, site, e).map(OpKind::ForwardRequest),
        "rate-limit-by-key" => {
            limits::rate_limit_by_key(b, env, site, e).map(OpKind::RateLimitByKey)
        }
        _ => None,
    }
}

/// Reports attributes of an executed policy that gatehouse does not implement.
fn attributes_supported(b: &mut Builder<'_>, site: &Site<'_>, e: &Element, known: &[&str]) -> bool {
    let mut ok = true;
    for a in &e.attributes {
        let name = &*a.name.text;
        if name != "id" && !known.contains(&name) {
            let message = format!(
                "gatehouse does not execute the `{name}` attribute of `{}`",
                e.name.text
            );
            b.error(site.file, NOT_EXECUTED, message, a.span, "not executed");
            ok = false;
        }
    }
    ok
}

/// A literal boolean attribute with its default.
fn flag(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
    name: &str,
    default: bool,
) -> Option<bool> {
    let Some(a) = e.attribute(name) else {
        return Some(default);
    };
    let text = b.literal_attr(env, site, e, name)?;
    match text.trim().to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        other => {
            let message = format!("`{name}` must be `true` or `false`, not `{other}`");
            b.error(
                site.file,
                "invalid-attribute-value",
                message,
                a.span,
                "not a boolean",
            );
            None
        }
    }
}

/// A literal whole number attribute.
pub(super) fn number(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
    name: &str,
) -> Option<u64> {
    let a = e.attribute(name)?;
    let text = b.literal_attr(env, site, e, name)?;
    match text.trim().parse::<u64>() {
        Ok(n) => Some(n),
        Err(_) => {
            let message = format!("`{name}` must be a whole number, not `{text}`");
            b.error(
                site.file,
                "invalid-attribute-value",
                message,
                a.span,
                "not a number",
            );
            None
        }
    }
}

fn header_op(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Option<HeaderOp> {
    let name = b.attr(env, site, e, "name")?;
    let action = match b.literal_attr(env, site, e, "exists-action").as_deref() {
        None => {
            if e.attribute("exists-action").is_some() {
                return None;
            }
            ExistsAction::Override
        }
        Some("override") => ExistsAction::Override,
        Some("skip") => ExistsAction::Skip,
        Some("append") => ExistsAction::Append,
        Some("delete") => ExistsAction::Delete,
        Some(other) => {
            let message =
                format!("`exists-action` must be override, skip, append or delete, not `{other}`");
            let span = e.attribute("exists-action").map_or(e.start_tag, |a| a.span);
            b.error(
                site.file,
                "invalid-attribute-value",
                message,
                span,
                "unknown action",
            );
            return None;
        }
    };
    let mut values = Vec::new();
    let mut n = 0;
    for v in e.child_elements().filter(|c| &*c.name.text == "value") {
        n += 1;
        values.push(b.content(env, &site.child("value", n), v)?);
    }
    Some(HeaderOp {
        name,
        action,
        values,
    })
}

fn status(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Option<(Arg, Option<Arg>)> {
    let code = b.attr(env, site, e, "code")?;
    let reason = match e.attribute("reason") {
        Some(a) => Some(b.arg(env, site, &a.value)?),
        None => None,
    };
    Some((code, reason))
}

/// `set-body`: text or an expression; Liquid templates are not executed.
fn body(b: &mut Builder<'_>, env: &ScopeEnv<'_>, site: &Site<'_>, e: &Element) -> Option<Arg> {
    if let Some(a) = e.attribute("template") {
        if a.value.as_literal().as_deref() != Some("none") {
            let message = "gatehouse does not execute Liquid templates in `set-body`";
            b.error(site.file, NOT_EXECUTED, message, a.span, "not executed");
            return None;
        }
    }
    if e.child_elements().next().is_some() {
        let markup: String = e
            .child_elements()
            .map(|c| gatehouse_grammar::syntax::print_element(c, 0))
            .collect();
        return Some(Arg::Lit(b.substitute_text(env, markup.trim_end())));
    }
    b.content(env, site, e)
}

fn return_response(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Option<ReturnResponse> {
    let variable = match b.literal_attr(env, site, e, "response-variable-name") {
        Some(v) => Some(b.intern(&v)),
        None if e.attribute("response-variable-name").is_some() => return None,
        None => None,
    };
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
            "set-status" => out.status = Some(status(b, env, &inner, c)?),
            "set-header" => out.headers.push(header_op(b, env, &inner, c)?),
            "set-body" => out.body = Some(body(b, env, &inner, c)?),
            _ => super::executed::report(b, site.file, c),
        }
    }
    Some(out)
}

fn mock(b: &mut Builder<'_>, env: &ScopeEnv<'_>, site: &Site<'_>, e: &Element) -> Option<OpKind> {
    let status = match e.attribute("status-code") {
        None => 200,
        Some(_) => u16::try_from(number(b, env, site, e, "status-code")?).unwrap_or(200),
    };
    let content_type = b
        .literal_attr(env, site, e, "content-type")
        .map(|t| b.intern(&t));
    Some(OpKind::MockResponse(MockResponse {
        status,
        content_type,
    }))
}

fn trace(b: &mut Builder<'_>, env: &ScopeEnv<'_>, site: &Site<'_>, e: &Element) -> Option<OpKind> {
    let source = b.attr(env, site, e, "source")?;
    let severity = match b.literal_attr(env, site, e, "severity").as_deref() {
        None | Some("verbose") => Severity::Verbose,
        Some("information") => Severity::Information,
        Some("error") => Severity::Error,
        Some(other) => {
            let message =
                format!("`severity` must be verbose, information or error, not `{other}`");
            b.error(
                site.file,
                "invalid-attribute-value",
                message,
                e.start_tag,
                "unknown severity",
            );
            return None;
        }
    };
    let message = match e.child_elements().find(|c| &*c.name.text == "message") {
        Some(m) => b.content(env, &site.child("message", 1), m)?,
        None => b.content(env, site, e)?,
    };
    let mut metadata = Vec::new();
    for m in e.child_elements().filter(|c| &*c.name.text == "metadata") {
        let name = b.literal_attr(env, site, m, "name")?;
        let name = b.intern(&name);
        metadata.push((name, b.attr(env, site, m, "value")?));
    }
    Some(OpKind::Trace(TraceOp {
        source,
        severity,
        message,
        metadata,
    }))
}

/// `backend-id`: a literal names the scope's backend (workspace backends first).
fn backend_id(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Option<Arg> {
    let a = e.attribute("backend-id")?;
    if a.value.expression().is_some() {
        return b.arg(env, site, &a.value);
    }
    let written = b.text_of(env, &a.value);
    match env.backends.get(&written) {
        Some(name) => Some(Arg::Lit(b.intern(name))),
        None => {
            let message = format!("backend `{written}` is not declared");
            b.error(
                site.file,
                "unknown-backend",
                message,
                a.span,
                "no such backend",
            );
            None
        }
    }
}

fn forward(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Option<ForwardRequest> {
    let mut f = ForwardRequest::default();
    if e.attribute("timeout").is_some() {
        f.timeout_ms = number(b, env, site, e, "timeout")?.saturating_mul(1000);
    }
    if e.attribute("timeout-ms").is_some() {
        f.timeout_ms = number(b, env, site, e, "timeout-ms")?;
    }
    f.follow_redirects = flag(b, env, site, e, "follow-redirects", f.follow_redirects)?;
    f.buffer_request_body = flag(
        b,
        env,
        site,
        e,
        "buffer-request-body",
        f.buffer_request_body,
    )?;
    f.buffer_response = flag(b, env, site, e, "buffer-response", f.buffer_response)?;
    f.fail_on_error_status_code = flag(
        b,
        env,
        site,
        e,
        "fail-on-error-status-code",
        f.fail_on_error_status_code,
    )?;
    f.http_version = match b.literal_attr(env, site, e, "http-version").as_deref() {
        None if e.attribute("http-version").is_some() => return None,
        None | Some("1") => HttpVersion::Http1,
        Some("2") => HttpVersion::Http2,
        Some("2or1") => HttpVersion::Http2Or1,
        Some(other) => {
            let message = format!("`http-version` must be 1, 2 or 2or1, not `{other}`");
            b.error(
                site.file,
                "invalid-attribute-value",
                message,
                e.start_tag,
                "unknown version",
            );
            return None;
        }
    };
    Some(f)
}
