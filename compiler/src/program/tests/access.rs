//! Lowering of the access policies: what `build` accepts and what it refuses.

use super::{api, build, errors, first_inbound, operation, single};
use crate::project::Project;
use gatehouse_runtime::program::OpKind;

/// The error codes `build` reports for an API policy whose inbound is `inbound`.
fn refused(inbound: &str) -> Vec<String> {
    let policy = format!("<policies><inbound>{inbound}</inbound></policies>");
    let project = Project {
        apis: vec![api(Some(&policy), vec![operation("get", None)])],
        ..Project::default()
    };
    let (_, d) = build(&project);
    errors(&d).into_iter().map(str::to_string).collect()
}

#[test]
fn ip_filter_lowers_addresses_and_ranges() {
    let p = single(
        r#"<policies><inbound><ip-filter action="forbid"><address>10.0.0.1</address><address-range from="2001:db8::" to="2001:db8::ff" /></ip-filter></inbound></policies>"#,
    );
    let OpKind::IpFilter(f) = first_inbound(&p) else {
        panic!("{:?}", first_inbound(&p))
    };
    assert_eq!(f.addresses.len(), 1);
    assert_eq!(f.ranges.len(), 1);
}

#[test]
fn ip_filter_refuses_bad_addresses_cidr_and_empty_ranges() {
    let invalid = "gatehouse::invalid-attribute-value";
    let cidr = r#"<ip-filter action="allow"><address>10.0.0.0/8</address></ip-filter>"#;
    assert_eq!(refused(cidr), [invalid]);
    let bad =
        r#"<ip-filter action="allow"><address-range from="10.0.0.1" to="nope" /></ip-filter>"#;
    assert_eq!(refused(bad), [invalid]);
    let mixed =
        r#"<ip-filter action="allow"><address-range from="10.0.0.1" to="::1" /></ip-filter>"#;
    assert_eq!(refused(mixed), [invalid]);
    let reversed =
        r#"<ip-filter action="allow"><address-range from="10.0.0.9" to="10.0.0.1" /></ip-filter>"#;
    assert_eq!(refused(reversed), [invalid]);
}
