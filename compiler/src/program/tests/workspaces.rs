//! Tests of workspaces: their APIs, products and backends next to the service's.

use super::{api, build, errors, operation, origin};
use crate::project::{Backend, BackendKind, PoolMember, Product, Project, Workspace};
use gatehouse_runtime::program::{self as m, Arg, OpKind, SetBackendService};

fn backend(name: &str, kind: BackendKind) -> Backend {
    Backend {
        name: name.to_string(),
        url: matches!(kind, BackendKind::Single).then(|| "http://127.0.0.1:8081".to_string()),
        protocol: "http".to_string(),
        kind,
        credentials: Default::default(),
        tls: Default::default(),
        proxy: None,
        circuit_breaker: Vec::new(),
        origin: origin(),
    }
}

fn product(name: &str, policy: Option<&str>) -> Product {
    Product {
        name: name.to_string(),
        display_name: name.to_string(),
        subscription_required: true,
        approval_required: false,
        state: "published".to_string(),
        apis: vec!["a".to_string()],
        policy: policy.map(|p| super::doc(&format!("products/{name}/policy.xml"), p)),
        origin: origin(),
    }
}

#[test]
fn workspace_backends_and_products_are_their_own() {
    let uses_b =
        r#"<policies><inbound><base /><set-backend-service backend-id="b" /></inbound></policies>"#;
    let pool = BackendKind::Pool(vec![PoolMember {
        backend: "b".to_string(),
        priority: 1,
        weight: 2,
        origin: origin(),
    }]);
    let team = Project {
        apis: vec![api(Some(uses_b), vec![operation("get", None)])],
        backends: vec![backend("b", BackendKind::Single), backend("p", pool)],
        products: vec![product(
            "gold",
            Some(r#"<policies><inbound><base /><set-method>GET</set-method></inbound></policies>"#),
        )],
        ..Project::default()
    };
    let project = Project {
        apis: vec![api(Some(uses_b), vec![operation("get", None)])],
        backends: vec![backend("b", BackendKind::Single)],
        products: vec![product("silver", None)],
        workspaces: vec![Workspace {
            name: "team".to_string(),
            project: team,
        }],
        ..Project::default()
    };
    let (p, d) = build(&project);
    assert!(d.is_empty(), "{:?}", errors(&d));
    let names: Vec<&str> = p.backends.iter().map(|b| p.str(b.name)).collect();
    assert_eq!(names, ["b", "team/b", "team/p"]);
    let m::BackendKind::Pool(members) = &p.backends[2].kind else {
        panic!("{:?}", p.backends[2].kind)
    };
    assert_eq!((members[0].backend, members[0].weight), (1, 2));
    let backend_of = |api: usize| {
        let (_, id) = p.apis[api].operations[0].pipelines[0];
        let inbound = p.pipelines[id as usize].sections[0];
        p.blocks[inbound as usize]
            .ops
            .iter()
            .find_map(|o| match &o.kind {
                OpKind::SetBackendService(SetBackendService {
                    backend_id: Some(Arg::Lit(s)),
                    ..
                }) => Some(p.str(*s)),
                _ => None,
            })
    };
    assert_eq!(backend_of(0), Some("b"));
    assert_eq!(backend_of(1), Some("team/b"));
    // `silver` has no policy: no pipeline of its own; `gold` (index 1) has one.
    let pipelines: Vec<u32> = p.apis[1].operations[0]
        .pipelines
        .iter()
        .map(|x| x.0)
        .collect();
    assert_eq!(pipelines, [u32::MAX, 1]);
    assert_eq!(p.products[1].apis, [1]);
    assert_eq!(p.apis[0].operations[0].pipelines.len(), 1);
}

#[test]
fn a_backend_proxy_is_refused() {
    let mut b = backend("b", BackendKind::Single);
    b.proxy = Some(crate::project::Proxy {
        url: "http://proxy:3128".to_string(),
        username: None,
        password: None,
    });
    let project = Project {
        apis: vec![api(None, vec![operation("get", None)])],
        backends: vec![b],
        ..Project::default()
    };
    let (p, d) = build(&project);
    assert_eq!(errors(&d), ["gatehouse::policy::not-executed"]);
    assert_eq!(p.backends.len(), 1, "still lowered, for tests of the rest");
}
