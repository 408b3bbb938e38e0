//! `set-header` and `set-query-parameter`: a name, an `exists-action` and `<value>`s.

use super::{children, Lowering};
use crate::program::{Builder, Reported, ScopeEnv, Site};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{ExistsAction, HeaderOp, OpKind};

/// `set-header`.
pub(super) const SET_HEADER: Lowering = Lowering {
    policy: "set-header",
    attributes: &["name", "exists-action"],
    lower: |b, env, site, e| header_op(b, env, site, e).map(OpKind::SetHeader),
};

/// `set-query-parameter`.
pub(super) const SET_QUERY_PARAMETER: Lowering = Lowering {
    policy: "set-query-parameter",
    attributes: &["name", "exists-action"],
    lower: |b, env, site, e| header_op(b, env, site, e).map(OpKind::SetQueryParameter),
};

/// The operation of a `set-header` (also inside `return-response`) or `set-query-parameter`.
pub(in crate::program) fn header_op(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<HeaderOp, Reported> {
    let name = b.attr(env, site, e, "name")?.ok_or(Reported)?;
    let action = match b.text_attr(env, site, e, "exists-action")?.as_deref() {
        None | Some("override") => ExistsAction::Override,
        Some("skip") => ExistsAction::Skip,
        Some("append") => ExistsAction::Append,
        Some("delete") => ExistsAction::Delete,
        Some(_) => return Err(Reported), // not of the catalogue's enumeration: reported there
    };
    let mut values = Vec::new();
    for (inner, v) in children(site, e, "value") {
        values.push(b.content(env, &inner, v).ok_or(Reported)?);
    }
    Ok(HeaderOp {
        name,
        action,
        values,
    })
}
