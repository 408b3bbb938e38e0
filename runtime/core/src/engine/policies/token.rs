//! The token engine `validate-jwt` and `validate-azure-ad-token` share: a compact JWS read
//! strictly (Base64url without padding, JSON objects without duplicate members, no `crit`),
//! its signature checked against configured keys (the algorithm must be one the key
//! allows: never chosen by the token alone; keys the token offers — `jwk`, `jku`, `x5u`,
//! `x5c` — are never used), and its claims checked with APIM's rules.

use crate::state::VerifyKey;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::Algorithm;
use serde_json::{Map, Value as Json};

/// Why a token was refused: APIM's reason and default message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    /// No token where the policy looks.
    NotPresent,
    /// Malformed, unsupported, not yet valid, or missing a required `exp`.
    Invalid,
    /// No key verifies the signature (or the token is unsigned and must not be).
    SignatureInvalid,
    /// No configured key has the token's `kid`.
    KeyNotFound,
    /// Past `exp` (plus the clock skew).
    Expired,
    /// `aud` is none of the allowed audiences.
    AudienceNotAllowed,
    /// `iss` is none of the allowed issuers.
    IssuerNotAllowed,
    /// A required claim is missing.
    ClaimNotFound,
    /// A required claim lacks the required values.
    ClaimValueNotAllowed,
}

impl Failure {
    /// APIM's `context.LastError.Reason`.
    pub(crate) fn reason(self) -> &'static str {
        match self {
            Failure::NotPresent => "TokenNotPresent",
            Failure::Invalid => "JwtInvalid",
            Failure::SignatureInvalid => "TokenSignatureInvalid",
            Failure::KeyNotFound => "TokenSignatureKeyNotFound",
            Failure::Expired => "TokenExpired",
            Failure::AudienceNotAllowed => "TokenAudienceNotAllowed",
            Failure::IssuerNotAllowed => "TokenIssuerNotAllowed",
            Failure::ClaimNotFound => "TokenClaimNotFound",
            Failure::ClaimValueNotAllowed => "TokenClaimValueNotAllowed",
        }
    }

    /// The message when the policy sets none.
    pub(crate) fn message(self) -> &'static str {
        match self {
            Failure::NotPresent => "JWT not present.",
            Failure::Invalid => "Invalid JWT.",
            Failure::SignatureInvalid => "JWT signature validation failed.",
            Failure::KeyNotFound => "JWT signature key not found.",
            Failure::Expired => "JWT has expired.",
            Failure::AudienceNotAllowed => "JWT audience not allowed.",
            Failure::IssuerNotAllowed => "JWT issuer not allowed.",
            Failure::ClaimNotFound => "JWT required claim not found.",
            Failure::ClaimValueNotAllowed => "JWT claim value not allowed.",
        }
    }
}

/// Longest `kid` read, bytes.
const MAX_KID: usize = 1024;

/// A token's signature algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Alg {
    /// `"none"` exactly: an unsigned token.
    Unsigned,
    /// A JWS algorithm.
    Signed(Algorithm),
}

/// A compact JWS, read but not yet verified.
#[derive(Debug)]
pub(crate) struct Token<'t> {
    pub alg: Alg,
    pub kid: Option<String>,
    pub claims: Map<String, Json>,
    /// `header.payload`, what the signature signs.
    pub signed: &'t str,
    /// The Base64url signature.
    pub signature: &'t str,
}

/// Reads `token` (at most `max_bytes`).
pub(crate) fn parse(token: &str, max_bytes: usize) -> Result<Token<'_>, Failure> {
    if token.len() > max_bytes {
        return Err(Failure::Invalid);
    }
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        // Five segments would be an encrypted token (JWE): build refuses decryption keys.
        return Err(Failure::Invalid);
    };
    let header = object(h)?;
    let claims = object(p)?;
    let alg = match header.get("alg") {
        Some(Json::String(a)) if a == "none" => Alg::Unsigned,
        Some(Json::String(a)) => Alg::Signed(a.parse().map_err(|_| Failure::Invalid)?),
        _ => return Err(Failure::Invalid),
    };
    // No extension is understood, so any critical one is refused (RFC 7515 §4.1.11).
    if header.contains_key("crit") {
        return Err(Failure::Invalid);
    }
    let kid = match header.get("kid") {
        None => None,
        Some(Json::String(k)) if k.len() <= MAX_KID => Some(k.clone()),
        Some(_) => return Err(Failure::Invalid),
    };
    let signed = &token[..h.len() + 1 + p.len()];
    Ok(Token {
        alg,
        kid,
        claims,
        signed,
        signature,
    })
}

/// A segment as a JSON object: strict Base64url, UTF-8, no duplicate members.
fn object(segment: &str) -> Result<Map<String, Json>, Failure> {
    let bytes = URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|_| Failure::Invalid)?;
    match strict::parse(&bytes) {
        Some(Json::Object(m)) => Ok(m),
        _ => Err(Failure::Invalid),
    }
}

/// Checks the signature against `keys` (tried in turn). Keys with an id are used only for
/// a token with that `kid`; keys without one for any token.
pub(crate) fn verify(
    t: &Token<'_>,
    keys: &[VerifyKey],
    require_signed: bool,
) -> Result<(), Failure> {
    let alg = match t.alg {
        Alg::Unsigned if !require_signed && t.signature.is_empty() => return Ok(()),
        Alg::Unsigned => return Err(Failure::SignatureInvalid),
        Alg::Signed(a) => a,
    };
    let mut candidates = keys
        .iter()
        .filter(|k| match (&k.id, &t.kid) {
            (Some(id), Some(kid)) => **id == **kid,
            (Some(_), None) | (None, _) => true,
        })
        .peekable();
    if candidates.peek().is_none() {
        return Err(Failure::KeyNotFound);
    }
    if candidates.any(|k| k.verify(alg, t.signed.as_bytes(), t.signature)) {
        Ok(())
    } else {
        Err(Failure::SignatureInvalid)
    }
}

