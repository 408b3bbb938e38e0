//! `gatehouse eval`: evaluate one policy expression against a request description.

use super::{ERRORS, FAILURE, OK};
use gatehouse_compiler::diagnostic::{render_human, Style};
use gatehouse_compiler::lower::lower_source;
use gatehouse_compiler::{Diagnostic, SourceFile};
use gatehouse_runtime::host::RequestHost;
use gatehouse_runtime::vm::{eval, VmLimits};
use std::path::PathBuf;
use std::sync::Arc;

/// Arguments of `gatehouse eval`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The expression: `@(...)`, `@{...}`, or a bare expression.
    expr: String,
    /// A JSON request description (method, url, headers, body, ip, variables, …).
    #[arg(long)]
    request: Option<PathBuf>,
    /// Output: `text` (the value's .NET `ToString()`) or `json` (type and value).
    #[arg(long, default_value = "text")]
    format: Format,
}

/// Output formats.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Text,
    Json,
}

/// Evaluates the expression; prints the value, or diagnostics / the fault (exit 1).
pub fn run(args: &Args) -> u8 {
    let host = match &args.request {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => RequestHost::from_json(&text),
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", path.display());
                return FAILURE;
            }
        },
        None => Ok(RequestHost::new(Default::default())),
    };
    let mut host = match host {
        Ok(h) => h,
        Err(e) => {
            eprintln!("error: bad request description: {e}");
            return FAILURE;
        }
    };
    let file = Arc::new(SourceFile::new("<expr>", args.expr.clone()));
    let (code, off) = match lower_source(&args.expr, &|_| None) {
        Ok(c) => c,
        Err(e) => {
            let d = Diagnostic::error(&file, e.code, e.message, e.span, "here");
            eprint!("{}", render_human(&[d], Style::Plain));
            return ERRORS;
        }
    };
    match eval(&code, &mut host, &VmLimits::default()) {
        Ok(done) => {
            match args.format {
                Format::Text => println!("{}", done.text()),
                Format::Json => println!("{}", json(&done.type_name(), &done)),
            }
            OK
        }
        Err(f) => {
            let start = (f.span.start as usize)
                .saturating_add(off)
                .min(args.expr.len());
            let lc = file.line_col(start);
            eprintln!("error: {} at {}:{}", f, lc.line, lc.column);
            ERRORS
        }
    }
}

fn json(ty: &str, done: &gatehouse_runtime::vm::Evaluated) -> String {
    let value = if done.value.is_null() {
        serde_json::Value::Null
    } else {
        serde_json::Value::String(done.text())
    };
    serde_json::json!({ "type": if done.value.is_null() { serde_json::Value::Null } else { ty.into() }, "value": value }).to_string()
}
