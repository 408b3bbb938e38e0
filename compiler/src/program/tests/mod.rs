//! Tests of lowering projects to programs: shared blocks, defaults, secrets, digests.
#![allow(clippy::unwrap_used)]

use super::lower_program;
use crate::project::{
    Api, Fragment, NamedValue, Operation, Origin, PolicyDoc, Project, Subscription,
    SubscriptionScope,
};
use crate::{Diagnostic, SourceFile};
use gatehouse_grammar::syntax::parse_document;
use gatehouse_grammar::{Limits, Span};
use gatehouse_runtime::program::{
    Arg, BlockId, ExistsAction, ForwardRequest, MockResponse, OpKind, Program, RewriteUri,
    SetVariable, Severity, TraceOp,
};
use sha2::{Digest, Sha256};
use std::sync::Arc;

mod access;
mod identity;
mod values;
mod workspaces;

pub(super) fn doc(path: &str, text: &str) -> PolicyDoc {
    let file = Arc::new(SourceFile::new(path, text));
    let parsed = parse_document(&file.text, &Limits::default());
    assert!(parsed.errors.is_empty(), "{path}: {:?}", parsed.errors);
    PolicyDoc::new(file, parsed)
}

pub(super) fn origin() -> Origin {
    Origin {
        file: Arc::new(SourceFile::new("info.json", "")),
        span: Span::new(0, 0),
    }
}

pub(super) fn operation(name: &str, policy: Option<&str>) -> Operation {
    Operation {
        name: name.to_string(),
        display_name: name.to_string(),
        method: "GET".to_string(),
        url_template: format!("/{name}"),
        parameters: Vec::new(),
        responses: Vec::new(),
        request_bodies: Vec::new(),
        policy: policy.map(|p| doc(&format!("apis/a/operations/{name}/policy.xml"), p)),
    }
}

pub(super) fn api(policy: Option<&str>, operations: Vec<Operation>) -> Api {
    Api {
        name: "a".to_string(),
        display_name: "A".to_string(),
        path: "a".to_string(),
        service_url: Some("http://127.0.0.1:8081".to_string()),
        protocols: vec!["https".to_string()],
        kind: Default::default(),
        graphql_schema: None,
        subscription_required: true,
        subscription_key_header: "Ocp-Apim-Subscription-Key".to_string(),
        subscription_key_query: "subscription-key".to_string(),
        revision: "1".to_string(),
        is_current: true,
        version_set: None,
        version: None,
        version_spans: None,
        operations,
        policy: policy.map(|p| doc("apis/a/policy.xml", p)),
        origin: origin(),
    }
}

pub(super) fn named(name: &str, value: &str, secret: bool) -> NamedValue {
    NamedValue {
        name: name.to_string(),
        value: Some(value.to_string()),
        secret,
        key_vault: None,
        origin: origin(),
    }
}

pub(super) fn build(project: &Project) -> (Program, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let program = lower_program(project, &mut diagnostics);
    (program, diagnostics)
}

pub(super) fn errors(d: &[Diagnostic]) -> Vec<&str> {
    d.iter().map(|d| d.code.as_str()).collect()
}

/// The operations of `block`.
pub(super) fn ops(p: &Program, block: BlockId) -> &[gatehouse_runtime::program::Op] {
    &p.blocks[block as usize].ops
}

/// A one-API project whose API policy is `policy` (one operation `get`).
pub(super) fn single(policy: &str) -> Program {
    let project = Project {
        apis: vec![api(Some(policy), vec![operation("get", None)])],
        ..Project::default()
    };
    let (p, d) = build(&project);
    assert!(d.is_empty(), "{:?}", errors(&d));
    p
}

/// The first inbound operation of a single-API program.
pub(super) fn first_inbound(p: &Program) -> &OpKind {
    let inbound = p.pipelines[0].sections[0];
    &ops(p, inbound)[0].kind
}

const API_POLICY: &str = r#"<policies>
    <inbound><base /><set-header name="X-Api" exists-action="override"><value>1</value></set-header></inbound>
    <backend><forward-request /></backend>
</policies>"#;

const OP_POLICY: &str =
    r#"<policies><inbound><base /><set-method>POST</set-method></inbound></policies>"#;

