//! Projects: the APIOps folder layout loaded into declarations.

mod api;
mod backend;
mod breaker;
mod declarations;
mod duration;
mod entities;
mod fields;
mod generate;
pub mod kinds;
mod links;
mod locate;
mod loggers;
mod model;
mod openapi;
mod read;
mod report;
mod sample;
mod schema;
mod versions;
mod yaml;

#[cfg(test)]
mod tests;

pub use api::split_revision;
pub use backend::member_name;
pub use declarations::{load_backends_file, load_named_values_file};
pub use duration::parse_duration;
pub use entities::parse_scope;
#[doc(hidden)]
pub use generate::generate_large_project;
pub use locate::value_span;
pub use model::*;
pub use openapi::derived_name;

use crate::Diagnostic;
use gatehouse_grammar::Limits;
use read::{subdirs, Reader};
use std::collections::HashSet;
use std::path::Path;

/// The collection folders of an APIOps project.
const COLLECTIONS: &[&str] = &[
    "apis",
    "products",
    "backends",
    "named values",
    "policy fragments",
    "subscriptions",
    "version sets",
    "workspaces",
];

/// Options for loading a project.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// Size and nesting limits for the policy documents.
    pub limits: Limits,
    /// Host names the gateway answers on, copied into [`Project::gateway_hosts`].
    pub gateway_hosts: Vec<String>,
    /// Files read from memory instead of the disk (an editor's unsaved buffers), by path.
    pub overlay: Overlay,
}

/// Text that stands in for files on disk, keyed by path (as `root.join(...)` spells it).
pub type Overlay = std::sync::Arc<std::collections::HashMap<std::path::PathBuf, String>>;

/// A loaded project and what was found while loading it.
#[derive(Debug)]
pub struct Loaded {
    /// The declarations (everything that could be read; defaults where a file was broken).
    pub project: Project,
    /// Syntax errors of policy documents and problems with information files and
    /// specifications, sorted by file and position. Catalogue checks are not run here.
    pub diagnostics: Vec<Diagnostic>,
    /// How many files were read.
    pub files_checked: usize,
}

/// Whether `path` is an APIOps project folder: a folder holding any of `apis/`,
/// `products/`, `backends/`, `named values/`, `policy fragments/`, `subscriptions/` or
/// `workspaces/` (a root `policy.xml` alone does not make one).
pub fn is_project(path: &Path) -> bool {
    path.is_dir() && COLLECTIONS.iter().any(|c| path.join(c).is_dir())
}

/// Loads the APIOps project at `root`. Never fails: what cannot be read is reported in
/// [`Loaded::diagnostics`], located in the file at fault.
pub fn load(root: &Path, options: &LoadOptions) -> Loaded {
    let mut rx = Reader {
        limits: &options.limits,
        overlay: &options.overlay,
        diagnostics: Vec::new(),
        files_checked: 0,
    };
    let mut project = load_scope(&mut rx, root);
    for (name, dir) in subdirs(&root.join("workspaces")) {
        let scope = load_scope(&mut rx, &dir);
        project.workspaces.push(Workspace {
            name,
            project: scope,
        });
    }
    project.gateway_hosts.clone_from(&options.gateway_hosts);
    let mut diagnostics = rx.diagnostics;
    crate::diagnostic::sort(&mut diagnostics);
    Loaded {
        project,
        diagnostics,
        files_checked: rx.files_checked,
    }
}

/// Loads one scope (the service, or a workspace) and checks links within it.
fn load_scope(rx: &mut Reader, dir: &Path) -> Project {
    let global = rx.policy(&dir.join("policy.xml"));
    let apis = api::load_apis(rx, &dir.join("apis"));
    let names: HashSet<&str> = apis.iter().map(|a| a.name.as_str()).collect();
    let products = entities::load_products(rx, &dir.join("products"), &names);
    let project = Project {
        global,
        products,
        backends: entities::load_backends(rx, &dir.join("backends")),
        named_values: entities::load_named_values(rx, &dir.join("named values")),
        fragments: entities::load_fragments(rx, &dir.join("policy fragments")),
        subscriptions: entities::load_subscriptions(rx, &dir.join("subscriptions")),
        version_sets: versions::load_version_sets(rx, &dir.join("version sets")),
        loggers: loggers::load_loggers(rx, &dir.join("loggers")),
        apis,
        gateway_hosts: Vec::new(),
        workspaces: Vec::new(),
    };
    links::check(&project, &mut rx.diagnostics);
    project
}
