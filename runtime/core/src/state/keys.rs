//! Token-signing keys: [`VerifyKey`] (one public or symmetric key with the algorithms it
//! may verify) and [`KeyCache`], the keys of every OpenID configuration a program names.
//!
//! The cache is filled off the request path: the server warms it at load (every
//! `openid-config` URL of the program), refreshes it in the background, and fetches again
//! when a request found no key for a token's `kid` ([`KeyCache::want_refresh`], at most
//! once per cool-down per URL). Requests only read it. A failed refresh keeps the cached
//! set. [`KeyCache::due`] hands each URL to one refresher at a time, so concurrent
//! refreshes collapse into one. The in-process driver fills it with [`KeyCache::store`].

use super::verifier::Verifier;
use crate::program::{KeyMaterial, OpKind, SigningKey};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::Value as Json;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

const RSA_ALGS: &[Algorithm] = &[
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
];
const HMAC_ALGS: &[Algorithm] = &[Algorithm::HS256, Algorithm::HS384, Algorithm::HS512];
const EC_ALGS: &[Algorithm] = &[Algorithm::ES256, Algorithm::ES384];

/// One verification key and the algorithms it may verify: the algorithm comes from the key
/// (and the JWK's `alg`), never from the token alone. The key is parsed once, when it is
/// made ([`Verifier`]); a clone shares it.
#[derive(Clone)]
pub struct VerifyKey {
    /// The key id (`kid` of a JWK, `id` of an `issuer-signing-keys/key`).
    pub id: Option<Arc<str>>,
    inner: Arc<Prepared>,
}

/// The parts of a key its clones share.
struct Prepared {
    algs: Vec<Algorithm>,
    verifier: Verifier,
}

impl std::fmt::Debug for VerifyKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key material is never printed.
        f.debug_struct("VerifyKey")
            .field("id", &self.id)
            .field("algs", &self.inner.algs)
            .finish_non_exhaustive()
    }
}

impl VerifyKey {
    fn prepared(
        id: Option<Arc<str>>,
        algs: Vec<Algorithm>,
        key: DecodingKey,
    ) -> Result<VerifyKey, String> {
        let verifier = Verifier::prepare(key)?;
        Ok(VerifyKey {
            id,
            inner: Arc::new(Prepared { algs, verifier }),
        })
    }

    /// A symmetric key (HS256/384/512).
    pub fn symmetric(id: Option<Arc<str>>, secret: &[u8]) -> VerifyKey {
        VerifyKey {
            id,
            inner: Arc::new(Prepared {
                algs: HMAC_ALGS.to_vec(),
                verifier: Verifier::hmac(secret),
            }),
        }
    }

    /// An RSA public key from its Base64url modulus and exponent.
    pub fn rsa(id: Option<Arc<str>>, n: &str, e: &str) -> Result<VerifyKey, String> {
        let key = DecodingKey::from_rsa_components(n.trim(), e.trim())
            .map_err(|e| format!("not an RSA modulus and exponent: {e}"))?;
        VerifyKey::prepared(id, RSA_ALGS.to_vec(), key)
    }

    /// The public key of the first certificate of a PEM file (RSA or EC).
    pub fn certificate(id: Option<Arc<str>>, pem: &[u8]) -> Result<VerifyKey, String> {
        let text = String::from_utf8_lossy(pem);
        let begin = "-----BEGIN CERTIFICATE-----";
        let end = "-----END CERTIFICATE-----";
        let cert = text
            .find(begin)
            .and_then(|b| text[b..].find(end).map(|e| &text[b..b + e + end.len()]))
            .ok_or("no certificate in the PEM file")?;
        if let Ok(key) = DecodingKey::from_rsa_pem(cert.as_bytes()) {
            return VerifyKey::prepared(id, RSA_ALGS.to_vec(), key);
        }
        let key = DecodingKey::from_ec_pem(cert.as_bytes())
            .map_err(|_| "the certificate's key is neither RSA nor EC".to_string())?;
        VerifyKey::prepared(id, EC_ALGS.to_vec(), key)
    }

    /// This key under another id (the same prepared key).
    pub fn with_id(&self, id: Option<Arc<str>>) -> VerifyKey {
        VerifyKey {
            id,
            inner: self.inner.clone(),
        }
    }

