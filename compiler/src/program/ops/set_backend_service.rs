//! `set-backend-service`: a declared backend (workspace backends first) or a base URL.

use super::{Lowering, Reported};
use crate::program::{Builder, ScopeEnv, Site};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{Arg, OpKind, SetBackendService};

/// `set-backend-service`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "set-backend-service",
    attributes: &["backend-id", "base-url"],
    lower: |b, env, site, e| {
        Ok(OpKind::SetBackendService(SetBackendService {
            backend_id: backend_id(b, env, site, e)?,
            base_url: b.attr(env, site, e, "base-url")?,
        }))
    },
};

/// `backend-id`: a literal names the scope's backend as the program's table names it; an
/// undeclared one is reported by the reference checks.
fn backend_id(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<Option<Arg>, Reported> {
    backend_arg(b, env, site, e, "backend-id")
}

/// Attribute `attr` naming a backend: a literal names the scope's backend as the
/// program's table names it; an undeclared one is reported by the reference checks.
pub(super) fn backend_arg(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
    attr: &str,
) -> Result<Option<Arg>, Reported> {
    let Some(a) = e.attribute(attr) else {
        return Ok(None);
    };
    if a.value.expression().is_some() {
        return b.attr(env, site, e, attr);
    }
    let written = b.text_of(env, &a.value);
    match env.backends.get(&written) {
        Some(name) => Ok(Some(Arg::Lit(b.intern(name)))),
        None => Err(b.unreported()),
    }
}
