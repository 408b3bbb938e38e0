//! An APIOps project held in memory for the editor: loaded once (with the editor's unsaved
//! buffers over the disk), then kept current one policy document at a time.
//!
//! Diagnostics are `check`'s: the loader's, each document's own checks and references, the
//! checks across documents, and the not-executed warnings, with the project's lint levels.
//! An edit to a policy document re-parses that document only and re-runs its own checks;
//! the other documents' checks run again only when the set of variables the project sets
//! changed (their reference checks read it). The checks across documents (scope merge,
//! backends) run again each time. An edit to any other file reloads the project.

use gatehouse_compiler::check::project as checks;
use gatehouse_compiler::check::references::RefContext;
use gatehouse_compiler::diagnostic::Levels;
use gatehouse_compiler::project::{self, LoadOptions, Overlay, PolicyDoc, Project};
use gatehouse_compiler::{diagnostic, not_executed_in, Diagnostic, DocKind, SourceFile};
use gatehouse_grammar::syntax::parse_document;
use gatehouse_grammar::Limits;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A loaded project and its diagnostics, kept per file.
pub struct ProjectState {
    /// The project folder.
    pub root: PathBuf,
    /// The declarations and parsed documents, current with the editor's buffers.
    pub project: Project,
    /// What loading found (syntax errors of documents, information files).
    load: Vec<Diagnostic>,
    /// Each document's own checks, by file path.
    own: HashMap<String, Vec<Diagnostic>>,
    /// The checks across documents.
    across: Vec<Diagnostic>,
    /// Every variable some document sets.
    variables: HashSet<String>,
    /// `gatehouse.toml` lint levels.
    levels: Levels,
    /// How many documents' own checks the last update ran (for tests and benches).
    pub last_rechecked: usize,
}

/// The project folder a file belongs to: the nearest ancestor that is an APIOps project.
pub fn find_root(file: &Path) -> Option<PathBuf> {
    file.ancestors()
        .skip(1)
        .find(|dir| project::is_project(dir))
        .map(Path::to_path_buf)
}

impl ProjectState {
    /// Loads the project at `root`, reading `overlay` instead of the disk where given.
    pub fn load(root: &Path, overlay: Overlay) -> ProjectState {
        let options = LoadOptions {
            overlay,
            ..LoadOptions::default()
        };
        let loaded = project::load(root, &options);
        let levels = Levels::of_project(root).ok().flatten().unwrap_or_default();
        let mut state = ProjectState {
            root: root.to_path_buf(),
            project: loaded.project,
            load: loaded.diagnostics,
            own: HashMap::new(),
            across: Vec::new(),
            variables: HashSet::new(),
            levels,
            last_rechecked: 0,
        };
        state.variables = checks::variables(&state.project);
        state.recheck(None);
        state
    }

    /// Whether `path` is one of the project's policy documents.
    pub fn has_document(&self, path: &Path) -> bool {
        let shown = path.to_string_lossy();
        checks::documents(&self.project)
            .iter()
            .any(|(d, _)| d.file.path == shown)
    }

    /// The document at `path` and its scope.
    pub fn document(&self, path: &Path) -> Option<(&PolicyDoc, DocKind)> {
        let shown = path.to_string_lossy();
        checks::documents(&self.project)
            .into_iter()
            .find(|(d, _)| d.file.path == shown)
    }

    /// Replaces the text of the policy document at `path` and re-checks what depends on
    /// it; `false` when `path` is not a document of the project (reload instead).
    pub fn update_document(&mut self, path: &Path, text: &str, limits: &Limits) -> bool {
        let shown = path.to_string_lossy().into_owned();
        let Some(doc) = documents_mut(&mut self.project)
            .into_iter()
            .find(|d| d.file.path == shown)
        else {
            return false;
        };
        let file = Arc::new(SourceFile::new(shown.clone(), text));
        let parsed = parse_document(&file.text, limits);
        self.load.retain(|d| d.file.path != shown);
        self.load.extend(
            parsed
                .errors
                .iter()
                .cloned()
                .map(|e| Diagnostic::from_syntax(&file, e)),
        );
        *doc = PolicyDoc::new(file, parsed);
        let variables = checks::variables(&self.project);
        if variables == self.variables {
            self.recheck(Some(&shown));
        } else {
            self.variables = variables;
            self.recheck(None);
        }
        true
    }

