//! Policy operations: one variant per executed policy, arguments parsed at build time.
//!
//! Each policy's payload is a type in its own file here (`set_header.rs` holds [`HeaderOp`],
//! `rate_limit_by_key.rs` [`RateLimitByKey`] …) implementing `OpData`: its bundle encoding
//! (written and read back with every index checked), its `explain` line and the codes,
//! blocks and strings it refers to. [`OpKind`] is one table of variants with their bundle
//! tag and policy name, from which the bundle, the printer and the engine's scans dispatch.
//! Adding an executed policy: its file here, one row in the table, its engine step
//! (`engine/policies/<policy>.rs`) and one line in the engine's `exec`.

mod authentication_basic;
mod authentication_certificate;
mod authentication_managed_identity;
mod cache_lookup;
mod cache_lookup_value;
mod cache_remove_value;
mod cache_store;
mod cache_store_value;
mod check_header;
mod choose;
mod cors;
mod emit_metric;
mod find_and_replace;
mod forward_request;
mod ip_filter;
mod json_to_xml;
mod limit_concurrency;
mod llm_content_safety;
mod llm_emit_token_metric;
mod llm_semantic_cache;
mod llm_token_limit;
mod log_to_eventhub;
mod mock_response;
mod quota;
mod quota_by_key;
mod rate_limit;
mod rate_limit_by_key;
mod retry;
mod return_response;
mod rewrite_uri;
mod send_request;
mod set_backend_service;
mod set_body;
mod set_header;
mod set_method;
mod set_status;
mod set_variable;
mod trace;
mod validate_azure_ad_token;
mod validate_client_certificate;
mod validate_content;
mod validate_graphql_request;
mod validate_headers;
mod validate_jwt;
mod validate_parameters;
mod validate_status_code;
mod wait;
mod xml_to_json;
mod xsl_transform;

pub use authentication_basic::AuthenticationBasic;
pub use authentication_certificate::AuthenticationCertificate;
pub use authentication_managed_identity::AuthenticationManagedIdentity;
pub use cache_lookup::CacheLookup;
pub use cache_lookup_value::{CacheLookupValue, CachingType};
pub use cache_remove_value::CacheRemoveValue;
pub use cache_store::CacheStore;
pub use cache_store_value::CacheStoreValue;
pub use check_header::CheckHeader;
pub use choose::Choose;
pub use cors::Cors;
pub use emit_metric::{DefaultDimension, Dimension, DimensionValue, EmitMetric};
pub use find_and_replace::FindAndReplace;
pub use forward_request::{ForwardAttr, ForwardRequest, HttpVersion};
pub use ip_filter::{canonical_ip, ip_key, parse_ip_filter_address, IpFilter};
pub use json_to_xml::JsonToXml;
pub use limit_concurrency::LimitConcurrency;
pub use llm_content_safety::{ContentSafety, HarmCategory, OutputType};
pub use llm_emit_token_metric::TokenMetric;
pub use llm_semantic_cache::{SemanticCacheLookup, SemanticCacheStore};
pub use llm_token_limit::{QuotaPeriod, TokenLimit};
pub use log_to_eventhub::{EventSink, LogToEventhub};
pub use mock_response::MockResponse;
pub use quota::Quota;
pub use quota_by_key::QuotaByKey;
pub use rate_limit::{CallsReport, Limit, RateLimit, Target};
pub use rate_limit_by_key::RateLimitByKey;
pub use retry::Retry;
pub use return_response::ReturnResponse;
pub use rewrite_uri::RewriteUri;
pub use send_request::SendRequest;
pub use set_backend_service::SetBackendService;
pub use set_body::{LiquidBody, SetBody};
pub use set_header::{ExistsAction, HeaderOp};
pub use set_method::SetMethod;
pub use set_status::SetStatus;
pub use set_variable::SetVariable;
pub use trace::{Severity, TraceOp};
pub use validate_azure_ad_token::ValidateAzureAdToken;
pub use validate_client_certificate::{CertIdentity, ValidateClientCertificate};
pub use validate_content::{ContentRule, TypeMapping, ValidateAs, ValidateContent};
pub use validate_graphql_request::ValidateGraphqlRequest;
pub use validate_headers::ValidateHeaders;
pub use validate_jwt::{
    JwtRules, KeyMaterial, RequiredClaim, SigningKey, TokenSource, ValidateJwt,
};
pub use validate_parameters::{ParamBlock, ValidateParameters, PARAMETER_BLOCKS};
pub use validate_status_code::ValidateStatusCode;
pub use wait::Wait;
pub use xml_to_json::XmlToJson;
pub use xsl_transform::XslTransform;

