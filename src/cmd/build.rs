//! `gatehouse build`: check a project (or a policy file) and write its bundle.

use super::check::{options, Declarations};
use super::{ERRORS, FAILURE, OK};
use gatehouse_compiler::diagnostic::{render_human, Style};
use gatehouse_compiler::project::{PolicyDoc, Project};
use gatehouse_compiler::{build_project, Severity};
use gatehouse_runtime::bundle::encode_program;
use gatehouse_runtime::program::Program;
use std::io::IsTerminal;
use std::path::PathBuf;

/// Arguments of `gatehouse build`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Where to write the bundle.
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
    #[command(flatten)]
    declarations: Declarations,
    /// The APIOps project folder, or a single policy file.
    path: PathBuf,
}

/// Checks, lowers and writes the bundle. Errors (including policies gatehouse does not
/// execute yet) stop the build; warnings are printed.
pub fn run(args: &Args) -> u8 {
    let mut found = Vec::new();
    let opts = match options(&args.declarations, &mut found) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return FAILURE;
        }
    };
    if !args.path.exists() {
        eprintln!("error: {} does not exist", args.path.display());
        return FAILURE;
    }
    let levels = match args.declarations.levels(&args.path) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return FAILURE;
        }
    };
    let report = build_project(&args.path, &opts);
    found.extend(report.diagnostics);
    levels.apply(&mut found, true);
    let style = if std::io::stderr().is_terminal() {
        Style::Graphical
    } else {
        Style::Plain
    };
    eprint!("{}", render_human(&found, style));
    let errors = found
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let program = match report.program {
        Some(p) if errors == 0 => p,
        _ => {
            eprintln!("build failed: {errors} error(s); no bundle written");
            return ERRORS;
        }
    };
    let bytes = encode_program(&program);
    if let Err(e) = std::fs::write(&args.output, &bytes) {
        eprintln!("error: cannot write {}: {e}", args.output.display());
        return FAILURE;
    }
    let xml = policy_bytes(&report.project);
    eprintln!(
        "built {}: {} API(s), {} operation(s), {} block(s), {} expression(s); {} bytes ({:.2}× the {} bytes of policy XML)",
        args.output.display(),
        program.apis.len(),
        operations(&program),
        program.blocks.len(),
        program.codes.len(),
        bytes.len(),
        bytes.len() as f64 / xml.max(1) as f64,
        xml
    );
    OK
}

fn operations(p: &Program) -> usize {
    p.apis.iter().map(|a| a.operations.len()).sum()
}

/// The total size of the project's policy documents.
fn policy_bytes(p: &Project) -> usize {
    let size = |d: &Option<PolicyDoc>| d.as_ref().map_or(0, |d| d.file.text.len());
    let mut n = size(&p.global);
    for api in &p.apis {
        n += size(&api.policy);
        n += api
            .operations
            .iter()
            .map(|o| size(&o.policy))
            .sum::<usize>();
    }
    n += p.products.iter().map(|x| size(&x.policy)).sum::<usize>();
    n += p
        .fragments
        .iter()
        .map(|f| f.policy.file.text.len())
        .sum::<usize>();
    n + p
        .workspaces
        .iter()
        .map(|w| policy_bytes(&w.project))
        .sum::<usize>()
}
