//! Building programs: `explain` snapshots of the sample project and of every valid feature
//! document built as a loose file, and secrets that never reach a program's text.

use crate::support::{relative, root, xml_files, TempDir};
use gatehouse_compiler::diagnostic::codes::lookup;
use gatehouse_compiler::program::{loose_project, lower_program};
use gatehouse_compiler::project::PolicyDoc;
use gatehouse_compiler::{
    build_project, check_file_as, CheckOptions, DocKind, Severity, SourceFile,
};
use gatehouse_runtime::program::explain;
use gatehouse_runtime::program::Program;
use std::process::Command;
use std::sync::Arc;

#[test]
fn the_sample_builds_and_explains() {
    let report = build_project(&root().join("policies/sample"), &CheckOptions::default());
    let codes: Vec<&str> = report.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert!(codes.is_empty(), "the sample builds cleanly: {codes:?}");
    let program = report.program.expect("a program");
    assert_eq!(program.apis.len(), 2);
    assert!(
        program.files.iter().all(|f| !f.starts_with("policies/")),
        "paths are relative to the project: {:?}",
        program.files
    );
    insta::with_settings!({ snapshot_path => "snapshots/explain", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("sample", explain(&program, None));
        insta::assert_snapshot!("sample__orders__get-order", explain(&program, Some(("orders", "get-order"))));
    });
}

/// Every valid feature document, built as a loose file. Documents using policies gatehouse
/// does not execute do not build; their snapshot lists those diagnostics, then explains
/// the program `lower_program` makes of the rest.
#[test]
fn feature_documents_explain_as_loose_files() {
    let base = root().join("policies/features/valid");
    let files = xml_files(&base);
    assert!(files.len() >= 20, "expected the feature corpus");
    let mut built = 0;
    for path in files {
        let rel = relative(&path, &base);
        let text = std::fs::read_to_string(&path).expect("read");
        let file = Arc::new(SourceFile::new(rel.clone(), text));
        // What `gatehouse build` reports: the checks' findings it refuses, then lowering's.
        let options = CheckOptions {
            complete: true,
            ..CheckOptions::default()
        };
        let report = check_file_as(&file, DocKind::Loose, &options);
        let mut diagnostics: Vec<_> = report
            .diagnostics
            .into_iter()
            .map(|mut d| {
                d.severity = lookup(&d.code).map_or(d.severity, |c| c.build.min(d.severity));
                d
            })
            .filter(|d| d.severity == Severity::Error)
            .collect();
        let doc = PolicyDoc {
            file: report.file,
            parsed: report.parsed,
            typed: report.typed,
        };
        let project = loose_project(doc, None);
        let program = lower_program(&project, &mut diagnostics);
        let mut snapshot = String::new();
        for d in &diagnostics {
            let at = d.file.line_col(d.span.start as usize);
            snapshot.push_str(&format!(
                "{} {}:{}: {}\n",
                d.code, at.line, at.column, d.message
            ));
        }
        if diagnostics.is_empty() {
            built += 1;
        } else {
            snapshot.push_str("---- lowered without the policies above ----\n");
        }
        snapshot.push_str(&explain(&program, None));
        let name = rel.trim_end_matches(".xml").replace('/', "__");
        insta::with_settings!({ snapshot_path => "snapshots/explain", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(name, snapshot);
        });
    }
    assert!(built >= 13, "most feature documents build; {built} did");
}

const SECRET: &str = "zebra-7431-DO-NOT-PRINT";

fn secret_project(tag: &str) -> TempDir {
    let dir = TempDir::new(tag);
    dir.write(
        "apis/a/apiInformation.json",
        r#"{"properties": {"displayName": "A", "path": "a", "protocols": ["https"], "serviceUrl": "http://127.0.0.1:8081"}}"#,
    )
    .write(
        "apis/a/specification.json",
        r#"{"swagger": "2.0", "info": {"title": "A", "version": "1"}, "paths": {"/": {"get": {"operationId": "get", "responses": {"200": {"description": "ok"}}}}}}"#,
    )
    .write(
        "apis/a/policy.xml",
        r#"<policies><inbound><base /><set-header name="x-key" exists-action="override"><value>{{key}}</value></set-header><set-variable name="h" value="@("{{key}}".Length + {{key}}.Length)" /><set-backend-service backend-id="b" /></inbound><backend><forward-request /></backend></policies>"#,
    )
    .write(
        "named values/key/namedValueInformation.json",
        &format!(r#"{{"properties": {{"displayName": "key", "value": "{SECRET}", "secret": true}}}}"#),
    )
    .write(
        "backends/b/backendInformation.json",
        r#"{"properties": {"url": "http://127.0.0.1:8081", "protocol": "http", "credentials": {"header": {"x-api-key": ["{{key}}"]}}}}"#,
    );
    dir
}

/// Builds the project in `dir` and returns its program, failing on any error.
fn build_clean(dir: &std::path::Path) -> Program {
    let report = build_project(dir, &CheckOptions::default());
    let errors: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    report.program.expect("a program")
}

#[test]
fn a_secret_value_appears_in_no_explain_output() {
    let dir = secret_project("build-secret");
    let program = build_clean(&dir.0);
    assert_eq!(program.secrets.len(), 1);
    let text = explain(&program, None);
    assert!(!text.contains(SECRET), "{text}");
    assert!(text.contains("{{key}}"), "the reference stays: {text}");
    assert!(text.contains("secrets:\n  key\n"), "{text}");
    let pools = program
        .strings
        .iter()
        .chain(program.codes.iter().flat_map(|c| c.code.strings.iter()));
    for s in pools {
        assert!(
            !s.contains(SECRET),
            "a program string holds the secret: {s}"
        );
    }
    let out = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args(["explain", &dir.arg()])
        .output()
        .expect("run gatehouse");
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0), "{all}");
    assert!(!all.contains(SECRET), "{all}");
    assert!(all.contains("block "), "{all}");
}

