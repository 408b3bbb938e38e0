//! Products, backends, named values, policy fragments and subscriptions of one scope.

use super::backend::read_backend;
use super::fields::{parse_json, Fields};
use super::model::{
    Backend, Fragment, NamedValue, Origin, Product, Subscription, SubscriptionScope,
};
use super::read::{subdirs, Reader};
use super::report::{first_line, whole};
use crate::diagnostic::codes;
use crate::diagnostic::suggestion;
use crate::{Diagnostic, SourceFile};
use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

const P: &str = "/properties";

/// Every product under `dir`, with its API memberships (which must name one of `apis`).
pub(crate) fn load_products(rx: &mut Reader, dir: &Path, apis: &HashSet<&str>) -> Vec<Product> {
    let mut out = Vec::new();
    for (name, path) in subdirs(dir) {
        let what = format!("product `{name}`");
        let Some((file, info)) = rx.info(&path.join("productInformation.json"), Some(&what)) else {
            continue;
        };
        let mut product = rx.with_fields(&file, info.as_ref(), |f| read_product(f, &name));
        product.policy = rx.policy(&path.join("policy.xml"));
        for (api, api_dir) in subdirs(&path.join("apis")) {
            let link = rx.read(
                &api_dir.join("productApiInformation.json"),
                codes::INVALID_UTF8,
            );
            if let Some(link) = &link {
                check_object(rx, link);
            }
            if !apis.contains(api.as_str()) {
                let at = link.unwrap_or_else(|| file.clone());
                let help = suggestion(
                    &api,
                    apis.iter().copied(),
                    "declare the API under `apis/`, or remove the folder",
                );
                let message =
                    format!("product `{name}` includes `{api}`, which is not a declared API");
                let d =
                    Diagnostic::error(&at, codes::UNKNOWN_API, message, first_line(&at), "here");
                rx.diagnostics.push(d.with_help(help));
            }
            product.apis.push(api);
        }
        for api in listed_apis(rx, &path.join("apis.json"), apis) {
            if !product.apis.contains(&api) {
                product.apis.push(api);
            }
        }
        out.push(product);
    }
    out
}

/// The APIs of the older APIOps layout's `products/<p>/apis.json`: an array of API names,
/// or of API entities (`{"name": ...}`, the name possibly an ARM id); an ARM list
/// (`{"value": [...]}`) too. Anything else is reported, never read as no APIs.
fn listed_apis(rx: &mut Reader, path: &Path, apis: &HashSet<&str>) -> Vec<String> {
    let Some(file) = rx.read(path, codes::INVALID_UTF8) else {
        return Vec::new();
    };
    let root = match parse_json(&file) {
        Ok(v) => v,
        Err(d) => {
            rx.diagnostics.push(d);
            return Vec::new();
        }
    };
    let items = match &root {
        serde_json::Value::Object(m) => m.get("value").and_then(serde_json::Value::as_array),
        v => v.as_array(),
    };
    let Some(items) = items else {
        let message = "`apis.json` must be an array of API names or API entities";
        let d = Diagnostic::error(
            &file,
            codes::INVALID_FIELD,
            message,
            first_line(&file),
            "here",
        );
        rx.diagnostics
            .push(d.with_help("write e.g. `[\"orders\"]` or `[{\"name\": \"orders\"}]`"));
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items {
        let name = item
            .as_str()
            .or_else(|| item.get("name").and_then(serde_json::Value::as_str))
            .map(|n| n.rsplit('/').next().unwrap_or(n).to_string());
        match name {
            Some(n) if apis.contains(n.as_str()) => out.push(n),
            Some(n) => {
                let message = format!("`apis.json` lists `{n}`, which is not a declared API");
                let help = suggestion(&n, apis.iter().copied(), "declare the API under `apis/`");
                let d = Diagnostic::error(
                    &file,
                    codes::UNKNOWN_API,
                    message,
                    first_line(&file),
                    "here",
                );
                rx.diagnostics.push(d.with_help(help));
            }
            None => {
                let message = "an entry of `apis.json` names no API";
                let d = Diagnostic::error(
                    &file,
                    codes::MISSING_FIELD,
                    message,
                    first_line(&file),
                    "here",
                );
                rx.diagnostics
                    .push(d.with_help("give each entry a `\"name\"`"));
            }
        }
    }
    out
}

/// A file that must hold a JSON object (its contents are not used).
fn check_object(rx: &mut Reader, file: &Arc<SourceFile>) {
    match parse_json(file) {
        Err(d) => rx.diagnostics.push(d),
        Ok(v) if !v.is_object() => {
            let d = Diagnostic::error(
                file,
                codes::INVALID_FIELD,
                "the file must hold a JSON object",
                whole(file),
                "here",
            );
            rx.diagnostics
                .push(d.with_help("write {} or {\"properties\": {...}}"));
        }
        Ok(_) => {}
    }
}

/// The fields of `productInformation.json`.
pub(crate) fn read_product(f: &mut Fields, name: &str) -> Product {
    let state = match f.string("/properties/state") {
        None => "notPublished".to_string(),
        Some(s) if s == "published" || s == "notPublished" => s,
        Some(s) => {
            f.invalid("/properties/state", "`published` or `notPublished`");
            s
        }
    };
    Product {
        name: name.to_string(),
        display_name: f
            .string("/properties/displayName")
            .unwrap_or_else(|| name.to_string()),
        subscription_required: f.boolean("/properties/subscriptionRequired", true),
        approval_required: f.boolean("/properties/approvalRequired", false),
        state,
        apis: Vec::new(),
        policy: None,
        origin: Origin {
            file: f.file.clone(),
            span: f.span(P),
        },
    }
}

/// Every backend under `dir`.
pub(crate) fn load_backends(rx: &mut Reader, dir: &Path) -> Vec<Backend> {
    let mut out = Vec::new();
    for (name, path) in subdirs(dir) {
        let what = format!("backend `{name}`");
        let Some((file, info)) = rx.info(&path.join("backendInformation.json"), Some(&what)) else {
            continue;
        };
        out.push(rx.with_fields(&file, info.as_ref(), |f| read_backend(&name, f)));
    }
    out
}

/// Every named value under `dir`.
pub(crate) fn load_named_values(rx: &mut Reader, dir: &Path) -> Vec<NamedValue> {
    let mut out = Vec::new();
    for (name, path) in subdirs(dir) {
        let what = format!("named value `{name}`");
        let Some((file, info)) = rx.info(&path.join("namedValueInformation.json"), Some(&what))
        else {
            continue;
        };
        out.push(rx.with_fields(&file, info.as_ref(), |f| read_named_value(f, &name)));
    }
    out
}

/// The fields of `namedValueInformation.json`.
pub(crate) fn read_named_value(f: &mut Fields, name: &str) -> NamedValue {
    let display = f
        .string("/properties/displayName")
        .unwrap_or_else(|| name.to_string());
    let valid_name = !display.is_empty()
        && display
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b));
    if !valid_name {
        f.invalid(
            "/properties/displayName",
            "a name of letters, digits, `-`, `.` and `_`",
        );
    }
    let value = f.string("/properties/value");
    let secret = f.boolean("/properties/secret", false);
    let key_vault = f.string("/properties/keyVault/secretIdentifier");
    // APIOps exports a secret without its value: the gateway takes it at run time
    // (`GATEHOUSE_NAMED_VALUE_<NAME>` or `--secrets`), as a bundle always does.
    if value.is_none() && key_vault.is_none() && !secret && f.get(P).is_some() {
        f.missing(P, "value", "give the named value a \"value\"");
    }
    let at = if f.get("/properties/displayName").is_some() {
        "/properties/displayName"
    } else {
        P
    };
    NamedValue {
        name: display,
        value,
        secret,
        key_vault,
        origin: Origin {
            file: f.file.clone(),
            span: f.span(at),
        },
    }
}

