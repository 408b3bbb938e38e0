//! APIs (`apis/<api>/`): information, revisions, specification, and operation policies.

use super::fields::{parse_json, Fields};
use super::kinds;
use super::model::{Api, ApiKind, Operation, Origin, PolicyDoc};
use super::openapi::operations;
use super::read::{display, subdirs, Reader};
use super::report::first_line;
use super::yaml::parse_yaml;
use crate::diagnostic::codes;
use crate::diagnostic::suggestion;
use crate::Diagnostic;
use gatehouse_grammar::syntax::Node;
use gatehouse_grammar::Span;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

const P: &str = "/properties";

/// Splits a revision folder name: `orders;rev=2` is revision `2` of `orders`. Anything
/// that is not `;rev=` followed by a number from 1 up is an ordinary name.
pub fn split_revision(folder: &str) -> (&str, Option<&str>) {
    match folder.split_once(";rev=") {
        Some((name, rev))
            if !name.is_empty()
                && !rev.is_empty()
                && rev.bytes().all(|b| b.is_ascii_digit())
                && !rev.trim_start_matches('0').is_empty() =>
        {
            (name, Some(rev))
        }
        _ => (folder, None),
    }
}

/// Every API under `dir` (an `apis` folder), revisions included.
pub(crate) fn load_apis(rx: &mut Reader, dir: &Path) -> Vec<Api> {
    subdirs(dir)
        .into_iter()
        .map(|(folder, path)| load_api(rx, &folder, &path))
        .collect()
}

/// One API folder.
fn load_api(rx: &mut Reader, folder: &str, dir: &Path) -> Api {
    let (name, folder_rev) = split_revision(folder);
    let what = format!("API `{folder}`");
    let (file, info) = rx
        .info(&dir.join("apiInformation.json"), Some(&what))
        .unwrap_or_else(|| unreachable_info(dir));
    let mut api = rx.with_fields(&file, info.as_ref(), |f| read_api(f, name, folder_rev));
    api.policy = rx.policy(&dir.join("policy.xml"));
    if api.kind != ApiKind::Http {
        api.operations = kinds::operations(rx, &api, dir);
        if api.kind == ApiKind::GraphQl {
            api.graphql_schema = kinds::graphql_schema(rx, dir);
        }
        attach_operations(rx, &mut api, &dir.join("operations"), true, true);
        if api.kind == ApiKind::WebSocket {
            kinds::check_handshake(rx, &api);
        }
        return api;
    }
    let spec_path = spec_path(dir);
    let has_spec_file = spec_path.is_some();
    let spec = spec_path.and_then(|(path, yaml)| load_spec(rx, &path, yaml));
    let known = spec.is_some();
    api.operations = spec.unwrap_or_default();
    // A broken specification is reported once; its operation folders are not.
    let check = known || !has_spec_file;
    attach_operations(rx, &mut api, &dir.join("operations"), check, known);
    api
}

/// A stand-in when the information file is missing (already reported).
fn unreachable_info(dir: &Path) -> (std::sync::Arc<crate::SourceFile>, Option<serde_json::Value>) {
    let path = display(&dir.join("apiInformation.json"));
    (std::sync::Arc::new(crate::SourceFile::new(path, "")), None)
}

/// The fields of `apiInformation.json`.
fn read_api(f: &mut Fields, name: &str, folder_rev: Option<&str>) -> Api {
    let path = f.required_string(
        P,
        "path",
        "give the API's URL suffix, e.g. \"path\": \"orders\" (\"\" for the root)",
    );
    let kind = read_kind(f);
    let mut protocols = f.strings("/properties/protocols");
    let (allowed, expected) = match kind {
        ApiKind::WebSocket => (&["ws", "wss"][..], "`ws` or `wss` (a WebSocket API)"),
        _ => (&["http", "https"][..], "`http` or `https`"),
    };
    for (i, p) in protocols.iter().enumerate() {
        if !allowed.contains(&p.to_ascii_lowercase().as_str()) {
            f.invalid(&format!("/properties/protocols/{i}"), expected);
        }
    }
    if protocols.is_empty() {
        let default = if kind == ApiKind::WebSocket {
            "wss"
        } else {
            "https"
        };
        protocols.push(default.to_string());
    }
    let revision = f
        .string("/properties/apiRevision")
        .or_else(|| folder_rev.map(str::to_string))
        .unwrap_or_else(|| "1".to_string());
    Api {
        name: name.to_string(),
        display_name: f
            .string("/properties/displayName")
            .unwrap_or_else(|| name.to_string()),
        path: path
            .unwrap_or_else(|| name.to_string())
            .trim_matches('/')
            .to_string(),
        service_url: f.string("/properties/serviceUrl"),
        protocols,
        kind,
        graphql_schema: None,
        subscription_required: f.boolean("/properties/subscriptionRequired", true),
        subscription_key_header: f
            .string("/properties/subscriptionKeyParameterNames/header")
            .unwrap_or_else(|| "Ocp-Apim-Subscription-Key".to_string()),
        subscription_key_query: f
            .string("/properties/subscriptionKeyParameterNames/query")
            .unwrap_or_else(|| "subscription-key".to_string()),
        revision,
        is_current: f.boolean("/properties/isCurrent", folder_rev.is_none()),
        version_set: f
            .string("/properties/apiVersionSetId")
            .and_then(|id| id.rsplit('/').next().map(str::to_string))
            .filter(|s| !s.is_empty()),
        version: f.string("/properties/apiVersion").filter(|v| !v.is_empty()),
        version_spans: f.get("/properties/apiVersionSetId").map(|_| {
            let set = f.span("/properties/apiVersionSetId");
            let version = match f.get("/properties/apiVersion") {
                Some(_) => f.span("/properties/apiVersion"),
                None => set,
            };
            (set, version)
        }),
        operations: Vec::new(),
        policy: None,
        origin: Origin {
            file: f.file.clone(),
            span: f.span(P),
        },
    }
}