    /// A JWK of a key set: `RSA`, `EC` (P-256, P-384) or `OKP` (Ed25519) public keys meant
    /// for signatures; `None` for keys of other types or uses (symmetric keys are never
    /// taken from a fetched set).
    pub fn from_jwk(jwk: &Json) -> Option<VerifyKey> {
        let s = |k: &str| jwk.get(k).and_then(Json::as_str);
        if s("use").is_some_and(|u| u != "sig") {
            return None;
        }
        let (algs, key): (Vec<Algorithm>, DecodingKey) = match s("kty")? {
            "RSA" => (
                RSA_ALGS.to_vec(),
                DecodingKey::from_rsa_components(s("n")?, s("e")?).ok()?,
            ),
            "EC" => {
                let alg = match s("crv")? {
                    "P-256" => Algorithm::ES256,
                    "P-384" => Algorithm::ES384,
                    _ => return None,
                };
                (
                    vec![alg],
                    DecodingKey::from_ec_components(s("x")?, s("y")?).ok()?,
                )
            }
            "OKP" if s("crv")? == "Ed25519" => (
                vec![Algorithm::EdDSA],
                DecodingKey::from_ed_components(s("x")?).ok()?,
            ),
            _ => return None,
        };
        // A JWK's `alg` narrows what it verifies to that one algorithm of its family.
        let algs = match s("alg") {
            Some(a) => {
                let a: Algorithm = a.parse().ok()?;
                if !algs.contains(&a) {
                    return None;
                }
                vec![a]
            }
            None => algs,
        };
        VerifyKey::prepared(s("kid").map(Arc::from), algs, key).ok()
    }

    /// Whether the key may verify `alg`.
    pub fn allows(&self, alg: Algorithm) -> bool {
        self.inner.algs.contains(&alg)
    }

    /// Whether `signature` (Base64url) signs `message` with `alg` under this key; `false`
    /// for an algorithm the key does not allow.
    pub fn verify(&self, alg: Algorithm, message: &[u8], signature: &str) -> bool {
        self.allows(alg) && self.inner.verifier.verify(alg, message, signature)
    }
}

/// The keys and issuer of one OpenID configuration.
#[derive(Clone, Debug, Default)]
pub struct KeySet {
    /// The discovery document's `issuer`.
    pub issuer: Option<String>,
    /// The JWKS's usable keys.
    pub keys: Vec<VerifyKey>,
}

/// The `jwks_uri` and `issuer` of an OpenID discovery document.
pub fn parse_discovery(body: &[u8]) -> Result<(String, Option<String>), String> {
    let doc: Json = serde_json::from_slice(body)
        .map_err(|e| format!("the OpenID configuration is not JSON: {e}"))?;
    let jwks = doc
        .get("jwks_uri")
        .and_then(Json::as_str)
        .ok_or("the OpenID configuration has no jwks_uri")?;
    let issuer = doc.get("issuer").and_then(Json::as_str).map(str::to_string);
    Ok((jwks.to_string(), issuer))
}

/// The usable keys of a JWKS document (at most `max_keys`).
pub fn parse_jwks(body: &[u8], max_keys: usize) -> Result<Vec<VerifyKey>, String> {
    let doc: Json =
        serde_json::from_slice(body).map_err(|e| format!("the JWKS is not JSON: {e}"))?;
    let keys = doc
        .get("keys")
        .and_then(Json::as_array)
        .ok_or("the JWKS has no keys array")?;
    Ok(keys
        .iter()
        .filter_map(VerifyKey::from_jwk)
        .take(max_keys)
        .collect())
}

/// One OpenID configuration's cache slot.
#[derive(Debug, Default)]
struct Slot {
    keys: Option<Arc<KeySet>>,
    /// When the keys were last fetched successfully (ms).
    fetched_ms: u64,
    /// When a fetch last started (ms).
    tried_ms: Option<u64>,
    /// A request found no key for its token: refresh once the cool-down allows.
    wanted: bool,
    /// The last fetch's error, while it stands.
    error: Option<String>,
}

/// How the cache paces fetches, and how much it takes from one document.
#[derive(Clone, Copy, Debug)]
pub struct KeyCacheTiming {
    /// Most keys taken from one JWKS document.
    pub max_keys: usize,
    /// Largest discovery or JWKS document read, bytes.
    pub max_document_bytes: usize,
    /// Longest wait for one document, ms.
    pub fetch_timeout_ms: u64,
    /// Keys older than this are refreshed in the background, ms (APIM: about an hour).
    pub max_age_ms: u64,
    /// Fewest ms between two fetches of one URL when asked by requests or after a failure
    /// (APIM: five minutes).
    pub cooldown_ms: u64,
}

