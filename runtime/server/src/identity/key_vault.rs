//! Key Vault named values: each secret read through Key Vault's REST API
//! (`GET {secretIdentifier}?api-version=7.4` with a bearer token for the vault's resource
//! from the gateway's token provider), kept in memory only, and refreshed periodically; a
//! failed refresh keeps the last good value and says so in the log and `/metrics`.

use super::Tokens;
use crate::backend::client::{Call, ClientSettings, Clients, OutBody};
use gatehouse_runtime::engine::TokenRequest;
use gatehouse_runtime::program::{HttpVersion, TlsSettings};
use http::{header, HeaderMap, HeaderValue, Method};
use http_body_util::{BodyExt, Limited};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The Key Vault REST API version used.
pub const API_VERSION: &str = "7.4";
/// How often APIM refreshes Key Vault named values (four hours).
pub const DEFAULT_REFRESH: Duration = Duration::from_secs(4 * 3600);
/// Largest secret answer read, bytes (a named value is at most 4096 characters).
const MAX_ANSWER: usize = 64 << 10;

/// What a refresh found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Refreshed {
    /// Some value changed (the program must be rebuilt with it).
    pub changed: bool,
    /// Named values whose refresh failed (their last good value is kept).
    pub failed: Vec<String>,
}

/// The Key Vault named values of the program being served: identifier and last good
/// value per named value. `Debug` shows names only.
pub struct KeyVault {
    tokens: Arc<Tokens>,
    clients: Clients,
    timeout: Duration,
    values: Mutex<BTreeMap<String, (String, String)>>,
    stale: Mutex<BTreeSet<String>>,
}

impl std::fmt::Debug for KeyVault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<String> = self.lock().keys().cloned().collect();
        f.debug_struct("KeyVault").field("names", &names).finish()
    }
}

