//! The program's tables: APIs and operations, products, subscriptions and backends, the
//! service's first and then each workspace's.

use super::{Builder, ScopeEnv};
use crate::project::{self, Project, SubscriptionScope as Scoped};
use gatehouse_runtime::program::{
    Api, Backend, BackendId, BackendKind, Breaker, Credentials, MockExample, Operation, PoolMember,
    Product, Protocols, Subscription, SubscriptionScope, TlsSettings, Versioning,
};
use gatehouse_runtime::program::{BodySpec, Contract, ParamIn, ParamSpec, ResponseSpec};
use sha2::{Digest, Sha256};

/// The program name of workspace `ws`'s backend `name` (`ws/name`), so that it cannot be
/// confused with a service backend of the same name.
pub(super) fn workspace_backend_name(ws: &str, name: &str) -> String {
    format!("{ws}/{name}")
}

/// Fills every table but the pipelines (operations get theirs later).
pub(super) fn lower_tables(b: &mut Builder<'_>, project: &Project, scopes: &[ScopeEnv<'_>]) {
    let mut all: Vec<(&Project, &ScopeEnv<'_>)> = Vec::new();
    if let Some(service) = scopes.first() {
        all.push((project, service));
    }
    all.extend(
        project
            .workspaces
            .iter()
            .map(|w| &w.project)
            .zip(scopes.get(1..).unwrap_or(&[])),
    );
    for (p, env) in &all {
        for api in &p.apis {
            let api = lower_api(b, env, p, api);
            b.program.apis.push(api);
        }
    }
    for (p, env) in &all {
        backends(b, p, env);
    }
    let mut api_base = 0;
    let mut product_base = 0;
    for (p, _) in &all {
        for product in &p.products {
            let lowered = lower_product(b, p, product, api_base);
            b.program.products.push(lowered);
        }
        for s in &p.subscriptions {
            // A subscription whose scope is not declared is reported by the loader.
            if let Some(lowered) = lower_subscription(b, p, s, api_base, product_base) {
                b.program.subscriptions.push(lowered);
            }
        }
        api_base += p.apis.len();
        product_base += p.products.len();
    }
}

fn lower_api(b: &mut Builder<'_>, env: &ScopeEnv<'_>, p: &Project, api: &project::Api) -> Api {
    let operations = api
        .operations
        .iter()
        .map(|o| Operation {
            name: b.intern(&o.name),
            display_name: b.intern(&o.display_name),
            method: b.intern(&o.method.to_ascii_uppercase()),
            template: b.intern(&o.url_template),
            pipelines: Vec::new(),
            examples: o
                .responses
                .iter()
                .map(|r| MockExample {
                    status: r.status,
                    content_type: r.content_type.as_deref().map(|t| b.intern(t)),
                    body: r.example.as_deref().map(|t| b.intern(t)),
                })
                .collect(),
            contract: contract(b, o),
        })
        .collect();
    Api {
        name: b.intern(&api.name),
        display_name: b.intern(&api.display_name),
        path: b.intern(api.path.trim_matches('/')),
        hosts: Vec::new(),
        service_url: api
            .service_url
            .as_deref()
            .map(|u| b.substitute_text(env, u)),
        subscription_required: api.subscription_required,
        key_header: b.intern(&api.subscription_key_header),
        key_query: b.intern(&api.subscription_key_query),
        revision: b.intern(&api.revision),
        is_current: api.is_current,
        version: api.version.as_deref().map(|v| b.intern(v)),
        versioning: versioning(b, p, api),
        kind: api.kind,
        graphql_schema: api.graphql_schema.as_deref().map(|s| b.intern(s)),
        protocols: Protocols(
            api.protocols
                .iter()
                .filter_map(|p| Protocols::bit(p))
                .fold(0, |a, b| a | b),
        ),
        operations,
    }
}

/// What operation `o` declares, for the validation policies.
fn contract(b: &mut Builder<'_>, o: &project::Operation) -> Contract {
    let param = |b: &mut Builder<'_>, p: &project::Parameter| ParamSpec {
        name: b.intern(&p.name),
        location: match p.location {
            project::ParameterIn::Template => ParamIn::Path,
            project::ParameterIn::Query => ParamIn::Query,
            project::ParameterIn::Header => ParamIn::Header,
        },
        required: p.required,
        schema: p.schema.as_deref().map(|s| b.intern(s)),
    };
    let parameters = o.parameters.iter().map(|p| param(b, p)).collect();
    let request = o
        .request_bodies
        .iter()
        .map(|(media, schema)| BodySpec {
            content_type: b.intern(media),
            schema: schema.as_deref().map(|s| b.intern(s)),
        })
        .collect();
    let mut responses: Vec<ResponseSpec> = Vec::new();
    for r in &o.responses {
        let at = match responses.iter().position(|x| x.status == r.status) {
            Some(i) => i,
            None => {
                let headers = r.headers.iter().map(|h| param(b, h)).collect();
                responses.push(ResponseSpec {
                    status: r.status,
                    bodies: Vec::new(),
                    headers,
                });
                responses.len() - 1
            }
        };
        if let Some(media) = &r.content_type {
            let body = BodySpec {
                content_type: b.intern(media),
                schema: r.schema.as_deref().map(|s| b.intern(s)),
            };
            responses[at].bodies.push(body);
        }
    }
    Contract {
        parameters,
        request,
        responses,
    }
}

