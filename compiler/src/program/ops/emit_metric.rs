//! `emit-metric`: name, namespace, value and dimensions (the dimensions' lowering is shared
//! with the token metric policies).

use super::{children, Lowering, Reported};
use crate::diagnostic::codes;
use crate::program::{Builder, ScopeEnv, Site};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{
    Arg, DefaultDimension, Dimension, DimensionValue, EmitMetric, OpKind,
};

/// `emit-metric`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "emit-metric",
    attributes: &["name", "namespace", "value"],
    lower: emit_metric,
};

/// The namespace APIM uses when `namespace` is not given.
pub(super) const DEFAULT_NAMESPACE: &str = "API Management";

fn emit_metric(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<OpKind, Reported> {
    let name = b.text_attr(env, site, e, "name")?.ok_or(Reported)?;
    let namespace = b.text_attr(env, site, e, "namespace")?;
    let namespace = namespace.as_deref().unwrap_or(DEFAULT_NAMESPACE);
    Ok(OpKind::EmitMetric(EmitMetric {
        name: b.intern(&name),
        namespace: b.intern(namespace),
        value: b.attr(env, site, e, "value")?,
        dimensions: dimensions(b, env, site, e, false)?,
    }))
}

/// The `dimension` children: a value omitted only on one of APIM's default dimensions
/// (`token_metric`: the token metric policies' list, which adds `Backend ID`).
pub(super) fn dimensions(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
    token_metric: bool,
) -> Result<Vec<Dimension>, Reported> {
    let mut out = Vec::new();
    let mut failed = false;
    for (inner, d) in children(site, e, "dimension") {
        let name = b.attr(env, &inner, d, "name")?.ok_or(Reported)?;
        let value = match b.attr(env, &inner, d, "value")? {
            Some(v) => DimensionValue::Given(v),
            None => {
                let written = match name {
                    Arg::Lit(s) => b
                        .program
                        .strings
                        .get(s as usize)
                        .map_or_else(String::new, |t| t.to_string()),
                    Arg::Expr(_) => String::new(),
                };
                match DefaultDimension::named(&written, token_metric) {
                    Some(def) => DimensionValue::Default(def),
                    None => {
                        let message = format!(
                            "the dimension `{written}` of `{}` has no `value`, which only APIM's default dimensions may omit",
                            e.name.text
                        );
                        b.error(
                            site.file,
                            codes::MISSING_ATTRIBUTE,
                            message,
                            d.start_tag,
                            "add a value",
                        );
                        failed = true;
                        continue;
                    }
                }
            }
        };
        out.push(Dimension { name, value });
    }
    if failed {
        return Err(Reported);
    }
    Ok(out)
}