    /// Re-runs the own checks of one document (or all), then the checks across documents.
    fn recheck(&mut self, only: Option<&str>) {
        let mut own = std::mem::take(&mut self.own);
        let mut rechecked = 0;
        for (docs, declared) in &checks::scopes(&self.project) {
            let cx = RefContext {
                declared,
                variables: Some(&self.variables),
            };
            for (doc, kind) in docs {
                if only.is_some_and(|p| p != doc.file.path) {
                    continue;
                }
                let mut found = Vec::new();
                checks::check_document(doc, *kind, &cx, false, &mut found);
                not_executed_in(doc, false, &mut found);
                own.insert(doc.file.path.clone(), found);
                rechecked += 1;
            }
        }
        self.own = own;
        self.last_rechecked = rechecked;
        self.across.clear();
        checks::check_across(&self.project, &mut self.across);
    }

    /// Every diagnostic, as `check` reports it, grouped by file path.
    pub fn diagnostics(&self) -> HashMap<String, Vec<Diagnostic>> {
        let mut all: Vec<Diagnostic> = self.load.clone();
        all.extend(self.own.values().flatten().cloned());
        all.extend(self.across.iter().cloned());
        diagnostic::sort(&mut all);
        self.levels.apply(&mut all, false);
        let mut by_file: HashMap<String, Vec<Diagnostic>> = HashMap::new();
        for d in all {
            by_file.entry(d.file.path.clone()).or_default().push(d);
        }
        by_file
    }
}

/// Every policy document of the project, mutable.
fn documents_mut(project: &mut Project) -> Vec<&mut PolicyDoc> {
    let mut out = Vec::new();
    scope_mut(project, &mut out);
    out
}

fn scope_mut<'p>(project: &'p mut Project, out: &mut Vec<&'p mut PolicyDoc>) {
    out.extend(project.global.as_mut());
    for p in &mut project.products {
        out.extend(p.policy.as_mut());
    }
    for api in &mut project.apis {
        out.extend(api.policy.as_mut());
        for op in &mut api.operations {
            out.extend(op.policy.as_mut());
        }
    }
    for f in &mut project.fragments {
        out.push(&mut f.policy);
    }
    for ws in &mut project.workspaces {
        scope_mut(&mut ws.project, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> PathBuf {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../policies/sample"))
    }

    #[test]
    fn an_edit_rechecks_only_its_document_unless_variables_change() {
        let root = sample();
        let mut state = ProjectState::load(&root, Overlay::default());
        let all = checks::documents(&state.project).len();
        assert!(all > 3 && state.last_rechecked == all);
        let path = root.join("apis/orders/policy.xml");
        let text = std::fs::read_to_string(&path).expect("read");
        let typo = text.replace("<rate-limit-by-key", "<rate-limit-by-kye");
        assert!(state.update_document(&path, &typo, &Limits::default()));
        assert_eq!(state.last_rechecked, 1);
        let shown = path.to_string_lossy().into_owned();
        let found = state.diagnostics().remove(&shown).unwrap_or_default();
        assert!(
            found.iter().any(|d| d.code == "gatehouse::unknown-policy"),
            "{found:#?}"
        );
        let sets = text.replace(
            "<base />\n        <include",
            "<base />\n        <set-variable name=\"v\" value=\"1\" />\n        <include",
        );
        assert!(state.update_document(&path, &sets, &Limits::default()));
        assert_eq!(state.last_rechecked, all);
        assert!(!state.update_document(&root.join("nowhere.xml"), "", &Limits::default()));
    }

    #[test]
    fn finds_the_project_of_a_nested_file() {
        let root = sample();
        let file = root.join("apis/orders/operations/get-order/policy.xml");
        assert_eq!(find_root(&file), Some(root));
    }
}
