//! `gatehouse test`: policy unit tests kept beside an APIOps project (`tests/**/*.yaml`),
//! run offline through the gateway's own engine with mocked backends, in parallel and
//! deterministically, with statement and branch coverage of the policy files.
//!
//! [`format`] reads the test files, [`project`] builds the project for each case's world,
//! [`exec`] drives each request through the engine, [`check`] compares, [`coverage`]
//! counts and [`report`] prints (human, JSON, JUnit, LCOV).

pub mod check;
pub mod coverage;
pub mod diag;
pub mod exec;
pub mod fleet;
pub mod format;
pub mod json_path;
pub mod jwt;
pub mod project;
pub mod record;
pub mod report;
pub mod tables;
pub mod yaml;

use check::Mismatch;
use coverage::Coverage;
use diag::Diag;
use format::{Case, TestFile};
use project::{Built, Under};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How to run.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Only cases whose `file › name` contains this.
    pub filter: Option<String>,
    /// Worker threads (0: the cores available).
    pub threads: usize,
}

/// One case's result.
#[derive(Clone, Debug)]
pub struct CaseResult {
    /// The test file.
    pub file: String,
    /// The case's name.
    pub name: String,
    /// Where the case is written.
    pub pos: yaml::Pos,
    /// Expectations that failed: (1-based step, mismatch).
    pub failures: Vec<(usize, Mismatch)>,
    /// Problems running it (no mock, unknown subscription, world that does not build).
    pub problems: Vec<String>,
    /// Wall time.
    pub time: Duration,
    /// What it covered.
    pub coverage: Coverage,
}

impl CaseResult {
    /// Whether it passed.
    pub fn passed(&self) -> bool {
        self.failures.is_empty() && self.problems.is_empty()
    }
}

/// A whole run.
#[derive(Debug, Default)]
pub struct Report {
    /// Every case run, in file and case order.
    pub cases: Vec<CaseResult>,
    /// Coverage of every policy file the cases' programs hold.
    pub coverage: Coverage,
    /// Wall time of the run.
    pub time: Duration,
}

impl Report {
    /// How many cases failed.
    pub fn failed(&self) -> usize {
        self.cases.iter().filter(|c| !c.passed()).count()
    }
}

/// A suite: the project and its test files.
#[derive(Debug)]
pub struct Suite {
    /// The project under test.
    pub under: Under,
    /// The test files.
    pub files: Vec<TestFile>,
}

/// Where the project and its tests are for `path`: a project folder (tests in its
/// `tests/`), or a test file or folder inside a project's `tests/`.
pub fn locate(path: &Path) -> (PathBuf, PathBuf) {
    let inside_tests = path
        .ancestors()
        .find(|a| a.file_name().is_some_and(|n| n == "tests"));
    match inside_tests {
        Some(t) if !path.join("apis").is_dir() => {
            let root = t.parent().map(Path::to_path_buf).unwrap_or_default();
            let root = if root.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                root
            };
            (root, path.to_path_buf())
        }
        _ => (path.to_path_buf(), path.join("tests")),
    }
}

/// Loads the suite at `path`: `Err` holds located diagnostics (test files) or the
/// project's build errors.
pub fn load(path: &Path) -> Result<Suite, Vec<Diag>> {
    let (root, tests) = locate(path);
    let (files, diags) = format::load(&tests);
    if !diags.is_empty() {
        return Err(diags);
    }
    if files.is_empty() {
        let d = Diag::new(
            &tests.to_string_lossy(),
            yaml::Pos::default(),
            "no test files (`*.yaml`) found",
        )
        .help("put test files under the project's `tests/` folder (see docs/testing.md)");
        return Err(vec![d]);
    }
    let under = Under::load(&root)
        .map_err(|e| vec![Diag::new(&root.to_string_lossy(), yaml::Pos::default(), e)])?;
    Ok(Suite { under, files })
}

/// A case to run, with its program (or why it has none).
type Job<'s> = (&'s TestFile, &'s Case, Result<Arc<Built>, String>);

/// Runs every case of `suite` (those `options.filter` selects), in parallel; results
/// in file and case order whatever the threads.
pub fn run(suite: &mut Suite, options: &Options) -> Report {
    let start = Instant::now();
    let mut jobs: Vec<Job<'_>> = Vec::new();
    let mut coverage = Coverage::default();
    for f in &suite.files {
        for c in &f.cases {
            let full = format!("{} › {}", f.path, c.name);
            if options
                .filter
                .as_ref()
                .is_some_and(|p| !full.contains(p.as_str()))
            {
                continue;
            }
            let built = suite.under.program(&c.world);
            if let Ok(b) = &built {
                coverage.add_program(&b.tables);
            }
            jobs.push((f, c, built));
        }
    }
    let threads = match options.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
    .min(jobs.len().max(1));
    let next = AtomicUsize::new(0);
    let slots: Mutex<Vec<Option<CaseResult>>> = Mutex::new(vec![None; jobs.len()]);
    let under = &suite.under;
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((f, c, built)) = jobs.get(i) else {
                    break;
                };
                let r = run_case(under, f, c, built);
                if let Ok(mut v) = slots.lock() {
                    v[i] = Some(r);
                }
            });
        }
    });
    let cases: Vec<CaseResult> = slots
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .collect();
    for c in &cases {
        coverage.merge(&c.coverage);
    }
    Report {
        cases,
        coverage,
        time: start.elapsed(),
    }
}

/// Runs one case.
pub fn run_case(
    under: &Under,
    f: &TestFile,
    c: &Case,
    built: &Result<Arc<Built>, String>,
) -> CaseResult {
    let start = Instant::now();
    let mut r = CaseResult {
        file: f.path.clone(),
        name: c.name.clone(),
        pos: c.pos,
        failures: Vec::new(),
        problems: Vec::new(),
        time: Duration::ZERO,
        coverage: Coverage::default(),
    };
    let built = match built {
        Ok(b) => b.clone(),
        Err(e) => {
            r.problems.push(e.clone());
            return r;
        }
    };
    let mut cr = exec::CaseRun::new(built.clone(), c);
    for (i, s) in c.steps.iter().enumerate() {
        let vars: Vec<String> = s
            .expect
            .variables
            .iter()
            .map(|(n, _, _)| n.clone())
            .collect();
        let o = cr.step(under, s.advance_ms, &s.request, &vars);
        r.coverage.add_probe(&built.tables, &o.probe);
        r.problems
            .extend(o.problems.iter().map(|p| format!("step {}: {p}", i + 1)));
        r.failures.extend(
            check::check(&s.expect, &o, &built.tables)
                .into_iter()
                .map(|m| (i + 1, m)),
        );
    }
    r.time = start.elapsed();
    r
}
