//! `mock-response`: a status code and content type answered from the API's examples.

use super::Lowering;
use gatehouse_runtime::program::{MockResponse, OpKind};

/// `mock-response`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "mock-response",
    attributes: &["status-code", "content-type"],
    lower: |b, env, site, e| {
        let status = b.int_attr(env, site, e, "status-code")?;
        let status = status.and_then(|s| u16::try_from(s).ok()).unwrap_or(200);
        let content_type = b
            .text_attr(env, site, e, "content-type")?
            .map(|t| b.intern(&t));
        Ok(OpKind::MockResponse(MockResponse {
            status,
            content_type,
        }))
    },
};
