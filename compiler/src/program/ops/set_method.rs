//! `set-method`: the method as the element's text.

use super::{Lowering, Reported};
use gatehouse_runtime::program::{OpKind, SetMethod};

/// `set-method`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "set-method",
    attributes: &[],
    lower: |b, env, site, e| {
        b.content(env, site, e)
            .map(|m| OpKind::SetMethod(SetMethod(m)))
            .ok_or(Reported)
    },
};
