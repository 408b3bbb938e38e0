//! `llm-emit-token-metric` and `azure-openai-emit-token-metric`: a namespace and dimensions.

use super::emit_metric::{dimensions, DEFAULT_NAMESPACE};
use super::{Lowering, Reported};
use crate::program::{Builder, ScopeEnv, Site};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{OpKind, TokenMetric};

/// `llm-emit-token-metric`.
pub(super) const LLM: Lowering = Lowering {
    policy: "llm-emit-token-metric",
    attributes: &["namespace"],
    lower: |b, env, site, e| token_metric(b, env, site, e).map(OpKind::LlmEmitTokenMetric),
};

/// `azure-openai-emit-token-metric`.
pub(super) const AZURE_OPENAI: Lowering = Lowering {
    policy: "azure-openai-emit-token-metric",
    attributes: &["namespace"],
    lower: |b, env, site, e| token_metric(b, env, site, e).map(OpKind::AzureOpenAiEmitTokenMetric),
};

fn token_metric(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<TokenMetric, Reported> {
    let namespace = b.text_attr(env, site, e, "namespace")?;
    let namespace = namespace.as_deref().unwrap_or(DEFAULT_NAMESPACE);
    Ok(TokenMetric {
        namespace: b.intern(namespace),
        dimensions: dimensions(b, env, site, e, true)?,
    })
}
