//! `gatehouse test`: exit codes, reports written, located diagnostics for broken test files.

use std::path::PathBuf;
use std::process::{Command, Output};

fn gatehouse(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("gatehouse runs")
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("gatehouse-test-cmd-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("dir");
    d
}

#[test]
fn the_sample_passes_and_writes_junit_and_lcov() {
    let d = scratch("pass");
    let (junit, lcov) = (d.join("junit.xml"), d.join("cov.lcov"));
    let out = gatehouse(&[
        "test",
        "policies/sample",
        "--junit",
        junit.to_str().unwrap_or_default(),
        "--coverage",
        lcov.to_str().unwrap_or_default(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains(" 0 failed"), "{stdout}");
    assert!(
        stdout.contains("total") && stdout.contains("100.0%"),
        "{stdout}"
    );
    let xml = std::fs::read_to_string(&junit).expect("junit written");
    assert!(xml.contains("<testsuites") && xml.contains("failures=\"0\""));
    let lcov = std::fs::read_to_string(&lcov).expect("lcov written");
    assert!(
        lcov.contains("SF:policies/sample/apis/orders/policy.xml\n"),
        "{lcov}"
    );
    let _ = std::fs::remove_dir_all(&d);
}

fn copy(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("dir");
    for e in std::fs::read_dir(from).expect("read").flatten() {
        let p = e.path();
        if p.is_dir() {
            copy(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).expect("copy");
        }
    }
}

#[test]
fn a_failing_case_exits_1_and_the_filter_selects_cases() {
    let d = scratch("fail");
    copy(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("policies/sample"),
        &d,
    );
    let file = d.join("tests/broken.yaml");
    std::fs::write(
        &file,
        "cases:\n  - name: wrong status\n    request: { url: /health/ }\n    expect: { status: 201 }\n",
    )
    .expect("write");
    // A test file given directly runs against the project whose tests/ holds it.
    let out = gatehouse(&["test", file.to_str().unwrap_or_default()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("FAIL") && stdout.contains("wrong status"),
        "{stdout}"
    );
    assert!(
        stdout.contains("broken.yaml:4:23: step 1: status: expected 201, got 200"),
        "{stdout}"
    );
    assert!(
        stdout.contains("policy: apis/health/policy.xml:7:9 return-response"),
        "{stdout}"
    );
    assert!(
        stdout.contains("0 passed, 1 failed"),
        "only the file given ran: {stdout}"
    );
    let out = gatehouse(&[
        "test",
        "policies/sample",
        "--filter",
        "health",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["cases"].as_array().map(Vec::len), Some(1));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_broken_test_file_exits_2_with_a_located_diagnostic() {
    let d = scratch("broken");
    std::fs::create_dir_all(d.join("tests")).expect("dir");
    std::fs::write(
        d.join("tests/t.yaml"),
        "cases:\n  - name: a\n    requets: {}\n",
    )
    .expect("write");
    let out = gatehouse(&["test", d.to_str().unwrap_or_default()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("t.yaml:3:5: error: `requets` is not a field of a case"),
        "{stderr}"
    );
    assert!(stderr.contains("help: did you mean `request`?"), "{stderr}");
    let out = gatehouse(&["test", "policies/sample", "--filter", "no such case"]);
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn watch_runs_again_when_a_file_changes() {
    use std::io::{BufRead, BufReader};
    use std::sync::mpsc;
    use std::time::{Duration, Instant};
    let d = scratch("watch");
    copy(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("policies/sample"),
        &d,
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args([
            "test",
            d.to_str().unwrap_or_default(),
            "--watch",
            "--filter",
            "health",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let (tx, rx) = mpsc::channel();
    let out = child.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let wait_for = |want: &str| {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Ok(l) = rx.recv_timeout(Duration::from_millis(200)) {
                if l.contains(want) {
                    return true;
                }
            }
        }
        false
    };
    let first = wait_for("1 passed, 0 failed");
    // Break the health policy: the next run fails.
    std::thread::sleep(Duration::from_millis(1100));
    let policy = d.join("apis/health/policy.xml");
    let text = std::fs::read_to_string(&policy).expect("policy");
    std::fs::write(&policy, text.replace("code=\"200\"", "code=\"203\"")).expect("write");
    let second = wait_for("0 passed, 1 failed");
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&d);
    assert!(first, "the first run passed");
    assert!(second, "a change ran the suite again, which failed");
}
