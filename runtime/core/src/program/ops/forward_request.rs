//! `forward-request`: timeout, redirects, buffering and the protocol to the backend.

use super::{OpData, Printer, Refs};
use crate::bundle::{many, put_flags, put_len, put_var, BundleError, ProgramReader};
use crate::program::CodeId;

/// `http-version` of `forward-request`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum HttpVersion {
    /// HTTP/1.1 (default).
    Http1 = 0,
    /// HTTP/2 only.
    Http2 = 1,
    /// HTTP/2 if the backend offers it, else HTTP/1.1.
    Http2Or1 = 2,
}

/// An attribute of `forward-request` given as an expression, evaluated per request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum ForwardAttr {
    /// `timeout`, seconds.
    Timeout = 0,
    /// `timeout-ms`.
    TimeoutMs = 1,
    /// `follow-redirects`.
    FollowRedirects = 2,
    /// `buffer-request-body`.
    BufferRequestBody = 3,
    /// `http-version`.
    HttpVersion = 4,
}

/// Every expression attribute, in tag order.
const FORWARD_ATTRS: [ForwardAttr; 5] = [
    ForwardAttr::Timeout,
    ForwardAttr::TimeoutMs,
    ForwardAttr::FollowRedirects,
    ForwardAttr::BufferRequestBody,
    ForwardAttr::HttpVersion,
];

impl ForwardAttr {
    /// The attribute's name.
    pub fn name(self) -> &'static str {
        match self {
            ForwardAttr::Timeout => "timeout",
            ForwardAttr::TimeoutMs => "timeout-ms",
            ForwardAttr::FollowRedirects => "follow-redirects",
            ForwardAttr::BufferRequestBody => "buffer-request-body",
            ForwardAttr::HttpVersion => "http-version",
        }
    }
}

/// `forward-request` with its attributes resolved to their defaults; those given as
/// expressions are in `exprs` and override the literal values per request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForwardRequest {
    /// Response timeout in milliseconds (APIM's default is 300 s).
    pub timeout_ms: u64,
    /// Follow 3xx responses from the backend.
    pub follow_redirects: bool,
    /// Buffer the request body (needed for retries).
    pub buffer_request_body: bool,
    /// Buffer the response (otherwise stream it).
    pub buffer_response: bool,
    /// Treat 4xx/5xx backend responses as errors (on-error runs).
    pub fail_on_error_status_code: bool,
    /// Protocol to the backend.
    pub http_version: HttpVersion,
    /// Attributes given as expressions, in the order written.
    pub exprs: Vec<(ForwardAttr, CodeId)>,
}

impl Default for ForwardRequest {
    fn default() -> Self {
        ForwardRequest {
            timeout_ms: 300_000,
            follow_redirects: false,
            buffer_request_body: false,
            buffer_response: true,
            fail_on_error_status_code: false,
            http_version: HttpVersion::Http1,
            exprs: Vec::new(),
        }
    }
}

/// Every HTTP version, in tag order.
const HTTP_VERSIONS: [HttpVersion; 3] = [
    HttpVersion::Http1,
    HttpVersion::Http2,
    HttpVersion::Http2Or1,
];

impl OpData for ForwardRequest {
    fn write(&self, w: &mut Vec<u8>) {
        put_var(w, self.timeout_ms);
        put_flags(
            w,
            &[
                self.follow_redirects,
                self.buffer_request_body,
                self.buffer_response,
                self.fail_on_error_status_code,
            ],
        );
        w.push(self.http_version as u8);
        put_len(w, self.exprs.len());
        for (a, c) in &self.exprs {
            w.push(*a as u8);
            put_var(w, *c);
        }
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        let timeout_ms = r.r.var("a timeout")?;
        let [follow_redirects, buffer_request_body, buffer_response, fail_on_error_status_code] =
            r.flags("forward-request flags")?;
        let tag = r.tag("HTTP version", HTTP_VERSIONS.len() as u8)?;
        let n = r.list("forward-request expressions", 2)?;
        let exprs = many(n, || {
            let a = r.tag("a forward-request attribute", FORWARD_ATTRS.len() as u8)?;
            Ok((
                FORWARD_ATTRS[a as usize],
                r.code_id("an attribute expression")?,
            ))
        })?;
        Ok(ForwardRequest {
            timeout_ms,
            follow_redirects,
            buffer_request_body,
            buffer_response,
            fail_on_error_status_code,
            http_version: HTTP_VERSIONS[tag as usize],
            exprs,
        })
    }

    fn print(&self, _p: &Printer<'_>, name: &str) -> String {
        // An attribute given as an expression shows it instead of the literal value.
        let shown = |a: ForwardAttr, lit: String| {
            self.exprs
                .iter()
                .find(|(x, _)| *x == a)
                .map_or(lit, |(_, c)| format!("expr#{c}"))
        };
        let timeout = match self
            .exprs
            .iter()
            .find(|(a, _)| matches!(a, ForwardAttr::Timeout | ForwardAttr::TimeoutMs))
        {
            Some((a, c)) => format!("{}=expr#{c}", a.name()),
            None => format!("timeout={}ms", self.timeout_ms),
        };
        format!(
            "{name} {timeout} follow-redirects={} buffer-request-body={} buffer-response={} fail-on-error-status-code={} http-version={}",
            shown(ForwardAttr::FollowRedirects, self.follow_redirects.to_string()),
            shown(ForwardAttr::BufferRequestBody, self.buffer_request_body.to_string()),
            self.buffer_response,
            self.fail_on_error_status_code,
            shown(ForwardAttr::HttpVersion, format!("{:?}", self.http_version))
        )
    }

    fn refs(&self, v: &mut dyn Refs) {
        for (_, c) in &self.exprs {
            v.code(*c);
        }
    }
}
