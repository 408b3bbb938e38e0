//! The `gatehouse` command line: check, build, explain, eval, fmt, print and run APIM policies,
//! and the language server (`lsp`).

mod cmd;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// mimalloc: the front end and the gateway allocate many small objects; it is markedly
/// faster than the system allocator for that (see `benches/compile.rs`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Compiler, linter and gateway for Azure API Management policy documents.
#[derive(Parser, Debug)]
#[command(name = "gatehouse", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check a project (or policy file) and write its compiled bundle.
    Build(cmd::build::Args),
    /// Check policy files: syntax, expressions, and policies against the catalogue.
    Check(cmd::check::Args),
    /// Evaluate one policy expression (`@(...)` or `@{...}`) against a request description.
    Eval(cmd::eval::Args),
    /// Explain how gatehouse reads a project: `--effective API/OPERATION` prints the merged policy.
    Explain(cmd::explain::Args),
    /// Rewrite policy files in the canonical layout (`--check`: list those that would change).
    Fmt(cmd::fmt::Args),
    /// Serve the Language Server Protocol over stdio, for editors (see docs/editors.md).
    Lsp,
    /// Print a policy file's syntax tree (`--tree`) or its normalised XML.
    Print(cmd::print::Args),
    /// Serve a project or a bundle: the gateway, its admin endpoints and, optionally, an echo backend.
    Run(Box<cmd::run::Args>),
    /// Run a project's policy tests (`tests/**/*.yaml`) through the engine, with coverage.
    Test(cmd::test::Args),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let code = match cli.command {
        Command::Build(args) => cmd::build::run(&args),
        Command::Check(args) => cmd::check::run(&args),
        Command::Eval(args) => cmd::eval::run(&args),
        Command::Explain(args) => cmd::explain::run(&args),
        Command::Fmt(args) => cmd::fmt::run(&args),
        Command::Lsp => gatehouse_lsp::run_stdio(),
        Command::Print(args) => cmd::print::run(&args),
        Command::Run(args) => cmd::run::run(&args),
        Command::Test(args) => cmd::test::run(&args),
    };
    ExitCode::from(code)
}
