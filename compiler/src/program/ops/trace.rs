//! `trace`: a source, a severity, a message and metadata.

use super::{children, Lowering, Reported};
use crate::program::{Builder, ScopeEnv, Site};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{OpKind, Severity, TraceOp};

/// `trace`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "trace",
    attributes: &["source", "severity"],
    lower: trace,
};

fn trace(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<OpKind, Reported> {
    let source = b.attr(env, site, e, "source")?.ok_or(Reported)?;
    let severity = match b.text_attr(env, site, e, "severity")?.as_deref() {
        None | Some("verbose") => Severity::Verbose,
        Some("information") => Severity::Information,
        Some("error") => Severity::Error,
        Some(_) => return Err(Reported), // not of the catalogue's enumeration: reported there
    };
    let message = match children(site, e, "message").next() {
        Some((inner, m)) => b.content(env, &inner, m),
        None => b.content(env, site, e),
    }
    .ok_or(Reported)?;
    let mut metadata = Vec::new();
    for (inner, m) in children(site, e, "metadata") {
        let name = b.text_attr(env, &inner, m, "name")?.ok_or(Reported)?;
        let name = b.intern(&name);
        metadata.push((name, b.attr(env, &inner, m, "value")?.ok_or(Reported)?));
    }
    Ok(OpKind::Trace(TraceOp {
        source,
        severity,
        message,
        metadata,
    }))
}
