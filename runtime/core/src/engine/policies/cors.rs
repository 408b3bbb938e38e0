//! `cors`: preflights answered before the pipeline runs (from the `cors` policies of the
//! effective inbound), and CORS headers on actual cross-origin requests.

use super::super::exchange::{Body, Exchange, Reply};
use super::super::route::RequestView;
use super::super::run::Next;
use crate::program::{Cors, Op, OpKind, Program, StrId};
use http::header::{self, HeaderName, HeaderValue};
use http::StatusCode;

/// APIM's default `allowed-methods`.
const DEFAULT_METHODS: [&str; 2] = ["GET", "POST"];

/// Methods tried, in order, when no operation answers the preflight's requested method.
const FALLBACK_METHODS: [&str; 6] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"];

/// An origin as compared: scheme and host in lower case, the port explicit.
fn origin_key(text: &str) -> Option<(String, String, u16)> {
    let text = text.trim().trim_end_matches('/');
    let (scheme, rest) = text.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => 0,
    };
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, _)) if !h.ends_with(']') && h.contains(':') => (rest, default),
        Some((h, p)) => (h, p.parse().ok()?),
        None => (rest, default),
    };
    let host = host.to_ascii_lowercase();
    (!host.is_empty() && !host.contains('/')).then_some((scheme, host, port))
}

/// Whether `origin` (as the client sent it) is one of `allowed`.
fn origin_allowed(program: &Program, allowed: &[StrId], origin: &str) -> bool {
    let key = origin_key(origin);
    allowed.iter().any(|a| {
        let a = program.str(*a);
        a == "*" || (key.is_some() && origin_key(a) == key)
    })
}

fn request_header<'r>(x: &'r Exchange, name: &HeaderName) -> Option<&'r str> {
    x.ctx
        .req
        .headers
        .map()
        .get(name)
        .and_then(|v| v.to_str().ok())
}

/// A boolean argument, `default` when absent or not evaluable.
fn flag(
    x: &mut Exchange,
    program: &Program,
    a: Option<crate::program::Arg>,
    default: bool,
) -> bool {
    match a {
        None => default,
        Some(a) => x
            .arg_text(program, &a)
            .map_or(default, |t| t.trim().eq_ignore_ascii_case("true")),
    }
}

/// The policy step on an actual (non-preflight) request: the first `cors` decides.
pub(super) fn cors(x: &mut Exchange, program: &Program, _op: &Op, c: &Cors) -> Next {
    if std::mem::replace(&mut x.cors_done, true) {
        return Next::Go;
    }
    let Some(origin) = request_header(x, &header::ORIGIN).map(str::to_string) else {
        return Next::Go;
    };
    if !origin_allowed(program, &c.origins, &origin) {
        let simple = matches!(x.ctx.req.method.as_str(), "GET" | "HEAD");
        if simple && flag(x, program, c.terminate_unmatched, true) {
            x.ctx.resp = Reply::empty();
            return Next::Stop;
        }
        return Next::Go;
    }
    let credentials = flag(x, program, c.allow_credentials, false);
    let mut add = |k: HeaderName, v: &str| {
        if let Ok(v) = HeaderValue::from_str(v) {
            x.extra.retain(|(n, _)| *n != k);
            x.extra.push((k, v));
        }
    };
    add(header::ACCESS_CONTROL_ALLOW_ORIGIN, &origin);
    add(header::VARY, "Origin");
    if credentials {
        add(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
    }
    if !c.expose.is_empty() {
        let list: Vec<&str> = c.expose.iter().map(|s| program.str(*s)).collect();
        add(header::ACCESS_CONTROL_EXPOSE_HEADERS, &list.join(", "));
    }
    Next::Go
}

/// Answers a preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) from
/// the `cors` policies of the inbound the requested method would run, unless the API
/// declares an `OPTIONS` operation for the path. `true`: the response is set.
pub(crate) fn preflight(x: &mut Exchange) -> bool {
    if x.ctx.req.method != http::Method::OPTIONS || request_header(x, &header::ORIGIN).is_none() {
        return false;
    }
    let Some(wanted) =
        request_header(x, &header::ACCESS_CONTROL_REQUEST_METHOD).map(str::to_string)
    else {
        return false;
    };
    let sh = x.ctx.sh.clone();
    let program = &*sh.program;
    let explicit = x.ctx.op.and_then(|op| {
        let api = program.apis.get(x.ctx.api? as usize)?;
        Some(program.str(api.operations.get(op as usize)?.method) == "OPTIONS")
    });
    if explicit == Some(true) {
        return false;
    }
    let req = &x.ctx.req;
    // The operation the requested method would reach; else any operation at the path (its
    // `cors` then refuses a method it does not allow).
    let routed = std::iter::once(wanted.trim())
        .chain(FALLBACK_METHODS)
        .find_map(|m| {
            let view = RequestView { req, method: m };
            sh.routes.route(&view, req.received_path()).ok()
        });
    let Some(routed) = routed else {
        return false;
    };
    let Some(operation) = program
        .apis
        .get(routed.api as usize)
        .and_then(|a| a.operations.get(routed.op as usize))
    else {
        return false;
    };
    let pick = operation
        .pipelines
        .iter()
        .find(|(p, _)| *p == u32::MAX)
        .or_else(|| operation.pipelines.first());
    let Some(inbound) = pick
        .and_then(|(_, pid)| program.pipelines.get(*pid as usize))
        .map(|p| p.sections[0])
    else {
        return false;
    };
    let mut policies = Vec::new();
    collect(program, inbound, sh.config.max_call_depth, &mut policies);
    if policies.is_empty() {
        return false;
    }
    x.ctx.api = Some(routed.api);
    x.ctx.op = Some(routed.op);
    x.ctx.params = routed.params;
    x.ctx.req.path = routed.rest;
    x.ctx.resp = Reply::empty();
    for c in policies {
        match answer(x, program, c, &wanted) {
            Some(()) => return true,
            None if flag(x, program, c.terminate_unmatched, true) => return true,
            None => {}
        }
    }
    true
}

/// The `cors` policies of block `id`, in order, through `<base/>` and fragment calls.
fn collect<'p>(program: &'p Program, id: u32, depth: u32, out: &mut Vec<&'p Cors>) {
    let Some(block) = program.blocks.get(id as usize) else {
        return;
    };
    for op in &block.ops {
        match &op.kind {
            OpKind::Cors(c) => out.push(c),
            OpKind::Call(b) if depth > 0 => collect(program, *b, depth - 1, out),
            _ => {}
        }
    }
}

