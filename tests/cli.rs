//! The `gatehouse` binary: exit codes, JSON output, and the README's commands.

use crate::support::{root, TempDir};
use std::process::{Command, Output};

fn gatehouse(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run gatehouse")
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn sample_checks_clean() {
    let out = gatehouse(&["check", "policies/sample"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("0 error(s)"), "{stdout}");
}

#[test]
fn json_output_has_the_documented_shape() {
    let out = gatehouse(&[
        "check",
        "--format",
        "json",
        "policies/invalid/unknown-policy.xml",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert_eq!(v["files_checked"], 1);
    let d = &v["diagnostics"][0];
    let mut keys: Vec<&str> = d
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "code",
            "column",
            "end_column",
            "end_line",
            "file",
            "help",
            "line",
            "message",
            "severity"
        ]
    );
    assert_eq!(d["severity"], "error");
    assert_eq!(d["code"], "gatehouse::unknown-policy");
    assert_eq!(d["file"], "policies/invalid/unknown-policy.xml");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(4), Some(10))
    );
    assert_eq!(
        (d["end_line"].as_u64(), d["end_column"].as_u64()),
        (Some(4), Some(19))
    );
    assert!(
        d["help"].as_str().is_some_and(|h| h.contains("set-header")),
        "{d}"
    );
}

#[test]
fn columns_count_characters() {
    let out = gatehouse(&[
        "check",
        "--format",
        "json",
        "policies/invalid/unicode-column.xml",
    ]);
    let v = json(&out);
    let d = &v["diagnostics"][0];
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(4), Some(67)),
        "{d}"
    );
}

