//! Tests of attribute values, policy paths and secret references.

use super::{api, build, errors, first_inbound, named, operation, ops, single};
use crate::project::Project;
use gatehouse_runtime::program::{Choose, ForwardRequest, HttpVersion, OpKind};

#[test]
fn forward_request_attributes_are_parsed() {
    let p = single(
        r#"<policies><backend><forward-request timeout="30" follow-redirects="true" buffer-response="false" fail-on-error-status-code="true" http-version="2or1" /></backend></policies>"#,
    );
    let backend = ops(&p, p.pipelines[0].sections[1]);
    let OpKind::ForwardRequest(f) = &backend[0].kind else {
        panic!("{:?}", backend[0].kind)
    };
    assert_eq!(f.timeout_ms, 30_000);
    assert!(f.follow_redirects && !f.buffer_response && f.fail_on_error_status_code);
    assert_eq!(f.http_version, HttpVersion::Http2Or1);
    let p =
        single(r#"<policies><backend><forward-request timeout-ms="250" /></backend></policies>"#);
    assert!(matches!(
        ops(&p, p.pipelines[0].sections[1])[0].kind,
        OpKind::ForwardRequest(ForwardRequest {
            timeout_ms: 250,
            ..
        })
    ));
}

#[test]
fn policy_paths_count_siblings_of_the_same_name() {
    let p = single(
        r#"<policies><inbound><choose>
            <when condition="@(true)"><set-method>GET</set-method></when>
            <when condition="false"><set-header name="a" exists-action="delete" /><set-header name="b" exists-action="append"><value>x</value></set-header></when>
        </choose></inbound></policies>"#,
    );
    let OpKind::Choose(Choose {
        branches,
        otherwise,
    }) = first_inbound(&p)
    else {
        panic!("{:?}", first_inbound(&p))
    };
    assert_eq!(branches.len(), 2);
    assert_eq!(*otherwise, None);
    let second = ops(&p, branches[1].1);
    let loc = p.loc(second[1].loc).unwrap();
    assert_eq!(p.str(loc.path), "inbound/choose[1]/when[2]/set-header[2]");
    assert_eq!(
        (p.files[loc.file as usize].as_ref(), loc.line),
        ("apis/a/policy.xml", 3)
    );
}

#[test]
fn secrets_stay_references_and_plain_values_are_substituted() {
    let policy = r#"<policies><inbound>
        <set-header name="X-Key" exists-action="override"><value>Bearer {{token}}</value></set-header>
        <set-variable name="v" value="@("{{token}}" + {{version}})" />
        <set-variable name="w" value="@({{token}})" />
        <set-header name="X-Version" exists-action="override"><value>{{version}}</value></set-header>
    </inbound></policies>"#;
    let project = Project {
        apis: vec![api(Some(policy), vec![operation("get", None)])],
        named_values: vec![
            named("token", "s3cr3t-VALUE", true),
            named("unused", "other-SECRET", true),
            named("version", "\"v2\"", false),
        ],
        ..Project::default()
    };
    let (p, d) = build(&project);
    assert!(d.is_empty(), "{:?}", errors(&d));
    assert_eq!(
        p.secrets.len(),
        1,
        "only referenced secrets: {:?}",
        p.secrets
    );
    assert_eq!(p.secrets[0].name, "token");
    let all_strings: Vec<&str> = p
        .strings
        .iter()
        .chain(p.codes.iter().flat_map(|c| c.code.strings.iter()))
        .map(|s| &**s)
        .collect();
    assert!(all_strings
        .iter()
        .all(|s| !s.contains("s3cr3t") && !s.contains("other-SECRET")));
    assert!(all_strings.contains(&"Bearer {{token}}"));
    assert!(
        all_strings.contains(&"\"v2\""),
        "plain value substituted: {all_strings:?}"
    );
    assert_eq!(p.codes.len(), 2);
    for c in &p.codes {
        assert!(
            c.code.strings.iter().any(|s| &**s == "{{token}}"),
            "{:?}",
            c.code.strings
        );
    }
}
