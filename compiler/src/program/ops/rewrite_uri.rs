//! `rewrite-uri`: a template and whether unmatched query parameters are kept.

use super::Lowering;
use gatehouse_runtime::program::{OpKind, RewriteUri};

/// `rewrite-uri`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "rewrite-uri",
    attributes: &["template", "copy-unmatched-params"],
    lower: |b, env, site, e| {
        Ok(OpKind::RewriteUri(RewriteUri {
            template: b.attr(env, site, e, "template")?.ok_or(super::Reported)?,
            copy_unmatched_params: b.flag(env, site, e, "copy-unmatched-params", true)?,
        }))
    },
};