/// Every policy fragment under `dir`; a fragment folder needs its `policy.xml`.
pub(crate) fn load_fragments(rx: &mut Reader, dir: &Path) -> Vec<Fragment> {
    let mut out = Vec::new();
    for (name, path) in subdirs(dir) {
        rx.info(&path.join("policyFragmentInformation.json"), None);
        let policy_path = path.join("policy.xml");
        if !policy_path.exists() {
            rx.read_required(&policy_path, &format!("policy fragment `{name}`"));
            continue;
        }
        if let Some(policy) = rx.policy(&policy_path) {
            out.push(Fragment { name, policy });
        }
    }
    out
}

/// Every subscription under `dir`.
pub(crate) fn load_subscriptions(rx: &mut Reader, dir: &Path) -> Vec<Subscription> {
    let mut out = Vec::new();
    for (name, path) in subdirs(dir) {
        let what = format!("subscription `{name}`");
        let Some((file, Some(info))) =
            rx.info(&path.join("subscriptionInformation.json"), Some(&what))
        else {
            continue;
        };
        let mut fields = Fields::new(&file, &info, &mut rx.diagnostics);
        out.extend(read_subscription(&mut fields, &name));
    }
    out
}

/// The fields of `subscriptionInformation.json`; `None` without a usable scope.
pub(crate) fn read_subscription(f: &mut Fields, name: &str) -> Option<Subscription> {
    let help =
        "give the scope, e.g. \"scope\": \"/products/starter\", \"/apis/orders\" or \"/apis\"";
    let text = f.required_string(P, "scope", help)?;
    let Some(scope) = parse_scope(&text) else {
        f.invalid(
            "/properties/scope",
            "`/products/<name>`, `/apis/<name>` or `/apis`",
        );
        return None;
    };
    Some(Subscription {
        name: name.to_string(),
        scope,
        primary_key: f.string("/properties/primaryKey"),
        secondary_key: f.string("/properties/secondaryKey"),
        state: f
            .string("/properties/state")
            .unwrap_or_else(|| "active".to_string()),
        origin: Origin {
            file: f.file.clone(),
            span: f.span("/properties/scope"),
        },
    })
}

/// A subscription scope: `/products/p`, `/apis/a`, `/apis`, or a full ARM id ending so.
pub fn parse_scope(text: &str) -> Option<SubscriptionScope> {
    let segments: Vec<&str> = text.split('/').filter(|s| !s.is_empty()).collect();
    match segments.as_slice() {
        [.., "apis"] => Some(SubscriptionScope::AllApis),
        [.., "products", p] => Some(SubscriptionScope::Product((*p).to_string())),
        [.., "apis", a] => Some(SubscriptionScope::Api((*a).to_string())),
        _ => None,
    }
}
