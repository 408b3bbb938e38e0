//! Policy operations: one variant per executed policy, arguments parsed at build time.

use super::{BlockId, CodeId, LocId, StrId};

/// An argument that is either literal text or an expression evaluated per request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arg {
    /// Literal text (named values already substituted; secrets completed at load).
    Lit(StrId),
    /// An expression; its value is converted as the policy needs (usually `ToString()`).
    Expr(CodeId),
}

/// One policy statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Op {
    /// What it does.
    pub kind: OpKind,
    /// Where it is written.
    pub loc: LocId,
}

/// `exists-action` of `set-header` / `set-query-parameter`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum ExistsAction {
    /// Replace existing values (default).
    Override = 0,
    /// Leave an existing entry alone.
    Skip = 1,
    /// Add to existing values.
    Append = 2,
    /// Remove the entry.
    Delete = 3,
}

/// A header or query-parameter operation.
#[derive(Clone, Debug, PartialEq)]
pub struct HeaderOp {
    /// The name.
    pub name: Arg,
    /// What to do when it exists.
    pub action: ExistsAction,
    /// The `<value>` children, in order.
    pub values: Vec<Arg>,
}

/// `trace` severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
#[allow(missing_docs)]
pub enum Severity {
    Verbose = 0,
    Information = 1,
    Error = 2,
}

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

/// `return-response`.
#[derive(Clone, Debug, PartialEq)]
pub struct ReturnResponse {
    /// `response-variable-name`: start from a response object stored in a variable.
    pub variable: Option<StrId>,
    /// `<set-status code reason>`.
    pub status: Option<(Arg, Option<Arg>)>,
    /// `<set-header>` children.
    pub headers: Vec<HeaderOp>,
    /// `<set-body>` child.
    pub body: Option<Arg>,
}

/// `rate-limit-by-key`.
#[derive(Clone, Debug, PartialEq)]
pub struct RateLimitByKey {
    /// Calls allowed per period.
    pub calls: Arg,
    /// Period length in seconds.
    pub renewal_period: Arg,
    /// The counter key.
    pub counter_key: Arg,
    /// Count the call only when this holds (evaluated after the response).
    pub increment_condition: Option<CodeId>,
    /// How much one call counts (default 1).
    pub increment_count: Option<Arg>,
    /// Header that receives the seconds until retry on 429.
    pub retry_after_header_name: Option<StrId>,
    /// Variable that receives the seconds until retry.
    pub retry_after_variable_name: Option<StrId>,
    /// Header that receives the remaining calls.
    pub remaining_calls_header_name: Option<StrId>,
    /// Variable that receives the remaining calls.
    pub remaining_calls_variable_name: Option<StrId>,
    /// Header that receives the total calls allowed.
    pub total_calls_header_name: Option<StrId>,
}

/// What a policy statement does.
#[derive(Clone, Debug, PartialEq)]
pub enum OpKind {
    /// Run a shared block (a `<base/>` scope or an `<include-fragment>`).
    Call(BlockId),
    /// `choose`: the first `when` whose condition is true, else `otherwise`.
    Choose {
        /// `(condition, block)` of each `when`.
        branches: Vec<(CodeId, BlockId)>,
        /// The `otherwise` block.
        otherwise: Option<BlockId>,
    },
    /// `set-header` on the section's message (request inbound/backend, response after).
    SetHeader(HeaderOp),
    /// `set-query-parameter`.
    SetQueryParameter(HeaderOp),
    /// `rewrite-uri`.
    RewriteUri {
        /// The new URL template (relative to the backend base URL).
        template: Arg,
        /// Keep query parameters the template does not mention.
        copy_unmatched_params: bool,
    },
    /// `set-method`.
    SetMethod(Arg),
    /// `set-status`.
    SetStatus {
        /// Status code.
        code: Arg,
        /// Reason phrase.
        reason: Option<Arg>,
    },
    /// `set-variable`.
    SetVariable {
        /// Variable name.
        name: StrId,
        /// Its value (an expression keeps its type; literal text is a string).
        value: Arg,
    },
    /// `set-body` on the section's message.
    SetBody {
        /// The new body.
        value: Arg,
    },
    /// `return-response`: stop the pipeline and answer.
    ReturnResponse(ReturnResponse),
    /// `mock-response`: answer from the operation's declared example.
    MockResponse {
        /// Status code to pick (default 200).
        status: u16,
        /// Content type to pick, if given.
        content_type: Option<StrId>,
    },
    /// `trace`.
    Trace {
        /// `source`.
        source: Arg,
        /// `severity`.
        severity: Severity,
        /// `<message>`.
        message: Arg,
        /// `<metadata name value>` pairs.
        metadata: Vec<(StrId, Arg)>,
    },
    /// `set-backend-service`.
    SetBackendService {
        /// `backend-id` (a declared backend; literal ids are checked at build).
        backend_id: Option<Arg>,
        /// `base-url`.
        base_url: Option<Arg>,
    },
    /// `forward-request`.
    ForwardRequest(ForwardRequest),
    /// `rate-limit-by-key`.
    RateLimitByKey(RateLimitByKey),
}

impl OpKind {
    /// The policy element name this operation came from (`context.LastError.PolicyId`).
    pub fn policy_name(&self) -> &'static str {
        match self {
            OpKind::Call(_) => "include-fragment",
            OpKind::Choose { .. } => "choose",
            OpKind::SetHeader(_) => "set-header",
            OpKind::SetQueryParameter(_) => "set-query-parameter",
            OpKind::RewriteUri { .. } => "rewrite-uri",
            OpKind::SetMethod(_) => "set-method",
            OpKind::SetStatus { .. } => "set-status",
            OpKind::SetVariable { .. } => "set-variable",
            OpKind::SetBody { .. } => "set-body",
            OpKind::ReturnResponse(_) => "return-response",
            OpKind::MockResponse { .. } => "mock-response",
            OpKind::Trace { .. } => "trace",
            OpKind::SetBackendService { .. } => "set-backend-service",
            OpKind::ForwardRequest(_) => "forward-request",
            OpKind::RateLimitByKey(_) => "rate-limit-by-key",
        }
    }
}

/// The policies gatehouse executes. Every other policy in the catalogue is parsed and
/// checked but stays a build error (a `check` warning) until it is implemented.
pub const EXECUTED_POLICIES: &[&str] = &[
    "base",
    "choose",
    "include-fragment",
    "set-header",
    "set-query-parameter",
    "rewrite-uri",
    "set-method",
    "set-status",
    "set-variable",
    "set-body",
    "return-response",
    "mock-response",
    "trace",
    "set-backend-service",
    "forward-request",
    "rate-limit-by-key",
];
