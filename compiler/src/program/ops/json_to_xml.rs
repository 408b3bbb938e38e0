//! `json-to-xml`: `apply`, `consider-accept-header`, `parse-date` (a literal),
//! `namespace-separator`, `namespace-prefix` and `attribute-block-name`.

use super::{Lowering, Reported};
use gatehouse_runtime::program::{JsonToXml, OpKind};

/// `json-to-xml`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "json-to-xml",
    attributes: &[
        "apply",
        "consider-accept-header",
        "parse-date",
        "namespace-separator",
        "namespace-prefix",
        "attribute-block-name",
    ],
    lower: |b, env, site, e| {
        let apply = b.attr(env, site, e, "apply")?.ok_or(Reported)?;
        Ok(OpKind::JsonToXml(JsonToXml {
            apply,
            consider_accept_header: b.attr(env, site, e, "consider-accept-header")?,
            parse_date: b.flag(env, site, e, "parse-date", true)?,
            namespace_separator: b.attr(env, site, e, "namespace-separator")?,
            namespace_prefix: b.attr(env, site, e, "namespace-prefix")?,
            attribute_block_name: b.attr(env, site, e, "attribute-block-name")?,
        }))
    },
};
