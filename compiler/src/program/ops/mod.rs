//! Executed policies to typed operations: one file per policy, named after it, each reading
//! the policy's typed attributes ([`crate::ast`]) and giving its [`OpKind`].
//!
//! [`LOWERINGS`] is the one list of what `gatehouse build` lowers; `check` warns about, and
//! `build` refuses, every other catalogued policy (`policy::not-executed`), and
//! `docs/policies.md` says *executed* from it. `base`, `choose` and `include-fragment` are
//! structure, lowered by `pipelines.rs`.

mod authentication_basic;
mod authentication_certificate;
mod authentication_managed_identity;
mod cache_lookup;
mod cache_lookup_value;
mod cache_remove_value;
mod cache_store;
mod cache_store_value;
mod check_header;
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
mod send_one_way_request;
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

use super::{Builder, Reported, ScopeEnv, Site, NOT_EXECUTED};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::OpKind;

/// How one policy is lowered: its attributes gatehouse executes, and the step.
pub struct Lowering {
    /// The policy name.
    pub policy: &'static str,
    /// The attributes gatehouse executes (besides `id`); any other is refused by `build`.
    pub attributes: &'static [&'static str],
    /// The lowering step.
    lower: LowerFn,
}

type LowerFn = fn(&mut Builder<'_>, &ScopeEnv<'_>, &Site<'_>, &Element) -> Result<OpKind, Reported>;

/// Every executed policy with its lowering.
pub const LOWERINGS: &[Lowering] = &[
    set_header::SET_HEADER,
    set_header::SET_QUERY_PARAMETER,
    rewrite_uri::LOWERING,
    set_method::LOWERING,
    set_status::LOWERING,
    set_variable::LOWERING,
    set_body::LOWERING,
    return_response::LOWERING,
    mock_response::LOWERING,
    trace::LOWERING,
    set_backend_service::LOWERING,
    forward_request::LOWERING,
    rate_limit_by_key::LOWERING,
    check_header::LOWERING,
    find_and_replace::LOWERING,
    rate_limit::LOWERING,
    quota::LOWERING,
    send_request::LOWERING,
    ip_filter::LOWERING,
    cors::LOWERING,
    authentication_basic::LOWERING,
    authentication_managed_identity::LOWERING,
    cache_lookup_value::LOWERING,
    cache_store_value::LOWERING,
    cache_remove_value::LOWERING,
    cache_lookup::LOWERING,
    cache_store::LOWERING,
    limit_concurrency::LOWERING,
    emit_metric::LOWERING,
    llm_emit_token_metric::LLM,
    llm_emit_token_metric::AZURE_OPENAI,
    llm_token_limit::LLM,
    llm_token_limit::AZURE_OPENAI,
    validate_client_certificate::LOWERING,
    authentication_certificate::LOWERING,
    retry::LOWERING,
    wait::LOWERING,
    send_one_way_request::LOWERING,
    validate_jwt::LOWERING,
    validate_azure_ad_token::LOWERING,
    quota_by_key::LOWERING,
    validate_content::LOWERING,
    validate_parameters::LOWERING,
    validate_headers::LOWERING,
    validate_status_code::LOWERING,
    validate_graphql_request::LOWERING,
    xsl_transform::LOWERING,
    llm_content_safety::LOWERING,
    llm_semantic_cache::LLM_LOOKUP,
    llm_semantic_cache::AZURE_OPENAI_LOOKUP,
    llm_semantic_cache::LLM_STORE,
    llm_semantic_cache::AZURE_OPENAI_STORE,
    json_to_xml::LOWERING,
    xml_to_json::LOWERING,
    log_to_eventhub::LOWERING,
];

/// The lowering of policy `name`, if gatehouse executes it.
pub fn lowering(name: &str) -> Option<&'static Lowering> {
    LOWERINGS.iter().find(|l| l.policy == name)
}

/// Lowers one executed policy (other than `base`, `choose`, `include-fragment`).
pub(super) fn lower(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
    how: &Lowering,
) -> Result<OpKind, Reported> {
    if !attributes_supported(b, site, e, how.attributes) {
        return Err(Reported);
    }
    (how.lower)(b, env, site, e)
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

/// The children of `e` named `name`, each with its site (`.../name[n]`).
pub(super) fn children<'s, 'e>(
    site: &'s Site<'s>,
    e: &'e Element,
    name: &'static str,
) -> impl Iterator<Item = (Site<'s>, &'e Element)> + use<'s, 'e> {
    e.child_elements()
        .filter(move |c| &*c.name.text == name)
        .enumerate()
        .map(move |(i, c)| (site.child(name, i + 1), c))
}
