//! The gatehouse compiler: reads policy files, checks them, and reports diagnostics.
//!
//! Today it covers the front end: every file is scanned and parsed (markup and C#
//! expressions) and checked against the policy catalogue; [`lower`] turns expressions into the
//! runtime's code. Project loading and typing build on this.

pub mod check;
pub mod diagnostic;
pub mod files;
pub mod lower;
pub mod project;
pub mod resolve;
pub mod source;
pub mod types;

pub use check::DocKind;
pub use diagnostic::{Diagnostic, Severity};
pub use source::SourceFile;

use gatehouse_grammar::syntax::{parse_document, Parsed};
use gatehouse_grammar::{Limits, Span};
use std::sync::Arc;

/// Options for checking loose policy files.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    /// Size and nesting limits for the front end.
    pub limits: Limits,
    /// Declarations loose files are checked against (`--backends`, `--named-values`);
    /// categories left empty are taken as declared elsewhere.
    pub declarations: Option<Arc<project::Project>>,
    /// Host names the gateway itself answers on (`--gateway-host`).
    pub gateway_hosts: Vec<String>,
}

/// The result of checking one file.
#[derive(Debug)]
pub struct FileReport {
    /// The file that was checked.
    pub file: Arc<SourceFile>,
    /// Its syntax tree.
    pub parsed: Parsed,
    /// Everything found, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads, parses and checks one policy file given as bytes, of unknown scope.
pub fn check_bytes(path: &str, bytes: Vec<u8>, options: &CheckOptions) -> FileReport {
    check_bytes_as(path, bytes, DocKind::Loose, options)
}

/// Reads, parses and checks one policy file given as bytes, as a document of `kind`.
pub fn check_bytes_as(
    path: &str,
    bytes: Vec<u8>,
    kind: DocKind,
    options: &CheckOptions,
) -> FileReport {
    let (file, bad_utf8) = SourceFile::from_bytes(path, bytes);
    let file = Arc::new(file);
    let mut report = check_file_as(&file, kind, options);
    if let Some(at) = bad_utf8 {
        let d = Diagnostic::error(
            &file,
            "syntax::invalid-utf8",
            "the file is not valid UTF-8",
            Span::new(at, at + 1),
            "invalid byte",
        )
        .with_help("save the file as UTF-8");
        report.diagnostics.insert(0, d);
    }
    report
}

/// Parses and checks one policy file of unknown scope.
pub fn check_file(file: &Arc<SourceFile>, options: &CheckOptions) -> FileReport {
    check_file_as(file, DocKind::Loose, options)
}

/// Parses and checks one policy file as a document of `kind`; warnings named in
/// `<!-- gatehouse-disable ... -->` comments are dropped.
pub fn check_file_as(file: &Arc<SourceFile>, kind: DocKind, options: &CheckOptions) -> FileReport {
    let parsed = parse_document(&file.text, &options.limits);
    let mut diagnostics: Vec<Diagnostic> = parsed
        .errors
        .iter()
        .cloned()
        .map(|e| Diagnostic::from_syntax(file, e))
        .collect();
    check::document(file, &parsed.document, kind, &mut diagnostics);
    if let Some(project) = &options.declarations {
        let declared = resolve::Declared::of(project, false);
        let cx = check::references::RefContext {
            declared: &declared,
            variables: None,
        };
        check::references::document(file, &parsed.document, kind, &cx, &mut diagnostics);
    }
    check::backends::self_referencing_urls(
        file,
        &parsed.document,
        &options.gateway_hosts,
        &mut diagnostics,
    );
    check::silence(&parsed.document, &mut diagnostics);
    diagnostic::sort(&mut diagnostics);
    FileReport {
        file: Arc::clone(file),
        parsed,
        diagnostics,
    }
}

/// The result of checking a project folder.
#[derive(Debug)]
pub struct ProjectReport {
    /// The loaded project.
    pub project: project::Project,
    /// How many files were read.
    pub files_checked: usize,
    /// Everything found, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
}

/// Loads an APIOps project and runs every check over it.
pub fn check_project(root: &std::path::Path, options: &CheckOptions) -> ProjectReport {
    let load = project::LoadOptions {
        limits: options.limits.clone(),
        gateway_hosts: options.gateway_hosts.clone(),
    };
    let loaded = project::load(root, &load);
    let mut diagnostics = loaded.diagnostics;
    check::project::check(&loaded.project, &mut diagnostics);
    diagnostic::sort(&mut diagnostics);
    ProjectReport {
        project: loaded.project,
        files_checked: loaded.files_checked,
        diagnostics,
    }
}
