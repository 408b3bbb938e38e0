//! Reports of a run: human text with diffs, JSON, and JUnit XML (`quick-junit`).

use crate::{CaseResult, Report};
use quick_junit::{NonSuccessKind, TestCase, TestCaseStatus, TestSuite};

/// The human report: a line per case, each failure with where it is expected, what
/// differs and the policies involved; then the totals.
pub fn human(r: &Report, verbose: bool) -> String {
    let mut out = String::new();
    for c in &r.cases {
        if c.passed() {
            if verbose {
                out.push_str(&format!("ok   {} › {}\n", c.file, c.name));
            }
            continue;
        }
        out.push_str(&format!(
            "FAIL {} › {}  ({}:{}:{})\n",
            c.file, c.name, c.file, c.pos.line, c.pos.col
        ));
        out.push_str(&failure_text(c, "  "));
    }
    let failed = r.failed();
    out.push_str(&format!(
        "{} passed, {} failed, {} case(s) in {:.2?}\n",
        r.cases.len() - failed,
        failed,
        r.cases.len(),
        r.time
    ));
    out
}

/// A failed case's problems and mismatches, indented.
pub fn failure_text(c: &CaseResult, indent: &str) -> String {
    let mut out = String::new();
    for p in &c.problems {
        out.push_str(&format!("{indent}error: {p}\n"));
    }
    for (step, m) in &c.failures {
        out.push_str(&format!(
            "{indent}{}:{}:{}: step {step}: {}: expected {}, got {}\n",
            c.file,
            m.at.line,
            m.at.col,
            m.what,
            m.expected,
            indent_more(&m.actual, indent)
        ));
        for p in &m.policies {
            out.push_str(&format!("{indent}    policy: {p}\n"));
        }
    }
    out
}

fn indent_more(s: &str, indent: &str) -> String {
    s.replace('\n', &format!("\n{indent}    "))
}

/// The JSON report.
pub fn json(r: &Report) -> serde_json::Value {
    let cases: Vec<serde_json::Value> = r
        .cases
        .iter()
        .map(|c| {
            let failures: Vec<serde_json::Value> = c
                .failures
                .iter()
                .map(|(step, m)| {
                    serde_json::json!({
                        "step": step, "line": m.at.line, "column": m.at.col, "what": m.what,
                        "expected": m.expected, "actual": m.actual, "policies": m.policies,
                    })
                })
                .collect();
            serde_json::json!({
                "file": c.file, "name": c.name, "line": c.pos.line, "passed": c.passed(),
                "problems": c.problems, "failures": failures, "time_ms": c.time.as_secs_f64() * 1e3,
            })
        })
        .collect();
    let t = r.coverage.total();
    serde_json::json!({
        "passed": r.cases.len() - r.failed(), "failed": r.failed(), "cases": cases,
        "coverage": {
            "statements": t.statements, "statements_hit": t.statements_hit,
            "branches": t.branches, "branches_hit": t.branches_hit,
        },
    })
}

/// The JUnit XML report: a test suite per test file, a test case per case.
pub fn junit(r: &Report) -> Result<String, String> {
    let mut report = quick_junit::Report::new("gatehouse test");
    let mut suites: Vec<TestSuite> = Vec::new();
    for c in &r.cases {
        if suites.last().is_none_or(|s| s.name.as_str() != c.file) {
            suites.push(TestSuite::new(c.file.as_str()));
        }
        let status = if c.passed() {
            TestCaseStatus::success()
        } else {
            let mut s = TestCaseStatus::non_success(if c.problems.is_empty() {
                NonSuccessKind::Failure
            } else {
                NonSuccessKind::Error
            });
            let first = c
                .problems
                .first()
                .cloned()
                .or_else(|| {
                    c.failures.first().map(|(_, m)| {
                        format!("{}: expected {}, got {}", m.what, m.expected, m.actual)
                    })
                })
                .unwrap_or_default();
            s.set_message(first.lines().next().unwrap_or_default());
            s.set_description(failure_text(c, ""));
            s
        };
        let mut tc = TestCase::new(c.name.as_str(), status);
        tc.set_classname(c.file.as_str());
        tc.set_time(c.time);
        if let Some(s) = suites.last_mut() {
            s.add_test_case(tc);
        }
    }
    report.add_test_suites(suites);
    report.set_time(r.time);
    report.to_string().map_err(|e| e.to_string())
}
