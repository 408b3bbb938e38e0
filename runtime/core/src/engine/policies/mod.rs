//! Policy steps: one file per policy (`set_header.rs` runs `set-header` …), dispatched by
//! [`exec`] on the operation's [`OpKind`].

mod ai_call;
mod authentication_basic;
mod authentication_certificate;
mod authentication_managed_identity;
mod body_format;
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
mod limits;
mod llm_content_safety;
mod llm_emit_token_metric;
mod llm_semantic_cache;
mod llm_token_limit;
mod log_to_eventhub;
mod message;
mod mock_response;
mod outputs;
mod quota;
mod quota_by_key;
mod rate_limit;
mod rate_limit_by_key;
mod retry;
mod return_response;
mod rewrite_uri;
mod send_one_way_request;
mod send_request;
mod set_backend_service;
mod set_body;
mod set_body_liquid;
mod set_header;
mod set_method;
mod set_query_parameter;
mod set_status;
mod set_variable;
mod token;
mod trace;
mod validate_azure_ad_token;
mod validate_client_certificate;
mod validate_content;
mod validate_graphql_request;
mod validate_headers;
mod validate_jwt;
mod validate_parameters;
mod validate_status_code;
mod validation;
mod wait;
mod xml_to_json;
mod xsl_transform;

pub(crate) use ai_call::{ai_sent, ai_token, reads_prompt, waiting as ai_waiting, AiCall};
pub(crate) use authentication_certificate::certificate_ref;
pub(crate) use authentication_managed_identity::{identified, Identified, Identifying};
pub(crate) use cache_lookup::ResponseCache;
pub(crate) use cors::preflight as cors_preflight;
pub(crate) use forward_request::forward_error;
pub(crate) use llm_semantic_cache::Semantic;
pub(crate) use rate_limit_by_key::settle_deferred;
pub(crate) use retry::{
    body_done as retry_body_done, catch as retry_catch, is_loop_frame, RetryLoop,
};
pub(crate) use send_request::{sent, Sending};
pub(crate) use wait::{wait_sent, Fibers};

use super::exchange::Exchange;
use super::run::Next;
use crate::program::{Op, OpKind, Program};
use gatehouse_dotnet::uri::escape_data_string;
use std::sync::Arc;

pub(crate) use validate_graphql_request::schemas as graphql_schemas;

/// Whether `op` is a policy APIM skips on a WebSocket API's handshake (inherited from the
/// global or a product scope; `check` refuses them at the API and the operation).
fn skipped_on_handshake(x: &Exchange, program: &Program, op: &Op) -> bool {
    let websocket_api = x
        .ctx
        .api
        .and_then(|a| program.apis.get(a as usize))
        .is_some_and(|a| a.kind == crate::program::ApiKind::WebSocket);
    websocket_api && crate::program::NOT_ON_HANDSHAKE.contains(&op.kind.policy_name())
}