/// The preflight answer of one `cors`: `None` when the origin does not match. A matching
/// origin whose method or headers are not allowed gets the empty 200 without CORS headers.
fn answer(x: &mut Exchange, program: &Program, c: &Cors, wanted: &str) -> Option<()> {
    let origin = request_header(x, &header::ORIGIN)?.to_string();
    if !origin_allowed(program, &c.origins, &origin) {
        return None;
    }
    let mut methods: Vec<String> = Vec::new();
    for m in &c.methods {
        methods.push(
            x.arg_text(program, m)
                .map(|t| t.trim().to_string())
                .unwrap_or_default(),
        );
    }
    if c.methods.is_empty() {
        methods = DEFAULT_METHODS.iter().map(|m| m.to_string()).collect();
    }
    let method_ok = methods
        .iter()
        .any(|m| m == "*" || m.eq_ignore_ascii_case(wanted.trim()));
    let asked = request_header(x, &header::ACCESS_CONTROL_REQUEST_HEADERS)
        .unwrap_or("")
        .to_string();
    let asked: Vec<&str> = asked
        .split(',')
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .collect();
    let headers_ok = asked.iter().all(|h| {
        c.headers
            .iter()
            .any(|a| program.str(*a) == "*" || program.str(*a).eq_ignore_ascii_case(h))
    });
    if !method_ok || !headers_ok {
        return Some(());
    }
    let credentials = flag(x, program, c.allow_credentials, false);
    let max_age = c
        .max_age
        .map(|a| x.arg_int(program, &a).unwrap_or(0))
        .unwrap_or(0);
    let h = x.ctx.resp.headers.map_mut();
    let mut put = |k: HeaderName, v: &str| {
        if let Ok(v) = HeaderValue::from_str(v) {
            h.insert(k, v);
        }
    };
    put(header::ACCESS_CONTROL_ALLOW_ORIGIN, &origin);
    put(header::VARY, "Origin");
    if credentials {
        put(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
    }
    put(header::ACCESS_CONTROL_ALLOW_METHODS, wanted.trim());
    if !asked.is_empty() {
        put(header::ACCESS_CONTROL_ALLOW_HEADERS, &asked.join(", "));
    }
    if max_age > 0 {
        put(header::ACCESS_CONTROL_MAX_AGE, &max_age.to_string());
    }
    x.ctx.resp.status = StatusCode::OK;
    x.ctx.resp.body = Body::Absent;
    Some(())
}
