//! Checks across the declarations of one scope: pool members, subscription scopes and
//! duplicate named values.

use super::model::{BackendKind, Project, SubscriptionScope};
use crate::diagnostic::codes;
use crate::diagnostic::suggestion;
use crate::Diagnostic;
use std::collections::HashMap;

/// Runs every cross-declaration check of a scope.
pub(crate) fn check(project: &Project, out: &mut Vec<Diagnostic>) {
    pool_members(project, out);
    subscription_scopes(project, out);
    duplicate_named_values(project, out);
    super::versions::check(project, out);
}

/// Each pool member must name a declared single backend.
fn pool_members(project: &Project, out: &mut Vec<Diagnostic>) {
    let is_pool: HashMap<&str, bool> = project
        .backends
        .iter()
        .map(|b| (b.name.as_str(), matches!(b.kind, BackendKind::Pool(_))))
        .collect();
    for backend in &project.backends {
        let BackendKind::Pool(members) = &backend.kind else {
            continue;
        };
        for m in members {
            let o = &m.origin;
            let d = match is_pool.get(m.backend.as_str()) {
                Some(false) => continue,
                Some(true) => Diagnostic::error(
                    &o.file,
                    codes::NESTED_POOL,
                    format!(
                        "pool `{}` lists `{}`, which is itself a pool",
                        backend.name, m.backend
                    ),
                    o.span,
                    "a pool",
                )
                .with_help(
                    "a pool may only list single backends; list that pool's members instead",
                ),
                None => {
                    let singles = is_pool.iter().filter(|(_, &p)| !p).map(|(n, _)| *n);
                    let help = suggestion(
                        &m.backend,
                        singles,
                        "declare the backend under `backends/`, or fix the id",
                    );
                    Diagnostic::error(
                        &o.file,
                        codes::UNKNOWN_POOL_MEMBER,
                        format!(
                            "pool `{}` lists `{}`, which is not a declared backend",
                            backend.name, m.backend
                        ),
                        o.span,
                        "unknown backend",
                    )
                    .with_help(help)
                }
            };
            out.push(d);
        }
    }
}

/// A subscription's product or API must be declared.
fn subscription_scopes(project: &Project, out: &mut Vec<Diagnostic>) {
    for s in &project.subscriptions {
        let (kind, name, names): (&str, &str, Vec<&str>) = match &s.scope {
            SubscriptionScope::AllApis => continue,
            SubscriptionScope::Product(p) => (
                "product",
                p,
                project.products.iter().map(|p| p.name.as_str()).collect(),
            ),
            SubscriptionScope::Api(a) => (
                "api",
                a,
                project.apis.iter().map(|a| a.name.as_str()).collect(),
            ),
        };
        if names.contains(&name) {
            continue;
        }
        let help = suggestion(name, names, "the scope must name a declared product or API");
        let d = Diagnostic::error(
            &s.origin.file,
            &format!("unknown-{kind}"),
            format!(
                "subscription `{}` is scoped to `{name}`, which is not a declared {kind}",
                s.name
            ),
            s.origin.span,
            "unknown scope",
        );
        out.push(d.with_help(help));
    }
}

/// Named values are referenced by display name, so display names must be unique.
fn duplicate_named_values(project: &Project, out: &mut Vec<Diagnostic>) {
    let mut first: HashMap<&str, &str> = HashMap::new();
    for nv in &project.named_values {
        let Some(earlier) = first.insert(nv.name.as_str(), nv.origin.file.path.as_str()) else {
            continue;
        };
        first.insert(nv.name.as_str(), earlier);
        let d = Diagnostic::error(
            &nv.origin.file,
            codes::DUPLICATE_NAMED_VALUE,
            format!("named value `{}` is declared twice", nv.name),
            nv.origin.span,
            "second declaration",
        )
        .with_help(format!(
            "`{{{{{}}}}}` would be ambiguous; the first is in `{earlier}`: rename one",
            nv.name
        ));
        out.push(d);
    }
}
