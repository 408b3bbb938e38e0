//! The sample project loads cleanly and completely; a generated large project loads fast.

use super::{codes, load_dir, sample_dir, TempDir};
use crate::project::{
    generate_large_project, is_project, load, BackendKind, LoadOptions, ParameterIn,
    SubscriptionScope,
};
use std::time::Instant;

#[test]
fn sample_loads_without_diagnostics() {
    let loaded = load_dir(&sample_dir());
    assert_eq!(
        codes(&loaded),
        Vec::<String>::new(),
        "{:#?}",
        loaded.diagnostics
    );
    assert_eq!(loaded.files_checked, 19);
}

#[test]
fn sample_declares_everything_its_policies_use() {
    let p = load_dir(&sample_dir()).project;
    assert!(p.global.is_some());
    let names: Vec<&str> = p.apis.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["health", "orders"]);
    let orders = &p.apis[1];
    assert_eq!(orders.path, "orders");
    assert!(orders.subscription_required && orders.is_current && orders.policy.is_some());
    let ops: Vec<&str> = orders.operations.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(
        ops,
        ["list-orders", "create-order", "get-order", "delete-order"]
    );
    let get = &orders.operations[2];
    assert_eq!(
        (get.method.as_str(), get.url_template.as_str()),
        ("GET", "/orders/{orderId}")
    );
    assert!(get.policy.is_some());
    assert!(get
        .parameters
        .iter()
        .any(|p| p.name == "orderId" && p.location == ParameterIn::Template));
    let create = &orders.operations[1].responses[0];
    assert_eq!(create.status, 201);
    assert_eq!(
        create.example.as_deref(),
        Some(r#"{"id":42,"status":"open"}"#)
    );
    let health = &p.apis[0];
    assert!(!health.subscription_required);
    assert_eq!(health.operations[0].name, "get-health");
    assert_eq!(p.products[0].apis, ["orders"]);
    let backends: Vec<&str> = p.backends.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(backends, ["orders-eu", "orders-pool", "orders-us"]);
    assert_eq!(p.backends[0].circuit_breaker.len(), 1);
    let BackendKind::Pool(members) = &p.backends[1].kind else {
        panic!("orders-pool is a pool");
    };
    assert_eq!(
        (
            members[0].backend.as_str(),
            members[0].priority,
            members[0].weight
        ),
        ("orders-eu", 1, 3)
    );
    assert_eq!(
        (members[1].backend.as_str(), members[1].priority),
        ("orders-us", 2)
    );
    let nv: Vec<(&str, bool)> = p
        .named_values
        .iter()
        .map(|n| (n.name.as_str(), n.secret))
        .collect();
    assert_eq!(
        nv,
        [("orders-api-key", true), ("orders-api-version", false)]
    );
    assert_eq!(p.fragments[0].name, "forward-context");
    assert_eq!(
        p.subscriptions[0].scope,
        SubscriptionScope::Product("starter".into())
    );
}

#[test]
fn project_folders_are_recognised() {
    assert!(is_project(&sample_dir()));
    assert!(!is_project(&sample_dir().join("apis/orders")));
    assert!(!is_project(&sample_dir().join("policy.xml")));
}

#[test]
fn workspaces_are_scopes_of_their_own() {
    let dir = TempDir::new("ws");
    dir.write(
        "workspaces/team/apis/a/apiInformation.json",
        r#"{"properties": {"path": "a"}}"#,
    );
    dir.write(
        "workspaces/team/apis/a/policy.xml",
        "<policies><inbound><base /></inbound></policies>",
    );
    dir.write(
        "workspaces/team/backends/b/backendInformation.json",
        r#"{"properties": {"url": "https://b.example"}}"#,
    );
    let loaded = load(
        dir.path(),
        &LoadOptions {
            gateway_hosts: vec!["gw.example".into()],
            ..Default::default()
        },
    );
    assert!(loaded.diagnostics.is_empty(), "{:#?}", loaded.diagnostics);
    let ws = &loaded.project.workspaces[0];
    assert_eq!(ws.name, "team");
    assert_eq!(ws.project.apis[0].name, "a");
    assert_eq!(ws.project.backends[0].name, "b");
    assert_eq!(loaded.project.gateway_hosts, ["gw.example"]);
}

#[test]
fn revision_folders_are_revisions() {
    let dir = TempDir::new("rev");
    dir.write(
        "apis/a/apiInformation.json",
        r#"{"properties": {"path": "a"}}"#,
    );
    dir.write(
        "apis/a;rev=2/apiInformation.json",
        r#"{"properties": {"path": "a"}}"#,
    );
    let p = load_dir(dir.path()).project;
    let revs: Vec<(&str, &str, bool)> = p
        .apis
        .iter()
        .map(|a| (a.name.as_str(), a.revision.as_str(), a.is_current))
        .collect();
    assert_eq!(revs, [("a", "1", true), ("a", "2", false)]);
}

#[test]
fn large_projects_load_quickly_and_cleanly() {
    let dir = TempDir::new("large");
    generate_large_project(dir.path(), 200, 10).expect("generate");
    let start = Instant::now();
    let loaded = load_dir(dir.path());
    let took = start.elapsed();
    assert!(
        loaded.diagnostics.is_empty(),
        "{:#?}",
        &loaded.diagnostics[..3.min(loaded.diagnostics.len())]
    );
    assert_eq!(loaded.project.apis.len(), 200);
    assert!(loaded
        .project
        .apis
        .iter()
        .all(|a| a.operations.iter().all(|o| o.policy.is_some())));
    // Debug builds are slow; this only catches accidental quadratic work.
    assert!(took.as_secs() < 20, "loading took {took:?}");
}