/// Indices of the APIs of scope `p` called `name` (every revision).
fn api_indices(p: &Project, name: &str, base: usize) -> Vec<u32> {
    p.apis
        .iter()
        .enumerate()
        .filter(|(_, a)| a.name == name)
        .map(|(i, _)| (base + i) as u32)
        .collect()
}

fn lower_product(
    b: &mut Builder<'_>,
    p: &Project,
    product: &project::Product,
    base: usize,
) -> Product {
    Product {
        name: b.intern(&product.name),
        display_name: b.intern(&product.display_name),
        subscription_required: product.subscription_required,
        published: product.state.eq_ignore_ascii_case("published"),
        apis: product
            .apis
            .iter()
            .flat_map(|name| api_indices(p, name, base))
            .collect(),
    }
}

fn lower_subscription(
    b: &mut Builder<'_>,
    p: &Project,
    s: &project::Subscription,
    api_base: usize,
    product_base: usize,
) -> Option<Subscription> {
    let scope = match &s.scope {
        Scoped::AllApis => SubscriptionScope::AllApis,
        Scoped::Product(name) => {
            let i = p.products.iter().position(|x| &x.name == name)?;
            SubscriptionScope::Product((product_base + i) as u32)
        }
        Scoped::Api(name) => {
            let current = p.apis.iter().position(|a| &a.name == name && a.is_current);
            let i = current.or_else(|| p.apis.iter().position(|a| &a.name == name))?;
            SubscriptionScope::Api((api_base + i) as u32)
        }
    };
    let key_digests = [&s.primary_key, &s.secondary_key]
        .into_iter()
        .flatten()
        .map(|k| Sha256::digest(k.as_bytes()).into())
        .collect();
    Some(Subscription {
        name: b.intern(&s.name),
        scope,
        key_digests,
        active: s.state.eq_ignore_ascii_case("active"),
    })
}

/// The backends of one scope; pool members resolve within the scope first.
fn backends(b: &mut Builder<'_>, p: &Project, env: &ScopeEnv<'_>) {
    let first = b.program.backends.len();
    for backend in &p.backends {
        if backend.proxy.is_some() {
            let message = format!(
                "gatehouse does not send calls to backend `{}` through its proxy",
                backend.name
            );
            let o = &backend.origin;
            b.error(
                &o.file,
                super::NOT_EXECUTED,
                message,
                o.span,
                "proxy not supported",
            );
        }
        let name = env
            .backends
            .get(&backend.name)
            .cloned()
            .unwrap_or_else(|| backend.name.clone());
        let lowered = Backend {
            name: b.intern(&name),
            url: backend.url.as_deref().map(|u| b.substitute_text(env, u)),
            kind: BackendKind::Single,
            credentials: credentials(b, env, &backend.credentials),
            tls: TlsSettings {
                validate_chain: backend.tls.validate_chain,
                validate_name: backend.tls.validate_name,
            },
            breakers: backend
                .circuit_breaker
                .iter()
                .map(|r| breaker(b, r))
                .collect(),
        };
        b.program.backends.push(lowered);
    }
    for (i, backend) in p.backends.iter().enumerate() {
        let project::BackendKind::Pool(members) = &backend.kind else {
            continue;
        };
        let members = members
            .iter()
            .filter_map(|m| {
                let name = env.backends.get(&m.backend)?;
                let id = b.program.backend_by_name(name)?;
                Some(PoolMember {
                    backend: id as BackendId,
                    priority: m.priority,
                    weight: m.weight,
                })
            })
            .collect();
        if let Some(out) = b.program.backends.get_mut(first + i) {
            out.kind = BackendKind::Pool(members);
        }
    }
}

fn credentials(b: &mut Builder<'_>, env: &ScopeEnv<'_>, c: &project::Credentials) -> Credentials {
    let mut pairs = |list: &[(String, Vec<String>)]| {
        list.iter()
            .map(|(name, values)| {
                let name = b.intern(name);
                let values = values.iter().map(|v| b.substitute_text(env, v)).collect();
                (name, values)
            })
            .collect::<Vec<_>>()
    };
    let headers = pairs(&c.header);
    let query = pairs(&c.query);
    Credentials {
        headers,
        query,
        authorization: c
            .authorization
            .as_ref()
            .map(|(s, p)| (b.substitute_text(env, s), b.substitute_text(env, p))),
        certificates: c.certificate_ids.iter().map(|id| b.intern(id)).collect(),
    }
}

fn breaker(b: &mut Builder<'_>, r: &project::BreakerRule) -> Breaker {
    let small = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
    Breaker {
        name: b.intern(&r.name),
        count: r.count.map(small),
        percentage: r.percentage.map(small),
        interval_ms: u64::try_from(r.interval.as_millis()).unwrap_or(u64::MAX),
        status_ranges: r.status_ranges.clone(),
        error_reasons: r.error_reasons.iter().map(|e| b.intern(e)).collect(),
        trip_ms: u64::try_from(r.trip_duration.as_millis()).unwrap_or(u64::MAX),
        accept_retry_after: r.accept_retry_after,
    }
}

/// The scheme of `api`'s version set, when it belongs to a declared one.
fn versioning(b: &mut Builder<'_>, p: &Project, api: &project::Api) -> Option<Versioning> {
    let set = api.version_set.as_deref()?;
    let set = p.version_sets.iter().find(|s| s.name == set)?;
    Some(match &set.scheme {
        project::VersionScheme::Segment => Versioning::Segment,
        project::VersionScheme::Header(n) => Versioning::Header(b.intern(n)),
        project::VersionScheme::Query(n) => Versioning::Query(b.intern(n)),
    })
}
