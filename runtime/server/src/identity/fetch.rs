//! One token fetch: the documented request of each provider (path, query or form fields,
//! headers) and its JSON answer. Messages name the provider and the HTTP status or the
//! endpoint's `error` code, never a token or a credential.

use super::provider::{scope_of, Provider, APP_SERVICE_API_VERSION, IMDS_API_VERSION};
use crate::backend::client::{Call, Clients, OutBody};
use crate::backend::credentials::percent_encode;
use bytes::Bytes;
use gatehouse_runtime::engine::{AccessToken, TokenRequest};
use gatehouse_runtime::program::HttpVersion;
use http::{header, HeaderMap, HeaderValue, Method};
use http_body_util::{BodyExt, Limited};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Largest token endpoint answer read, bytes.
const MAX_ANSWER: usize = 64 << 10;

/// A token and how long it lives.
#[derive(Clone, Debug)]
pub struct Fetched {
    /// The token.
    pub token: AccessToken,
    /// Its lifetime from now.
    pub lifetime: Duration,
}

/// Fetches a token for `req` from `provider` within `timeout`.
pub async fn fetch(
    provider: &Provider,
    clients: &Clients,
    req: &TokenRequest,
    timeout: Duration,
) -> Result<Fetched, String> {
    let call = |url: String, method: Method, headers: HeaderMap| Call {
        url,
        method,
        headers,
        timeout,
        follow_redirects: false,
        version: HttpVersion::Http1,
        host: None,
    };
    let (call, body) = match provider {
        Provider::None => return Err("no token provider is configured".to_string()),
        Provider::AppService { endpoint, header } => {
            let mut h = HeaderMap::new();
            let mut v = HeaderValue::from_str(header)
                .map_err(|_| "IDENTITY_HEADER is not a valid header value".to_string())?;
            v.set_sensitive(true);
            h.insert("x-identity-header", v);
            let url = managed_url(endpoint, APP_SERVICE_API_VERSION, req);
            (call(url, Method::GET, h), Bytes::new())
        }
        Provider::Imds { endpoint } => {
            let mut h = HeaderMap::new();
            h.insert("metadata", HeaderValue::from_static("true"));
            let url = managed_url(endpoint, IMDS_API_VERSION, req);
            (call(url, Method::GET, h), Bytes::new())
        }
        Provider::ClientSecret {
            authority,
            tenant,
            client_id,
            secret,
        } => {
            same_client(req, client_id)?;
            let form = form(&[
                ("grant_type", "client_credentials"),
                ("client_id", client_id),
                ("client_secret", secret),
                ("scope", &scope_of(&req.resource)),
            ]);
            entra(authority, tenant, form, call)
        }
        Provider::Federated {
            authority,
            tenant,
            client_id,
            token_file,
        } => {
            same_client(req, client_id)?;
            // Read at every fetch: the platform rotates the file.
            let assertion = std::fs::read_to_string(token_file).map_err(|e| {
                format!(
                    "cannot read AZURE_FEDERATED_TOKEN_FILE {}: {e}",
                    token_file.display()
                )
            })?;
            let form = form(&[
                ("grant_type", "client_credentials"),
                ("client_id", client_id),
                (
                    "client_assertion_type",
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                ),
                ("client_assertion", assertion.trim()),
                ("scope", &scope_of(&req.resource)),
            ]);
            entra(authority, tenant, form, call)
        }
    };
    let name = provider.name();
    let resp = clients.call(call, OutBody::Full(body)).await.map_err(|f| {
        format!(
            "the {name} token endpoint could not be reached: {}",
            f.message
        )
    })?;
    let status = resp.status();
    let read = Limited::new(resp.into_body(), MAX_ANSWER).collect();
    let bytes = match tokio::time::timeout(timeout, read).await {
        Ok(Ok(c)) => c.to_bytes(),
        Ok(Err(_)) => {
            return Err(format!(
                "the {name} token endpoint's answer could not be read"
            ))
        }
        Err(_) => return Err(format!("the {name} token endpoint did not answer in time")),
    };
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
    if !status.is_success() {
        let code = json
            .get("error")
            .and_then(|e| {
                e.as_str()
                    .map(str::to_string)
                    .or_else(|| e.get("code")?.as_str().map(str::to_string))
            })
            .map(|c| format!(" ({})", c.chars().take(100).collect::<String>()))
            .unwrap_or_default();
        return Err(format!(
            "the {name} token endpoint answered {}{code}",
            status.as_u16()
        ));
    }
    parse(&json).ok_or_else(|| format!("the {name} token endpoint's answer holds no access token"))
}