/// Runs `op`: one line per policy, its step in `policies/<policy>.rs`.
pub(crate) fn exec(x: &mut Exchange, program: &Program, op: &Op) -> Next {
    if !x.held.is_empty() {
        limit_concurrency::release_finished(x);
    }
    if x.response_cache.as_ref().is_some_and(|c| c.skipping) {
        return cache_lookup::skip(x, op);
    }
    if x.ctx.req.websocket && skipped_on_handshake(x, program, op) {
        return Next::Go;
    }
    match &op.kind {
        OpKind::Call(b) => Next::Enter(*b),
        OpKind::Choose(c) => choose::choose(x, program, op, c),
        OpKind::SetHeader(h) => set_header::set_header(x, program, op, h),
        OpKind::SetQueryParameter(h) => set_query_parameter::set_query_parameter(x, program, op, h),
        OpKind::RewriteUri(r) => rewrite_uri::rewrite_uri(x, program, op, r),
        OpKind::SetMethod(m) => set_method::set_method(x, program, op, m),
        OpKind::SetStatus(s) => set_status::set_status(x, program, op, s),
        OpKind::SetVariable(s) => set_variable::set_variable(x, program, op, s),
        OpKind::SetBody(s) => set_body::set_body(x, program, op, s),
        OpKind::ReturnResponse(r) => return_response::return_response(x, program, op, r),
        OpKind::MockResponse(m) => mock_response::mock_response(x, program, m),
        OpKind::Trace(t) => trace::trace(x, program, op, t),
        OpKind::SetBackendService(s) => set_backend_service::set_backend_service(x, program, op, s),
        OpKind::ForwardRequest(f) => forward_request::forward_request(x, program, op, f),
        OpKind::RateLimitByKey(r) => rate_limit_by_key::rate_limit_by_key(x, program, op, r),
        OpKind::CheckHeader(c) => check_header::check_header(x, program, op, c),
        OpKind::FindAndReplace(f) => find_and_replace::find_and_replace(x, program, op, f),
        OpKind::RateLimit(r) => rate_limit::rate_limit(x, program, op, r),
        OpKind::Quota(q) => quota::quota(x, program, op, q),
        OpKind::SendRequest(s) => send_request::send_request(x, program, op, s),
        OpKind::IpFilter(f) => ip_filter::ip_filter(x, program, op, f),
        OpKind::Cors(c) => cors::cors(x, program, op, c),
        OpKind::AuthenticationBasic(a) => {
            authentication_basic::authentication_basic(x, program, op, a)
        }
        OpKind::AuthenticationManagedIdentity(a) => {
            authentication_managed_identity::authentication_managed_identity(x, program, op, a)
        }
        OpKind::CacheLookupValue(c) => cache_lookup_value::cache_lookup_value(x, program, op, c),
        OpKind::CacheStoreValue(c) => cache_store_value::cache_store_value(x, program, op, c),
        OpKind::CacheRemoveValue(c) => cache_remove_value::cache_remove_value(x, program, op, c),
        OpKind::CacheLookup(c) => cache_lookup::cache_lookup(x, program, op, c),
        OpKind::CacheStore(c) => cache_store::cache_store(x, program, op, c),
        OpKind::LimitConcurrency(l) => limit_concurrency::limit_concurrency(x, program, op, l),
        OpKind::EmitMetric(m) => emit_metric::emit_metric(x, program, op, m),
        OpKind::LlmEmitTokenMetric(m) => llm_emit_token_metric::token_metric(x, program, op, m),
        OpKind::AzureOpenAiEmitTokenMetric(m) => {
            llm_emit_token_metric::token_metric(x, program, op, m)
        }
        OpKind::LlmTokenLimit(t) => llm_token_limit::token_limit(x, program, op, t),
        OpKind::AzureOpenAiTokenLimit(t) => llm_token_limit::token_limit(x, program, op, t),
        OpKind::ValidateClientCertificate(v) => {
            validate_client_certificate::validate_client_certificate(x, program, op, v)
        }
        OpKind::AuthenticationCertificate(a) => {
            authentication_certificate::authentication_certificate(x, program, op, a)
        }
        OpKind::Retry(r) => retry::retry(x, program, op, r),
        OpKind::Wait(w) => wait::wait(x, program, op, w),
        OpKind::SendOneWayRequest(s) => {
            send_one_way_request::send_one_way_request(x, program, op, s)
        }
        OpKind::ValidateJwt(v) => validate_jwt::validate_jwt(x, program, op, v),
        OpKind::ValidateAzureAdToken(v) => {
            validate_azure_ad_token::validate_azure_ad_token(x, program, op, v)
        }
        OpKind::QuotaByKey(q) => quota_by_key::quota_by_key(x, program, op, q),
        OpKind::ValidateContent(v) => validate_content::validate_content(x, program, op, v),
        OpKind::ValidateParameters(v) => {
            validate_parameters::validate_parameters(x, program, op, v)
        }
        OpKind::ValidateHeaders(v) => validate_headers::validate_headers(x, program, op, v),
        OpKind::ValidateGraphqlRequest(v) => {
            validate_graphql_request::validate_graphql_request(x, program, op, v)
        }
        OpKind::ValidateStatusCode(v) => {
            validate_status_code::validate_status_code(x, program, op, v)
        }
        OpKind::XslTransform(t) => xsl_transform::xsl_transform(x, program, op, t),
        OpKind::LlmContentSafety(c) => llm_content_safety::content_safety(x, program, op, c),
        OpKind::LlmSemanticCacheLookup(s) => llm_semantic_cache::lookup(x, program, op, s),
        OpKind::AzureOpenAiSemanticCacheLookup(s) => llm_semantic_cache::lookup(x, program, op, s),
        OpKind::LlmSemanticCacheStore(s) => llm_semantic_cache::store(x, program, op, s),
        OpKind::AzureOpenAiSemanticCacheStore(s) => llm_semantic_cache::store(x, program, op, s),
        OpKind::JsonToXml(j) => json_to_xml::json_to_xml(x, program, op, j),
        OpKind::XmlToJson(t) => xml_to_json::xml_to_json(x, program, op, t),
        OpKind::LogToEventhub(l) => log_to_eventhub::log_to_eventhub(x, program, op, l),
    }
}

/// Every OpenID configuration URL the token policies of `program` read keys from.
pub(crate) fn openid_urls(program: &Program, jwt: &super::JwtConfig) -> Vec<String> {
    let mut urls = Vec::new();
    for op in program.blocks.iter().flat_map(|b| &b.ops) {
        match &op.kind {
            OpKind::ValidateJwt(v) => {
                urls.extend(v.openid_configs.iter().map(|u| program.str(*u).to_string()));
            }
            OpKind::ValidateAzureAdToken(v) => {
                let host = validate_azure_ad_token::authority(program, v, &jwt.entra_authority);
                urls.extend(validate_azure_ad_token::entra_urls(
                    host,
                    program.str(v.tenant_id),
                ));
            }
            _ => {}
        }
    }
    urls.sort();
    urls.dedup();
    urls
}

/// A decoded query as a query string with its `?` (empty when there is no parameter).
pub(crate) fn query_string(query: &[(Arc<str>, Vec<Arc<str>>)]) -> String {
    let mut out = String::new();
    for (k, vs) in query {
        for v in vs {
            out.push(if out.is_empty() { '?' } else { '&' });
            out.push_str(&escape_data_string(k));
            out.push('=');
            out.push_str(&escape_data_string(v));
        }
    }
    out
}
