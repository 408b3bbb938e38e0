//! APIOps projects: the invalid ones under `policies/invalid/<code>/`, the sample, and an example for every code.

use crate::support::{root, top_level_xml};
use gatehouse_compiler::diagnostic::codes::CODES;
use gatehouse_compiler::diagnostic::{render_human, Style};
use gatehouse_compiler::resolve::{pipelines, print_effective, Declared};
use gatehouse_compiler::{check_project, CheckOptions, ProjectReport};
use std::collections::BTreeSet;
use std::path::Path;

/// The invalid corpus, relative to the repository root (the tests' working directory), so
/// that paths in diagnostics are the same on every machine.
const INVALID: &str = "policies/invalid";

/// The sample project, relative to the repository root.
const SAMPLE: &str = "policies/sample";

/// Codes with no committed example, each with why and the test that covers it instead.
const EXEMPT: &[(&str, &str, &str)] = &[
    (
        "plain-logger-credentials",
        "reported by `build` (the lowering), not by `check`",
        "integration projects::build_refuses_a_logger_connection_string_in_clear",
    ),
    (
        "internal",
        "reported only if gatehouse has a bug: every lowering failure is reported where found",
        "gatehouse-compiler program::tests::a_silently_failed_lowering_is_an_internal_error",
    ),
    (
        "syntax::too-large",
        "needs a document over 4 MiB",
        "gatehouse-grammar scan::tests::size_limit",
    ),
    (
        "syntax::unterminated-string",
        "in a document the scanner reports `syntax::unterminated-literal` first",
        "gatehouse-grammar expr::tests::unit::errors_are_located",
    ),
    (
        "syntax::unterminated-comment",
        "in a document the scanner reports `syntax::unclosed-expression` first",
        "gatehouse-grammar expr::tests::unit::errors_are_located",
    ),
];

/// What an invalid project's `EXPECT` file says: the code, and the gateway's host names.
struct Expect {
    code: String,
    gateway_hosts: Vec<String>,
}

/// Reads `dir/EXPECT`: the full code on the first line, then `gateway-host: HOST` lines.
fn read_expect(dir: &Path) -> Expect {
    let path = dir.join("EXPECT");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut lines = text.lines();
    let code = lines.next().unwrap_or_default().trim().to_string();
    assert!(
        code.starts_with("gatehouse::"),
        "{}: first line must be `gatehouse::CODE`",
        path.display()
    );
    let gateway_hosts = lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| match l.trim().strip_prefix("gateway-host:") {
            Some(host) => host.trim().to_string(),
            None => panic!("{}: unknown line `{l}`", path.display()),
        })
        .collect();
    Expect {
        code,
        gateway_hosts,
    }
}

/// The names of the invalid projects: the folders under `policies/invalid/`, sorted.
fn invalid_projects() -> Vec<String> {
    let dir = root().join(INVALID);
    let entries =
        std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The folder name for a code: without `gatehouse::`, with `::` written `--`.
fn folder_name(code: &str) -> String {
    code.trim_start_matches("gatehouse::").replace("::", "--")
}

/// Checks a project given relative to the repository root.
fn check(rel: &str, gateway_hosts: Vec<String>) -> ProjectReport {
    assert_eq!(
        std::env::current_dir().expect("working directory"),
        root(),
        "integration tests run in the repository root"
    );
    let options = CheckOptions {
        gateway_hosts,
        ..CheckOptions::default()
    };
    check_project(Path::new(rel), &options)
}

/// Machine-independent text: Windows paths shown with `/`.
fn portable(text: String) -> String {
    if cfg!(windows) {
        text.replace('\\', "/")
    } else {
        text
    }
}

#[test]
fn invalid_projects_render_their_diagnostics() {
    let names = invalid_projects();
    assert!(
        names.len() >= 20,
        "expected an invalid-project corpus, found {}",
        names.len()
    );
    for name in names {
        let expect = read_expect(&root().join(INVALID).join(&name));
        assert_eq!(
            name,
            folder_name(&expect.code),
            "{name}: the folder is named after its code"
        );
        let report = check(&format!("{INVALID}/{name}"), expect.gateway_hosts);
        let rendered = portable(render_human(&report.diagnostics, Style::Plain));
        assert!(
            report.diagnostics.iter().any(|d| d.code == expect.code),
            "{name}: expected {}, got:\n{rendered}",
            expect.code
        );
        insta::with_settings!({ snapshot_path => "snapshots/projects", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(name, rendered);
        });
    }
}

#[test]
fn the_sample_project_is_clean() {
    let report = check(SAMPLE, Vec::new());
    let rendered = render_human(&report.diagnostics, Style::Plain);
    assert!(
        report.diagnostics.is_empty(),
        "{SAMPLE} should be clean:\n{rendered}"
    );
}

#[test]
fn sample_effective_policies() {
    let report = check(SAMPLE, Vec::new());
    let p = &report.project;
    let declared = Declared::of(p, true);
    let all = pipelines(p);
    for eff in &all {
        let printed = portable(print_effective(eff, &declared));
        let suffix = eff
            .product
            .map_or(String::new(), |x| format!("__{}", x.name));
        let name = format!("{}__{}{suffix}", eff.api.name, eff.operation.name);
        insta::with_settings!({ snapshot_path => "snapshots/effective", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(name, printed);
        });
    }
    assert!(
        all.len() >= 9,
        "expected the sample's operations, with and without `starter`: {}",
        all.len()
    );
}

/// The codes the invalid corpus has an example for: `expect:` lines of the documents and
/// `EXPECT` files of the projects.
fn codes_with_examples() -> BTreeSet<String> {
    let mut codes = BTreeSet::new();
    for path in top_level_xml(&root().join(INVALID)) {
        let text = String::from_utf8_lossy(&std::fs::read(&path).expect("read")).into_owned();
        let code = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("<!-- expect: "))
            .and_then(|l| l.strip_suffix(" -->"));
        let code = code.unwrap_or_else(|| panic!("{}: no `expect:` line", path.display()));
        codes.insert(code.to_string());
    }
    for name in invalid_projects() {
        codes.insert(read_expect(&root().join(INVALID).join(name)).code);
    }
    codes
}

