//! `set-body`: text, markup or an expression (also inside `return-response`); Liquid
//! templates are not executed.

use super::{Lowering, Reported};
use crate::program::{Builder, ScopeEnv, Site, NOT_EXECUTED};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{Arg, OpKind, SetBody};

/// `set-body`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "set-body",
    attributes: &["template", "xsi-nil"],
    lower: |b, env, site, e| body(b, env, site, e).map(|value| OpKind::SetBody(SetBody { value })),
};

/// The body a `set-body` sets.
pub(in crate::program) fn body(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<Arg, Reported> {
    if let Some(template) = b.text_attr(env, site, e, "template")? {
        if template != "none" {
            let span = e.attribute("template").map_or(e.start_tag, |a| a.span);
            let message = "gatehouse does not execute Liquid templates in `set-body`";
            b.error(site.file, NOT_EXECUTED, message, span, "not executed");
            return Err(Reported);
        }
    }
    if e.child_elements().next().is_some() {
        let markup: String = e
            .child_elements()
            .map(|c| gatehouse_grammar::syntax::print_element(c, 0))
            .collect();
        return Ok(Arg::Lit(b.substitute_text(env, markup.trim_end())));
    }
    b.content(env, site, e).ok_or(Reported)
}
