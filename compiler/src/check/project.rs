//! Checking a whole project: every document in its scope, references, and project-wide lints.

use super::{references, DocKind};
use crate::project::{PolicyDoc, Project};
use crate::resolve::{self, Declared};
use crate::Diagnostic;
use std::collections::HashSet;

/// Every policy document of the project with its scope, workspaces included.
pub fn documents(project: &Project) -> Vec<(&PolicyDoc, DocKind)> {
    let mut docs = scope_documents(project, DocKind::Global);
    for ws in &project.workspaces {
        docs.extend(scope_documents(&ws.project, DocKind::Workspace));
    }
    docs
}

/// The documents of one scope: the service (its `policy.xml` is global) or a workspace.
fn scope_documents(project: &Project, top: DocKind) -> Vec<(&PolicyDoc, DocKind)> {
    let mut docs = Vec::new();
    docs.extend(project.global.iter().map(|d| (d, top)));
    docs.extend(
        project
            .products
            .iter()
            .filter_map(|p| p.policy.as_ref())
            .map(|d| (d, DocKind::Product)),
    );
    for api in &project.apis {
        docs.extend(api.policy.iter().map(|d| (d, DocKind::Api)));
        docs.extend(
            api.operations
                .iter()
                .filter_map(|o| o.policy.as_ref())
                .map(|d| (d, DocKind::Operation)),
        );
    }
    docs.extend(
        project
            .fragments
            .iter()
            .map(|f| (&f.policy, DocKind::Fragment)),
    );
    docs
}

/// Runs every check over the project; diagnostics are appended to `out`.
/// `build`: for a build, warnings it refuses are kept whatever the comments say.
pub fn check(project: &Project, build: bool, out: &mut Vec<Diagnostic>) {
    let variables = variables(project);
    for (docs, declared) in &scopes(project) {
        let cx = references::RefContext {
            declared,
            variables: Some(&variables),
        };
        for (doc, kind) in docs {
            check_document(doc, *kind, &cx, build, out);
        }
    }
    check_across(project, out);
}

/// Every variable some policy of the project sets.
pub fn variables(project: &Project) -> HashSet<String> {
    let mut variables = HashSet::new();
    for (doc, _) in &documents(project) {
        references::set_variables(&doc.parsed.document, &mut variables);
    }
    variables
}

/// Each scope's documents with the declarations they see: the service's, then each
/// workspace's (which sees its own declarations and the service's).
pub fn scopes(project: &Project) -> Vec<(Vec<(&PolicyDoc, DocKind)>, Declared<'_>)> {
    let mut scoped = vec![(
        scope_documents(project, DocKind::Global),
        Declared::of(project, true),
    )];
    for ws in &project.workspaces {
        let mut declared = Declared::of(&ws.project, true);
        declared.extend_from(&Declared::of(project, true));
        scoped.push((scope_documents(&ws.project, DocKind::Workspace), declared));
    }
    scoped
}

/// The checks of one document of a project: the document's own (catalogue, placement,
/// values, types, lints) and its references, after `<!-- gatehouse-disable -->` comments.
pub fn check_document(
    doc: &PolicyDoc,
    kind: DocKind,
    cx: &references::RefContext<'_, '_>,
    build: bool,
    out: &mut Vec<Diagnostic>,
) {
    let mut found = Vec::new();
    super::document(
        &doc.file,
        &doc.parsed.document,
        &doc.typed,
        kind,
        &mut found,
    );
    references::document(&doc.file, &doc.parsed.document, kind, cx, &mut found);
    super::silence(&doc.parsed.document, &mut found, build);
    out.extend(found);
}

/// The checks that span documents: effective pipelines (scope merge) and backends.
pub fn check_across(project: &Project, out: &mut Vec<Diagnostic>) {
    let docs = documents(project);
    let pipelines = resolve::pipelines(project);
    super::effective::check(&pipelines, out);
    super::backends::check(project, &docs, out);
}