impl Default for KeyCacheTiming {
    fn default() -> Self {
        KeyCacheTiming {
            max_keys: 64,
            max_document_bytes: 1 << 20,
            fetch_timeout_ms: 10_000,
            max_age_ms: 3_600_000,
            cooldown_ms: 300_000,
        }
    }
}

/// The keys of every OpenID configuration of a program, by URL; the static keys
/// (`issuer-signing-keys`) by operation and the operator's certificates by name.
pub struct KeyCache {
    slots: RwLock<HashMap<Arc<str>, Slot>>,
    certificates: RwLock<HashMap<String, VerifyKey>>,
    /// The program's inline `issuer-signing-keys`, prepared at load, by their material.
    inline: HashMap<InlineId, VerifyKey>,
    timing: KeyCacheTiming,
    waker: Mutex<Option<Arc<dyn Fn() + Send + Sync>>>,
}

impl std::fmt::Debug for KeyCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyCache")
            .field("urls", &self.urls())
            .field("timing", &self.timing)
            .finish_non_exhaustive()
    }
}

impl KeyCache {
    /// An empty cache for `urls`.
    pub fn new(urls: impl IntoIterator<Item = String>, timing: KeyCacheTiming) -> KeyCache {
        let slots = urls
            .into_iter()
            .map(|u| (Arc::from(u), Slot::default()))
            .collect();
        KeyCache {
            slots: RwLock::new(slots),
            certificates: RwLock::new(HashMap::new()),
            inline: HashMap::new(),
            timing,
            waker: Mutex::new(None),
        }
    }

    /// [`KeyCache::new`] with the inline keys (`issuer-signing-keys`) of `program`'s
    /// `validate-jwt` policies prepared now, so requests never parse a key. A key that
    /// cannot be read is left out: it verifies nothing.
    pub fn for_program(
        program: &crate::program::Program,
        urls: impl IntoIterator<Item = String>,
        timing: KeyCacheTiming,
    ) -> KeyCache {
        let mut cache = KeyCache::new(urls, timing);
        for k in signing_keys(program) {
            let key = match k.material {
                KeyMaterial::Secret(s) => STANDARD
                    .decode(program.str(s).trim())
                    .ok()
                    .map(|b| VerifyKey::symmetric(None, &b)),
                KeyMaterial::Rsa { n, e } => {
                    VerifyKey::rsa(None, program.str(n), program.str(e)).ok()
                }
                KeyMaterial::Certificate(_) => None,
            };
            if let Some(key) = key {
                cache.inline.insert(InlineId::of(&k.material), key);
            }
        }
        cache
    }

    /// The prepared inline key of `material` (`None`: a certificate, or a key that cannot
    /// be read).
    pub fn inline(&self, material: &KeyMaterial) -> Option<&VerifyKey> {
        self.inline.get(&InlineId::of(material))
    }

    /// The OpenID configuration URLs the cache holds, sorted.
    pub fn urls(&self) -> Vec<Arc<str>> {
        let mut v: Vec<_> = self
            .slots
            .read()
            .map(|s| s.keys().cloned().collect())
            .unwrap_or_default();
        v.sort();
        v
    }

    /// The cached keys of `url` (`None`: never fetched, or not a URL of the program).
    pub fn get(&self, url: &str) -> Option<Arc<KeySet>> {
        self.slots.read().ok()?.get(url)?.keys.clone()
    }

    /// The last fetch error of `url`, while no later fetch succeeded.
    pub fn error(&self, url: &str) -> Option<String> {
        self.slots.read().ok()?.get(url)?.error.clone()
    }

    /// Sets what wakes the refresher when a request wants a refresh.
    pub fn set_waker(&self, wake: Arc<dyn Fn() + Send + Sync>) {
        if let Ok(mut w) = self.waker.lock() {
            *w = Some(wake);
        }
    }

