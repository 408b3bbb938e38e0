//! `find-and-replace`: `from` and `to`, each literal text or an expression.

use super::{Lowering, Reported};
use gatehouse_runtime::program::{FindAndReplace, OpKind};

/// `find-and-replace`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "find-and-replace",
    attributes: &["from", "to"],
    lower: |b, env, site, e| {
        let from = b.attr(env, site, e, "from")?.ok_or(Reported)?;
        let to = b.attr(env, site, e, "to")?.ok_or(Reported)?;
        Ok(OpKind::FindAndReplace(FindAndReplace { from, to }))
    },
};