#[test]
fn every_code_has_an_example() {
    let examples = codes_with_examples();
    let registered: BTreeSet<String> = CODES
        .iter()
        .map(|c| format!("gatehouse::{}", c.code))
        .collect();
    let unknown: Vec<&String> = examples.difference(&registered).collect();
    assert!(
        unknown.is_empty(),
        "examples of unregistered codes: {unknown:?}"
    );
    for (code, why, covered_by) in EXEMPT {
        let full = format!("gatehouse::{code}");
        assert!(
            registered.contains(&full),
            "exempt {code} is not registered"
        );
        assert!(
            !examples.contains(&full),
            "{code} has an example now: drop its exemption ({why}; {covered_by})"
        );
    }
    let missing: Vec<&str> = CODES
        .iter()
        .map(|c| c.code)
        .filter(|c| !examples.contains(&format!("gatehouse::{c}")))
        .filter(|c| EXEMPT.iter().all(|(e, _, _)| e != c))
        .collect();
    assert!(
        missing.is_empty(),
        "codes without an example under {INVALID}/ (add a document or project): {missing:?}"
    );
}

/// Issue 19, item 13: what APIOps exports is read: a secret named value without its value
/// (it comes at run time), and the older `products/<p>/apis.json` list of APIs.
#[test]
fn apiops_exports_read_secrets_without_values_and_older_product_lists() {
    let dir = crate::support::TempDir::new("apiops-export");
    dir.write(
        "apis/orders/apiInformation.json",
        r#"{"properties": {"displayName": "Orders", "path": "orders", "protocols": ["https"], "serviceUrl": "http://127.0.0.1:9"}}"#,
    )
    .write(
        "apis/orders/policy.xml",
        r#"<policies><inbound><base /><set-header name="x-key" exists-action="override"><value>{{orders-key}}</value></set-header></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>"#,
    )
    .write(
        "named values/orders-key/namedValueInformation.json",
        r#"{"properties": {"displayName": "orders-key", "secret": true}}"#,
    )
    .write(
        "products/starter/productInformation.json",
        r#"{"properties": {"displayName": "Starter", "subscriptionRequired": true, "state": "published"}}"#,
    )
    .write("products/starter/apis.json", r#"[{"name": "orders"}]"#);
    let report = check_project(&dir.0, &CheckOptions::default());
    let errors: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == gatehouse_compiler::Severity::Error)
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(report.project.products[0].apis, ["orders"]);
    dir.write("products/starter/apis.json", r#"["billing"]"#);
    let report = check_project(&dir.0, &CheckOptions::default());
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.code == "gatehouse::unknown-api"),
        "an undeclared API in apis.json is reported"
    );
}

#[test]
fn build_refuses_a_logger_connection_string_in_clear() {
    let report = gatehouse_compiler::build_project(
        Path::new("policies/build-errors/plain-logger-credentials"),
        &CheckOptions::default(),
    );
    let rendered = portable(render_human(&report.diagnostics, Style::Plain));
    assert!(report.program.is_none(), "{rendered}");
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.code == "gatehouse::plain-logger-credentials"),
        "{rendered}"
    );
    assert!(
        !rendered.contains("bm90LWEtcmVhbC1rZXk"),
        "the key is never shown: {rendered}"
    );
}