    /// A request found no key for its token in `url`'s keys: asks for a refresh, which the
    /// refresher performs unless one started less than the cool-down ago.
    pub fn want_refresh(&self, url: &str, now_ms: u64) {
        let asked = match self.slots.write() {
            Ok(mut s) => match s.get_mut(url) {
                Some(slot) if !slot.wanted && self.cooled(slot, now_ms) => {
                    slot.wanted = true;
                    true
                }
                _ => false,
            },
            Err(_) => false,
        };
        if asked {
            let wake = self.waker.lock().ok().and_then(|w| w.clone());
            if let Some(wake) = wake {
                wake();
            }
        }
    }

    fn cooled(&self, slot: &Slot, now_ms: u64) -> bool {
        slot.tried_ms
            .is_none_or(|t| now_ms.saturating_sub(t) >= self.timing.cooldown_ms)
    }

    /// The URLs to fetch now, each marked as being fetched (so a second caller does not
    /// get it again before the cool-down): never fetched, wanted by a request, failed, or
    /// older than the maximum age, and not tried within the cool-down.
    pub fn due(&self, now_ms: u64) -> Vec<Arc<str>> {
        let Ok(mut slots) = self.slots.write() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (url, slot) in slots.iter_mut() {
            let stale = slot.keys.is_none()
                || slot.error.is_some()
                || slot.wanted
                || now_ms.saturating_sub(slot.fetched_ms) >= self.timing.max_age_ms;
            let first = slot.tried_ms.is_none();
            if stale && (first || self.cooled(slot, now_ms)) {
                slot.tried_ms = Some(now_ms);
                slot.wanted = false;
                out.push(url.clone());
            }
        }
        out.sort();
        out
    }

    /// Records the outcome of fetching `url`: new keys replace the set; a failure keeps it.
    pub fn store(&self, url: &str, outcome: Result<KeySet, String>, now_ms: u64) {
        if let Ok(mut slots) = self.slots.write() {
            if let Some(slot) = slots.get_mut(url) {
                match outcome {
                    Ok(set) => {
                        slot.keys = Some(Arc::new(set));
                        slot.fetched_ms = now_ms;
                        slot.error = None;
                    }
                    Err(e) => slot.error = Some(e),
                }
            }
        }
    }

    /// Adds the public key of the operator's certificate `name` (for `certificate-id`).
    pub fn add_certificate(&self, name: &str, pem: &[u8]) -> Result<(), String> {
        let key =
            VerifyKey::certificate(None, pem).map_err(|e| format!("certificate '{name}': {e}"))?;
        if let Ok(mut c) = self.certificates.write() {
            c.insert(name.to_string(), key);
        }
        Ok(())
    }

    /// The key of the operator's certificate `name`.
    pub fn certificate(&self, name: &str) -> Option<VerifyKey> {
        self.certificates.read().ok()?.get(name).cloned()
    }

    /// The fetch timing.
    pub fn timing(&self) -> KeyCacheTiming {
        self.timing
    }
}

/// The name a `certificate-id` refers to: the last segment of an ARM resource id
/// (`/subscriptions/…/certificates/signing` → `signing`), or the id itself.
pub fn certificate_name(id: &str) -> &str {
    id.trim_end_matches('/').rsplit('/').next().unwrap_or(id)
}

/// An inline key's identity: its material's strings in the program.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct InlineId(u8, u32, u32);

impl InlineId {
    fn of(m: &KeyMaterial) -> InlineId {
        match *m {
            KeyMaterial::Secret(s) => InlineId(0, s, 0),
            KeyMaterial::Rsa { n, e } => InlineId(1, n, e),
            KeyMaterial::Certificate(c) => InlineId(2, c, 0),
        }
    }
}

/// Every `issuer-signing-keys/key` of `program`'s `validate-jwt` policies.
fn signing_keys(program: &crate::program::Program) -> impl Iterator<Item = &SigningKey> {
    program
        .blocks
        .iter()
        .flat_map(|b| &b.ops)
        .filter_map(|op| match &op.kind {
            OpKind::ValidateJwt(v) => Some(v.keys.iter()),
            _ => None,
        })
        .flatten()
}

/// The certificate names `validate-jwt` keys of `program` refer to (`certificate-id`).
pub fn certificate_ids(program: &crate::program::Program) -> Vec<String> {
    let mut out: Vec<String> = signing_keys(program)
        .filter_map(|k| match k.material {
            KeyMaterial::Certificate(c) => Some(certificate_name(program.str(c)).to_string()),
            _ => None,
        })
        .collect();
    out.sort();
    out.dedup();
    out
}