#[test]
fn explain_refuses_a_project_with_policies_not_executed() {
    let dir = secret_project("build-not-executed");
    dir.write(
        "policy.xml",
        r#"<policies><inbound><cross-domain><cross-domain-policy /></cross-domain></inbound></policies>"#,
    );
    let report = build_project(&dir.0, &CheckOptions::default());
    assert!(report.program.is_none());
    assert!(report
        .diagnostics
        .iter()
        .any(|d| d.code == "gatehouse::policy::not-executed" && d.severity == Severity::Error));
    let out = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args(["explain", &dir.arg()])
        .output()
        .expect("run gatehouse");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("policy::not-executed"));
    let check = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args(["check", &dir.arg()])
        .output()
        .expect("run gatehouse");
    assert_eq!(
        check.status.code(),
        Some(0),
        "only a warning for check: {}",
        String::from_utf8_lossy(&check.stdout)
    );
}

#[test]
fn a_loose_file_builds_as_one_catch_all_operation() {
    let path = root().join("policies/features/valid/set-header.xml");
    let report = build_project(&path, &CheckOptions::default());
    let program = report.program.expect("builds");
    assert_eq!(program.apis.len(), 1);
    let op = &program.apis[0].operations[0];
    assert_eq!(
        (program.str(op.method), program.str(op.template)),
        ("*", "/*")
    );
    assert_eq!(program.str(program.apis[0].path), "");
}

/// The generated 50 APIs × 10 operations project builds, with every API's sections
/// emitted once (per product variant) and shared by its operations.
#[test]
fn a_large_project_builds_with_shared_blocks() {
    let dir = TempDir::new("build-large");
    gatehouse_compiler::project::generate_large_project(&dir.0, 50, 10).expect("generate");
    let started = std::time::Instant::now();
    let program = build_clean(&dir.0);
    let took = started.elapsed();
    let operations: usize = program.apis.iter().map(|a| a.operations.len()).sum();
    assert_eq!(operations, 500);
    let ops: usize = program.blocks.iter().map(|b| b.ops.len()).sum();
    println!(
        "built 50 APIs x 10 operations in {took:?}: {} pipelines, {} blocks, {ops} ops, {} expressions, {} strings",
        program.pipelines.len(),
        program.blocks.len(),
        program.codes.len(),
        program.strings.len()
    );
    // Without sharing, every pipeline would hold copies of the global, API and fragment
    // statements: count the statements of every pipeline with calls expanded.
    let mut expanded = vec![None; program.blocks.len()];
    let copies: usize = program
        .pipelines
        .iter()
        .flat_map(|p| p.sections)
        .map(|b| flattened(&program, b, &mut expanded))
        .sum();
    let statements = program
        .blocks
        .iter()
        .flat_map(|b| &b.ops)
        .filter(|o| !matches!(o.kind, gatehouse_runtime::program::OpKind::Call(_)))
        .count();
    println!("{statements} statements emitted; {copies} if every pipeline had its own copies");
    assert!(
        statements * 2 < copies,
        "{statements} statements, {copies} when copied"
    );
}

/// The statements of block `b` with every call expanded (memoised per block).
fn flattened(
    program: &gatehouse_runtime::program::Program,
    b: u32,
    memo: &mut Vec<Option<usize>>,
) -> usize {
    use gatehouse_runtime::program::OpKind;
    if let Some(Some(n)) = memo.get(b as usize) {
        return *n;
    }
    let mut n = 0;
    for op in &program.blocks[b as usize].ops {
        n += match op.kind {
            OpKind::Call(inner) => flattened(program, inner, memo),
            _ => 1,
        };
    }
    memo[b as usize] = Some(n);
    n
}

