//! `set-method`: the method as the element's text.

use super::{Lowering, Reported};
use gatehouse_runtime::program::model::OpKind;

/// `set-method`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "set-method",
    attributes: &[],
    lower: |b, env, site, e| {
        b.content(env, site, e)
            .map(OpKind::SetMethod)
            .ok_or(Reported)
    },
};
