//! The gatehouse compiler: APIOps projects and policy files in, diagnostics and the
//! runtime's `Program` out.
//!
//! The stages, each a module named after what it produces: [`project`] loads a project
//! (declarations and parsed policy documents, via `gatehouse_grammar`); [`ast`] types every
//! policy against the catalogue, once; [`resolve`] owns declarations by name and the one
//! scope merge; [`check`] runs the passes that report [`diagnostic`]s, with [`types`]
//! typing expressions; [`lower`] compiles expressions to bytecode and [`program`] lowers a
//! project to the whole-gateway `Program` ([`check_project`], [`build_project`]). See
//! `docs/architecture.md`.

pub mod ast;
pub mod check;
pub mod diagnostic;
pub mod files;
pub mod lower;
pub mod program;
pub mod project;
pub mod resolve;
pub mod source;
pub mod types;

pub use check::DocKind;
pub use diagnostic::{Diagnostic, Severity};
pub use source::SourceFile;

use crate::diagnostic::codes;
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
    /// Whether `declarations` are all there is (a build): every reference must resolve,
    /// including to categories nothing declares.
    pub complete: bool,
}

/// The result of checking one file.
#[derive(Debug)]
pub struct FileReport {
    /// The file that was checked.
    pub file: Arc<SourceFile>,
    /// Its syntax tree.
    pub parsed: Parsed,
    /// Its policies, typed.
    pub typed: ast::Policies,
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
            codes::SYNTAX_INVALID_UTF8,
            "the file is not valid UTF-8",
            Span::new(at, at + 1),
            "invalid byte",
        )
        .with_help("save the file as UTF-8");
        report.diagnostics.insert(0, d);
    }
    report
}

