//! `forward-request`: timeout, redirects, buffering and the protocol to the backend.

use super::{OpData, Printer, Refs};
use crate::bundle::{put_flags, put_var, BundleError, ProgramReader};

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

/// `forward-request` with its attributes resolved to their defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        let timeout_ms = r.r.var("a timeout")?;
        let [follow_redirects, buffer_request_body, buffer_response, fail_on_error_status_code] =
            r.flags("forward-request flags")?;
        let tag = r.tag("HTTP version", HTTP_VERSIONS.len() as u8)?;
        Ok(ForwardRequest {
            timeout_ms,
            follow_redirects,
            buffer_request_body,
            buffer_response,
            fail_on_error_status_code,
            http_version: HTTP_VERSIONS[tag as usize],
        })
    }

    fn print(&self, _p: &Printer<'_>, name: &str) -> String {
        format!(
            "{name} timeout={}ms follow-redirects={} buffer-request-body={} buffer-response={} fail-on-error-status-code={} http-version={:?}",
            self.timeout_ms,
            self.follow_redirects,
            self.buffer_request_body,
            self.buffer_response,
            self.fail_on_error_status_code,
            self.http_version
        )
    }

    fn refs(&self, _v: &mut dyn Refs) {}
}
