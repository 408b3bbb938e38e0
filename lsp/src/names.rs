//! The names a project declares (backends, fragments, named values) and the variables its
//! policies set, for completion, hover and navigation.

use crate::workspace::View;
use gatehouse_compiler::check::references::set_variables;
use gatehouse_compiler::project::{Backend, Fragment, NamedValue, Project};
use std::collections::HashSet;

/// Every scope of the project: the service, then each workspace.
pub fn scopes(project: &Project) -> Vec<&Project> {
    let mut out = vec![project];
    out.extend(project.workspaces.iter().map(|w| &w.project));
    out
}

/// Every backend, workspaces included.
pub fn all_backends(project: &Project) -> Vec<&Backend> {
    scopes(project)
        .into_iter()
        .flat_map(|p| &p.backends)
        .collect()
}

/// Every fragment, workspaces included.
pub fn all_fragments(project: &Project) -> Vec<&Fragment> {
    scopes(project)
        .into_iter()
        .flat_map(|p| &p.fragments)
        .collect()
}

/// Every named value, workspaces included.
pub fn all_named_values(project: &Project) -> Vec<&NamedValue> {
    scopes(project)
        .into_iter()
        .flat_map(|p| &p.named_values)
        .collect()
}

fn sorted(mut names: Vec<String>) -> Vec<String> {
    names.sort();
    names.dedup();
    names
}

/// Backend names.
pub fn backends(project: Option<&Project>) -> Vec<String> {
    let list = project.map(all_backends).unwrap_or_default();
    sorted(list.iter().map(|b| b.name.clone()).collect())
}

/// Fragment names.
pub fn fragments(project: Option<&Project>) -> Vec<String> {
    let list = project.map(all_fragments).unwrap_or_default();
    sorted(list.iter().map(|f| f.name.clone()).collect())
}

/// Named value names.
pub fn named_values(project: Option<&Project>) -> Vec<String> {
    let list = project.map(all_named_values).unwrap_or_default();
    sorted(list.iter().map(|n| n.name.clone()).collect())
}

/// Variables set by the project's policies (or, outside a project, by this document).
pub fn variables(view: &View<'_>) -> Vec<String> {
    let mut set = HashSet::new();
    set_variables(&view.doc.parsed.document, &mut set);
    if let Some(project) = view.project {
        for (doc, _) in gatehouse_compiler::check::project::documents(project) {
            set_variables(&doc.parsed.document, &mut set);
        }
    }
    sorted(set.into_iter().collect())
}
