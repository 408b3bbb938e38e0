//! A loose policy file as a project: one API at the root path with one catch-all operation.

use crate::project::{Api, Backend, Operation, Origin, PolicyDoc, Project};
use gatehouse_grammar::Span;
use std::sync::Arc;

/// The project `gatehouse build file.xml` builds: the document is the policy of an API
/// `file` (path empty) with one operation `any` (method `*`, template `/*`). Backends and
/// named values come from `declarations` (`--backends`, `--named-values`) when given.
pub fn loose_project(doc: PolicyDoc, declarations: Option<&Project>) -> Project {
    let file = Arc::clone(&doc.file);
    let origin = Origin {
        file: Arc::clone(&file),
        span: Span::new(0, 0),
    };
    let api = Api {
        name: "file".to_string(),
        display_name: file.path.clone(),
        path: String::new(),
        service_url: None,
        protocols: vec!["http".to_string(), "https".to_string()],
        kind: Default::default(),
        graphql_schema: None,
        subscription_required: false,
        subscription_key_header: "Ocp-Apim-Subscription-Key".to_string(),
        subscription_key_query: "subscription-key".to_string(),
        revision: "1".to_string(),
        is_current: true,
        version_set: None,
        version: None,
        version_spans: None,
        operations: vec![Operation {
            name: "any".to_string(),
            display_name: "any".to_string(),
            method: "*".to_string(),
            url_template: "/*".to_string(),
            parameters: Vec::new(),
            responses: Vec::new(),
            request_bodies: Vec::new(),
            policy: None,
        }],
        policy: Some(doc),
        origin,
    };
    let mut project = Project {
        apis: vec![api],
        ..Project::default()
    };
    if let Some(d) = declarations {
        project.named_values = d.named_values.clone();
        project.backends = d.backends.iter().map(copy_backend).collect();
    }
    project
}

fn copy_backend(b: &Backend) -> Backend {
    Backend {
        name: b.name.clone(),
        url: b.url.clone(),
        protocol: b.protocol.clone(),
        kind: b.kind.clone(),
        credentials: b.credentials.clone(),
        tls: b.tls,
        proxy: b.proxy.clone(),
        circuit_breaker: b.circuit_breaker.clone(),
        origin: b.origin.clone(),
    }
}
