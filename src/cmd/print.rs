//! `gatehouse print`: show how gatehouse reads a policy file.

use super::{ERRORS, FAILURE, OK};
use gatehouse_compiler::diagnostic::{render_human, Style};
use gatehouse_compiler::{check_bytes, CheckOptions};
use gatehouse_grammar::syntax::{dump_document, print_document};
use std::path::PathBuf;

/// Arguments of `gatehouse print`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Print the syntax tree (elements, attributes, expression trees) instead of XML.
    #[arg(long)]
    tree: bool,
    /// The policy file.
    file: PathBuf,
}

/// Prints the file's tree or normalised XML; diagnostics go to stderr.
pub fn run(args: &Args) -> u8 {
    let bytes = match std::fs::read(&args.file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", args.file.display());
            return FAILURE;
        }
    };
    let report = check_bytes(
        &args.file.display().to_string(),
        bytes,
        &CheckOptions::default(),
    );
    let doc = &report.parsed.document;
    print!(
        "{}",
        if args.tree {
            dump_document(doc)
        } else {
            print_document(doc)
        }
    );
    eprint!("{}", render_human(&report.diagnostics, Style::Plain));
    if report
        .diagnostics
        .iter()
        .any(|d| d.severity == gatehouse_compiler::Severity::Error)
    {
        ERRORS
    } else {
        OK
    }
}