/// The managed identity endpoints' URL: `api-version`, `resource`, `client_id`.
fn managed_url(endpoint: &str, version: &str, req: &TokenRequest) -> String {
    let mut url = endpoint.to_string();
    url.push(if url.contains('?') { '&' } else { '?' });
    url.push_str("api-version=");
    url.push_str(version);
    url.push_str("&resource=");
    percent_encode(&req.resource, &mut url);
    if let Some(c) = &req.client_id {
        url.push_str("&client_id=");
        percent_encode(c, &mut url);
    }
    url
}

/// The environment's credentials are one application's: a policy asking for another
/// identity (`client-id`) cannot be served by them.
fn same_client(req: &TokenRequest, client_id: &str) -> Result<(), String> {
    match &req.client_id {
        Some(c) if !c.eq_ignore_ascii_case(client_id) => Err(format!(
            "no credential for client id '{c}': the configured credentials are AZURE_CLIENT_ID's"
        )),
        _ => Ok(()),
    }
}

fn form(fields: &[(&str, &str)]) -> Bytes {
    let mut out = String::new();
    for (k, v) in fields {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        percent_encode(v, &mut out);
    }
    Bytes::from(out)
}

/// `POST {authority}/{tenant}/oauth2/v2.0/token` with a form body.
fn entra(
    authority: &str,
    tenant: &str,
    form: Bytes,
    call: impl Fn(String, Method, HeaderMap) -> Call,
) -> (Call, Bytes) {
    let mut tenant_enc = String::new();
    percent_encode(tenant, &mut tenant_enc);
    let url = format!("{authority}/{tenant_enc}/oauth2/v2.0/token");
    let mut h = HeaderMap::new();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    (call(url, Method::POST, h), form)
}

/// `access_token` with `expires_in` (seconds, number or text) or `expires_on` (Unix
/// seconds); a token without either lives five minutes.
fn parse(json: &serde_json::Value) -> Option<Fetched> {
    let token = json
        .get("access_token")?
        .as_str()
        .filter(|t| !t.is_empty())?;
    let secs = |k: &str| {
        let v = json.get(k)?;
        v.as_u64().or_else(|| v.as_str()?.trim().parse().ok())
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let lifetime = secs("expires_in")
        .or_else(|| secs("expires_on").map(|on| on.saturating_sub(now)))
        .unwrap_or(300);
    Some(Fetched {
        token: AccessToken::new(token),
        lifetime: Duration::from_secs(lifetime),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parses_lifetimes_as_numbers_text_or_an_end() {
        let j = serde_json::json!({"access_token": "t", "expires_in": "3599"});
        assert_eq!(parse(&j).unwrap().lifetime, Duration::from_secs(3599));
        let j = serde_json::json!({"access_token": "t", "expires_in": 60});
        assert_eq!(parse(&j).unwrap().lifetime, Duration::from_secs(60));
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let j = serde_json::json!({"access_token": "t", "expires_on": (now + 100).to_string()});
        let l = parse(&j).unwrap().lifetime.as_secs();
        assert!((98..=100).contains(&l), "{l}");
        assert!(parse(&serde_json::json!({"token_type": "Bearer"})).is_none());
    }

    #[test]
    fn managed_identity_urls_carry_version_resource_and_client() {
        let req = TokenRequest {
            resource: "https://vault.azure.net".into(),
            client_id: Some("abc".into()),
        };
        assert_eq!(
            managed_url("http://h/token", "2019-08-01", &req),
            "http://h/token?api-version=2019-08-01&resource=https%3A%2F%2Fvault.azure.net&client_id=abc"
        );
    }
}
