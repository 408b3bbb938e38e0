//! Test tokens: JWTs signed with HS256 and a test key, so `validate-jwt` runs for real.

use crate::format::Token;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// `token` signed at `now_ms`: `iat`, `nbf` and `exp` are added unless its claims give them.
pub fn sign(token: &Token, now_ms: u64) -> String {
    let mut header = serde_json::json!({"alg": "HS256", "typ": "JWT"});
    if let Some(kid) = &token.kid {
        header["kid"] = kid.clone().into();
    }
    let now = now_ms / 1000;
    let mut claims = token.claims.clone();
    claims.entry("iat").or_insert(now.into());
    claims.entry("nbf").or_insert(now.into());
    claims
        .entry("exp")
        .or_insert((now + token.expires_in_s).into());
    let head = URL_SAFE_NO_PAD.encode(header.to_string());
    let body = URL_SAFE_NO_PAD.encode(serde_json::Value::Object(claims).to_string());
    let input = format!("{head}.{body}");
    let sig = match Hmac::<Sha256>::new_from_slice(&token.key) {
        Ok(mut mac) => {
            mac.update(input.as_bytes());
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        }
        Err(_) => String::new(),
    };
    format!("{input}.{sig}")
}
