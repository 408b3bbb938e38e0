//! `gatehouse fmt`: rewrite policy documents in the canonical layout, or (`--check`) list
//! the ones that are not in it.

use super::{ERRORS, FAILURE, OK};
use gatehouse_compiler::diagnostic::{render_human, Style};
use gatehouse_compiler::{files, Diagnostic, SourceFile};
use gatehouse_grammar::format::format_document;
use gatehouse_grammar::Limits;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Arguments of `gatehouse fmt`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Change no file: list those that would change and exit with 1 if any would.
    #[arg(long)]
    check: bool,
    /// Policy files, or folders searched recursively for `*.xml`.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
}

/// What happened to one file.
enum Outcome {
    Unchanged,
    Changed,
    /// Syntax errors: the file is left alone and the errors are printed.
    Refused,
}

/// Formats (or checks) every file; returns the exit code.
pub fn run(args: &Args) -> u8 {
    let mut files = Vec::new();
    for path in &args.paths {
        match files::policy_files(path) {
            Ok(found) => files.extend(found),
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", path.display());
                return FAILURE;
            }
        }
    }
    let mut failed = false;
    for file in &files {
        match format_file(file, args.check) {
            Ok(Outcome::Unchanged) => {}
            Ok(Outcome::Changed) if args.check => {
                println!("{}", file.display());
                failed = true;
            }
            Ok(Outcome::Changed) => println!("formatted {}", file.display()),
            Ok(Outcome::Refused) => failed = true,
            Err(e) => {
                eprintln!("error: {}: {e}", file.display());
                return FAILURE;
            }
        }
    }
    if failed {
        ERRORS
    } else {
        OK
    }
}

fn format_file(path: &Path, check: bool) -> std::io::Result<Outcome> {
    let bytes = std::fs::read(path)?;
    let shown = path.display().to_string();
    let (file, bad_utf8) = SourceFile::from_bytes(&shown, bytes);
    let file = Arc::new(file);
    if bad_utf8.is_some() {
        eprintln!("error: {shown} is not valid UTF-8; not formatted");
        return Ok(Outcome::Refused);
    }
    match format_document(&file.text, &Limits::default()) {
        Ok(text) if text == file.text => Ok(Outcome::Unchanged),
        Ok(text) => {
            if !check {
                std::fs::write(path, text)?;
            }
            Ok(Outcome::Changed)
        }
        Err(errors) => {
            let found: Vec<Diagnostic> = errors
                .into_iter()
                .map(|e| Diagnostic::from_syntax(&file, e))
                .collect();
            eprint!("{}", render_human(&found, Style::Plain));
            eprintln!("error: {shown} has syntax errors; not formatted");
            Ok(Outcome::Refused)
        }
    }
}