#[test]
fn folders_are_searched_recursively() {
    let out = gatehouse(&["check", "--format", "json", "policies/features/valid"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v = json(&out);
    assert!(v["files_checked"].as_u64().is_some_and(|n| n >= 20));
    // Only the policies gatehouse does not execute (cors, cache, ...) are reported.
    let others = v["diagnostics"].as_array().map(|a| {
        a.iter()
            .filter(|d| d["code"] != "gatehouse::policy::not-executed")
            .count()
    });
    assert_eq!(others, Some(0), "{v}");
}

#[test]
fn usage_and_io_failures_exit_2() {
    assert_eq!(gatehouse(&["check"]).status.code(), Some(2));
    assert_eq!(
        gatehouse(&["check", "--format", "yaml", "policies"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        gatehouse(&["check", "no/such/path.xml"]).status.code(),
        Some(2)
    );
    assert_eq!(gatehouse(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn human_output_is_plain_when_piped() {
    let out = gatehouse(&["check", "policies/invalid/unknown-policy.xml"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout.contains("gatehouse::unknown-policy"), "{stdout}");
    assert!(stdout.contains("did you mean `set-header`?"), "{stdout}");
    assert!(
        !stdout.contains('\u{1b}'),
        "no colour codes when piped: {stdout}"
    );
}

#[test]
fn print_shows_the_tree() {
    let out = gatehouse(&["print", "--tree", "policies/features/valid/set-header.xml"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("element set-header"));
}

#[test]
fn sarif_output_names_rules_and_locations() {
    let out = gatehouse(&[
        "check",
        "--format",
        "sarif",
        "policies/invalid/unknown-policy.xml",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "gatehouse");
    let result = &run["results"][0];
    assert_eq!(result["ruleId"], "gatehouse::unknown-policy");
    assert_eq!(result["level"], "error");
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "policies/invalid/unknown-policy.xml"
    );
    assert!(location["region"]["startLine"].as_u64().is_some());
}

#[test]
fn loose_files_are_checked_against_given_declarations() {
    let dir = TempDir::new("cli-decl");
    dir.write("backends.json", r#"[{"name": "orders-eu", "properties": {"url": "https://orders.example", "protocol": "http"}}]"#);
    dir.write(
        "p.xml",
        r#"<policies><inbound><set-backend-service backend-id="orders-ue" /></inbound></policies>"#,
    );
    let b = dir.0.join("backends.json").display().to_string();
    let p = dir.0.join("p.xml").display().to_string();
    let out = gatehouse(&["check", "--format", "json", "--backends", &b, &p]);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert_eq!(v["diagnostics"][0]["code"], "gatehouse::unknown-backend");
    assert!(
        v["diagnostics"][0]["help"]
            .as_str()
            .is_some_and(|h| h.contains("orders-eu")),
        "{v}"
    );
    let out = gatehouse(&["check", "--format", "json", &p]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "without declarations the reference is taken as declared elsewhere"
    );
    dir.write("q.xml", r#"<policies><inbound><set-backend-service base-url="https://Orders.Example/api" /></inbound></policies>"#);
    let q = dir.0.join("q.xml").display().to_string();
    let out = gatehouse(&[
        "check",
        "--format",
        "json",
        "--gateway-host",
        "orders.example",
        &q,
    ]);
    let v = json(&out);
    assert_eq!(out.status.code(), Some(0), "a warning: {v}");
    assert_eq!(
        v["diagnostics"][0]["code"], "gatehouse::self-referencing-backend",
        "{v}"
    );
}

#[test]
fn explain_prints_the_effective_policy() {
    let out = gatehouse(&[
        "explain",
        "--effective",
        "orders/get-order",
        "--product",
        "starter",
        "policies/sample",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let order: Vec<usize> = [
        "<!-- global:",
        "<!-- product:",
        "<!-- api:",
        "<!-- fragment forward-context",
        "<!-- operation:",
    ]
    .iter()
    .map(|m| {
        text.find(m)
            .unwrap_or_else(|| panic!("{m} missing from\n{text}"))
    })
    .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "scopes out of order:\n{text}"
    );
    assert!(
        !text.contains("{{orders-api-version}}"),
        "plain named values are substituted"
    );
    assert_eq!(
        gatehouse(&["explain", "--effective", "orders/nope", "policies/sample"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        gatehouse(&[
            "explain",
            "--effective",
            "orders/get-order",
            "policies/features"
        ])
        .status
        .code(),
        Some(2)
    );
}

const SPEC: &str = r#"{"swagger": "2.0", "info": {"title": "A", "version": "1"}, "paths": {"/": {"get": {"operationId": "get", "responses": {"200": {"description": "ok"}}}}}}"#;
const API: &str = r#"{"properties": {"displayName": "A", "path": "a", "protocols": ["https"]}}"#;

#[test]
fn explain_never_prints_a_secret() {
    let dir = TempDir::new("cli-secret");
    dir.write("apis/a/apiInformation.json", API)
        .write("apis/a/specification.json", SPEC);
    dir.write("apis/a/policy.xml", r#"<policies><inbound><set-header name="x-key" exists-action="override"><value>{{key}}</value></set-header><set-variable name="h" value="@("{{key}}".Length)" /></inbound></policies>"#);
    dir.write(
        "named values/key/namedValueInformation.json",
        r#"{"properties": {"displayName": "key", "value": "hunter2-SECRET", "secret": true}}"#,
    );
    let out = gatehouse(&["explain", "--effective", "a/get", &dir.arg()]);
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!all.contains("hunter2-SECRET"), "{all}");
    assert!(all.contains("{{key}}"), "the reference stays: {all}");
}

#[test]
fn workspace_policies_run_between_global_and_api() {
    let dir = TempDir::new("cli-workspace");
    dir.write("policy.xml", r#"<policies><inbound><set-header name="g" exists-action="override"><value>1</value></set-header></inbound></policies>"#);
    dir.write("workspaces/team/policy.xml", r#"<policies><inbound><base /><set-header name="w" exists-action="override"><value>2</value></set-header></inbound></policies>"#);
    dir.write("workspaces/team/apis/a/apiInformation.json", API)
        .write("workspaces/team/apis/a/specification.json", SPEC);
    dir.write("workspaces/team/apis/a/policy.xml", r#"<policies><inbound><base /><set-header name="a" exists-action="override"><value>3</value></set-header></inbound></policies>"#);
    let out = gatehouse(&["explain", "--effective", "a/get", &dir.arg()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let at = |m: &str| {
        text.find(m)
            .unwrap_or_else(|| panic!("{m} missing from\n{text}"))
    };
    assert!(
        at("<!-- global:") < at("<!-- workspace:") && at("<!-- workspace:") < at("<!-- api:"),
        "{text}"
    );
}

#[test]
fn eval_prints_the_dotnet_string() {
    let out = gatehouse(&["eval", "@((1 + 1).ToString() + true)"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "2True\n");
}

#[test]
fn eval_json_format_gives_type_and_value() {
    let out = gatehouse(&["eval", "--format", "json", "@(\"Hi There\".Length)"]);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(v["type"], "System.Int32");
    assert_eq!(v["value"], "8");
}

#[test]
fn eval_faults_and_lowering_errors_exit_1() {
    let out = gatehouse(&["eval", "@(((string)null).Length)"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: System.NullReferenceException: "),
        "{err}"
    );
    assert!(err.contains(" at 1:"), "{err}");
    let out = gatehouse(&["eval", "@(\"x\".Frobnicate())"]);
    assert_eq!(out.status.code(), Some(1));
    // `eval` refuses what `check` refuses, with `check`'s code.
    assert!(String::from_utf8_lossy(&out.stderr).contains("expr::unknown-member"));
    let out = gatehouse(&[
        "eval",
        "@{ if (context.Request.Method == \"GET\") { return 1; } }",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("expr::missing-return"));
}

const SAMPLE: &str = "policies/sample";

/// `gatehouse build SRC -o BUNDLE`.
fn build(src: &str, bundle: &std::path::Path) -> Output {
    gatehouse(&["build", src, "-o", bundle.to_str().expect("utf-8 path")])
}

#[test]
fn build_writes_a_bundle_that_explain_reads_back() {
    let dir = TempDir::new("build-bundle");
    let bundle = dir.0.join("sample.ghb");
    let out = build(SAMPLE, &bundle);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("bytes ("), "{stderr}");
    let bytes = std::fs::read(&bundle).expect("bundle");
    assert_eq!(&bytes[..4], b"GHBC");
    // The sample's secret named value and its subscription keys are in no byte of it.
    for secret in [
        "sample-key-not-a-secret",
        "alice-primary-sample-key",
        "alice-secondary-sample-key",
    ] {
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{secret} leaked into the bundle"
        );
    }
    let from_bundle = gatehouse(&["explain", bundle.to_str().expect("utf-8 path")]);
    let from_project = gatehouse(&["explain", "policies/sample"]);
    assert_eq!(from_bundle.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&from_bundle.stdout),
        String::from_utf8_lossy(&from_project.stdout)
    );
}

#[test]
fn build_refuses_policies_it_does_not_execute_and_writes_nothing() {
    let dir = TempDir::new("build-refused");
    let bundle = dir.0.join("out.ghb");
    let out = build("policies/invalid/policy-not-executed.xml", &bundle);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("policy::not-executed"), "{stderr}");
    assert!(stderr.contains("no bundle written"), "{stderr}");
    assert!(!bundle.exists());
    // `check` only warns about the same document.
    let out = gatehouse(&["check", "policies/invalid/policy-not-executed.xml"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("0 error(s), 1 warning(s)"), "{stdout}");
}

#[test]
fn explain_refuses_a_corrupt_bundle() {
    let dir = TempDir::new("build-corrupt");
    let bundle = dir.0.join("sample.ghb");
    let out = build(SAMPLE, &bundle);
    assert_eq!(out.status.code(), Some(0));
    let mut bytes = std::fs::read(&bundle).expect("bundle");
    let at = bytes.len() / 2;
    bytes[at] ^= 0x40;
    std::fs::write(&bundle, &bytes).expect("write");
    let out = gatehouse(&["explain", bundle.to_str().expect("utf-8 path")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("not a valid bundle"), "{stderr}");
}

/// Issue 19, item 7: a literal that cannot be of its attribute's type fails the build
/// (it used to be a warning, and every call of the bundle answered 500).
#[test]
fn build_refuses_a_literal_of_the_wrong_type() {
    let dir = TempDir::new("wrong-type");
    dir.write(
        "p.xml",
        r#"<policies><inbound><rate-limit-by-key calls="abc" renewal-period="60" counter-key="@(context.Request.IpAddress)" /></inbound></policies>"#,
    );
    let bundle = dir.0.join("out.bundle");
    let out = gatehouse(&[
        "build",
        &format!("{}/p.xml", dir.arg()),
        "-o",
        &bundle.display().to_string(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("invalid-attribute-value"), "{stderr}");
    assert!(!bundle.exists(), "no bundle is written");
    let check = gatehouse(&["check", &format!("{}/p.xml", dir.arg())]);
    assert_eq!(check.status.code(), Some(0), "check only warns");
}

/// Issue 19, item 12: lint levels from the command line and from `gatehouse.toml`.
#[test]
fn lint_levels_allow_and_deny_codes() {
    let dir = TempDir::new("levels");
    dir.write(
        "p.xml",
        r#"<policies><inbound><set-header name="a" exists-action="overide"><value>x</value></set-header></inbound></policies>"#,
    );
    let p = format!("{}/p.xml", dir.arg());
    let warned = gatehouse(&["check", &p]);
    assert_eq!(warned.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&warned.stdout).contains("invalid-attribute-value"));
    let denied = gatehouse(&["check", "--deny", "invalid-attribute-value", &p]);
    assert_eq!(denied.status.code(), Some(1));
    let allowed = gatehouse(&["check", "--allow", "invalid-attribute-value", &p]);
    assert!(!String::from_utf8_lossy(&allowed.stdout).contains("invalid-attribute-value"));
    dir.write(
        "gatehouse.toml",
        "[lints]\ndeny = [\"invalid-attribute-value\"]\n",
    );
    assert_eq!(
        gatehouse(&["check", &p]).status.code(),
        Some(1),
        "the project file denies it"
    );
    let unknown = gatehouse(&["check", "--allow", "no-such-code", &p]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("not a gatehouse diagnostic code"));
}

/// Issue 19, item 13: a folder with no policy file is an error, not a clean check.
#[test]
fn check_of_a_folder_without_policies_fails() {
    let dir = TempDir::new("no-policies");
    dir.write("notes.txt", "nothing here");
    let out = gatehouse(&["check", &dir.arg()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds no policy file"));
}

/// Issue 19, item 13: `--named-values` in the ARM list shape is read; a shape that holds
/// no entities is refused instead of read as none.
#[test]
fn named_values_in_the_arm_list_shape_are_read() {
    let dir = TempDir::new("arm-list");
    dir.write(
        "p.xml",
        r#"<policies><inbound><set-header name="x" exists-action="override"><value>{{tenant}}</value></set-header></inbound></policies>"#,
    )
    .write(
        "nv.json",
        r#"{"value": [{"name": "tenant", "properties": {"displayName": "tenant", "value": "contoso"}}], "nextLink": null}"#,
    )
    .write("bad.json", r#""just a string""#);
    let p = format!("{}/p.xml", dir.arg());
    let nv = format!("{}/nv.json", dir.arg());
    let ok = gatehouse(&["check", "--format", "json", "--named-values", &nv, &p]);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    let bad = format!("{}/bad.json", dir.arg());
    let refused = gatehouse(&["check", "--named-values", &bad, &p]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stdout).contains("expected an array of named value"));
}

/// Issue 19, item 14: `eval` names a missing closing bracket and refuses unknown request
/// keys; an unknown policy is one error for `build`.
#[test]
fn eval_and_build_report_mistakes_precisely() {
    let out = gatehouse(&["eval", "@(1+2"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("`)` is missing"), "{stderr}");
    let dir = TempDir::new("eval-keys");
    dir.write("r.json", r#"{"methd": "GET"}"#).write(
        "p.xml",
        r#"<policies><inbound><set-headr name="a" exists-action="override" /></inbound></policies>"#,
    );
    let out = gatehouse(&[
        "eval",
        "@(1)",
        "--request",
        &format!("{}/r.json", dir.arg()),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown key `methd`"));
    let bundle = format!("{}/b.bundle", dir.arg());
    let out = gatehouse(&["build", &format!("{}/p.xml", dir.arg()), "-o", &bundle]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.matches("\n  x ").count() + stderr.matches("\n  × ").count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains("build failed: 1 error(s)"), "{stderr}");
}

/// Issue 19, item 16: `explain --effective` prints expressions as the source writes them
/// (raw quotes, `<`), and what it prints reads back as a policy document.
#[test]
fn explain_effective_keeps_the_source_quoting() {
    let out = gatehouse(&[
        "explain",
        "--effective",
        "orders/get-order",
        "policies/sample",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains(
            r#"condition="@(context.Request.Headers.GetValueOrDefault("X-Region", "eu") == "us")""#
        ),
        "{text}"
    );
    assert!(text.contains("id <= 0)"), "{text}");
    let parsed = gatehouse_grammar::syntax::parse_document(&text, &Default::default());
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
}

/// Issue 20, item 4: a snippet (a single policy as the root) gets one clear diagnostic,
/// and `check --snippet SECTION` checks it as if written in that section, located in the
/// snippet itself.
#[test]
fn snippets_are_named_and_checked_in_a_section() {
    let out = gatehouse(&["check", "--format", "json", "policies/invalid/snippet.xml"]);
    let v = json(&out);
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert_eq!(codes, ["gatehouse::snippet"]);
    let ok = gatehouse(&[
        "check",
        "--snippet",
        "inbound",
        "policies/invalid/snippet.xml",
    ]);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    let dir = TempDir::new("snippet");
    dir.write("s.xml", "<set-header name=\"a\" exists-action=\"overide\">\n<value>x</value></set-header>\n<rate-limit calls=\"@(1)\" renewal-period=\"5\" />\n");
    let out = gatehouse(&[
        "check",
        "--format",
        "json",
        "--snippet",
        "outbound",
        &format!("{}/s.xml", dir.arg()),
    ]);
    let v = json(&out);
    let found: Vec<(String, u64)> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_string(),
                d["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert!(
        found.contains(&("gatehouse::invalid-attribute-value".to_string(), 1)),
        "{found:?}"
    );
    assert!(
        found.contains(&("gatehouse::policy-not-allowed-in-section".to_string(), 3)),
        "{found:?}"
    );
}
