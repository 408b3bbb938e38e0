//! `gatehouse test`: run a project's policy tests (`tests/**/*.yaml`) offline through the
//! gateway's engine, with coverage (see docs/testing.md).

use super::{ERRORS, FAILURE, OK};
use clap::ValueEnum;
use gatehouse_testing::{report, Options, Suite};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Report formats.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    /// Failures with diffs and the policies involved, then totals and coverage.
    Human,
    /// One JSON object.
    Json,
}

/// Arguments of `gatehouse test`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The project folder (tests in its `tests/`), or a test file or folder inside it.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Only the cases whose `FILE › NAME` contains this.
    #[arg(long, value_name = "NAME")]
    filter: Option<String>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Also write a JUnit XML report.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Write statement and branch coverage of the policy files as LCOV.
    #[arg(long, value_name = "FILE")]
    coverage: Option<PathBuf>,
    /// Run again whenever a file under the project changes (until interrupted).
    #[arg(long)]
    watch: bool,
    /// Worker threads (default: the cores available).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// List passing cases too.
    #[arg(short, long)]
    verbose: bool,
}

/// How often `--watch` looks at the files.
const WATCH_INTERVAL: Duration = Duration::from_millis(500);

/// Runs the suite once and returns its exit code; with `--watch`, runs it again on every
/// change until interrupted.
pub fn run(args: &Args) -> u8 {
    if !args.path.exists() {
        eprintln!("error: {} does not exist", args.path.display());
        return FAILURE;
    }
    if !args.watch {
        return once(args);
    }
    let (root, _) = gatehouse_testing::locate(&args.path);
    let mut seen = newest(&root, 0);
    once(args);
    loop {
        std::thread::sleep(WATCH_INTERVAL);
        let now = newest(&root, 0);
        if now != seen {
            seen = now;
            eprintln!("\n-- change detected: running again --");
            once(args);
        }
    }
}

/// One run: 0 all passed, 1 a case failed, 2 the suite did not load.
fn once(args: &Args) -> u8 {
    let mut suite: Suite = match gatehouse_testing::load(&args.path) {
        Ok(s) => s,
        Err(diags) => {
            for d in &diags {
                let text = std::fs::read_to_string(&d.file).ok();
                eprint!("{}", d.render(text.as_deref()));
            }
            eprintln!(
                "test files or project have {} error(s); nothing ran",
                diags.len()
            );
            return FAILURE;
        }
    };
    let options = Options {
        filter: args.filter.clone(),
        threads: args.threads.unwrap_or(0),
    };
    let r = gatehouse_testing::run(&mut suite, &options);
    match args.format {
        Format::Human => {
            print!("{}", report::human(&r, args.verbose));
            print!("{}", r.coverage.render());
        }
        Format::Json => println!("{}", report::json(&r)),
    }
    if let Some(path) = &args.junit {
        let written =
            report::junit(&r).and_then(|x| std::fs::write(path, x).map_err(|e| e.to_string()));
        if let Err(e) = written {
            eprintln!("error: cannot write {}: {e}", path.display());
            return FAILURE;
        }
    }
    if let Some(path) = &args.coverage {
        let prefix = suite.under.root.to_string_lossy();
        let prefix = if suite.under.root.is_file() {
            ""
        } else {
            &prefix
        };
        if let Err(e) = std::fs::write(path, r.coverage.lcov(prefix)) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return FAILURE;
        }
    }
    if r.cases.is_empty() && args.filter.is_some() {
        eprintln!("error: no case matches the filter");
        return FAILURE;
    }
    if r.failed() > 0 {
        ERRORS
    } else {
        OK
    }
}

/// The newest modification time under `p` (bounded depth), for `--watch`.
fn newest(p: &Path, depth: u32) -> Option<SystemTime> {
    let m = std::fs::metadata(p).ok()?;
    let mut t = m.modified().ok();
    if m.is_dir() && depth < 16 {
        for e in std::fs::read_dir(p).ok()?.flatten().take(10_000) {
            t = t.max(newest(&e.path(), depth + 1));
        }
    }
    t
}
