//! Version sets: the schemes, the APIs' `apiVersionSetId`/`apiVersion`, and their mistakes.

use super::{codes, load_dir, TempDir};
use crate::project::VersionScheme;

const SPEC: &str = "openapi: 3.0.1\ninfo: {title: t, version: '1'}\npaths:\n  /items:\n    get:\n      operationId: list\n      responses: {'200': {description: OK}}\n";

/// A project with version set `set` (its properties) and APIs `(folder, set id, version)`.
fn project(set: &str, apis: &[(&str, &str, Option<&str>)]) -> TempDir {
    let dir = TempDir::new("versions");
    dir.write(
        "version sets/orders/versionSetInformation.json",
        &format!(r#"{{"properties": {set}}}"#),
    );
    for (folder, id, version) in apis {
        let version = version.map_or(String::new(), |v| format!(r#", "apiVersion": "{v}""#));
        let info = format!(
            r#"{{"properties": {{"path": "orders", "apiVersionSetId": "{id}"{version}}}}}"#
        );
        dir.write(&format!("apis/{folder}/apiInformation.json"), &info);
        dir.write(&format!("apis/{folder}/specification.yaml"), SPEC);
    }
    dir
}

#[test]
fn schemes_and_memberships_are_read() {
    let header = r#"{"versioningScheme": "Header", "versionHeaderName": "Api-Version"}"#;
    let set_id = "/subscriptions/s/resourceGroups/g/providers/Microsoft.ApiManagement/service/x/apiVersionSets/orders";
    let dir = project(
        header,
        &[("orders-v1", set_id, Some("v1")), ("orders", set_id, None)],
    );
    let loaded = load_dir(dir.path());
    assert!(codes(&loaded).is_empty(), "{:?}", codes(&loaded));
    let p = &loaded.project;
    assert_eq!(
        p.version_sets[0].scheme,
        VersionScheme::Header("Api-Version".into())
    );
    let v1 = p.apis.iter().find(|a| a.name == "orders-v1").expect("v1");
    assert_eq!(
        (v1.version_set.as_deref(), v1.version.as_deref()),
        (Some("orders"), Some("v1"))
    );
    let original = p
        .apis
        .iter()
        .find(|a| a.name == "orders")
        .expect("original");
    assert_eq!(original.version, None);
}

#[test]
fn an_unknown_set_is_reported_with_a_suggestion() {
    let dir = project(
        r#"{"versioningScheme": "Segment"}"#,
        &[("a", "/apiVersionSets/ordres", Some("v1"))],
    );
    let loaded = load_dir(dir.path());
    assert_eq!(codes(&loaded), ["unknown-version-set"]);
    let help = loaded.diagnostics[0].help.clone().unwrap_or_default();
    assert!(help.contains("orders"), "{help}");
}

#[test]
fn two_apis_claiming_one_version_are_reported() {
    let dir = project(
        r#"{"versioningScheme": "Segment"}"#,
        &[
            ("a", "/apiVersionSets/orders", Some("v2")),
            ("b", "/apiVersionSets/orders", Some("v2")),
        ],
    );
    assert_eq!(codes(&load_dir(dir.path())), ["duplicate-api-version"]);
}

#[test]
fn a_scheme_without_its_name_or_an_unknown_scheme_is_reported() {
    for (set, code) in [
        (r#"{"versioningScheme": "Header"}"#, "missing-field"),
        (
            r#"{"versioningScheme": "Query", "versionQueryName": ""}"#,
            "missing-field",
        ),
        (r#"{"versioningScheme": "Path"}"#, "invalid-field"),
        (r#"{}"#, "missing-field"),
    ] {
        let dir = project(set, &[]);
        assert_eq!(codes(&load_dir(dir.path())), [code], "{set}");
    }
}
