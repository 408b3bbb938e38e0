//! `docs/test-schema.json` accepts the sample's test files and refuses a mistake.

use std::path::Path;

fn schema() -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/test-schema.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("schema")).expect("JSON")
}

fn as_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).expect("test file");
    gatehouse_testing::yaml::parse(&text)
        .expect("YAML")
        .to_json()
}

#[test]
fn the_schema_accepts_every_sample_test_file_and_refuses_mistakes() {
    let v = jsonschema::validator_for(&schema()).expect("a valid schema");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies/sample/tests");
    let mut n = 0;
    for e in std::fs::read_dir(dir).expect("tests").flatten() {
        let file = as_json(&e.path());
        let errors: Vec<String> = v.iter_errors(&file).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", e.path().display());
        n += 1;
    }
    assert!(n >= 2);
    let wrong = gatehouse_testing::yaml::parse(
        "cases:\n  - name: a\n    request: { url: /x }\n    expect: { stauts: 200 }\n",
    )
    .expect("YAML")
    .to_json();
    assert!(!v.is_valid(&wrong), "an unknown field is refused");
    let no_request = gatehouse_testing::yaml::parse("cases:\n  - name: a\n")
        .expect("YAML")
        .to_json();
    assert!(!v.is_valid(&no_request), "a case needs a request or steps");
}
