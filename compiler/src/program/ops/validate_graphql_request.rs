//! `validate-graphql-request`: `error-variable-name`, `max-size`, `max-depth` and the
//! `authorize` > `rule path action` list.

use super::{children, Lowering, Reported};
use crate::program::{Builder, ScopeEnv, Site};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{OpKind, ValidateGraphqlRequest};

/// `validate-graphql-request`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "validate-graphql-request",
    attributes: &["error-variable-name", "max-size", "max-depth"],
    lower: |b, env, site, e| {
        validate_graphql_request(b, env, site, e).map(OpKind::ValidateGraphqlRequest)
    },
};

fn validate_graphql_request(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<ValidateGraphqlRequest, Reported> {
    let error_variable_name = b.attr(env, site, e, "error-variable-name")?;
    let max_size = b.attr(env, site, e, "max-size")?.ok_or(Reported)?;
    let max_depth = b.attr(env, site, e, "max-depth")?;
    let mut rules = Vec::new();
    for (inner, authorize) in children(site, e, "authorize") {
        for (rule_site, rule) in children(&inner, authorize, "rule") {
            let path = b
                .text_attr(env, &rule_site, rule, "path")?
                .ok_or(Reported)?;
            let action = b.attr(env, &rule_site, rule, "action")?;
            rules.push((b.intern(&path), action));
        }
    }
    Ok(ValidateGraphqlRequest {
        error_variable_name,
        max_size,
        max_depth,
        rules,
    })
}
