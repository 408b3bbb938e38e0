//! Mistakes in test files get located diagnostics; nothing runs.

use gatehouse_testing::format::parse_text;
use std::path::Path;

/// `line:col: message` of each diagnostic of `yaml`.
fn diags(yaml: &str) -> Vec<String> {
    match parse_text("t.yaml", yaml, Path::new(".")) {
        Ok(_) => Vec::new(),
        Err(d) => d
            .iter()
            .map(|d| format!("{}:{}: {}", d.pos.line, d.pos.col, d.message))
            .collect(),
    }
}

#[test]
fn yaml_syntax_errors_are_located() {
    let d = diags("cases:\n  - name: a\n    request: { url: /x\n");
    assert_eq!(d.len(), 1);
    assert!(d[0].starts_with("4:1: ") || d[0].starts_with("3:"), "{d:?}");
}

#[test]
fn unknown_fields_are_located_with_a_suggestion() {
    let yaml = "cases:\n  - name: a\n    request: { url: /x }\n    expect:\n      stauts: 200\n";
    let errs = parse_text("t.yaml", yaml, Path::new(".")).expect_err("a mistake");
    assert_eq!(errs.len(), 1);
    assert_eq!((errs[0].pos.line, errs[0].pos.col), (5, 7));
    assert_eq!(errs[0].message, "`stauts` is not a field of `expect`");
    assert_eq!(errs[0].help.as_deref(), Some("did you mean `status`?"));
    let shown = errs[0].render(Some(yaml));
    assert!(
        shown.starts_with(
            "t.yaml:5:7: error: `stauts` is not a field of `expect`\n5 |       stauts: 200\n"
        ),
        "{shown}"
    );
    assert!(
        shown.contains("\n          ^\n"),
        "the caret under the key: {shown}"
    );
}

#[test]
fn every_kind_of_mistake() {
    let cases = [
        ("cases:\n  - request: { url: /x }\n", "2:5: the case has no `name`"),
        ("cases:\n  - name: a\n", "2:5: the case has no `request`"),
        ("world: {}\n", "1:1: the file has no `cases`"),
        ("cases:\n  - name: a\n    request: { method: \"G T\", url: /x }\n", "3:14: `G T` is not an HTTP method"),
        ("cases:\n  - name: a\n    request: { operation: orders }\n", "3:27: `orders` is not API/OPERATION"),
        ("cases:\n  - name: a\n    request: {}\n", "3:14: the request has no `url`"),
        ("cases:\n  - name: a\n    steps:\n      - advance: soon\n        request: { url: /x }\n", "4:18: `advance` must be a duration"),
        ("world: { clock: yesterday }\ncases: []\n", "1:17: `clock` must be a UTC time"),
        ("world: { backends: { b: { failure: melted } } }\ncases: []\n", "1:36: unknown `failure`"),
        ("world: { backends: { b: { status: 42 } } }\ncases: []\n", "1:35: `status` must be between 100 and 999"),
        ("world: { tokens: { t: { key: k, alg: RS256 } } }\ncases: []\n", "1:38: unsupported `alg`"),
        ("world: { tokens: { t: { key-base64: \"not base64!\" } } }\ncases: []\n", "1:37: `key-base64` is not base64"),
        ("cases:\n  - name: a\n    request: { url: /x }\n  - name: a\n    request: { url: /y }\n", "4:5: a case named `a` is already in this file"),
        ("cases:\n  - name: a\n    request: { url: /x }\n    expect: { body: { json-path: { nope: 1 } } }\n", "4:36: `nope` is not a JSON path"),
        ("cases:\n  - name: a\n    request: { url: /x, body: { file: missing.json } }\n", "3:39: cannot read `missing.json`"),
        ("cases:\n  - name: &a a\n    request: *a\n", "3:14: anchors and aliases are not supported"),
        ("cases:\n  - name: a\n    name: b\n    request: { url: /x }\n", "3:5: `name` is given twice"),
    ];
    for (yaml, want) in cases {
        let d = diags(yaml);
        assert!(
            d.iter().any(|d| d.starts_with(want)),
            "{yaml:?}: want {want:?}, got {d:?}"
        );
    }
}

#[test]
fn a_suite_with_a_mistake_does_not_load() {
    let dir = std::env::temp_dir().join(format!(
        "gatehouse-testing-malformed-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(dir.join("tests")).expect("dir");
    std::fs::write(
        dir.join("tests/bad.yaml"),
        "cases:\n  - name: a\n    reqest: {}\n",
    )
    .expect("write");
    let r = gatehouse_testing::load(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    let d = r.expect_err("does not load");
    assert!(d[0].file.ends_with("bad.yaml"));
    assert_eq!((d[0].pos.line, d[0].pos.col), (3, 5));
    assert_eq!(d[0].help.as_deref(), Some("did you mean `request`?"));
}