use super::print::Printer;
use super::{BlockId, CodeId, LocId, StrId};
use crate::bundle::{BundleError, ProgramReader};

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

/// A policy's payload: everything about it but its execution.
pub(crate) trait OpData: Sized {
    /// Writes the fields (after the operation's location and tag) into a program bundle.
    fn write(&self, w: &mut Vec<u8>);

    /// Reads the fields back, checking every index against the tables read so far.
    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError>;

    /// The `explain` line; `name` is the policy's name.
    fn print(&self, p: &Printer<'_>, name: &str) -> String;

    /// Visits every code, block and string the operation refers to, in the order the
    /// printer shows them.
    fn refs(&self, v: &mut dyn Refs);
}

/// A visitor of what operations refer to.
pub trait Refs {
    /// A compiled expression.
    fn code(&mut self, _code: CodeId) {}

    /// A block the operation runs.
    fn block(&mut self, _block: BlockId) {}

    /// An interned string.
    fn string(&mut self, _string: StrId) {}

    /// An argument: its string or its code.
    fn arg(&mut self, a: Arg) {
        match a {
            Arg::Lit(s) => self.string(s),
            Arg::Expr(c) => self.code(c),
        }
    }
}

/// [`Refs`] calling one closure per code.
struct Codes<'f>(&'f mut dyn FnMut(CodeId));

impl Refs for Codes<'_> {
    fn code(&mut self, code: CodeId) {
        (self.0)(code);
    }
}

/// [`Refs`] calling one closure per block.
struct Blocks<'f>(&'f mut dyn FnMut(BlockId));

impl Refs for Blocks<'_> {
    fn block(&mut self, block: BlockId) {
        (self.0)(block);
    }
}

