//! `wait`: `for` (literal or an expression) and each child policy as a block of its own,
//! the children run concurrently.

use super::{Lowering, Reported};
use crate::program::{Builder, ScopeEnv, Site};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{OpKind, Wait};

/// `wait`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "wait",
    attributes: &["for"],
    lower: |b, env, site, e| wait(b, env, site, e).map(OpKind::Wait),
};

fn wait(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<Wait, Reported> {
    let mode = b.attr(env, site, e, "for")?;
    let ops = b.statements(env, site, e, None);
    // A child that was not lowered (not executed, or invalid) is reported already.
    if ops.len() != e.child_elements().count() {
        return Err(Reported);
    }
    let branches = ops.into_iter().map(|op| b.block(vec![op])).collect();
    Ok(Wait { mode, branches })
}
