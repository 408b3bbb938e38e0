//! JSON or XML, as a message's `Content-Type` and the request's `Accept` say: when the
//! conversion policies (`json-to-xml`, `xml-to-json`, `jsonp`) apply, and the type they set.

use super::super::exchange::Exchange;
use super::message::message;
use crate::program::{Arg, Program};
use crate::vm::Fault;
use http::header::{HeaderValue, CONTENT_TYPE};

/// A body format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Format {
    /// `application/json`, `text/json`, `*/*+json`.
    Json,
    /// `application/xml`, `text/xml`, `*/*+xml`.
    Xml,
}

/// Whether media type `value` (parameters ignored, any case) is of format `f`.
pub(super) fn media_is(value: &str, f: Format) -> bool {
    let mt = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let (sub, suffix) = match f {
        Format::Json => ("json", "+json"),
        Format::Xml => ("xml", "+xml"),
    };
    matches!(mt.split_once('/'), Some(("application" | "text", s)) if s == sub)
        || mt.ends_with(suffix)
}

/// Whether the section's message declares a body of format `f` in its `Content-Type`.
pub(super) fn content_is(x: &mut Exchange, f: Format) -> bool {
    let (_, headers) = message(x);
    headers
        .values("content-type")
        .and_then(|v| v.first())
        .is_some_and(|v| media_is(v, f))
}

/// Whether the request's `Accept` lists a media type of format `f`.
pub(super) fn accepts(x: &Exchange, f: Format) -> bool {
    x.ctx.req.headers.values("accept").is_some_and(|vals| {
        vals.iter()
            .flat_map(|v| v.split(','))
            .any(|m| media_is(m, f))
    })
}

/// Sets the section's message `Content-Type`.
pub(super) fn set_content_type(x: &mut Exchange, value: &'static str) {
    let (_, headers) = message(x);
    headers
        .map_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(value));
}

/// A boolean attribute (`true`, any case, or an expression's `true`), `default` when absent.
pub(super) fn flag(
    x: &mut Exchange,
    program: &Program,
    a: Option<Arg>,
    default: bool,
) -> Result<bool, Fault> {
    match a {
        None => Ok(default),
        Some(a) => Ok(x.arg_text(program, &a)?.trim().eq_ignore_ascii_case("true")),
    }
}

/// Whether a conversion from `from` to `to` applies: `apply` is `always` or the message's
/// `Content-Type` is `from`; and, with `consider-accept-header` (default `true`), the
/// request's `Accept` asks for `to`.
pub(super) fn applies(
    x: &mut Exchange,
    program: &Program,
    apply: Arg,
    consider_accept: Option<Arg>,
    from: Format,
    to: Format,
) -> Result<bool, Fault> {
    let always = x
        .arg_text(program, &apply)?
        .trim()
        .eq_ignore_ascii_case("always");
    if !always && !content_is(x, from) {
        return Ok(false);
    }
    Ok(!flag(x, program, consider_accept, true)? || accepts(x, to))
}

/// The body as UTF-8 text, or the message of the error raised for it.
pub(super) fn utf8(body: &[u8]) -> Result<&str, String> {
    std::str::from_utf8(body).map_err(|e| {
        format!(
            "The body is not valid UTF-8 (invalid byte at offset {}).",
            e.valid_up_to()
        )
    })
}
