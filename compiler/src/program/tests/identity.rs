//! Lowering of `authentication-managed-identity`, alone and inside `send-request`.

use super::{api, build, errors, first_inbound, operation, single};
use crate::project::Project;
use gatehouse_runtime::program::{Arg, OpKind};

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
fn an_attribute_gatehouse_does_not_know_is_refused_in_the_child_too() {
    let child = r#"<send-request response-variable-name="r"><set-url>https://v.example/s</set-url><authentication-managed-identity resource="https://x" audience="y" /></send-request>"#;
    assert!(!refused(child).is_empty());
    let alone = r#"<authentication-managed-identity />"#;
    assert!(!refused(alone).is_empty());
}

#[test]
fn the_policy_lowers_every_attribute() {
    let p = single(
        r#"<policies><inbound><authentication-managed-identity resource="@(&quot;api://&quot; + context.Api.Name)" client-id="u-1" output-token-variable-name="t" ignore-error="true" /></inbound></policies>"#,
    );
    let OpKind::AuthenticationManagedIdentity(a) = first_inbound(&p) else {
        panic!("{:?}", first_inbound(&p))
    };
    assert!(matches!(a.resource, Arg::Expr(_)));
    assert_eq!(a.client_id.map(|c| p.str(c)), Some("u-1"));
    assert_eq!(a.output_variable.map(|c| p.str(c)), Some("t"));
    assert!(matches!(a.ignore_error, Some(Arg::Lit(_))));
}

#[test]
fn send_request_carries_its_identity_child() {
    let p = single(
        r#"<policies><inbound><send-request response-variable-name="r"><set-url>https://v.example/s</set-url><authentication-managed-identity resource="https://vault.azure.net" /></send-request></inbound></policies>"#,
    );
    let OpKind::SendRequest(s) = first_inbound(&p) else {
        panic!("{:?}", first_inbound(&p))
    };
    let a = s.identity.expect("the child");
    assert_eq!(
        a.resource,
        Arg::Lit(
            p.strings
                .iter()
                .position(|x| &**x == "https://vault.azure.net")
                .expect("interned") as u32
        )
    );
    assert_eq!(a.client_id, None);
}
