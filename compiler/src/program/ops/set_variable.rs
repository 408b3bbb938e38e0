//! `set-variable`: a literal name and a value.

use super::{Lowering, Reported};
use gatehouse_runtime::program::{OpKind, SetVariable};

/// `set-variable`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "set-variable",
    attributes: &["name", "value"],
    lower: |b, env, site, e| {
        let name = b.text_attr(env, site, e, "name")?.ok_or(Reported)?;
        Ok(OpKind::SetVariable(SetVariable {
            name: b.intern(&name),
            value: b.attr(env, site, e, "value")?.ok_or(Reported)?,
        }))
    },
};
