//! `validate-parameters`: the specified and unspecified parameter actions,
//! `errors-variable-name`, and the `headers`, `query` and `path` blocks with their own
//! actions and `parameter name action` overrides.

use super::validate_headers::overrides;
use super::{children, Lowering, Reported};
use crate::program::{Builder, ScopeEnv, Site};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{OpKind, ParamBlock, ValidateParameters, PARAMETER_BLOCKS};

/// `validate-parameters`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "validate-parameters",
    attributes: &[
        "specified-parameter-action",
        "unspecified-parameter-action",
        "errors-variable-name",
    ],
    lower: |b, env, site, e| validate_parameters(b, env, site, e).map(OpKind::ValidateParameters),
};

fn validate_parameters(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<ValidateParameters, Reported> {
    let mut required = |name: &str| b.attr(env, site, e, name)?.ok_or(Reported);
    let specified = required("specified-parameter-action");
    let unspecified = required("unspecified-parameter-action");
    let errors_variable_name = b
        .text_attr(env, site, e, "errors-variable-name")?
        .map(|n| b.intern(&n));
    let mut blocks: [ParamBlock; 3] = Default::default();
    for (block, name) in blocks.iter_mut().zip(PARAMETER_BLOCKS) {
        for (inner, c) in children(site, e, name) {
            block.specified = b.attr(env, &inner, c, "specified-parameter-action")?;
            block.unspecified = b.attr(env, &inner, c, "unspecified-parameter-action")?;
            block.parameters = overrides(b, env, &inner, c, "parameter")?;
        }
    }
    Ok(ValidateParameters {
        specified_parameter_action: specified?,
        unspecified_parameter_action: unspecified?,
        errors_variable_name,
        blocks,
    })
}