impl KeyVault {
    /// Secrets read with tokens from `tokens` over fully validating TLS.
    pub fn new(tokens: Arc<Tokens>, client: &ClientSettings, timeout: Duration) -> KeyVault {
        let mut client = client.clone();
        client.certificates = Default::default();
        KeyVault {
            tokens,
            clients: Clients::new(TlsSettings::default(), None, client),
            timeout,
            values: Mutex::new(BTreeMap::new()),
            stale: Mutex::new(BTreeSet::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, (String, String)>> {
        self.values.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The value of named value `name` read from `identifier`: the one held (the refresh
    /// keeps it current), or read now on first use.
    pub async fn value(&self, name: &str, identifier: &str) -> Result<String, String> {
        if let Some((id, v)) = self.lock().get(name) {
            if id == identifier {
                return Ok(v.clone());
            }
        }
        let v = self.read(identifier).await?;
        self.lock()
            .insert(name.to_string(), (identifier.to_string(), v.clone()));
        Ok(v)
    }

    /// How many named values are held.
    pub fn held(&self) -> usize {
        self.lock().len()
    }

    /// Named values whose last refresh failed.
    pub fn stale(&self) -> usize {
        self.stale.lock().map_or(0, |s| s.len())
    }

    /// Reads every held named value again; a failure keeps its last good value.
    pub async fn refresh(&self) -> Refreshed {
        let held: Vec<(String, String)> = self
            .lock()
            .iter()
            .map(|(n, (id, _))| (n.clone(), id.clone()))
            .collect();
        let mut out = Refreshed::default();
        for (name, id) in held {
            match self.read(&id).await {
                Ok(v) => {
                    if let Some(entry) = self.lock().get_mut(&name) {
                        if entry.1 != v {
                            entry.1 = v;
                            out.changed = true;
                        }
                    }
                    if let Ok(mut s) = self.stale.lock() {
                        s.remove(&name);
                    }
                }
                Err(reason) => {
                    tracing::warn!(
                        named_value = %name,
                        reason = %reason,
                        "Key Vault refresh failed; keeping the last good value"
                    );
                    if let Ok(mut s) = self.stale.lock() {
                        s.insert(name.clone());
                    }
                    out.failed.push(name);
                }
            }
        }
        out
    }

    /// `GET {identifier}?api-version=7.4` with a bearer token; the answer's `value`.
    async fn read(&self, identifier: &str) -> Result<String, String> {
        let resource = resource_of(identifier)?;
        let token = self
            .tokens
            .get(&TokenRequest {
                resource,
                client_id: None,
            })
            .await
            .map_err(|f| format!("no token for Key Vault: {}", f.message))?;
        let mut headers = HeaderMap::new();
        let mut bearer = HeaderValue::from_str(&format!("Bearer {}", token.secret()))
            .map_err(|_| "the token is not a valid header value".to_string())?;
        bearer.set_sensitive(true);
        headers.insert(header::AUTHORIZATION, bearer);
        let sep = if identifier.contains('?') { '&' } else { '?' };
        let call = Call {
            url: format!("{identifier}{sep}api-version={API_VERSION}"),
            method: Method::GET,
            headers,
            timeout: self.timeout,
            follow_redirects: false,
            version: HttpVersion::Http1,
            host: None,
        };
        let resp = self
            .clients
            .call(call, OutBody::Full(bytes::Bytes::new()))
            .await
            .map_err(|f| format!("Key Vault could not be reached: {}", f.message))?;
        let status = resp.status();
        let read = Limited::new(resp.into_body(), MAX_ANSWER).collect();
        let body = match tokio::time::timeout(self.timeout, read).await {
            Ok(Ok(c)) => c.to_bytes(),
            _ => return Err("Key Vault's answer could not be read".to_string()),
        };
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        if !status.is_success() {
            let code = json
                .pointer("/error/code")
                .and_then(|c| c.as_str())
                .map(|c| format!(" ({})", c.chars().take(100).collect::<String>()))
                .unwrap_or_default();
            return Err(format!("Key Vault answered {}{code}", status.as_u16()));
        }
        json.get("value")
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .ok_or_else(|| "Key Vault's answer holds no value".to_string())
    }
}

/// The token resource of the vault `identifier` names: `https://vault.<cloud suffix>`
/// for Azure's vault hosts, `https://vault.azure.net` for any other. Only `https` URLs,
/// and `http` to a loopback host (tests, local emulators), are accepted.
pub fn resource_of(identifier: &str) -> Result<String, String> {
    let uri: http::Uri = identifier
        .parse()
        .map_err(|_| "the Key Vault secret identifier is not a URL".to_string())?;
    let host = uri.host().unwrap_or_default().to_ascii_lowercase();
    let loopback = matches!(host.as_str(), "localhost" | "127.0.0.1" | "[::1]" | "::1");
    match uri.scheme_str() {
        Some("https") => {}
        Some("http") if loopback => {}
        _ => {
            return Err(
                "the Key Vault secret identifier must be an https URL (http only to loopback)"
                    .to_string(),
            )
        }
    }
    if !uri.path().starts_with("/secrets/") {
        return Err("the Key Vault secret identifier has no /secrets/ path".to_string());
    }
    for suffix in [
        "vault.azure.net",
        "vault.azure.cn",
        "vault.usgovcloudapi.net",
        "vault.microsoftazure.de",
    ] {
        if host.ends_with(&format!(".{suffix}")) {
            return Ok(format!("https://{suffix}"));
        }
    }
    Ok("https://vault.azure.net".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_follow_the_vault_cloud_and_plain_http_is_loopback_only() {
        let r = |s| resource_of(s);
        assert_eq!(
            r("https://v.vault.azure.net/secrets/a").as_deref(),
            Ok("https://vault.azure.net")
        );
        assert_eq!(
            r("https://v.vault.azure.cn/secrets/a").as_deref(),
            Ok("https://vault.azure.cn")
        );
        assert_eq!(
            r("http://127.0.0.1:9/secrets/a").as_deref(),
            Ok("https://vault.azure.net")
        );
        assert!(r("http://example.com/secrets/a").is_err());
        assert!(r("https://v.vault.azure.net/keys/a").is_err());
        assert!(r("not a url").is_err());
    }
}