/// Checks a snippet: a file holding policy statements without `<policies>`, checked as
/// if written in `section` (`inbound`, `backend`, `outbound` or `on-error`) of a loose
/// document. Diagnostics point into the snippet itself.
pub fn check_snippet(
    path: &str,
    bytes: Vec<u8>,
    section: &str,
    options: &CheckOptions,
) -> Vec<Diagnostic> {
    let (original, bad_utf8) = SourceFile::from_bytes(path, bytes);
    let original = Arc::new(original);
    if bad_utf8.is_some() {
        return check_bytes(path, original.text.as_bytes().to_vec(), options).diagnostics;
    }
    let prefix = format!("<policies><{section}>");
    let suffix = format!("</{section}></policies>");
    let wrapped = format!("{prefix}{}{suffix}", original.text);
    let file = Arc::new(SourceFile::new(path, wrapped));
    let report = check_file_as(&file, DocKind::Loose, options);
    let shift = prefix.len() as u32;
    let len = original.text.len() as u32;
    let inside = |at: u32| at.saturating_sub(shift).min(len);
    report
        .diagnostics
        .into_iter()
        // The frame is ours: `missing-base` and the like speak of sections the snippet
        // does not have.
        .filter(|d| d.span.start >= shift || d.span.end > shift)
        .map(|mut d| {
            d.span = Span::new(inside(d.span.start) as usize, inside(d.span.end) as usize);
            d.file = Arc::clone(&original);
            d
        })
        .collect()
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
    let typed = ast::read(&parsed.document);
    check::document(file, &parsed.document, &typed, kind, &mut diagnostics);
    program::not_executed(file, &parsed.document, &mut diagnostics);
    let empty = project::Project::default();
    let declarations = match (&options.declarations, options.complete) {
        (Some(project), _) => Some(&**project),
        (None, true) => Some(&empty),
        (None, false) => None,
    };
    if let Some(project) = declarations {
        let declared = resolve::Declared::of(project, options.complete);
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
    check::silence(&parsed.document, &mut diagnostics, options.complete);
    diagnostic::sort(&mut diagnostics);
    FileReport {
        file: Arc::clone(file),
        parsed,
        typed,
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
        overlay: project::Overlay::default(),
    };
    let loaded = project::load(root, &load);
    let mut diagnostics = loaded.diagnostics;
    check::project::check(&loaded.project, options.complete, &mut diagnostics);
    not_executed_in_project(&loaded.project, options.complete, &mut diagnostics);
    diagnostic::sort(&mut diagnostics);
    ProjectReport {
        project: loaded.project,
        files_checked: loaded.files_checked,
        diagnostics,
    }
}

/// Warns about the policies gatehouse does not execute, in every document of `project`
/// (respecting `<!-- gatehouse-disable ... -->` comments).
fn not_executed_in_project(project: &project::Project, build: bool, out: &mut Vec<Diagnostic>) {
    for (doc, _) in check::project::documents(project) {
        not_executed_in(doc, build, out);
    }
}

/// Warns about the policies gatehouse does not execute in one document of a project, as
/// [`check_project`] does (respecting `<!-- gatehouse-disable ... -->` comments).
pub fn not_executed_in(doc: &project::PolicyDoc, build: bool, out: &mut Vec<Diagnostic>) {
    let mut found = Vec::new();
    program::not_executed(&doc.file, &doc.parsed.document, &mut found);
    check::silence(&doc.parsed.document, &mut found, build);
    out.extend(found);
}

/// The result of building a project (or a loose file) into a program.
#[derive(Debug)]
pub struct BuildReport {
    /// The loaded project.
    pub project: project::Project,
    /// How many files were read.
    pub files: usize,
    /// Everything found, sorted. `policy::not-executed` and `expr::unsupported-*`, warnings
    /// for `check`, are errors here: the gateway could not run what they point at.
    pub diagnostics: Vec<Diagnostic>,
    /// The program; `None` when any error was found.
    pub program: Option<gatehouse_runtime::program::Program>,
}

/// Loads, checks and lowers the project at `root` (an APIOps folder, or a single policy
/// file built as one API with one catch-all operation).
pub fn build_project(root: &std::path::Path, options: &CheckOptions) -> BuildReport {
    let options = &CheckOptions {
        complete: true,
        ..options.clone()
    };
    let (project, files, mut diagnostics) = if root.is_file() {
        load_loose(root, options)
    } else {
        let report = check_project(root, options);
        (report.project, report.files_checked, report.diagnostics)
    };
    // Source paths are shown relative to the project (a loose file's own folder).
    let base = if root.is_file() {
        root.parent().filter(|p| !p.as_os_str().is_empty())
    } else {
        Some(root)
    };
    for d in &mut diagnostics {
        if let Some(doc) = diagnostic::codes::lookup(&d.code) {
            d.severity = d.severity.min(doc.build);
        }
    }
    // Lowering adds what only it can find (e.g. expressions it cannot compile yet); what
    // the checks found is not reported again.
    let program = program::lower_program_at(&project, base, &mut diagnostics);
    diagnostic::sort(&mut diagnostics);
    let failed = diagnostics.iter().any(|d| d.severity == Severity::Error);
    BuildReport {
        project,
        files,
        diagnostics,
        program: (!failed).then_some(program),
    }
}

/// A loose policy file checked and made into a one-API project.
fn load_loose(
    path: &std::path::Path,
    options: &CheckOptions,
) -> (project::Project, usize, Vec<Diagnostic>) {
    let shown = path.to_string_lossy().into_owned();
    let report = match std::fs::read(path) {
        Ok(bytes) => check_bytes_as(&shown, bytes, DocKind::Loose, options),
        Err(e) => {
            let file = Arc::new(SourceFile::new(shown, ""));
            let d = Diagnostic::error(
                &file,
                codes::UNREADABLE_FILE,
                format!("cannot read the file: {e}"),
                Span::new(0, 0),
                "unreadable",
            );
            let mut r = check_file_as(&file, DocKind::Loose, options);
            r.diagnostics.insert(0, d);
            r
        }
    };
    let declarations = options.declarations.as_deref();
    let doc = project::PolicyDoc {
        file: report.file,
        parsed: report.parsed,
        typed: report.typed,
    };
    let project = program::loose_project(doc, declarations);
    (project, 1, report.diagnostics)
}