#[test]
fn explain_limits_itself_to_one_operation() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_gatehouse"))
            .args(args)
            .current_dir(root())
            .output()
            .expect("run gatehouse")
    };
    let all = run(&["explain", "policies/sample"]);
    let one = run(&["explain", "policies/sample", "orders/get-order"]);
    assert_eq!((all.status.code(), one.status.code()), (Some(0), Some(0)));
    let (all, one) = (
        String::from_utf8_lossy(&all.stdout),
        String::from_utf8_lossy(&one.stdout),
    );
    assert!(one.len() < all.len());
    assert!(one.contains("pipeline #3 orders/get-order:"), "{one}");
    assert!(!one.contains("health/get-health"), "{one}");
    assert!(
        !one.contains("sample-key"),
        "no key nor secret value is printed"
    );
    assert!(!all.contains("alice-primary-sample-key") && !all.contains("sample-key-not-a-secret"));
    assert_eq!(
        run(&["explain", "policies/sample", "orders/nope"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        run(&["explain", "policies/features"]).status.code(),
        Some(2),
        "a folder of loose files is not a project"
    );
    let file = run(&["explain", "policies/features/valid/choose.xml"]);
    assert_eq!(file.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&file.stdout).contains("; choose.xml:5:17"));
}

/// `build` reports each problem once: the checks and lowering never both report one span.
#[test]
fn build_reports_each_problem_once() {
    let mut files = xml_files(&root().join("../shared/corpus/real"));
    files.extend(xml_files(&root().join("policies/invalid")));
    files.extend(xml_files(&root().join("policies/features/valid")));
    assert!(
        files.len() > 400,
        "expected the corpus beside the repository"
    );
    let mut repeated = Vec::new();
    for path in files
        .iter()
        .map(std::path::PathBuf::as_path)
        .chain([root().join("policies/sample").as_path()])
    {
        let report = build_project(path, &CheckOptions::default());
        let mut seen = std::collections::HashSet::new();
        for d in &report.diagnostics {
            if !seen.insert((d.file.path.clone(), d.span, d.code.clone())) {
                repeated.push(format!("{}: {} {}", d.file.path, d.code, d.message));
            }
        }
    }
    assert!(
        repeated.is_empty(),
        "reported twice:\n{}",
        repeated.join("\n")
    );
}

/// Issue 19, item 6: a secret's value never reaches a message. Where a type other than
/// text belongs, `build` refuses a secret (it could not be checked before the load); an
/// expression that fails on one gets `***` in `context.LastError.Message`.
#[test]
fn a_secret_never_surfaces_in_an_error_message() {
    use gatehouse_runtime::engine::{http, run_in_process, EngineConfig, Gateway, RequestHead};
    let dir = secret_project("secret-typed");
    dir.write(
        "apis/a/operations/get/policy.xml",
        r#"<policies><inbound><base /><rate-limit-by-key calls="{{key}}" renewal-period="60" counter-key="k" /></inbound></policies>"#,
    );
    let report = build_project(&dir.0, &CheckOptions::default());
    assert!(
        report.program.is_none(),
        "a secret where an integer belongs is refused"
    );
    assert!(report
        .diagnostics
        .iter()
        .any(|d| d.code == "gatehouse::invalid-attribute-value" && d.message.contains("secret")));
    dir.write(
        "apis/a/operations/get/policy.xml",
        r#"<policies><inbound><base /><set-variable name="n" value="@(int.Parse(&quot;{{key}}&quot;))" /></inbound><on-error><return-response><set-body>@(context.LastError.Message)</set-body></return-response></on-error></policies>"#,
    );
    dir.write(
        "apis/a/apiInformation.json",
        r#"{"properties": {"displayName": "A", "path": "a", "protocols": ["https"], "serviceUrl": "http://127.0.0.1:8081", "subscriptionRequired": false}}"#,
    );
    let mut program = build_clean(&dir.0);
    program
        .resolve_secrets(&|n| (n == "key").then(|| SECRET.to_string()))
        .expect("resolved");
    let gw = Gateway::new(std::sync::Arc::new(program), EngineConfig::default());
    let head = RequestHead {
        method: http::Method::GET,
        scheme: "https".into(),
        host: "gw.example".into(),
        path_and_query: "/a/".into(),
        headers: http::HeaderMap::new(),
        client_ip: std::net::Ipv4Addr::LOCALHOST.into(),
        client_certificate: None,
    };
    let mut never = |_: &_, _: &_| panic!("the backend is not called");
    let out = run_in_process(&gw, head, bytes::Bytes::new(), &mut never);
    let body = String::from_utf8_lossy(&out.body).to_string();
    assert!(
        body.contains("is not a valid integer") || body.contains("***"),
        "{body}"
    );
    assert!(!body.contains(SECRET), "the secret leaked: {body}");
    assert!(body.contains("***"), "{body}");
}
