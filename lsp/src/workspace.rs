//! The open documents and the projects they belong to; diagnostics per file.

use crate::project::{find_root, ProjectState};
use crate::text::{path_to_uri, uri_to_path};
use gatehouse_compiler::diagnostic::Levels;
use gatehouse_compiler::project::{Overlay, Project};
use gatehouse_compiler::{check_bytes, CheckOptions, Diagnostic, DocKind, SourceFile};
use gatehouse_grammar::syntax::{parse_document, Parsed};
use gatehouse_grammar::Limits;
use lsp_types::Uri;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A document the editor has open.
pub struct OpenDoc {
    /// Its URI as the client sent it.
    pub uri: Uri,
    /// Its file path, for `file://` URIs.
    pub path: Option<PathBuf>,
    /// The editor's text.
    pub file: Arc<SourceFile>,
    /// The text parsed.
    pub parsed: Parsed,
    /// The client's version.
    pub version: i32,
    /// The project it belongs to, if any.
    pub root: Option<PathBuf>,
}

/// Everything the server holds.
#[derive(Default)]
pub struct Workspace {
    /// Open documents by URI.
    pub docs: HashMap<String, OpenDoc>,
    /// Loaded projects by root folder.
    pub projects: HashMap<PathBuf, ProjectState>,
    /// Front-end limits.
    pub limits: Limits,
    /// Per URI, whether the last publication had diagnostics (to clear them once).
    published: HashMap<String, bool>,
}

/// What one document looks like to the features: its tree, scope and project.
pub struct View<'w> {
    /// The document.
    pub doc: &'w OpenDoc,
    /// Its scope (`Loose` outside a project).
    pub kind: DocKind,
    /// The project, if the document is one of its policy documents.
    pub project: Option<&'w Project>,
}

impl Workspace {
    /// Opens (or replaces) a document.
    pub fn open(&mut self, uri: Uri, text: String, version: i32) -> Vec<(Uri, Vec<Diagnostic>)> {
        let path = uri_to_path(&uri);
        let shown = path.as_ref().map_or_else(
            || uri.as_str().to_string(),
            |p| p.to_string_lossy().into_owned(),
        );
        let root = path.as_deref().and_then(find_root);
        let file = Arc::new(SourceFile::new(shown, text));
        let parsed = parse_document(&file.text, &self.limits);
        let key = uri.as_str().to_string();
        self.docs.insert(
            key.clone(),
            OpenDoc {
                uri,
                path,
                file,
                parsed,
                version,
                root,
            },
        );
        self.refresh(&key, true)
    }

    /// Replaces a document's text after an edit.
    pub fn change(&mut self, key: &str, text: String, version: i32) -> Vec<(Uri, Vec<Diagnostic>)> {
        let Some(doc) = self.docs.get_mut(key) else {
            return Vec::new();
        };
        doc.file = Arc::new(SourceFile::new(doc.file.path.clone(), text));
        doc.parsed = parse_document(&doc.file.text, &self.limits);
        doc.version = version;
        self.refresh(key, false)
    }

    /// Closes a document: a project file goes back to its text on disk.
    pub fn close(&mut self, key: &str) -> Vec<(Uri, Vec<Diagnostic>)> {
        let Some(doc) = self.docs.remove(key) else {
            return Vec::new();
        };
        match (&doc.root, &doc.path) {
            (Some(root), Some(_)) => {
                let root = root.clone();
                self.reload(&root)
            }
            _ => {
                self.published.remove(key);
                vec![(doc.uri, Vec::new())]
            }
        }
    }

    /// Re-checks after document `key` changed; what to publish.
    fn refresh(&mut self, key: &str, opened: bool) -> Vec<(Uri, Vec<Diagnostic>)> {
        let Some(doc) = self.docs.get(key) else {
            return Vec::new();
        };
        let (Some(root), Some(path)) = (doc.root.clone(), doc.path.clone()) else {
            return self.publish_loose(key);
        };
        let text = doc.file.text.clone();
        let limits = self.limits.clone();
        let updated = match self.projects.get_mut(&root) {
            Some(state) if !opened || state.has_document(&path) => {
                is_policy(&path) && state.update_document(&path, &text, &limits)
            }
            _ => false,
        };
        let mut out = if updated {
            self.publish_project(&root)
        } else {
            self.reload(&root)
        };
        // The edited document is always published, so a clean one clears its markers.
        if let Some(doc) = self.docs.get(key) {
            if !out.iter().any(|(u, _)| u.as_str() == key) {
                out.push((doc.uri.clone(), Vec::new()));
            }
        }
        out
    }

