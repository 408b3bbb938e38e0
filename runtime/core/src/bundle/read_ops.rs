//! The blocks of a program bundle: policy operations, every tag and index checked.

use super::op_tag as t;
use super::read_program::{many, In};
use crate::bundle::BundleError;
use crate::program::{
    Block, ExistsAction, ForwardRequest, HeaderOp, HttpVersion, Op, OpKind, RateLimitByKey,
    ReturnResponse, Severity,
};

const ACTIONS: [ExistsAction; 4] = [
    ExistsAction::Override,
    ExistsAction::Skip,
    ExistsAction::Append,
    ExistsAction::Delete,
];
const SEVERITIES: [Severity; 3] = [Severity::Verbose, Severity::Information, Severity::Error];
const HTTP_VERSIONS: [HttpVersion; 3] = [
    HttpVersion::Http1,
    HttpVersion::Http2,
    HttpVersion::Http2Or1,
];

impl In<'_, '_> {
    /// The blocks section's entries, with the byte offset of each block.
    pub(super) fn blocks(&mut self) -> Result<(Vec<Block>, Vec<usize>), BundleError> {
        let n = self.table("blocks", self.limits.max_blocks, 1)?;
        self.b.blocks = n;
        let (mut all, mut offsets) = (Vec::with_capacity(n), Vec::with_capacity(n));
        for _ in 0..n {
            offsets.push(self.r.pos);
            let at = self.r.pos;
            let m = self.list("operations of a block", 2)?;
            self.ops = self.ops.saturating_add(m);
            if self.ops > self.limits.max_ops {
                return Err(BundleError::new(
                    at,
                    format!("operations total over the limit of {}", self.limits.max_ops),
                ));
            }
            let ops = many(m, || self.op())?;
            all.push(Block { ops });
        }
        Ok((all, offsets))
    }

    fn block_id(&mut self, what: &str) -> Result<u32, BundleError> {
        self.id(what, self.b.blocks)
    }

    fn code_id(&mut self, what: &str) -> Result<u32, BundleError> {
        self.id(what, self.b.codes)
    }

    fn op(&mut self) -> Result<Op, BundleError> {
        let loc = self.id("an operation's location", self.b.locs)?;
        let kind = match self.tag("operation tag", t::RATE_LIMIT_BY_KEY + 1)? {
            t::CALL => OpKind::Call(self.block_id("a called block")?),
            t::CHOOSE => {
                let n = self.list("branches", 2)?;
                let branches = many(n, || {
                    Ok((self.code_id("a condition")?, self.block_id("a branch")?))
                })?;
                OpKind::Choose {
                    branches,
                    otherwise: self.opt_id("an otherwise block", self.b.blocks)?,
                }
            }
            t::SET_HEADER => OpKind::SetHeader(self.header()?),
            t::SET_QUERY_PARAMETER => OpKind::SetQueryParameter(self.header()?),
            t::REWRITE_URI => OpKind::RewriteUri {
                template: self.arg("a template")?,
                copy_unmatched_params: self.flags::<1>("rewrite-uri flags")?[0],
            },
            t::SET_METHOD => OpKind::SetMethod(self.arg("a method")?),
            t::SET_STATUS => OpKind::SetStatus {
                code: self.arg("a status code")?,
                reason: self.opt_arg("a reason")?,
            },
            t::SET_VARIABLE => OpKind::SetVariable {
                name: self.str_id("a variable name")?,
                value: self.arg("a value")?,
            },
            t::SET_BODY => OpKind::SetBody {
                value: self.arg("a body")?,
            },
            t::RETURN_RESPONSE => OpKind::ReturnResponse(self.return_response()?),
            t::MOCK_RESPONSE => OpKind::MockResponse {
                status: self.r.var_u16("a status code")?,
                content_type: self.opt_str("a content type")?,
            },
            t::TRACE => self.trace()?,
            t::SET_BACKEND_SERVICE => OpKind::SetBackendService {
                backend_id: self.opt_arg("a backend id")?,
                base_url: self.opt_arg("a base URL")?,
            },
            t::FORWARD_REQUEST => OpKind::ForwardRequest(self.forward_request()?),
            _ => OpKind::RateLimitByKey(self.rate_limit()?),
        };
        Ok(Op { kind, loc })
    }

    fn header(&mut self) -> Result<HeaderOp, BundleError> {
        let name = self.arg("a name")?;
        let action = ACTIONS[self.tag("exists-action", ACTIONS.len() as u8)? as usize];
        let n = self.list("values", 1)?;
        let values = many(n, || self.arg("a value"))?;
        Ok(HeaderOp {
            name,
            action,
            values,
        })
    }

    fn return_response(&mut self) -> Result<ReturnResponse, BundleError> {
        let variable = self.opt_str("a response variable")?;
        let status = match self.opt_arg("a status code")? {
            None => None,
            Some(code) => Some((code, self.opt_arg("a reason")?)),
        };
        let n = self.list("headers", 3)?;
        let headers = many(n, || self.header())?;
        Ok(ReturnResponse {
            variable,
            status,
            headers,
            body: self.opt_arg("a body")?,
        })
    }

    fn trace(&mut self) -> Result<OpKind, BundleError> {
        let source = self.arg("a trace source")?;
        let severity = SEVERITIES[self.tag("severity", SEVERITIES.len() as u8)? as usize];
        let message = self.arg("a trace message")?;
        let n = self.list("metadata", 2)?;
        let metadata = many(n, || {
            Ok((
                self.str_id("a metadata name")?,
                self.arg("a metadata value")?,
            ))
        })?;
        Ok(OpKind::Trace {
            source,
            severity,
            message,
            metadata,
        })
    }

    fn forward_request(&mut self) -> Result<ForwardRequest, BundleError> {
        let timeout_ms = self.r.var("a timeout")?;
        let [follow_redirects, buffer_request_body, buffer_response, fail_on_error_status_code] =
            self.flags("forward-request flags")?;
        let tag = self.tag("HTTP version", HTTP_VERSIONS.len() as u8)?;
        Ok(ForwardRequest {
            timeout_ms,
            follow_redirects,
            buffer_request_body,
            buffer_response,
            fail_on_error_status_code,
            http_version: HTTP_VERSIONS[tag as usize],
        })
    }

    fn rate_limit(&mut self) -> Result<RateLimitByKey, BundleError> {
        Ok(RateLimitByKey {
            calls: self.arg("calls")?,
            renewal_period: self.arg("a renewal period")?,
            counter_key: self.arg("a counter key")?,
            increment_condition: self.opt_id("an increment condition", self.b.codes)?,
            increment_count: self.opt_arg("an increment count")?,
            retry_after_header_name: self.opt_str("a header name")?,
            retry_after_variable_name: self.opt_str("a variable name")?,
            remaining_calls_header_name: self.opt_str("a header name")?,
            remaining_calls_variable_name: self.opt_str("a variable name")?,
            total_calls_header_name: self.opt_str("a header name")?,
        })
    }
}
