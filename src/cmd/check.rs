//! `gatehouse check`: report every problem in policy files.

use super::{ERRORS, FAILURE, OK};
use clap::ValueEnum;
use gatehouse_compiler::diagnostic::{render_human, render_json, render_sarif, Style};
use gatehouse_compiler::{check_bytes, files, CheckOptions, Diagnostic, Severity};
use std::io::IsTerminal;
use std::path::PathBuf;

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

/// Arguments of `gatehouse check`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Exit with 1 when there are warnings, too.
    #[arg(long)]
    deny_warnings: bool,
    /// Policy files, or folders searched recursively for `*.xml`.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
}

/// Runs the check and prints the report; returns the exit code.
pub fn run(args: &Args) -> u8 {
    let options = CheckOptions::default();
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut files_checked = 0;
    for path in &args.paths {
        let found = match files::policy_files(path) {
            Ok(found) => found,
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", path.display());
                return FAILURE;
            }
        };
        for file in found {
            let bytes = match std::fs::read(&file) {
                Ok(b) => b,
                Err(e) => {
                    eprintln!("error: cannot read {}: {e}", file.display());
                    return FAILURE;
                }
            };
            let report = check_bytes(&file.display().to_string(), bytes, &options);
            diagnostics.extend(report.diagnostics);
            files_checked += 1;
        }
    }
    print_report(args.format, files_checked, &diagnostics);
    exit_code(&diagnostics, args.deny_warnings)
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