/// Defines [`OpKind`] from one table: each policy's variant, payload type, bundle tag and
/// element name. `Call` (a shared block: `<base/>` or a fragment) is the one operation
/// that is not a policy of its own.
macro_rules! op_kinds {
    ($( $(#[$meta:meta])* $variant:ident($ty:ty) = $tag:literal, $policy:literal; )*) => {
        /// What a policy statement does.
        #[derive(Clone, Debug, PartialEq)]
        pub enum OpKind {
            /// Run a shared block (a `<base/>` scope or an `<include-fragment>`).
            Call(BlockId),
            $( $(#[$meta])* $variant($ty), )*
        }

        /// The policies gatehouse executes. Every other policy in the catalogue is parsed
        /// and checked but stays a build error (a `check` warning) until it is implemented.
        pub const EXECUTED_POLICIES: &[&str] = &["base", "include-fragment", $( $policy, )*];

        impl OpKind {
            /// The policy element name this operation came from (`context.LastError.PolicyId`).
            pub fn policy_name(&self) -> &'static str {
                match self {
                    OpKind::Call(_) => "include-fragment",
                    $( OpKind::$variant(_) => $policy, )*
                }
            }

            /// Its tag in a program bundle.
            pub fn tag(&self) -> u8 {
                match self {
                    OpKind::Call(_) => CALL_TAG,
                    $( OpKind::$variant(_) => $tag, )*
                }
            }

            /// Writes the fields after the tag.
            pub(crate) fn write(&self, w: &mut Vec<u8>) {
                match self {
                    OpKind::Call(b) => crate::bundle::put_var(w, *b),
                    $( OpKind::$variant(d) => d.write(w), )*
                }
            }

            /// Reads the fields of the operation with `tag` (`None`: no such tag).
            pub(crate) fn read(
                tag: u8,
                r: &mut ProgramReader<'_, '_>,
            ) -> Result<Option<OpKind>, BundleError> {
                Ok(Some(match tag {
                    CALL_TAG => OpKind::Call(r.block_id("a called block")?),
                    $( $tag => OpKind::$variant(<$ty as OpData>::read(r)?), )*
                    _ => return Ok(None),
                }))
            }

            /// The `explain` line.
            pub(crate) fn print(&self, p: &Printer<'_>) -> String {
                match self {
                    OpKind::Call(b) => format!("call block {b}"),
                    $( OpKind::$variant(d) => d.print(p, $policy), )*
                }
            }

            /// Visits what the operation refers to (its payload's `OpData::refs`).
            pub fn refs(&self, v: &mut dyn Refs) {
                match self {
                    OpKind::Call(b) => v.block(*b),
                    $( OpKind::$variant(d) => d.refs(v), )*
                }
            }
        }
    };
}

/// The bundle tag of [`OpKind::Call`].
const CALL_TAG: u8 = 0;

op_kinds! {
    /// `choose`: the first `when` whose condition is true, else `otherwise`.
    Choose(Choose) = 1, "choose";
    /// `set-header` on the section's message (request inbound/backend, response after).
    SetHeader(HeaderOp) = 2, "set-header";
    /// `set-query-parameter`.
    SetQueryParameter(HeaderOp) = 3, "set-query-parameter";
    /// `rewrite-uri`.
    RewriteUri(RewriteUri) = 4, "rewrite-uri";
    /// `set-method`.
    SetMethod(SetMethod) = 5, "set-method";
    /// `set-status`.
    SetStatus(SetStatus) = 6, "set-status";
    /// `set-variable`.
    SetVariable(SetVariable) = 7, "set-variable";
    /// `set-body` on the section's message.
    SetBody(SetBody) = 8, "set-body";
    /// `return-response`: stop the pipeline and answer.
    ReturnResponse(ReturnResponse) = 9, "return-response";
    /// `mock-response`: answer from the operation's declared example.
    MockResponse(MockResponse) = 10, "mock-response";
    /// `trace`.
    Trace(TraceOp) = 11, "trace";
    /// `set-backend-service`.
    SetBackendService(SetBackendService) = 12, "set-backend-service";
    /// `forward-request`.
    ForwardRequest(ForwardRequest) = 13, "forward-request";
    /// `rate-limit-by-key`.
    RateLimitByKey(RateLimitByKey) = 14, "rate-limit-by-key";
    /// `check-header`: the request must carry a header (with one of the listed values).
    CheckHeader(CheckHeader) = 15, "check-header";
    /// `find-and-replace` on the section's message body.
    FindAndReplace(FindAndReplace) = 80, "find-and-replace";
    /// `rate-limit`: calls per subscription, with `api`/`operation` sub-limits.
    RateLimit(RateLimit) = 48, "rate-limit";
    /// `quota`: calls per subscription and renewal period, with `api`/`operation` quotas.
    Quota(Quota) = 49, "quota";
    /// `send-request`: an outbound call, its response stored in a variable.
    SendRequest(SendRequest) = 64, "send-request";
    /// `ip-filter`: allow or forbid callers by address.
    IpFilter(IpFilter) = 32, "ip-filter";
    /// `cors`: preflights answered before the pipeline, CORS headers on actual requests.
    Cors(Cors) = 33, "cors";
    /// `authentication-basic`: the request's `Authorization: Basic` header.
    AuthenticationBasic(AuthenticationBasic) = 34, "authentication-basic";
    /// `authentication-managed-identity`: a token from the operator's token providers.
    AuthenticationManagedIdentity(AuthenticationManagedIdentity) = 39, "authentication-managed-identity";
    /// `cache-lookup-value`: a cached value into a variable.
    CacheLookupValue(CacheLookupValue) = 50, "cache-lookup-value";
    /// `cache-store-value`: a value into the cache for a duration.
    CacheStoreValue(CacheStoreValue) = 51, "cache-store-value";
    /// `cache-remove-value`: a key out of the cache.
    CacheRemoveValue(CacheRemoveValue) = 52, "cache-remove-value";
    /// `cache-lookup`: a cached response answers a GET (the backend is not called).
    CacheLookup(CacheLookup) = 53, "cache-lookup";
    /// `cache-store`: the response into the cache, for the `cache-lookup` that missed.
    CacheStore(CacheStore) = 54, "cache-store";
    /// `limit-concurrency`: the nested policies while holding one of `max-count` slots.
    LimitConcurrency(LimitConcurrency) = 55, "limit-concurrency";
    /// `emit-metric`: a custom metric with dimensions.
    EmitMetric(EmitMetric) = 96, "emit-metric";
    /// `llm-emit-token-metric`: token metrics settled after the response.
    LlmEmitTokenMetric(TokenMetric) = 97, "llm-emit-token-metric";
    /// `azure-openai-emit-token-metric`: the Azure OpenAI twin of `llm-emit-token-metric`.
    AzureOpenAiEmitTokenMetric(TokenMetric) = 98, "azure-openai-emit-token-metric";
    /// `llm-token-limit`: tokens per minute and token quotas per key.
    LlmTokenLimit(TokenLimit) = 99, "llm-token-limit";
    /// `azure-openai-token-limit`: the Azure OpenAI twin of `llm-token-limit`.
    AzureOpenAiTokenLimit(TokenLimit) = 100, "azure-openai-token-limit";
    /// `validate-client-certificate`: checks of the client's TLS certificate.
    ValidateClientCertificate(ValidateClientCertificate) = 37, "validate-client-certificate";
    /// `authentication-certificate`: the certificate backend calls present.
    AuthenticationCertificate(AuthenticationCertificate) = 38, "authentication-certificate";
    /// `retry`: a block run again while its condition holds, with APIM's waits between.
    Retry(Retry) = 65, "retry";
    /// `wait`: child policies run concurrently, until all or any of them is done.
    Wait(Wait) = 66, "wait";
    /// `send-one-way-request`: a call nobody waits for (the payload's variable is unused).
    SendOneWayRequest(SendRequest) = 67, "send-one-way-request";
    /// `validate-jwt`: the request's token verified against keys, audiences, issuers, claims.
    ValidateJwt(ValidateJwt) = 35, "validate-jwt";
    /// `validate-azure-ad-token`: a Microsoft Entra token of a tenant.
    ValidateAzureAdToken(ValidateAzureAdToken) = 36, "validate-azure-ad-token";
    /// `quota-by-key`: calls per key in fixed windows from `first-period-start`.
    QuotaByKey(QuotaByKey) = 56, "quota-by-key";
    /// `validate-content`: a body's size, content type and schema.
    ValidateContent(ValidateContent) = 81, "validate-content";
    /// `validate-parameters`: the request's parameters against the operation's.
    ValidateParameters(ValidateParameters) = 82, "validate-parameters";
    /// `validate-headers`: the response's headers against the operation's.
    ValidateHeaders(ValidateHeaders) = 83, "validate-headers";
    /// `validate-status-code`: the response's status against the operation's.
    ValidateStatusCode(ValidateStatusCode) = 84, "validate-status-code";
    /// `validate-graphql-request`: the GraphQL request's size, depth, validity and fields.
    ValidateGraphqlRequest(ValidateGraphqlRequest) = 91, "validate-graphql-request";
    /// `xsl-transform`: the section's XML body through an XSLT 1.0 stylesheet.
    XslTransform(XslTransform) = 90, "xsl-transform";
    /// `llm-content-safety`: the prompt checked by Azure AI Content Safety.
    LlmContentSafety(ContentSafety) = 101, "llm-content-safety";
    /// `llm-semantic-cache-lookup`: a cached answer to a prompt near this one.
    LlmSemanticCacheLookup(SemanticCacheLookup) = 102, "llm-semantic-cache-lookup";
    /// `azure-openai-semantic-cache-lookup`: the Azure OpenAI twin.
    AzureOpenAiSemanticCacheLookup(SemanticCacheLookup) = 103, "azure-openai-semantic-cache-lookup";
    /// `llm-semantic-cache-store`: the answer kept for the looked-up prompt.
    LlmSemanticCacheStore(SemanticCacheStore) = 104, "llm-semantic-cache-store";
    /// `azure-openai-semantic-cache-store`: the Azure OpenAI twin.
    AzureOpenAiSemanticCacheStore(SemanticCacheStore) = 105, "azure-openai-semantic-cache-store";
    /// `json-to-xml`: the section's JSON body as XML, by APIM's conversion rules.
    JsonToXml(JsonToXml) = 85, "json-to-xml";
    /// `xml-to-json`: the section's XML body as JSON (`direct` or `javascript-friendly`).
    XmlToJson(XmlToJson) = 86, "xml-to-json";
    /// `log-to-eventhub`: a message sent to a logger off the request's path.
    LogToEventhub(LogToEventhub) = 68, "log-to-eventhub";
}

impl OpKind {
    /// Calls `f` on every compiled expression the operation refers to, in printed order.
    pub fn codes(&self, f: &mut dyn FnMut(CodeId)) {
        self.refs(&mut Codes(f));
    }

    /// Calls `f` on every block the operation runs (a called block, `choose` branches).
    pub fn blocks(&self, f: &mut dyn FnMut(BlockId)) {
        self.refs(&mut Blocks(f));
    }
}
