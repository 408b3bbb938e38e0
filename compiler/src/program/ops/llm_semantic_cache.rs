//! `llm-semantic-cache-lookup` / `-store` and the `azure-openai-` twins (the checks warn
//! about a `score-threshold` that looks like a similarity: `check/references.rs`).

use super::{children, Lowering, Reported};
use crate::diagnostic::codes;
use crate::program::{Builder, ScopeEnv, Site};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{Arg, OpKind, SemanticCacheLookup, SemanticCacheStore};

/// The attributes both lookups execute.
const LOOKUP: &[&str] = &[
    "score-threshold",
    "embeddings-backend-id",
    "embeddings-backend-auth",
    "ignore-system-messages",
    "max-message-count",
];

/// `llm-semantic-cache-lookup`.
pub(super) const LLM_LOOKUP: Lowering = Lowering {
    policy: "llm-semantic-cache-lookup",
    attributes: LOOKUP,
    lower: |b, env, site, e| lookup(b, env, site, e).map(OpKind::LlmSemanticCacheLookup),
};

/// `azure-openai-semantic-cache-lookup`.
pub(super) const AZURE_OPENAI_LOOKUP: Lowering = Lowering {
    policy: "azure-openai-semantic-cache-lookup",
    attributes: LOOKUP,
    lower: |b, env, site, e| lookup(b, env, site, e).map(OpKind::AzureOpenAiSemanticCacheLookup),
};

/// `llm-semantic-cache-store`.
pub(super) const LLM_STORE: Lowering = Lowering {
    policy: "llm-semantic-cache-store",
    attributes: &["duration"],
    lower: |b, env, site, e| store(b, env, site, e).map(OpKind::LlmSemanticCacheStore),
};

/// `azure-openai-semantic-cache-store`.
pub(super) const AZURE_OPENAI_STORE: Lowering = Lowering {
    policy: "azure-openai-semantic-cache-store",
    attributes: &["duration"],
    lower: |b, env, site, e| store(b, env, site, e).map(OpKind::AzureOpenAiSemanticCacheStore),
};

fn lookup(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<SemanticCacheLookup, Reported> {
    let score_threshold = b.attr(env, site, e, "score-threshold")?.ok_or(Reported)?;
    if let Arg::Lit(s) = score_threshold {
        let text = b
            .program
            .strings
            .get(s as usize)
            .map(|t| t.trim().to_string());
        if let Some(t) = text.and_then(|t| t.parse::<f64>().ok()) {
            if !(0.0..=1.0).contains(&t) {
                let message = format!(
                    "`score-threshold` of `{}` is {t}, outside 0.0 to 1.0",
                    e.name.text
                );
                b.error(
                    site.file,
                    codes::INVALID_ATTRIBUTE_VALUE,
                    message,
                    e.start_tag,
                    "here",
                );
                return Err(Reported);
            }
        }
    }
    // `embeddings-backend-auth` is `system-assigned` (the checks refuse anything else):
    // the embeddings call carries the gateway's managed-identity token.
    if b.text_attr(env, site, e, "embeddings-backend-auth")?
        .is_none()
    {
        return Err(Reported);
    }
    let max = b.int_attr(env, site, e, "max-message-count")?;
    let max_message_count = match max {
        None => None,
        Some(n) => Some(u32::try_from(n).map_err(|_| Reported)?),
    };
    let mut vary_by = Vec::new();
    for (inner, v) in children(site, e, "vary-by") {
        vary_by.push(b.content(env, &inner, v).ok_or(Reported)?);
    }
    Ok(SemanticCacheLookup {
        score_threshold,
        embeddings_backend_id: super::set_backend_service::backend_arg(
            b,
            env,
            site,
            e,
            "embeddings-backend-id",
        )?
        .ok_or(Reported)?,
        ignore_system_messages: b.flag(env, site, e, "ignore-system-messages", false)?,
        max_message_count,
        vary_by,
    })
}

fn store(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<SemanticCacheStore, Reported> {
    Ok(SemanticCacheStore {
        duration: b.attr(env, site, e, "duration")?.ok_or(Reported)?,
    })
}
