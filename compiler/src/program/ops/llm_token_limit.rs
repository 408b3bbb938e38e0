//! `llm-token-limit` and `azure-openai-token-limit`: counter key, tokens per minute, token
//! quota and period, prompt estimation, and the headers and variables they report to.

use super::{Lowering, Reported};
use crate::diagnostic::codes;
use crate::program::{Builder, ScopeEnv, Site};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{OpKind, QuotaPeriod, StrId, TokenLimit};

/// The attributes both policies execute.
const ATTRIBUTES: &[&str] = &[
    "counter-key",
    "tokens-per-minute",
    "token-quota",
    "token-quota-period",
    "estimate-prompt-tokens",
    "estimate-prompt-token",
    "retry-after-header-name",
    "retry-after-variable-name",
    "remaining-quota-tokens-header-name",
    "remaining-quota-tokens-variable-name",
    "remaining-tokens-header-name",
    "remaining-tokens-variable-name",
    "tokens-consumed-header-name",
    "tokens-consumed-variable-name",
];

/// `llm-token-limit`.
pub(super) const LLM: Lowering = Lowering {
    policy: "llm-token-limit",
    attributes: ATTRIBUTES,
    lower: |b, env, site, e| token_limit(b, env, site, e).map(OpKind::LlmTokenLimit),
};

/// `azure-openai-token-limit`.
pub(super) const AZURE_OPENAI: Lowering = Lowering {
    policy: "azure-openai-token-limit",
    attributes: ATTRIBUTES,
    lower: |b, env, site, e| token_limit(b, env, site, e).map(OpKind::AzureOpenAiTokenLimit),
};

/// The header APIM sends the retry delay in when `retry-after-header-name` is not given.
const RETRY_AFTER: &str = "Retry-After";

fn token_limit(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<TokenLimit, Reported> {
    let mut name = |attr: &str| -> Result<Option<StrId>, Reported> {
        Ok(b.text_attr(env, site, e, attr)?.map(|text| b.intern(&text)))
    };
    let names = [
        name("retry-after-header-name")?,
        name("retry-after-variable-name")?,
        name("remaining-quota-tokens-header-name")?,
        name("remaining-quota-tokens-variable-name")?,
        name("remaining-tokens-header-name")?,
        name("remaining-tokens-variable-name")?,
        name("tokens-consumed-header-name")?,
        name("tokens-consumed-variable-name")?,
    ];
    let token_quota = b.attr(env, site, e, "token-quota")?;
    let period = match b.text_attr(env, site, e, "token-quota-period")? {
        None => None,
        Some(p) => Some(QuotaPeriod::named(&p).ok_or(Reported)?), // reported by the checks
    };
    if token_quota.is_some() != period.is_some() {
        let (has, lacks) = if token_quota.is_some() {
            ("token-quota", "token-quota-period")
        } else {
            ("token-quota-period", "token-quota")
        };
        let message = format!("`{has}` of `{}` needs `{lacks}`", e.name.text);
        b.error(
            site.file,
            codes::MISSING_ATTRIBUTE,
            message,
            e.start_tag,
            "here",
        );
        return Err(Reported);
    }
    let estimate = match b.attr(env, site, e, "estimate-prompt-tokens")? {
        Some(a) => a,
        None => b
            .attr(env, site, e, "estimate-prompt-token")?
            .ok_or(Reported)?,
    };
    let [a, bb, c, d, ee, f, g, h] = names;
    Ok(TokenLimit {
        counter_key: b.attr(env, site, e, "counter-key")?.ok_or(Reported)?,
        tokens_per_minute: b.attr(env, site, e, "tokens-per-minute")?,
        token_quota,
        token_quota_period: period,
        estimate_prompt_tokens: estimate,
        retry_after_header_name: a.or_else(|| Some(b.intern(RETRY_AFTER))),
        retry_after_variable_name: bb,
        remaining_quota_tokens_header_name: c,
        remaining_quota_tokens_variable_name: d,
        remaining_tokens_header_name: ee,
        remaining_tokens_variable_name: f,
        tokens_consumed_header_name: g,
        tokens_consumed_variable_name: h,
    })
}
