//! The sample project's suite passes with full coverage, and fails — naming the case and
//! the policy — when one of its policies is changed in a way that changes behaviour.

mod common;
use std::path::{Path, PathBuf};

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies/sample")
}

fn copy(from: &Path, to: &Path) {
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

fn run(root: &Path) -> gatehouse_testing::Report {
    let mut suite = gatehouse_testing::load(root).expect("the sample's suite loads");
    gatehouse_testing::run(&mut suite, &gatehouse_testing::Options::default())
}

#[test]
fn the_sample_suite_passes_with_full_coverage() {
    let r = run(&sample());
    assert!(r.cases.len() >= 10);
    assert_eq!(
        r.failed(),
        0,
        "{}",
        gatehouse_testing::report::human(&r, false)
    );
    let t = r.coverage.total();
    assert_eq!(
        (t.statements_hit, t.branches_hit),
        (t.statements, t.branches),
        "{}",
        r.coverage.render()
    );
    assert!(t.statements >= 20 && t.branches >= 4);
}

/// Every other sample project ships a suite too (`policies/versions`, `policies/ai`): it
/// passes and covers every statement and branch of the sample's policies.
#[test]
fn every_sample_suite_passes_with_full_coverage() {
    for name in ["versions", "ai"] {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../policies")
            .join(name);
        let r = run(&root);
        assert!(r.cases.len() >= 3, "{name}");
        assert_eq!(
            r.failed(),
            0,
            "{name}: {}",
            gatehouse_testing::report::human(&r, false)
        );
        let t = r.coverage.total();
        assert_eq!(
            (t.statements_hit, t.branches_hit),
            (t.statements, t.branches),
            "{name}: {}",
            r.coverage.render()
        );
    }
}

/// Copies the sample, replaces `from` by `to` in `file`, and runs its suite.
fn mutated(file: &str, from: &str, to: &str) -> (gatehouse_testing::Report, common::Temp) {
    let t = common::temp();
    copy(&sample(), &t.0);
    let path = t.0.join(file);
    let text = std::fs::read_to_string(&path).expect("policy");
    assert!(text.contains(from), "{file} holds {from}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
    (run(&t.0), t)
}

/// The failure lines (`case: what: policy …`) of a report.
fn failures(r: &gatehouse_testing::Report) -> Vec<String> {
    let mut out = Vec::new();
    for c in r.cases.iter().filter(|c| !c.passed()) {
        for (_, m) in &c.failures {
            out.push(format!(
                "{}: {}: {}",
                c.name,
                m.what,
                m.policies.join(" | ")
            ));
        }
    }
    out
}

fn assert_named(r: &gatehouse_testing::Report, case: &str, policy: &str) {
    let f = failures(r);
    assert!(
        f.iter().any(|l| l.starts_with(case) && l.contains(policy)),
        "want a failure of `{case}` naming `{policy}`, got {f:#?}"
    );
}

#[test]
fn a_changed_rewrite_fails_naming_the_rewrite() {
    let (r, _t) = mutated(
        "apis/orders/operations/get-order/policy.xml",
        "/v2/orders/{orderId}",
        "/v3/orders/{orderId}",
    );
    assert_named(
        &r,
        "an order is fetched from the pool",
        "apis/orders/operations/get-order/policy.xml:16:9 rewrite-uri",
    );
}

#[test]
fn a_changed_condition_fails_naming_the_choose() {
    let (r, _t) = mutated(
        "apis/orders/operations/get-order/policy.xml",
        "id <= 0",
        "id < 0",
    );
    assert_named(&r, "an impossible order id is answered with 404", "status");
    let c = r
        .cases
        .iter()
        .find(|c| c.name.starts_with("an impossible order id"))
        .expect("case");
    assert!(
        c.failures
            .iter()
            .any(|(_, m)| m.what == "not-ran"
                && m.policies.iter().any(|p| p.contains("rewrite-uri"))),
        "{:?}",
        c.failures
    );
}

#[test]
fn a_changed_limit_fails_naming_the_rate_limit() {
    let (r, _t) = mutated("products/starter/policy.xml", "calls=\"5\"", "calls=\"6\"");
    assert_named(
        &r,
        "the starter product allows five calls a minute",
        "products/starter/policy.xml:5:9 rate-limit-by-key",
    );
}

#[test]
fn a_changed_header_fails_naming_the_set_header() {
    let (r, _t) = mutated(
        "apis/orders/policy.xml",
        "name=\"X-Orders-Api\"",
        "name=\"X-Orders-Version\"",
    );
    assert_named(
        &r,
        "an order is fetched from the pool",
        "header X-Orders-Api",
    );
    let (r, _t) = mutated(
        "policy.xml",
        "<set-header name=\"X-Powered-By\" exists-action=\"delete\" />",
        "",
    );
    assert_named(
        &r,
        "an order is fetched from the pool",
        "header X-Powered-By",
    );
}

#[test]
fn a_changed_backend_choice_fails_naming_the_set_backend_service() {
    let (r, _t) = mutated(
        "apis/orders/policy.xml",
        "backend-id=\"orders-us\"",
        "backend-id=\"orders-pool\"",
    );
    assert_named(
        &r,
        "the US region header picks the US backend",
        "apis/orders/policy.xml:8:17 set-backend-service",
    );
}
