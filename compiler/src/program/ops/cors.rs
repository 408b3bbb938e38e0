//! `cors`: its attributes and the lists of its four children.

use super::{children, Lowering, Reported};
use crate::program::{Builder, ScopeEnv, Site};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{Arg, Cors, OpKind, StrId};

/// `cors`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "cors",
    attributes: &["allow-credentials", "terminate-unmatched-request"],
    lower: |b, env, site, e| cors(b, env, site, e).map(OpKind::Cors),
};

fn cors(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<Cors, Reported> {
    let mut out = Cors {
        allow_credentials: b.attr(env, site, e, "allow-credentials")?,
        terminate_unmatched: b.attr(env, site, e, "terminate-unmatched-request")?,
        origins: Vec::new(),
        methods: Vec::new(),
        max_age: None,
        headers: Vec::new(),
        expose: Vec::new(),
    };
    for (inner, c) in children(site, e, "allowed-origins") {
        out.origins = literals(b, env, &inner, c, "origin")?;
    }
    for (inner, c) in children(site, e, "allowed-methods") {
        out.max_age = b.attr(env, &inner, c, "preflight-result-max-age")?;
        for (m_site, m) in children(&inner, c, "method") {
            out.methods
                .push(b.content(env, &m_site, m).ok_or(Reported)?);
        }
    }
    for (inner, c) in children(site, e, "allowed-headers") {
        out.headers = literals(b, env, &inner, c, "header")?;
    }
    for (inner, c) in children(site, e, "expose-headers") {
        out.expose = literals(b, env, &inner, c, "header")?;
    }
    Ok(out)
}

/// The literal text of each `name` child of `e`, trimmed.
fn literals(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
    name: &'static str,
) -> Result<Vec<StrId>, Reported> {
    let mut out = Vec::new();
    for (inner, c) in children(site, e, name) {
        match b.content(env, &inner, c) {
            Some(Arg::Lit(s)) => {
                let text = b.program.str(s).trim().to_string();
                out.push(b.intern(&text));
            }
            // An expression where APIM takes text is reported by the checks.
            _ => return Err(Reported),
        }
    }
    Ok(out)
}
