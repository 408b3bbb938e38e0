//! Backend entities (`backendInformation.json`): fields, credentials, TLS, proxy, pools.

use super::breaker::read_breaker;
use super::fields::Fields;
use super::model::{Backend, BackendKind, Credentials, Origin, PoolMember, Proxy, Tls};
use serde_json::Value;

const P: &str = "/properties";

/// Most members a pool may list (APIM, 2025).
const MAX_POOL_MEMBERS: usize = 30;
/// Most client certificates a backend may list.
const MAX_CERTIFICATES: usize = 32;
/// Longest URL APIM accepts.
const MAX_URL: usize = 2000;

/// Reads the backend `name` from its information file.
pub(crate) fn read_backend(name: &str, f: &mut Fields) -> Backend {
    let kind = read_kind(f);
    let url = match kind {
        BackendKind::Single => f.required_string(
            P,
            "url",
            "a single backend needs its runtime URL, e.g. \"url\": \"https://orders.example.com\"",
        ),
        BackendKind::Pool(_) => f.string("/properties/url"),
    };
    if let Some(url) = &url {
        check_url(f, "/properties/url", url);
    }
    Backend {
        name: name.to_string(),
        url,
        protocol: read_protocol(f),
        kind,
        credentials: read_credentials(f),
        tls: Tls {
            validate_chain: f.boolean("/properties/tls/validateCertificateChain", true),
            validate_name: f.boolean("/properties/tls/validateCertificateName", true),
        },
        proxy: read_proxy(f),
        circuit_breaker: read_breaker(f),
        origin: Origin {
            file: f.file.clone(),
            span: f.span(P),
        },
    }
}

/// Checks a URL is absolute http(s) and not too long.
fn check_url(f: &mut Fields, pointer: &str, url: &str) {
    let lower = url.to_ascii_lowercase();
    let scheme_ok = lower.starts_with("http://") || lower.starts_with("https://");
    if !scheme_ok || url.len() > MAX_URL || url.len() <= "http://".len() {
        f.invalid(
            pointer,
            "an absolute http:// or https:// URL of at most 2000 characters",
        );
    }
}

/// `protocol`: `http` (the default) or `soap`.
fn read_protocol(f: &mut Fields) -> String {
    match f.string("/properties/protocol") {
        None => "http".to_string(),
        Some(p) if p == "http" || p == "soap" => p,
        Some(_) => {
            f.invalid("/properties/protocol", "`http` or `soap`");
            "http".to_string()
        }
    }
}

/// `type` (`Single`, the default, or `Pool`) and the pool's members.
fn read_kind(f: &mut Fields) -> BackendKind {
    match f.string("/properties/type") {
        None => BackendKind::Single,
        Some(t) if t.eq_ignore_ascii_case("single") => BackendKind::Single,
        Some(t) if t.eq_ignore_ascii_case("pool") => BackendKind::Pool(read_pool(f)),
        Some(_) => {
            f.invalid("/properties/type", "`Single` or `Pool`");
            BackendKind::Single
        }
    }
}

/// `pool.services`: 1 to 30 members, each with an id, weight and priority.
fn read_pool(f: &mut Fields) -> Vec<PoolMember> {
    const SERVICES: &str = "/properties/pool/services";
    if f.get(SERVICES).is_none() {
        let help = "a pool lists its members in \"pool\": {\"services\": [{\"id\": \"/backends/<name>\"}]}";
        if f.get("/properties/pool").is_none() {
            f.missing(P, "pool", help);
        } else {
            f.missing("/properties/pool", "services", help);
        }
        return Vec::new();
    }
    let services = f.array(SERVICES);
    if services.is_empty() && f.get(SERVICES).is_some_and(Value::is_array) {
        f.invalid(SERVICES, "a list of at least one backend");
    }
    if services.len() > MAX_POOL_MEMBERS {
        let pointer = format!("{SERVICES}/{MAX_POOL_MEMBERS}");
        f.invalid(&pointer, "left out: a pool has at most 30 members");
    }
    let mut members = Vec::with_capacity(services.len());
    for i in 0..services.len() {
        members.extend(read_member(f, &format!("{SERVICES}/{i}")));
    }
    members
}