/// A NumericDate claim in ms: `None` when absent; a non-number is invalid.
fn date_ms(claims: &Map<String, Json>, name: &str) -> Result<Option<f64>, Failure> {
    match claims.get(name) {
        None => Ok(None),
        Some(Json::Number(n)) => n
            .as_f64()
            .filter(|f| f.is_finite())
            .map(|f| Some(f * 1000.0))
            .ok_or(Failure::Invalid),
        Some(_) => Err(Failure::Invalid),
    }
}

/// Checks `exp` and `nbf` at `now_ms` with `skew_ms` of tolerance. A token is expired from
/// the instant `exp + skew` on (RFC 7519: the current time must be before `exp`).
pub(crate) fn lifetime(
    claims: &Map<String, Json>,
    now_ms: u64,
    skew_ms: u64,
    require_exp: bool,
) -> Result<(), Failure> {
    let (now, skew) = (now_ms as f64, skew_ms as f64);
    match date_ms(claims, "exp")? {
        Some(exp) if now >= exp + skew => return Err(Failure::Expired),
        None if require_exp => return Err(Failure::Invalid),
        _ => {}
    }
    match date_ms(claims, "nbf")? {
        Some(nbf) if now + skew < nbf => Err(Failure::Invalid),
        _ => Ok(()),
    }
}

/// A claim's values as strings: an array's items, or the one value; numbers and booleans
/// as JSON writes them.
pub(crate) fn claim_values(v: &Json) -> Vec<String> {
    let one = |v: &Json| match v {
        Json::String(s) => Some(s.clone()),
        Json::Null | Json::Array(_) | Json::Object(_) => None,
        other => Some(other.to_string()),
    };
    match v {
        Json::Array(xs) => xs.iter().filter_map(one).collect(),
        other => one(other).into_iter().collect(),
    }
}

/// `aud` must hold one of `allowed` (no check when none is configured).
pub(crate) fn audience(claims: &Map<String, Json>, allowed: &[String]) -> Result<(), Failure> {
    if allowed.is_empty() {
        return Ok(());
    }
    let auds = claims.get("aud").map(claim_values).unwrap_or_default();
    if auds.iter().any(|a| allowed.iter().any(|x| x == a)) {
        Ok(())
    } else {
        Err(Failure::AudienceNotAllowed)
    }
}

/// `iss` must be one of `allowed` (no check when none is known).
pub(crate) fn issuer(claims: &Map<String, Json>, allowed: &[String]) -> Result<(), Failure> {
    if allowed.is_empty() {
        return Ok(());
    }
    match claims.get("iss") {
        Some(Json::String(i)) if allowed.iter().any(|a| a == i) => Ok(()),
        _ => Err(Failure::IssuerNotAllowed),
    }
}

/// One required claim: present, and holding all (or, with `any`, one) of `values`; a
/// string claim is split on `separator` when given.
pub(crate) fn required(
    claims: &Map<String, Json>,
    name: &str,
    any: bool,
    separator: Option<&str>,
    values: &[String],
) -> Result<(), Failure> {
    let Some(v) = claims.get(name) else {
        return Err(Failure::ClaimNotFound);
    };
    let mut have = claim_values(v);
    if let Some(sep) = separator.filter(|s| !s.is_empty()) {
        have = have
            .iter()
            .flat_map(|h| h.split(sep).map(|s| s.trim().to_string()))
            .collect();
    }
    if values.is_empty() {
        return Ok(());
    }
    let holds = |x: &String| have.iter().any(|h| h == x);
    let ok = if any {
        values.iter().any(holds)
    } else {
        values.iter().all(holds)
    };
    if ok {
        Ok(())
    } else {
        Err(Failure::ClaimValueNotAllowed)
    }
}

/// JSON without duplicate object members (which a lenient parser would resolve one way and
/// another component the other).
mod strict {
    use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
    use serde_json::{Map, Number, Value};
    use std::fmt;

    /// The document, or `None` when it is not JSON or repeats a member name.
    pub(super) fn parse(bytes: &[u8]) -> Option<Value> {
        serde_json::from_slice::<Strict>(bytes).ok().map(|s| s.0)
    }

    struct Strict(Value);

    impl<'de> Deserialize<'de> for Strict {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Strict, D::Error> {
            d.deserialize_any(StrictVisitor).map(Strict)
        }
    }

    struct StrictVisitor;

    impl<'de> Visitor<'de> for StrictVisitor {
        type Value = Value;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("JSON")
        }
        fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
            Ok(Value::Bool(b))
        }
        fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
            Ok(Value::Number(n.into()))
        }
        fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
            Ok(Value::Number(n.into()))
        }
        fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
            Ok(Number::from_f64(n).map_or(Value::Null, Value::Number))
        }
        fn visit_str<E>(self, s: &str) -> Result<Value, E> {
            Ok(Value::String(s.to_string()))
        }
        fn visit_string<E>(self, s: String) -> Result<Value, E> {
            Ok(Value::String(s))
        }
        fn visit_unit<E>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
            let mut v = Vec::new();
            while let Some(Strict(x)) = seq.next_element()? {
                v.push(x);
            }
            Ok(Value::Array(v))
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
            let mut m = Map::new();
            while let Some(k) = map.next_key::<String>()? {
                if m.contains_key(&k) {
                    return Err(serde::de::Error::custom("duplicate member"));
                }
                let Strict(v) = map.next_value()?;
                m.insert(k, v);
            }
            Ok(Value::Object(m))
        }
    }
}
