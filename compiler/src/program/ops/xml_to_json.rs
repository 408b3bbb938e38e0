//! `xml-to-json`: `kind`, `apply`, `consider-accept-header` and
//! `always-array-child-elements`.

use super::{Lowering, Reported};
use gatehouse_runtime::program::{OpKind, XmlToJson};

/// `xml-to-json`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "xml-to-json",
    attributes: &[
        "kind",
        "apply",
        "consider-accept-header",
        "always-array-child-elements",
    ],
    lower: |b, env, site, e| {
        let kind = b.attr(env, site, e, "kind")?.ok_or(Reported)?;
        let apply = b.attr(env, site, e, "apply")?.ok_or(Reported)?;
        Ok(OpKind::XmlToJson(XmlToJson {
            kind,
            apply,
            consider_accept_header: b.attr(env, site, e, "consider-accept-header")?,
            always_array_child_elements: b.attr(env, site, e, "always-array-child-elements")?,
        }))
    },
};
