//! `set-body`: text, markup or an expression (also inside `return-response` and the
//! request policies), or a Liquid template (compiled here; as a policy of its own only).

use super::{Lowering, Reported};
use crate::check::liquid::{is_liquid, template_text};
use crate::diagnostic::codes;
use crate::program::{Builder, ScopeEnv, Site, NOT_EXECUTED};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{Arg, LiquidBody, OpKind, SetBody};

/// `set-body`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "set-body",
    attributes: &["template", "xsi-nil"],
    lower: |b, env, site, e| {
        if is_liquid(e) {
            return liquid(b, site, e);
        }
        body(b, env, site, e).map(|value| {
            OpKind::SetBody(SetBody {
                value,
                liquid: None,
            })
        })
    },
};

/// A Liquid `set-body`: the template compiled once, its text kept for `explain`.
fn liquid(b: &mut Builder<'_>, site: &Site<'_>, e: &Element) -> Result<OpKind, Reported> {
    let (text, _) = template_text(&site.file.text, e);
    let nil_blank = e
        .attribute("xsi-nil")
        .and_then(|a| a.value.as_literal())
        .is_none_or(|v| v != "null");
    match LiquidBody::new(&text, nil_blank) {
        Ok(l) => Ok(OpKind::SetBody(SetBody {
            value: Arg::Lit(b.intern(&text)),
            liquid: Some(l),
        })),
        Err(message) => {
            let code = codes::LIQUID_INVALID_TEMPLATE;
            b.error(site.file, code, message, e.start_tag, "this template");
            Err(Reported)
        }
    }
}

/// The body a `set-body` sets (`template="none"` or no template; inside `return-response`,
/// `send-request` and `send-one-way-request`).
pub(in crate::program) fn body(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<Arg, Reported> {
    if let Some(template) = b.text_attr(env, site, e, "template")? {
        if template != "none" {
            let span = e.attribute("template").map_or(e.start_tag, |a| a.span);
            let message = "gatehouse executes Liquid templates only in a `set-body` policy, not in the `set-body` of `return-response`, `send-request` or `send-one-way-request`";
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
