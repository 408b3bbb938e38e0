//! `gatehouse explain`: the built program disassembled, or (`--effective`) the merged
//! policy APIM would run for one operation.

use super::{ERRORS, FAILURE, OK};
use gatehouse_compiler::diagnostic::{render_human, Style};
use gatehouse_compiler::resolve::{pipelines, print_effective, Declared, Effective};
use gatehouse_compiler::{build_project, check_project, project, CheckOptions, Severity};
use gatehouse_runtime::bundle::decode_program;
use gatehouse_runtime::bundle::{DecodeLimits, MAGIC};
use gatehouse_runtime::program::explain;
use gatehouse_runtime::program::Program;
use std::path::{Path, PathBuf};

/// Arguments of `gatehouse explain`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Print the effective policy of `API/OPERATION`: global, product, API and operation
    /// policies merged at each `<base/>`, fragments expanded, plain named values substituted.
    #[arg(long, value_name = "API/OPERATION")]
    effective: Option<String>,
    /// Merge in this product's policy, as when the call uses one of its subscriptions.
    #[arg(long, value_name = "PRODUCT")]
    product: Option<String>,
    /// The APIOps project folder (or, without `--effective`, a single policy file or a
    /// bundle written by `gatehouse build`).
    path: PathBuf,
    /// Without `--effective`: disassemble only this operation's pipelines and blocks.
    #[arg(value_name = "API/OPERATION")]
    operation: Option<String>,
}

/// Builds the program in memory and prints its disassembly, or (with `--effective`) prints
/// the effective policy; diagnostics go to stderr.
pub fn run(args: &Args) -> u8 {
    match &args.effective {
        Some(target) => effective(args, target),
        None => disassemble(args),
    }
}

/// Builds the project (or file) and prints `explain` of the program.
fn disassemble(args: &Args) -> u8 {
    if args.product.is_some() {
        eprintln!("error: --product applies to --effective only");
        return FAILURE;
    }
    if !args.path.is_file() && !project::is_project(&args.path) {
        eprintln!(
            "error: {} is neither a policy file nor an APIOps project folder",
            args.path.display()
        );
        return FAILURE;
    }
    let program = match load(&args.path) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let only = match args.operation.as_deref() {
        None => None,
        Some(target) => {
            let Some((api, op)) = target.split_once('/') else {
                eprintln!("error: expected API/OPERATION, e.g. orders/get-order; got `{target}`");
                return FAILURE;
            };
            let found = program.apis.iter().any(|a| {
                program.str(a.name) == api && a.operations.iter().any(|o| program.str(o.name) == op)
            });
            if !found {
                eprintln!("error: no operation `{op}` in an API `{api}`");
                return FAILURE;
            }
            Some((api, op))
        }
    };
    print!("{}", explain(&program, only));
    OK
}

/// A bundle file (recognised by its magic bytes) decoded and verified, or a project or
/// policy file built in memory.
fn load(path: &Path) -> Result<Program, u8> {
    if path.is_file() {
        let bytes = std::fs::read(path).map_err(|e| {
            eprintln!("error: cannot read {}: {e}", path.display());
            FAILURE
        })?;
        if bytes.starts_with(&MAGIC) {
            return decode_program(&bytes, &DecodeLimits::default()).map_err(|e| {
                eprintln!("error: {} is not a valid bundle: {e}", path.display());
                ERRORS
            });
        }
    }
    let report = build_project(path, &CheckOptions::default());
    eprint!("{}", render_human(&report.diagnostics, Style::Plain));
    report.program.ok_or(ERRORS)
}

/// Prints the effective policy of `target` (`API/OPERATION`).
fn effective(args: &Args, target: &str) -> u8 {
    if !project::is_project(&args.path) {
        eprintln!(
            "error: {} is not an APIOps project folder (no apis/, products/, backends/ …)",
            args.path.display()
        );
        return FAILURE;
    }
    let report = check_project(&args.path, &CheckOptions::default());
    let errors: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .cloned()
        .collect();
    eprint!("{}", render_human(&errors, Style::Plain));
    let p = &report.project;
    let Some((api_name, op_name)) = target.split_once('/') else {
        eprintln!("error: expected API/OPERATION, e.g. orders/get-order; got `{target}`");
        return FAILURE;
    };
    let all = pipelines(p);
    let of_api: Vec<&Effective<'_>> = all
        .iter()
        .filter(|e| e.api.name == api_name && e.api.is_current)
        .collect();
    if of_api.is_empty() {
        let mut names: Vec<&str> = all.iter().map(|e| e.api.name.as_str()).collect();
        names.dedup();
        eprintln!(
            "error: no API `{api_name}`; the project has: {}",
            names.join(", ")
        );
        return FAILURE;
    }
    let of_op: Vec<&&Effective<'_>> = of_api
        .iter()
        .filter(|e| e.operation.name == op_name)
        .collect();
    if of_op.is_empty() {
        let mut names: Vec<&str> = of_api.iter().map(|e| e.operation.name.as_str()).collect();
        names.dedup();
        eprintln!(
            "error: API `{api_name}` has no operation `{op_name}`; it has: {}",
            names.join(", ")
        );
        return FAILURE;
    }
    // A product without a policy of its own adds nothing: its pipeline is the plain one.
    let wanted = args.product.as_deref().filter(|name| {
        p.products
            .iter()
            .any(|x| x.name == *name && x.policy.is_some())
    });
    if let Some(name) = args
        .product
        .as_deref()
        .filter(|name| !p.products.iter().any(|x| x.name == *name))
    {
        eprintln!("error: no product `{name}`");
        return FAILURE;
    }
    let Some(eff) = of_op
        .iter()
        .find(|e| e.product.map(|x| x.name.as_str()) == wanted)
    else {
        eprintln!(
            "error: product `{}` does not include API `{api_name}`",
            wanted.unwrap_or("")
        );
        return FAILURE;
    };
    print!("{}", print_effective(eff, &Declared::of(p, true)));
    if errors.is_empty() {
        OK
    } else {
        ERRORS
    }
}