/// The API's `type` (`http` when absent); an unknown one is reported and read as `http`.
fn read_kind(f: &mut Fields) -> ApiKind {
    let Some(t) = f.string("/properties/type") else {
        return ApiKind::Http;
    };
    ApiKind::from_name(&t).unwrap_or_else(|| {
        f.invalid(
            "/properties/type",
            "one of `http`, `soap`, `graphql`, `odata`, `websocket`",
        );
        ApiKind::Http
    })
}

/// The API's OpenAPI specification file, and whether it is YAML.
fn spec_path(dir: &Path) -> Option<(PathBuf, bool)> {
    ["yaml", "yml", "json"]
        .iter()
        .map(|ext| (dir.join(format!("specification.{ext}")), *ext != "json"))
        .find(|(p, _)| p.exists())
}

/// The operations of the API's specification: `None` when it cannot be read (reported).
fn load_spec(rx: &mut Reader, path: &Path, yaml: bool) -> Option<Vec<Operation>> {
    let file = rx.read(path, codes::INVALID_UTF8)?;
    let parsed = if yaml {
        parse_yaml(&file)
    } else {
        parse_json(&file)
    };
    match parsed {
        Ok(spec) => Some(operations(&file, &spec, &mut rx.diagnostics)),
        Err(d) => {
            rx.diagnostics.push(d);
            None
        }
    }
}

/// Attaches `operations/<op>/policy.xml` to the operation named `<op>`.
/// Unmatched folders are reported when `check` is set.
fn attach_operations(rx: &mut Reader, api: &mut Api, dir: &Path, check: bool, spec_known: bool) {
    let index: HashMap<String, usize> = api
        .operations
        .iter()
        .enumerate()
        .map(|(i, op)| (op.name.clone(), i))
        .collect();
    for (name, op_dir) in subdirs(dir) {
        let Some(doc) = rx.policy(&op_dir.join("policy.xml")) else {
            continue;
        };
        if let Some(&i) = index.get(&name) {
            api.operations[i].policy = Some(doc);
            continue;
        }
        if check {
            rx.diagnostics
                .push(unknown_operation(api, &name, &doc, spec_known));
        }
    }
}

/// `unknown-operation`: an operation folder the specification does not declare.
fn unknown_operation(api: &Api, name: &str, doc: &PolicyDoc, spec_known: bool) -> Diagnostic {
    let file = &doc.file;
    let names = api.operations.iter().map(|o| o.name.as_str());
    let otherwise = if spec_known {
        "the folder name must be an operationId of the API's specification"
    } else {
        "the API has no specification (specification.yaml or .json) declaring its operations"
    };
    let help = suggestion(name, names, otherwise);
    Diagnostic::error(
        file,
        codes::UNKNOWN_OPERATION,
        format!("API `{}` has no operation `{name}`", api.name),
        root_tag(doc),
        "policy of an undeclared operation",
    )
    .with_help(help)
}

/// The start tag of a document's root element (else its first line).
fn root_tag(doc: &PolicyDoc) -> Span {
    let root = doc.parsed.document.nodes.iter().find_map(|n| match n {
        Node::Element(e) => Some(e.start_tag),
        _ => None,
    });
    root.unwrap_or_else(|| first_line(&doc.file))
}