#[test]
fn an_api_block_is_shared_by_all_its_operations() {
    let project = Project {
        global: Some(doc(
            "policy.xml",
            r#"<policies><inbound><set-variable name="g" value="1" /></inbound></policies>"#,
        )),
        apis: vec![api(
            Some(API_POLICY),
            vec![
                operation("one", None),
                operation("two", None),
                operation("three", Some(OP_POLICY)),
            ],
        )],
        ..Project::default()
    };
    let (p, d) = build(&project);
    assert!(d.is_empty(), "{:?}", errors(&d));
    let ops_of = &p.apis[0].operations;
    let pipes: Vec<_> = ops_of
        .iter()
        .map(|o| {
            assert_eq!(o.pipelines.len(), 1);
            assert_eq!(o.pipelines[0].0, u32::MAX);
            p.pipelines[o.pipelines[0].1 as usize]
        })
        .collect();
    assert_eq!(
        pipes[0], pipes[1],
        "operations without a policy share the API's blocks"
    );
    let api_inbound = pipes[0].sections[0];
    assert_ne!(pipes[2].sections[0], api_inbound);
    assert_eq!(
        ops(&p, pipes[2].sections[0])[0].kind,
        OpKind::Call(api_inbound)
    );
    assert_eq!(
        pipes[2].sections[1], pipes[0].sections[1],
        "backend is inherited"
    );
    let set_headers = p
        .blocks
        .iter()
        .flat_map(|b| &b.ops)
        .filter(|o| matches!(o.kind, OpKind::SetHeader(_)))
        .count();
    assert_eq!(set_headers, 1, "the API's set-header is emitted once");
    // The API's inbound calls the global inbound.
    let global = ops(&p, api_inbound)[0].kind.clone();
    let OpKind::Call(g) = global else {
        panic!("expected a call, got {global:?}")
    };
    assert!(matches!(
        ops(&p, g)[0].kind,
        OpKind::SetVariable(SetVariable { .. })
    ));
    // Sections nobody writes are the shared empty block.
    assert!(ops(&p, pipes[0].sections[2]).is_empty());
    assert_eq!(pipes[0].sections[2], pipes[0].sections[3]);
}

#[test]
fn a_fragment_is_one_block_called_from_each_include() {
    let fragment = Fragment {
        name: "f".to_string(),
        policy: doc(
            "policy fragments/f/policy.xml",
            r#"<fragment><set-header name="X-F" exists-action="skip"><value>v</value></set-header></fragment>"#,
        ),
    };
    let include =
        r#"<policies><inbound><base /><include-fragment fragment-id="f" /></inbound></policies>"#;
    let project = Project {
        apis: vec![api(
            Some(include),
            vec![operation("one", Some(include)), operation("two", None)],
        )],
        fragments: vec![fragment],
        ..Project::default()
    };
    let (p, d) = build(&project);
    assert!(d.is_empty(), "{:?}", errors(&d));
    let calls: Vec<BlockId> = p
        .blocks
        .iter()
        .flat_map(|b| &b.ops)
        .filter_map(|o| match o.kind {
            OpKind::Call(b)
                if matches!(
                    ops(&p, b).first().map(|o| &o.kind),
                    Some(OpKind::SetHeader(_))
                ) =>
            {
                Some(b)
            }
            _ => None,
        })
        .collect();
    assert_eq!(calls.len(), 2, "two includes");
    assert_eq!(calls[0], calls[1], "one block");
    let loc = p.loc(ops(&p, calls[0])[0].loc).unwrap();
    assert_eq!(p.str(loc.path), "fragment/set-header[1]");
    assert_eq!(loc.scope, gatehouse_runtime::program::Scope::Fragment);
}

#[test]
fn attributes_take_apim_defaults() {
    let p = single(
        r#"<policies><inbound>
        <set-header name="X-A"><value>1</value><value>@("2")</value></set-header>
        <rewrite-uri template="/x" />
        <mock-response />
        <trace source="s">hello</trace>
        <rate-limit-by-key calls="5" renewal-period="60" counter-key="k" />
    </inbound><backend><forward-request /></backend></policies>"#,
    );
    let inbound = ops(&p, p.pipelines[0].sections[0]);
    let OpKind::SetHeader(h) = &inbound[0].kind else {
        panic!("{:?}", inbound[0].kind)
    };
    assert_eq!(h.action, ExistsAction::Override);
    assert_eq!(h.values.len(), 2);
    assert!(matches!(h.values[0], Arg::Lit(s) if p.str(s) == "1"));
    assert!(matches!(h.values[1], Arg::Expr(_)));
    assert!(matches!(
        inbound[1].kind,
        OpKind::RewriteUri(RewriteUri {
            copy_unmatched_params: true,
            ..
        })
    ));
    assert_eq!(
        inbound[2].kind,
        OpKind::MockResponse(MockResponse {
            status: 200,
            content_type: None
        })
    );
    assert!(matches!(
        &inbound[3].kind,
        OpKind::Trace(TraceOp { severity: Severity::Verbose, message: Arg::Lit(m), .. }) if p.str(*m) == "hello"
    ));
    let OpKind::RateLimitByKey(r) = &inbound[4].kind else {
        panic!("{:?}", inbound[4].kind)
    };
    assert_eq!(
        r.report.retry_after_header_name.map(|s| p.str(s)),
        Some("Retry-After")
    );
    assert_eq!(r.increment_count, None);
    let backend = ops(&p, p.pipelines[0].sections[1]);
    assert_eq!(
        backend[0].kind,
        OpKind::ForwardRequest(ForwardRequest::default())
    );
}

