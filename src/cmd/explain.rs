//! `gatehouse explain --effective`: the merged policy APIM would run for one operation.

use super::{ERRORS, FAILURE, OK};
use gatehouse_compiler::diagnostic::{render_human, Style};
use gatehouse_compiler::resolve::{effective, print_effective, Declared};
use gatehouse_compiler::{check_project, project, CheckOptions, Severity};
use std::path::PathBuf;

/// Arguments of `gatehouse explain`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Print the effective policy of `API/OPERATION`: global, product, API and operation
    /// policies merged at each `<base/>`, fragments expanded, plain named values substituted.
    #[arg(long, value_name = "API/OPERATION", required = true)]
    effective: String,
    /// Merge in this product's policy, as when the call uses one of its subscriptions.
    #[arg(long, value_name = "PRODUCT")]
    product: Option<String>,
    /// The APIOps project folder.
    path: PathBuf,
}

/// Prints the effective policy; diagnostics about the project go to stderr.
pub fn run(args: &Args) -> u8 {
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
    let Some((api_name, op_name)) = args.effective.split_once('/') else {
        eprintln!(
            "error: expected API/OPERATION, e.g. orders/get-order; got `{}`",
            args.effective
        );
        return FAILURE;
    };
    let Some(api) = p.apis.iter().find(|a| a.name == api_name && a.is_current) else {
        let names: Vec<&str> = p.apis.iter().map(|a| a.name.as_str()).collect();
        eprintln!(
            "error: no API `{api_name}`; the project has: {}",
            names.join(", ")
        );
        return FAILURE;
    };
    let Some(operation) = api.operations.iter().find(|o| o.name == op_name) else {
        let names: Vec<&str> = api.operations.iter().map(|o| o.name.as_str()).collect();
        eprintln!(
            "error: API `{api_name}` has no operation `{op_name}`; it has: {}",
            names.join(", ")
        );
        return FAILURE;
    };
    let product = match &args.product {
        None => None,
        Some(name) => match p.products.iter().find(|x| &x.name == name) {
            Some(x) => Some(x),
            None => {
                eprintln!("error: no product `{name}`");
                return FAILURE;
            }
        },
    };
    let eff = effective(p, api, operation, product);
    print!("{}", print_effective(&eff, &Declared::of(p, true)));
    if errors.is_empty() {
        OK
    } else {
        ERRORS
    }
}
