//! `llm-content-safety`: the Content Safety backend, `shield-prompt`, the categories with
//! their output type and thresholds, and the blocklists.

use super::{children, Lowering, Reported};
use crate::program::{Builder, ScopeEnv, Site};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{ContentSafety, HarmCategory, OpKind, OutputType};

/// `llm-content-safety`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "llm-content-safety",
    attributes: &["backend-id", "shield-prompt"],
    lower: |b, env, site, e| content_safety(b, env, site, e).map(OpKind::LlmContentSafety),
};

fn content_safety(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<ContentSafety, Reported> {
    let mut output_type = OutputType::FourSeverityLevels;
    let mut categories = Vec::new();
    for (inner, c) in children(site, e, "categories") {
        if let Some(t) = b.text_attr(env, &inner, c, "output-type")? {
            output_type = OutputType::named(t.trim()).ok_or(Reported)?; // reported by the checks
        }
        for (at, cat) in children(&inner, c, "category") {
            let name = b.text_attr(env, &at, cat, "name")?.ok_or(Reported)?;
            let category = HarmCategory::named(name.trim()).ok_or(Reported)?;
            let threshold = b.int_attr(env, &at, cat, "threshold")?.ok_or(Reported)?;
            let threshold = u8::try_from(threshold)
                .ok()
                .filter(|t| *t <= 7)
                .ok_or(Reported)?;
            categories.push((category, threshold));
        }
    }
    let mut blocklists = Vec::new();
    for (inner, l) in children(site, e, "blocklists") {
        for (at, id) in children(&inner, l, "id") {
            blocklists.push(b.content(env, &at, id).ok_or(Reported)?);
        }
    }
    Ok(ContentSafety {
        backend_id: super::set_backend_service::backend_arg(b, env, site, e, "backend-id")?
            .ok_or(Reported)?,
        shield_prompt: b.attr(env, site, e, "shield-prompt")?,
        output_type,
        categories,
        blocklists,
    })
}