#[test]
fn subscription_keys_are_stored_as_digests() {
    let project = Project {
        apis: vec![api(None, vec![operation("get", None)])],
        subscriptions: vec![Subscription {
            name: "s".to_string(),
            scope: SubscriptionScope::Api("a".to_string()),
            primary_key: Some("primary-KEY".to_string()),
            secondary_key: None,
            state: "active".to_string(),
            origin: origin(),
        }],
        ..Project::default()
    };
    let (p, _) = build(&project);
    let s = &p.subscriptions[0];
    assert_eq!(
        s.key_digests,
        vec![<[u8; 32]>::from(Sha256::digest(b"primary-KEY"))]
    );
    assert!(s.active);
    assert_eq!(
        s.scope,
        gatehouse_runtime::program::SubscriptionScope::Api(0)
    );
    assert!(p.strings.iter().all(|x| !x.contains("primary-KEY")));
}

#[test]
fn policies_not_executed_are_errors_and_skipped() {
    let project = Project {
        apis: vec![api(
            Some(
                r#"<policies><inbound><cross-domain><cross-domain-policy /></cross-domain><set-method>GET</set-method></inbound></policies>"#,
            ),
            vec![operation("get", None)],
        )],
        ..Project::default()
    };
    // The checks report `cross-domain` (`not_executed`, an error for `build`); lowering alone
    // leaves it out and, with nothing reported, refuses the program.
    let (p, d) = build(&project);
    assert_eq!(errors(&d), ["gatehouse::internal"]);
    let doc = project.apis[0].policy.as_ref().expect("policy");
    let mut found = Vec::new();
    super::not_executed(&doc.file, &doc.parsed.document, &mut found);
    let codes: Vec<&str> = found.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["gatehouse::policy::not-executed"]);
    let inbound = ops(&p, p.pipelines[0].sections[0]);
    assert_eq!(inbound.len(), 1);
    assert!(matches!(inbound[0].kind, OpKind::SetMethod(_)));
}

#[test]
fn check_warns_about_policies_not_executed() {
    let file = Arc::new(SourceFile::new(
        "test.xml",
        r#"<policies><inbound><cross-domain><cross-domain-policy /></cross-domain><choose><when condition="@(true)"><publish-to-dapr topic="orders">new</publish-to-dapr></when></choose><set-method>GET</set-method></inbound></policies>"#,
    ));
    let report = crate::check_file(&file, &crate::CheckOptions::default());
    let found: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "gatehouse::policy::not-executed")
        .collect();
    assert_eq!(found.len(), 2, "{:?}", errors(&report.diagnostics));
    assert!(found.iter().all(|d| d.severity == crate::Severity::Warning));
}

#[test]
fn base_only_sections_reuse_the_parent_block_and_empty_parents_are_not_called() {
    let project = Project {
        global: Some(doc(
            "policy.xml",
            r#"<policies><inbound /><backend><forward-request /></backend></policies>"#,
        )),
        apis: vec![api(
            Some(
                r#"<policies><inbound><base /><set-method>GET</set-method></inbound><backend><base /></backend><outbound /></policies>"#,
            ),
            vec![operation("get", None)],
        )],
        ..Project::default()
    };
    let (p, d) = build(&project);
    assert!(d.is_empty(), "{:?}", errors(&d));
    let pipe = p.pipelines[0];
    let inbound = ops(&p, pipe.sections[0]);
    assert_eq!(inbound.len(), 1, "no call of the empty global inbound");
    assert!(matches!(inbound[0].kind, OpKind::SetMethod(_)));
    let backend = ops(&p, pipe.sections[1]);
    assert!(
        matches!(backend[0].kind, OpKind::ForwardRequest(_)),
        "the API's `<backend><base /></backend>` is the global block itself"
    );
    assert!(ops(&p, pipe.sections[2]).is_empty());
    assert_eq!(p.blocks.len(), 3, "empty, global backend, API inbound");
}

