//! The SARIF output against the official SARIF 2.1.0 schema (shipped by the `serde-sarif`
//! crate, located through `cargo metadata`).

use gatehouse_compiler::diagnostic::{render_json, render_sarif};
use gatehouse_compiler::{check_bytes, Diagnostic};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The official schema, read from the `serde-sarif` package's sources.
fn schema() -> Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run cargo metadata");
    assert!(out.status.success(), "cargo metadata failed");
    let meta: Value = serde_json::from_slice(&out.stdout).expect("metadata is JSON");
    let manifest = meta["packages"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == "serde-sarif"))
        .and_then(|p| p["manifest_path"].as_str())
        .expect("serde-sarif is a dev-dependency");
    let path = Path::new(manifest).with_file_name("src/schema.json");
    let text = std::fs::read_to_string(&path).expect("serde-sarif ships src/schema.json");
    serde_json::from_str(&text).expect("schema is JSON")
}

fn invalid_features() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies/invalid");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("feature corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .collect();
    files.sort();
    files
}

fn diagnostics_of(paths: &[PathBuf]) -> Vec<Diagnostic> {
    paths
        .iter()
        .flat_map(|p| {
            let name = format!(
                "policies/invalid/{}",
                p.file_name().and_then(|n| n.to_str()).unwrap_or("x.xml")
            );
            let bytes = std::fs::read(p).expect("read feature");
            check_bytes(&name, bytes, &Default::default()).diagnostics
        })
        .collect()
}

#[test]
fn sarif_output_matches_the_official_schema() {
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema())
        .expect("the SARIF schema compiles");
    let files = invalid_features();
    assert!(files.len() >= 20);
    for chunk in files.chunks(8) {
        let diagnostics = diagnostics_of(chunk);
        let sarif: Value = serde_json::from_str(&render_sarif(&diagnostics)).expect("JSON");
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{chunk:?}:\n{}", errors.join("\n"));
    }
    let mut empty: Value = serde_json::from_str(&render_sarif(&[])).expect("JSON");
    assert!(validator.is_valid(&empty));
    empty["runs"][0]["results"] = serde_json::json!([{ "level": "fatal", "message": {} }]);
    assert!(
        !validator.is_valid(&empty),
        "the schema must reject a bad log"
    );
}

#[test]
fn sarif_regions_are_the_json_positions() {
    let diagnostics = diagnostics_of(&invalid_features());
    let sarif: Value = serde_json::from_str(&render_sarif(&diagnostics)).expect("JSON");
    let json: Value = serde_json::from_str(&render_json(1, &diagnostics)).expect("JSON");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let plain = json["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(results.len(), plain.len());
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    for (r, j) in results.iter().zip(plain) {
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["startLine"], j["line"]);
        assert_eq!(region["startColumn"], j["column"]);
        assert_eq!(region["endLine"], j["end_line"]);
        assert_eq!(region["endColumn"], j["end_column"]);
        assert_eq!(r["ruleId"], j["code"]);
        let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        // No placeholder URLs: gatehouse has no public documentation address to link.
        assert!(rules[index].get("helpUri").is_none());
        assert!(rules[index]["help"]["text"]
            .as_str()
            .is_some_and(|t| !t.is_empty()));
    }
    let text = render_sarif(&diagnostics);
    assert!(
        !text.contains("example.invalid") && !text.contains("informationUri"),
        "{text}"
    );
}
