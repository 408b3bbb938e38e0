//! Access tokens for `authentication-managed-identity` and Key Vault named values: the
//! operator's [`Provider`], and a cache per (resource, client id) holding each token until
//! shortly before it expires, concurrent fetches of one key collapsed into one.

pub mod fetch;
pub mod key_vault;
pub mod provider;

pub use key_vault::KeyVault;
pub use provider::Provider;

use crate::backend::client::{ClientSettings, Clients};
use fetch::Fetched;
use gatehouse_runtime::engine::{AccessToken, TokenFailure, TokenRequest};
use gatehouse_runtime::program::TlsSettings;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::OnceCell;

/// Token settings (limits are configuration).
#[derive(Clone, Debug)]
pub struct IdentitySettings {
    /// Who issues tokens.
    pub provider: Provider,
    /// A token is fetched again this long before it expires (or at half its life when it
    /// lives less than twice this).
    pub refresh_margin: Duration,
    /// Longest wait for a token endpoint's answer.
    pub timeout: Duration,
    /// Most (resource, client id) pairs cached; `resource` may be an expression, so the
    /// cache is bounded whatever requests ask for.
    pub max_cached: usize,
}

impl Default for IdentitySettings {
    fn default() -> Self {
        IdentitySettings {
            provider: Provider::None,
            refresh_margin: Duration::from_secs(300),
            timeout: Duration::from_secs(10),
            max_cached: 1024,
        }
    }
}

type Flight = Arc<OnceCell<Result<Fetched, String>>>;

/// One cached key: the current token and the fetch in flight.
#[derive(Default)]
struct Entry {
    current: Option<Held>,
    flight: Option<Flight>,
}

#[derive(Clone)]
struct Held {
    token: AccessToken,
    refresh_at: Instant,
    expires_at: Instant,
}

/// The token cache and its provider; shared by every request and reload.
pub struct Tokens {
    settings: IdentitySettings,
    clients: Clients,
    cache: Mutex<HashMap<TokenRequest, Entry>>,
    fetches: AtomicU64,
    failures: AtomicU64,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("provider", &self.settings.provider)
            .finish()
    }
}

impl Tokens {
    /// Tokens from `settings.provider`, fetched with fully validating TLS clients.
    pub fn new(settings: IdentitySettings, client: &ClientSettings) -> Tokens {
        let mut client = client.clone();
        // The gateway presents no client certificate to token endpoints.
        client.certificates = Default::default();
        Tokens {
            clients: Clients::new(TlsSettings::default(), None, client),
            settings,
            cache: Mutex::new(HashMap::new()),
            fetches: AtomicU64::new(0),
            failures: AtomicU64::new(0),
        }
    }

    /// The configured provider's name.
    pub fn provider(&self) -> &'static str {
        self.settings.provider.name()
    }

    /// Token fetches made, and how many failed.
    pub fn counts(&self) -> (u64, u64) {
        (
            self.fetches.load(Ordering::Relaxed),
            self.failures.load(Ordering::Relaxed),
        )
    }

    /// Appends the token metrics (Prometheus text): fetches by result.
    pub fn render(&self, out: &mut String) {
        use std::fmt::Write;
        let (fetches, failures) = self.counts();
        out.push_str("# HELP gatehouse_token_fetches_total Access token fetches from the token provider, by result.\n");
        out.push_str("# TYPE gatehouse_token_fetches_total counter\n");
        let ok = fetches.saturating_sub(failures);
        let _ = writeln!(out, "gatehouse_token_fetches_total{{result=\"ok\"}} {ok}");
        let _ = writeln!(
            out,
            "gatehouse_token_fetches_total{{result=\"failed\"}} {failures}"
        );
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<TokenRequest, Entry>> {
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A token for `req`: the cached one while it is fresh, else one fetch shared by
    /// every concurrent caller. A failed refresh keeps serving the cached token until
    /// it expires.
    pub async fn get(&self, req: &TokenRequest) -> Result<AccessToken, TokenFailure> {
        let (flight, previous) = {
            let mut cache = self.lock();
            let now = Instant::now();
            if let Some(held) = cache.get(req).and_then(|e| e.current.clone()) {
                if now < held.refresh_at {
                    return Ok(held.token);
                }
            }
            if !cache.contains_key(req) && cache.len() >= self.settings.max_cached {
                cache.retain(|_, e| {
                    e.flight.is_some() || e.current.as_ref().is_some_and(|h| now < h.expires_at)
                });
            }
            let cacheable = cache.contains_key(req) || cache.len() < self.settings.max_cached;
            if cacheable {
                let entry = cache.entry(req.clone()).or_default();
                let flight = entry.flight.get_or_insert_with(Flight::default).clone();
                let previous = entry.current.clone().filter(|h| now < h.expires_at);
                (flight, previous)
            } else {
                (Flight::default(), None)
            }
        };
        let result = flight
            .get_or_init(|| async {
                self.fetches.fetch_add(1, Ordering::Relaxed);
                let r = fetch::fetch(
                    &self.settings.provider,
                    &self.clients,
                    req,
                    self.settings.timeout,
                )
                .await;
                if let Err(why) = &r {
                    self.failures.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(
                        provider = self.provider(),
                        resource = %req.resource,
                        reason = %why,
                        "access token not obtained"
                    );
                }
                r
            })
            .await
            .clone();
        self.settle(req, &flight, &result);
        match (result, previous) {
            (Ok(f), _) => Ok(f.token),
            (Err(_), Some(held)) => Ok(held.token),
            (Err(message), None) => Err(TokenFailure { message }),
        }
    }

    /// Ends the flight `flight` of `req`, keeping a fetched token.
    fn settle(&self, req: &TokenRequest, flight: &Flight, result: &Result<Fetched, String>) {
        let mut cache = self.lock();
        let Some(entry) = cache.get_mut(req) else {
            return;
        };
        if !entry
            .flight
            .as_ref()
            .is_some_and(|f| Arc::ptr_eq(f, flight))
        {
            return;
        }
        entry.flight = None;
        if let Ok(f) = result {
            let now = Instant::now();
            let margin = self.settings.refresh_margin;
            let early = if f.lifetime >= margin * 2 {
                f.lifetime - margin
            } else {
                f.lifetime / 2
            };
            entry.current = Some(Held {
                token: f.token.clone(),
                refresh_at: now + early,
                expires_at: now + f.lifetime,
            });
        }
    }
}