/// One pool member.
fn read_member(f: &mut Fields, at: &str) -> Option<PoolMember> {
    f.object(at)?;
    let id = f.required_string(
        at,
        "id",
        "give the member's backend id, e.g. \"/backends/orders-eu\"",
    )?;
    let Some(backend) = member_name(&id) else {
        f.invalid(
            &format!("{at}/id"),
            "a backend id ending in `backends/<name>`",
        );
        return None;
    };
    let weight = f.integer(&format!("{at}/weight"), 0, 100).unwrap_or(1);
    let priority = f.integer(&format!("{at}/priority"), 0, 100).unwrap_or(1);
    Some(PoolMember {
        backend: backend.to_string(),
        priority: u32::try_from(priority).unwrap_or(1),
        weight: u32::try_from(weight).unwrap_or(1),
        origin: Origin {
            file: f.file.clone(),
            span: f.span(&format!("{at}/id")),
        },
    })
}

/// The backend a pool member id names: the segment after the last `backends/`, or the last
/// path segment (`/subscriptions/…/service/x/backends/eu`, `/backends/eu` and `eu` all name
/// `eu`).
pub fn member_name(id: &str) -> Option<&str> {
    let id = id.trim();
    let name = match id.rfind("backends/") {
        Some(i) => &id[i + "backends/".len()..],
        None => id.rsplit('/').next().unwrap_or(id),
    };
    let ok = !name.is_empty() && !name.contains('/');
    ok.then_some(name)
}

/// `credentials`: header and query maps, authorization, certificate ids.
fn read_credentials(f: &mut Fields) -> Credentials {
    const C: &str = "/properties/credentials";
    if f.get(C).is_none() || f.object(C).is_none() {
        return Credentials::default();
    }
    let authorization = f.object("/properties/credentials/authorization").and_then(|_| {
        const A: &str = "/properties/credentials/authorization";
        let help = "an authorization credential needs both \"scheme\" (e.g. \"Bearer\") and \"parameter\"";
        let scheme = f.required_string(A, "scheme", help);
        let parameter = f.required_string(A, "parameter", help);
        Some((scheme?, parameter?))
    });
    let certificate_ids = f.strings("/properties/credentials/certificateIds");
    if certificate_ids.len() > MAX_CERTIFICATES {
        f.invalid(
            "/properties/credentials/certificateIds",
            "a list of at most 32 certificates",
        );
    }
    Credentials {
        header: string_lists(f, "/properties/credentials/header"),
        query: string_lists(f, "/properties/credentials/query"),
        authorization,
        certificate_ids,
    }
}

/// A map from names to lists of strings (header and query credentials).
fn string_lists(f: &mut Fields, pointer: &str) -> Vec<(String, Vec<String>)> {
    let Some(map) = f.get(pointer).and_then(|_| f.object(pointer)) else {
        return Vec::new();
    };
    let mut out = Vec::with_capacity(map.len());
    for (key, value) in map {
        let at = format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
        if value.is_array() {
            out.push((key.clone(), f.strings(&at)));
        } else {
            f.invalid(&at, "a list of strings");
        }
    }
    out
}

/// `proxy`: a URL (required) and optional basic credentials.
fn read_proxy(f: &mut Fields) -> Option<Proxy> {
    const X: &str = "/properties/proxy";
    f.get(X)?;
    f.object(X)?;
    let url = f.required_string(
        X,
        "url",
        "a proxy needs \"url\", e.g. \"http://proxy.example:8080\"",
    );
    if let Some(url) = &url {
        check_url(f, "/properties/proxy/url", url);
    }
    Some(Proxy {
        url: url?,
        username: f.string("/properties/proxy/username"),
        password: f.string("/properties/proxy/password"),
    })
}
