//! Checking a whole project: every document in its scope, references, and project-wide lints.

use super::{references, DocKind};
use crate::project::{PolicyDoc, Project};
use crate::resolve::{self, Declared};
use crate::Diagnostic;
use std::collections::HashSet;

/// Every policy document of the project with its scope.
pub fn documents(project: &Project) -> Vec<(&PolicyDoc, DocKind)> {
    let mut docs = Vec::new();
    docs.extend(project.global.iter().map(|d| (d, DocKind::Global)));
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
pub fn check(project: &Project, out: &mut Vec<Diagnostic>) {
    let declared = Declared::of(project, true);
    let docs = documents(project);
    let mut variables = HashSet::new();
    for (doc, _) in &docs {
        references::set_variables(&doc.parsed.document, &mut variables);
    }
    let cx = references::RefContext {
        declared: &declared,
        variables: Some(&variables),
    };
    for (doc, kind) in &docs {
        let mut found = Vec::new();
        super::document(&doc.file, &doc.parsed.document, *kind, &mut found);
        references::document(&doc.file, &doc.parsed.document, *kind, &cx, &mut found);
        super::silence(&doc.parsed.document, &mut found);
        out.extend(found);
    }
    let pipelines = resolve::pipelines(project);
    super::effective::check(&pipelines, out);
    super::backends::check(project, &docs, out);
}