#[test]
fn a_fragment_including_itself_is_an_error_not_a_loop() {
    let fragment = Fragment {
        name: "f".to_string(),
        policy: doc(
            "policy fragments/f/policy.xml",
            r#"<fragment><include-fragment fragment-id="f" /><set-method>GET</set-method></fragment>"#,
        ),
    };
    let project = Project {
        apis: vec![api(
            Some(r#"<policies><inbound><include-fragment fragment-id="f" /></inbound></policies>"#),
            vec![operation("get", None)],
        )],
        fragments: vec![fragment],
        ..Project::default()
    };
    let (p, d) = build(&project);
    assert_eq!(errors(&d), ["gatehouse::nested-fragment"]);
    let OpKind::Call(f) = first_inbound(&p) else {
        panic!("{:?}", first_inbound(&p))
    };
    assert!(matches!(ops(&p, *f)[0].kind, OpKind::SetMethod(_)));
}

#[test]
fn a_silently_failed_lowering_is_an_internal_error() {
    // The checks report a `set-variable` without `name`; lowering alone must not let the
    // program lose the policy without an error.
    let policy = r#"<policies><inbound><set-variable value="x" /></inbound></policies>"#;
    let project = Project {
        apis: vec![api(Some(policy), vec![operation("get", None)])],
        ..Project::default()
    };
    let mut out = Vec::new();
    lower_program(&project, &mut out);
    let codes: Vec<&str> = out.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["gatehouse::internal"]);
}

#[test]
fn quota_bandwidth_is_refused_on_the_policy_and_its_children() {
    for policy in [
        r#"<quota calls="5" bandwidth="100" renewal-period="60" />"#,
        r#"<quota calls="5" renewal-period="60"><api id="a" bandwidth="10" /></quota>"#,
    ] {
        let project = Project {
            apis: vec![api(
                Some(&format!("<policies><inbound>{policy}</inbound></policies>")),
                vec![operation("get", None)],
            )],
            ..Project::default()
        };
        let (_, d) = build(&project);
        assert_eq!(errors(&d), ["gatehouse::policy::not-executed"], "{policy}");
    }
}

#[test]
fn an_inline_pkcs12_certificate_is_refused_with_a_clear_diagnostic() {
    for policy in [
        r#"<authentication-certificate body="@(new byte[] { 1 })" password="p" />"#,
        r#"<send-request response-variable-name="r"><set-url>http://x</set-url><authentication-certificate body="@(new byte[] { 1 })" /></send-request>"#,
    ] {
        let project = Project {
            apis: vec![api(
                Some(&format!("<policies><inbound>{policy}</inbound></policies>")),
                vec![operation("get", None)],
            )],
            ..Project::default()
        };
        let (_, d) = build(&project);
        assert!(
            errors(&d).contains(&"gatehouse::policy::not-executed"),
            "{policy}: {d:?}"
        );
        assert!(
            d.iter()
                .any(|d| d.message.contains("--certificate ID=FILE")),
            "{policy}"
        );
    }
}

#[test]
fn client_certificate_policies_lower() {
    for policy in [
        r#"<authentication-certificate thumbprint="AB CD" />"#,
        r#"<authentication-certificate certificate-id="@(&quot;c&quot;)" />"#,
        r#"<validate-client-certificate validate-trust="false"><identities><identity thumbprint="AB" /></identities></validate-client-certificate>"#,
        r#"<send-request response-variable-name="r"><set-url>http://x</set-url><authentication-certificate certificate-id="c" /></send-request>"#,
    ] {
        let project = Project {
            apis: vec![api(
                Some(&format!("<policies><inbound>{policy}</inbound></policies>")),
                vec![operation("get", None)],
            )],
            ..Project::default()
        };
        let (program, d) = build(&project);
        assert!(errors(&d).is_empty(), "{policy}: {d:?}");
        let names: Vec<&str> = program
            .blocks
            .iter()
            .flat_map(|b| &b.ops)
            .map(|o| o.kind.policy_name())
            .collect();
        let name = policy[1..].split([' ', '>']).next().unwrap_or_default();
        assert!(names.contains(&name), "{policy}: {names:?}");
    }
}

#[test]
fn without_a_global_policy_base_in_backend_forwards_as_apim_default_does() {
    let p =
        single(r#"<policies><inbound><base /></inbound><backend><base /></backend></policies>"#);
    let backend = p.pipelines[0].sections[1];
    let forwards = |b: BlockId| {
        ops(&p, b).iter().any(|o| match &o.kind {
            OpKind::ForwardRequest(_) => true,
            OpKind::Call(inner) => ops(&p, *inner)
                .iter()
                .any(|o| matches!(o.kind, OpKind::ForwardRequest(_))),
            _ => false,
        })
    };
    assert!(forwards(backend), "{:?}", ops(&p, backend));
    assert!(p.files.iter().any(|f| &**f == "(default global policy)"));
    // A global policy that writes no backend section forwards nothing: it is the user's.
    let project = Project {
        global: Some(doc("policy.xml", "<policies><inbound /></policies>")),
        apis: vec![api(
            Some(r#"<policies><backend><base /></backend></policies>"#),
            vec![operation("get", None)],
        )],
        ..Project::default()
    };
    let (p, _) = build(&project);
    let backend = p.pipelines[0].sections[1];
    assert!(!ops(&p, backend)
        .iter()
        .any(|o| matches!(o.kind, OpKind::ForwardRequest(_))));
}
