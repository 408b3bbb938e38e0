//! The refresher of the engine's key cache: fetches the OpenID configurations and JWKS
//! documents of `validate-jwt` / `validate-azure-ad-token` off the request path — at load
//! ([`warm`]), when a request met an unknown `kid` (the cache wakes it), and when keys grow
//! old. One task per server fetches one URL at a time, so concurrent refreshes collapse
//! into one; a failed fetch keeps the cached keys and is logged.

use super::backend::Backends;
use super::shutdown::Shutdown;
use super::{Engine, Shared};
use bytes::Bytes;
use gatehouse_runtime::engine::{BackendRequest, Target};
use gatehouse_runtime::program::HttpVersion;
use gatehouse_runtime::state::{parse_discovery, parse_jwks, Clock, KeyCache, KeySet, SystemClock};
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use http_body_util::{BodyExt, Limited};
use std::sync::Arc;
use std::time::Duration;

/// Fetches every URL of `keys` that is due now (all of them for a new cache).
pub async fn warm(keys: &KeyCache, backends: &Backends) {
    let timing = keys.timing();
    for url in keys.due(SystemClock.now_ms()) {
        let outcome = fetch_set(backends, &url, &timing).await;
        match &outcome {
            Ok(set) => tracing::info!(url = %url, keys = set.keys.len(), "token keys fetched"),
            Err(e) => {
                tracing::warn!(url = %url, error = %e, "token keys not fetched; keeping the cached keys")
            }
        }
        keys.store(&url, outcome, SystemClock.now_ms());
    }
}

/// Keeps the current program's key cache fresh until `stop`: wakes when a request asks
/// for a refresh, and at least every `tick`.
pub async fn run<E: Engine>(shared: Arc<Shared<E>>, tick: Duration, stop: Shutdown) {
    let wake = Arc::new(tokio::sync::Notify::new());
    loop {
        let loaded = shared.current.load_full();
        if let Some(keys) = loaded.engine.key_cache() {
            let w = wake.clone();
            keys.set_waker(Arc::new(move || w.notify_one()));
            warm(keys, &loaded.backends).await;
        }
        drop(loaded);
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(tick) => {}
            _ = stop.wait() => return,
        }
    }
}

/// The keys and issuer of the OpenID configuration at `url`.
async fn fetch_set(
    backends: &Backends,
    url: &str,
    timing: &gatehouse_runtime::state::KeyCacheTiming,
) -> Result<KeySet, String> {
    let doc = get(backends, url, timing).await?;
    let (jwks_uri, issuer) = parse_discovery(&doc)?;
    let jwks = get(backends, &jwks_uri, timing).await?;
    Ok(KeySet {
        issuer,
        keys: parse_jwks(&jwks, timing.max_keys)?,
    })
}

/// `GET url`: a 200 response's body, bounded in size and time.
async fn get(
    backends: &Backends,
    url: &str,
    timing: &gatehouse_runtime::state::KeyCacheTiming,
) -> Result<Bytes, String> {
    let timeout = Duration::from_millis(timing.fetch_timeout_ms);
    let mut headers = HeaderMap::new();
    headers.insert(
        http::header::ACCEPT,
        HeaderValue::from_static("application/json"),
    );
    let req = BackendRequest {
        target: Target::Url(url.to_string()),
        path_and_query: String::new(),
        method: Method::GET,
        headers,
        body: Some(Bytes::new()),
        timeout,
        follow_redirects: true,
        http_version: HttpVersion::Http1,
        buffer_response: true,
        certificate: None,
    };
    let read = async {
        let resp = backends
            .forward(req, None)
            .await
            .map_err(|f| format!("{url}: {}", f.message))?;
        if resp.status() != StatusCode::OK {
            return Err(format!("{url}: status {}", resp.status()));
        }
        Limited::new(resp.into_body(), timing.max_document_bytes)
            .collect()
            .await
            .map(|c| c.to_bytes())
            .map_err(|e| format!("{url}: body not read: {e}"))
    };
    tokio::time::timeout(timeout, read)
        .await
        .map_err(|_| format!("{url}: no answer within {} ms", timeout.as_millis()))?
}