    /// Loads (or reloads) the project at `root` over the open documents.
    fn reload(&mut self, root: &Path) -> Vec<(Uri, Vec<Diagnostic>)> {
        let overlay: HashMap<PathBuf, String> = self
            .docs
            .values()
            .filter(|d| d.root.as_deref() == Some(root))
            .filter_map(|d| Some((d.path.clone()?, d.file.text.clone())))
            .collect();
        let state = ProjectState::load(root, Overlay::new(overlay));
        self.projects.insert(root.to_path_buf(), state);
        self.publish_project(root)
    }

    /// A loose document's diagnostics, as `check FILE` reports them.
    fn publish_loose(&mut self, key: &str) -> Vec<(Uri, Vec<Diagnostic>)> {
        let Some(doc) = self.docs.get(key) else {
            return Vec::new();
        };
        let mut found = loose_diagnostics(doc, &self.limits);
        let dir = doc.path.as_deref().and_then(Path::parent);
        if let Some(levels) = dir.and_then(|d| Levels::of_project(d).ok().flatten()) {
            levels.apply(&mut found, false);
        }
        self.published.insert(key.to_string(), !found.is_empty());
        vec![(doc.uri.clone(), found)]
    }

    /// Every file of the project with diagnostics, and those that had some and no longer do.
    fn publish_project(&mut self, root: &Path) -> Vec<(Uri, Vec<Diagnostic>)> {
        let Some(state) = self.projects.get(root) else {
            return Vec::new();
        };
        let mut by_file = state.diagnostics();
        let mut out = Vec::new();
        let prefix = root.to_string_lossy().into_owned();
        let stale: Vec<String> = self
            .published
            .iter()
            .filter(|(_, had)| **had)
            .map(|(k, _)| k.clone())
            .collect();
        for key in stale {
            let Some(uri) = key.parse::<Uri>().ok() else {
                continue;
            };
            let Some(path) = uri_to_path(&uri) else {
                continue;
            };
            let shown = path.to_string_lossy().into_owned();
            if shown.starts_with(&prefix) && !by_file.contains_key(&shown) {
                self.published.insert(key, false);
                out.push((uri, Vec::new()));
            }
        }
        for (path, found) in by_file.drain() {
            let Some(uri) = path_to_uri(Path::new(&path)) else {
                continue;
            };
            self.published.insert(uri.as_str().to_string(), true);
            out.push((uri, found));
        }
        out
    }

    /// The features' view of document `key`.
    pub fn view(&self, key: &str) -> Option<View<'_>> {
        let doc = self.docs.get(key)?;
        let state = doc.root.as_ref().and_then(|r| self.projects.get(r));
        let in_project = state.and_then(|s| Some((s, s.document(doc.path.as_deref()?)?)));
        Some(match in_project {
            Some((s, (_, kind))) => View {
                doc,
                kind,
                project: Some(&s.project),
            },
            None => View {
                doc,
                kind: DocKind::Loose,
                project: None,
            },
        })
    }

    /// The project state of document `key`, if it is in one.
    pub fn project_of(&self, key: &str) -> Option<&ProjectState> {
        let doc = self.docs.get(key)?;
        self.projects.get(doc.root.as_ref()?)
    }

    /// The diagnostics of document `key` as last computed (for code actions).
    pub fn diagnostics_of(&self, key: &str) -> Vec<Diagnostic> {
        let Some(doc) = self.docs.get(key) else {
            return Vec::new();
        };
        match self.project_of(key) {
            Some(state) if state.has_document(doc.path.as_deref().unwrap_or(Path::new(""))) => {
                state
                    .diagnostics()
                    .remove(&doc.file.path)
                    .unwrap_or_default()
            }
            _ => loose_diagnostics(doc, &self.limits),
        }
    }
}

/// `check FILE` on the editor's text.
fn loose_diagnostics(doc: &OpenDoc, limits: &Limits) -> Vec<Diagnostic> {
    let options = CheckOptions {
        limits: limits.clone(),
        ..CheckOptions::default()
    };
    check_bytes(&doc.file.path, doc.file.text.as_bytes().to_vec(), &options).diagnostics
}

fn is_policy(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xml"))
}
