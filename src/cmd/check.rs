//! `gatehouse check`: report every problem in policy files.

use super::{ERRORS, FAILURE, OK};
use clap::ValueEnum;
use gatehouse_compiler::diagnostic::{render_human, render_json, render_sarif, Levels, Style};
use gatehouse_compiler::project::{self, Project};
use gatehouse_compiler::{
    check_bytes, check_project, check_snippet, files, CheckOptions, Diagnostic, Severity,
};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Output formats of `check`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    /// miette rendering: graphical on a terminal, plain otherwise.
    Human,
    /// `{"files_checked": N, "diagnostics": [...]}`.
    Json,
    /// SARIF 2.1.0, for code scanning tools.
    Sarif,
}

/// Declarations for loose files and gateway host names, shared by `check` and `build`.
#[derive(clap::Args, Debug, Default)]
pub struct Declarations {
    /// Backends that loose files may reference: a JSON array or object of backend entities.
    #[arg(long, value_name = "FILE")]
    backends: Option<PathBuf>,
    /// Named values that loose files may reference, in the same shape.
    #[arg(long, value_name = "FILE")]
    named_values: Option<PathBuf>,
    /// A host name the gateway itself answers on (repeatable): backends pointing at it are
    /// reported as self-referencing.
    #[arg(long = "gateway-host", value_name = "HOST")]
    gateway_hosts: Vec<String>,
    /// Do not report this warning code (repeatable; also `[lints] allow` in the project's
    /// `gatehouse.toml`).
    #[arg(long = "allow", value_name = "CODE")]
    allow: Vec<String>,
    /// Report this warning code as an error (repeatable; also `[lints] deny`).
    #[arg(long = "deny", value_name = "CODE")]
    deny: Vec<String>,
}

impl Declarations {
    /// The lint levels for `path`: its project's `gatehouse.toml` (the folder's own, or a
    /// file's folder's), then the command line's.
    pub fn levels(&self, path: &Path) -> Result<Levels, String> {
        let dir = if path.is_dir() {
            path
        } else {
            path.parent().unwrap_or(Path::new("."))
        };
        let mut levels = Levels::of_project(dir)?.unwrap_or_default();
        let cli = Levels {
            allow: self.allow.clone(),
            deny: self.deny.clone(),
        };
        cli.validate()?;
        levels.extend(&cli);
        Ok(levels)
    }
}

/// Arguments of `gatehouse check`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Exit with 1 when there are warnings, too.
    #[arg(long)]
    deny_warnings: bool,
    #[command(flatten)]
    declarations: Declarations,
    /// Check the files as snippets: policy statements without `<policies>`, as if written
    /// in this section.
    #[arg(long, value_name = "SECTION", value_parser = ["inbound", "backend", "outbound", "on-error"])]
    snippet: Option<String>,
    /// APIOps project folders, policy files, or folders searched recursively for `*.xml`.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
}

/// Runs the check and prints the report; returns the exit code.
pub fn run(args: &Args) -> u8 {
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let options = match options(&args.declarations, &mut diagnostics) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return FAILURE;
        }
    };
    let mut files_checked = 0;
    for path in &args.paths {
        match check_path(path, args, &options) {
            Ok((n, found)) => {
                files_checked += n;
                diagnostics.extend(found);
            }
            Err(e) => {
                eprintln!("error: {e}");
                return FAILURE;
            }
        }
    }
    print_report(args.format, files_checked, &diagnostics);
    exit_code(&diagnostics, args.deny_warnings)
}

/// The check options, loading `--backends` / `--named-values` (their problems go to `out`).
pub fn options(args: &Declarations, out: &mut Vec<Diagnostic>) -> Result<CheckOptions, String> {
    let mut declared = Project::default();
    if let Some(path) = &args.backends {
        let (backends, found) = project::load_backends_file(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        declared.backends = backends;
        out.extend(found);
    }
    if let Some(path) = &args.named_values {
        let (values, found) = project::load_named_values_file(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        declared.named_values = values;
        out.extend(found);
    }
    let given = args.backends.is_some() || args.named_values.is_some();
    Ok(CheckOptions {
        declarations: given.then(|| Arc::new(declared)),
        gateway_hosts: args.gateway_hosts.clone(),
        ..CheckOptions::default()
    })
}

/// Checks one path (a project, a policy file or a folder of them) with its lint levels;
/// a path holding no policy file is an error, not a clean result.
fn check_path(
    path: &Path,
    args: &Args,
    options: &CheckOptions,
) -> Result<(usize, Vec<Diagnostic>), String> {
    let levels = args.declarations.levels(path)?;
    let mut found = Vec::new();
    let n = if project::is_project(path) {
        let report = check_project(path, options);
        found = report.diagnostics;
        report.files_checked
    } else {
        check_loose(path, options, args.snippet.as_deref(), &mut found)?
    };
    if n == 0 {
        return Err(format!(
            "{} holds no policy file (`*.xml`) and is not an APIOps project",
            path.display()
        ));
    }
    levels.apply(&mut found, false);
    Ok((n, found))
}

/// Checks every policy file under `path`; returns how many were read.
fn check_loose(
    path: &Path,
    options: &CheckOptions,
    snippet: Option<&str>,
    out: &mut Vec<Diagnostic>,
) -> Result<usize, String> {
    let found =
        files::policy_files(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    for file in &found {
        let bytes =
            std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        let shown = file.display().to_string();
        match snippet {
            Some(section) => out.extend(check_snippet(&shown, bytes, section, options)),
            None => out.extend(check_bytes(&shown, bytes, options).diagnostics),
        }
    }
    Ok(found.len())
}

fn print_report(format: Format, files_checked: usize, diagnostics: &[Diagnostic]) {
    match format {
        Format::Json => println!("{}", render_json(files_checked, diagnostics)),
        Format::Sarif => println!("{}", render_sarif(diagnostics)),
        Format::Human => {
            let style = if std::io::stdout().is_terminal() {
                Style::Graphical
            } else {
                Style::Plain
            };
            print!("{}", render_human(diagnostics, style));
            let count = |s| diagnostics.iter().filter(|d| d.severity == s).count();
            println!(
                "checked {files_checked} file{}: {} error(s), {} warning(s)",
                if files_checked == 1 { "" } else { "s" },
                count(Severity::Error),
                count(Severity::Warning)
            );
        }
    }
}

fn exit_code(diagnostics: &[Diagnostic], deny_warnings: bool) -> u8 {
    let failing = |d: &&Diagnostic| {
        d.severity == Severity::Error || (deny_warnings && d.severity == Severity::Warning)
    };
    if diagnostics.iter().any(|d| failing(&d)) {
        ERRORS
    } else {
        OK
    }
}
