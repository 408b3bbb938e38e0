//! `validate-jwt`: tokens signed with HS256, RS256 and ES256 accepted; the negative suite
//! (each case its own test) refused with the configured status, APIM's reason and no
//! panic; the key cache's refresh rules.

use super::*;
use crate::program::{JwtRules, KeyMaterial, RequiredClaim, SigningKey, TokenSource, ValidateJwt};
use crate::state::{parse_jwks, KeySet};
use crate::value::Entity;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::{json, Value as Json};

const RSA: &str = include_str!("testdata/jwt-rsa.pem");
const RSA2: &str = include_str!("testdata/jwt-rsa2.pem");
const RSA_PUBLIC: &str = include_str!("testdata/jwt-rsa.pub.pem");
const RSA_CERT: &str = include_str!("testdata/jwt-rsa-cert-and-key.pem");
const EC256: &str = include_str!("testdata/jwt-ec256.pem");
const EC384: &str = include_str!("testdata/jwt-ec384.pem");
const PUBLIC: &str = include_str!("testdata/jwt-public.txt");
/// The symmetric key, Base64 (what `issuer-signing-keys/key` holds).
const SECRET_B64: &str = "c2VjcmV0LWtleS1vZi10aGlydHktdHdvLWJ5dGVzISE=";
const OPENID: &str = "https://login.example/.well-known/openid-configuration";
/// The test clock's time, seconds.
const NOW: i64 = 1_700_000_000;

/// A public value of the fixtures (`rsa_n`, `ec256_x` …).
fn public(name: &str) -> &'static str {
    PUBLIC
        .lines()
        .find_map(|l| l.strip_prefix(name).and_then(|r| r.strip_prefix('=')))
        .unwrap()
}

fn b64(j: &Json) -> String {
    URL_SAFE_NO_PAD.encode(j.to_string())
}

/// `header.payload.signature` signed with `key` and `alg`.
fn sign(header: &Json, claims: &Json, key: &EncodingKey, alg: Algorithm) -> String {
    let signed = format!("{}.{}", b64(header), b64(claims));
    let sig = jsonwebtoken::crypto::sign(signed.as_bytes(), key, alg).unwrap();
    format!("{signed}.{sig}")
}

fn secret() -> EncodingKey {
    EncodingKey::from_base64_secret(SECRET_B64).unwrap()
}
fn rsa() -> EncodingKey {
    EncodingKey::from_rsa_pem(RSA.as_bytes()).unwrap()
}
fn ec256() -> EncodingKey {
    EncodingKey::from_ec_pem(EC256.as_bytes()).unwrap()
}

/// Claims valid at the test clock.
fn claims() -> Json {
    json!({"sub": "alice", "iss": "https://issuer.example", "aud": "api://orders", "exp": NOW + 600, "scp": "read write", "roles": ["reader", "admin"]})
}

fn hs(claims: &Json) -> String {
    sign(
        &json!({"alg": "HS256", "typ": "JWT"}),
        claims,
        &secret(),
        Algorithm::HS256,
    )
}
fn rs(claims: &Json) -> String {
    sign(
        &json!({"alg": "RS256", "kid": "rsa-1"}),
        claims,
        &rsa(),
        Algorithm::RS256,
    )
}
fn es(claims: &Json) -> String {
    sign(
        &json!({"alg": "ES256", "kid": "ec-1"}),
        claims,
        &ec256(),
        Algorithm::ES256,
    )
}

/// A policy reading `Authorization`, with the symmetric key and the RSA key (`rsa-1`).
fn policy(b: &mut B) -> ValidateJwt {
    ValidateJwt {
        rules: JwtRules {
            source: TokenSource::Header {
                name: b.lit("Authorization"),
                scheme: None,
            },
            failed_validation_httpcode: None,
            failed_validation_error_message: None,
            output_token_variable_name: None,
            audiences: vec![],
            required_claims: vec![],
        },
        require_expiration_time: None,
        require_signed_tokens: None,
        clock_skew: None,
        openid_configs: vec![],
        keys: vec![
            SigningKey {
                id: None,
                material: KeyMaterial::Secret(b.s(SECRET_B64)),
            },
            SigningKey {
                id: Some(b.s("rsa-1")),
                material: KeyMaterial::Rsa {
                    n: b.s(public("rsa_n")),
                    e: b.s(public("rsa_e")),
                },
            },
        ],
        issuers: vec![],
    }
}

/// A policy whose only key is the RSA one (`rsa-1`).
fn rsa_only(b: &mut B) -> ValidateJwt {
    let mut v = policy(b);
    v.keys.remove(0);
    v
}

/// Runs `GET /orders/items/1` with `Authorization: Bearer token` through `v`; on-error
/// copies the reason, source and message into headers.
fn go_with(
    v: impl FnOnce(&mut B) -> ValidateJwt,
    headers: &[(&str, &str)],
    prepare: impl FnOnce(&Gateway),
) -> Outcome {
    let mut b = B::new();
    let op = OpKind::ValidateJwt(v(&mut b));
    let on_error = vec![
        set_entity_header(&mut b, "X-Reason", Entity::LastError, "Reason"),
        set_entity_header(&mut b, "X-Source", Entity::LastError, "Source"),
    ];
    let p = b.pipeline(vec![op], None, vec![], on_error);
    single(&mut b, p);
    let (gw, _) = b.gateway();
    prepare(&gw);
    run(&gw, head("GET", "/orders/items/1", headers), "")
}

fn go(v: impl FnOnce(&mut B) -> ValidateJwt, token: &str) -> Outcome {
    let auth = format!("Bearer {token}");
    go_with(v, &[("authorization", auth.as_str())], |_| {})
}

fn passes(o: &Outcome) {
    assert_eq!(
        o.response.status,
        StatusCode::OK,
        "{:?}",
        header(o, "x-reason")
    );
    assert_eq!(o.forwarded.len(), 1);
}

fn refused(o: &Outcome, reason: &str) {
    assert_eq!(o.response.status, StatusCode::UNAUTHORIZED);
    assert_eq!(header(o, "x-reason"), Some(reason));
    assert_eq!(header(o, "x-source"), Some("validate-jwt"));
    assert!(o.forwarded.is_empty());
}

// Accepted tokens.

#[test]
fn an_hs256_token_signed_with_the_inline_key_passes() {
    passes(&go(policy, &hs(&claims())));
}

#[test]
fn an_rs256_token_verified_with_n_and_e_passes() {
    passes(&go(policy, &rs(&claims())));
}

#[test]
fn an_rs256_token_verified_with_an_operator_certificate_passes() {
    let b_cert = |b: &mut B| {
        let mut v = policy(b);
        v.keys = vec![SigningKey {
            id: None,
            material: KeyMaterial::Certificate(b.s("/subscriptions/s/certificates/signing")),
        }];
        v
    };
    let auth = format!("Bearer {}", rs(&claims()));
    let o = go_with(b_cert, &[("authorization", auth.as_str())], |gw| {
        gw.keys()
            .add_certificate("signing", RSA_CERT.as_bytes())
            .unwrap();
    });
    passes(&o);
    // Without the certificate no key is known.
    let o = go_with(b_cert, &[("authorization", auth.as_str())], |_| {});
    refused(&o, "TokenSignatureKeyNotFound");
}

fn with_openid(b: &mut B) -> ValidateJwt {
    let mut v = policy(b);
    v.keys.clear();
    v.openid_configs = vec![b.s(OPENID)];
    v
}

fn jwks() -> Json {
    json!({"keys": [
        {"kty": "EC", "crv": "P-256", "kid": "ec-1", "use": "sig", "x": public("ec256_x"), "y": public("ec256_y")},
        {"kty": "RSA", "kid": "rsa-1", "n": public("rsa_n"), "e": public("rsa_e")},
    ]})
}

fn store(gw: &Gateway, issuer: &str, jwks: &Json) {
    let keys = parse_jwks(jwks.to_string().as_bytes(), 64).unwrap();
    let set = KeySet {
        issuer: Some(issuer.into()),
        keys,
    };
    gw.keys().store(OPENID, Ok(set), 0);
}

fn openid_go(token: &str, jwks: &Json) -> Outcome {
    let auth = format!("Bearer {token}");
    go_with(with_openid, &[("authorization", auth.as_str())], |gw| {
        store(gw, "https://issuer.example", jwks)
    })
}

#[test]
fn an_es256_token_verified_with_an_openid_key_passes() {
    passes(&openid_go(&es(&claims()), &jwks()));
}

#[test]
fn every_algorithm_of_a_keys_family_verifies_with_the_prepared_key() {
    for alg in [
        Algorithm::RS384,
        Algorithm::RS512,
        Algorithm::PS256,
        Algorithm::PS384,
        Algorithm::PS512,
    ] {
        let t = sign(
            &json!({"alg": format!("{alg:?}"), "kid": "rsa-1"}),
            &claims(),
            &rsa(),
            alg,
        );
        passes(&go(policy, &t));
        passes(&openid_go(&t, &jwks()));
    }
    for alg in [Algorithm::HS384, Algorithm::HS512] {
        let t = sign(
            &json!({"alg": format!("{alg:?}")}),
            &claims(),
            &secret(),
            alg,
        );
        passes(&go(policy, &t));
    }
    let p384 = json!({"keys": [{"kty": "EC", "crv": "P-384", "kid": "ec-1", "x": public("ec384_x"), "y": public("ec384_y")}]});
    let key = EncodingKey::from_ec_pem(EC384.as_bytes()).unwrap();
    let t = sign(
        &json!({"alg": "ES384", "kid": "ec-1"}),
        &claims(),
        &key,
        Algorithm::ES384,
    );
    passes(&openid_go(&t, &p384));
    // A signature of another family's algorithm under the same key fails.
    let t = sign(
        &json!({"alg": "RS256", "kid": "ec-1"}),
        &claims(),
        &rsa(),
        Algorithm::RS256,
    );
    refused(&openid_go(&t, &p384), "TokenSignatureInvalid");
}

#[test]
fn the_openid_issuer_is_required_when_no_issuers_are_listed() {
    let mut c = claims();
    c["iss"] = json!("https://other.example");
    refused(&openid_go(&es(&c), &jwks()), "TokenIssuerNotAllowed");
}

#[test]
fn keys_sharing_a_kid_are_tried_in_turn() {
    let set = json!({"keys": [
        {"kty": "RSA", "kid": "rsa-1", "n": public("rsa2_n"), "e": public("rsa2_e")},
        {"kty": "RSA", "kid": "rsa-1", "n": public("rsa_n"), "e": public("rsa_e")},
    ]});
    passes(&openid_go(&rs(&claims()), &set));
}

#[test]
fn an_unknown_kid_asks_the_key_cache_for_a_refresh() {
    let mut b = B::new();
    let v = with_openid(&mut b);
    let p = b.pipeline(vec![OpKind::ValidateJwt(v)], None, vec![], vec![]);
    single(&mut b, p);
    let (gw, clock) = b.gateway();
    let now = 1_700_000_000_000;
    // The load-time fetch, as the server's refresher does it.
    assert_eq!(gw.keys().due(now).len(), 1);
    store(&gw, "https://issuer.example", &jwks());
    assert!(gw.keys().due(now).is_empty(), "nothing due after the fetch");
    let token = sign(
        &json!({"alg": "ES256", "kid": "ec-2"}),
        &claims(),
        &ec256(),
        Algorithm::ES256,
    );
    let auth = format!("Bearer {token}");
    let o = run(
        &gw,
        head("GET", "/orders/items/1", &[("authorization", &auth)]),
        "",
    );
    assert_eq!(o.response.status, StatusCode::UNAUTHORIZED);
    // Within the cool-down of the last fetch, the request's wish waits.
    assert!(gw.keys().due(now).is_empty());
    clock.advance(300_000);
    let later = now + 300_000;
    let o = run(
        &gw,
        head("GET", "/orders/items/1", &[("authorization", &auth)]),
        "",
    );
    assert_eq!(o.response.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        gw.keys().due(later).len(),
        1,
        "one refresh for the unknown kid"
    );
    assert!(
        gw.keys().due(later).is_empty(),
        "concurrent refreshers get it once"
    );
    // A failed refresh keeps the cached keys.
    gw.keys().store(OPENID, Err("down".into()), later);
    assert_eq!(gw.keys().get(OPENID).unwrap().keys.len(), 2);
    passes(&run(
        &gw,
        head(
            "GET",
            "/orders/items/1",
            &[("authorization", &format!("Bearer {}", es(&claims())))],
        ),
        "",
    ));
}

// The negative suite.

#[test]
fn alg_none_with_an_empty_signature_is_refused() {
    let t = format!("{}.{}.", b64(&json!({"alg": "none"})), b64(&claims()));
    refused(&go(policy, &t), "TokenSignatureInvalid");
}

#[test]
fn alg_none_in_other_casings_is_refused() {
    for alg in ["None", "NONE", "nOnE"] {
        let t = format!("{}.{}.", b64(&json!({"alg": alg})), b64(&claims()));
        refused(&go(policy, &t), "JwtInvalid");
    }
}

#[test]
fn alg_none_with_a_bogus_signature_is_refused() {
    let t = format!("{}.{}.AAAA", b64(&json!({"alg": "none"})), b64(&claims()));
    refused(&go(policy, &t), "TokenSignatureInvalid");
}

#[test]
fn alg_none_is_refused_even_when_unsigned_tokens_are_allowed_if_it_carries_a_signature() {
    let t = format!("{}.{}.AAAA", b64(&json!({"alg": "none"})), b64(&claims()));
    let o = go(
        |b| {
            let mut v = policy(b);
            v.require_signed_tokens = Some(b.lit("false"));
            v
        },
        &t,
    );
    refused(&o, "TokenSignatureInvalid");
}

#[test]
fn a_modified_payload_is_refused() {
    let t = hs(&claims());
    let parts: Vec<&str> = t.split('.').collect();
    let mut c = claims();
    c["sub"] = json!("mallory");
    let forged = format!("{}.{}.{}", parts[0], b64(&c), parts[2]);
    refused(&go(policy, &forged), "TokenSignatureInvalid");
}

#[test]
fn hs256_signed_with_the_rsa_public_key_is_refused() {
    let key = EncodingKey::from_secret(RSA_PUBLIC.as_bytes());
    let t = sign(
        &json!({"alg": "HS256", "kid": "rsa-1"}),
        &claims(),
        &key,
        Algorithm::HS256,
    );
    refused(&go(rsa_only, &t), "TokenSignatureInvalid");
}

#[test]
fn an_es256_token_against_an_rsa_key_is_refused() {
    let t = sign(
        &json!({"alg": "ES256", "kid": "rsa-1"}),
        &claims(),
        &ec256(),
        Algorithm::ES256,
    );
    refused(&go(rsa_only, &t), "TokenSignatureInvalid");
}

#[test]
fn an_es384_token_against_a_p256_key_is_refused() {
    let key = EncodingKey::from_ec_pem(EC384.as_bytes()).unwrap();
    let t = sign(
        &json!({"alg": "ES384", "kid": "ec-1"}),
        &claims(),
        &key,
        Algorithm::ES384,
    );
    refused(&openid_go(&t, &jwks()), "TokenSignatureInvalid");
}

#[test]
fn an_ecdsa_all_zero_signature_is_refused() {
    let signed = format!(
        "{}.{}",
        b64(&json!({"alg": "ES256", "kid": "ec-1"})),
        b64(&claims())
    );
    let t = format!("{signed}.{}", URL_SAFE_NO_PAD.encode([0u8; 64]));
    refused(&openid_go(&t, &jwks()), "TokenSignatureInvalid");
}

#[test]
fn an_unknown_kid_is_refused() {
    let t = sign(
        &json!({"alg": "RS256", "kid": "rsa-9"}),
        &claims(),
        &rsa(),
        Algorithm::RS256,
    );
    refused(&go(rsa_only, &t), "TokenSignatureKeyNotFound");
}

#[test]
fn a_duplicate_kid_member_is_refused() {
    let header = r#"{"alg":"RS256","kid":"rsa-9","kid":"rsa-1"}"#;
    let signed = format!("{}.{}", URL_SAFE_NO_PAD.encode(header), b64(&claims()));
    let sig = jsonwebtoken::crypto::sign(signed.as_bytes(), &rsa(), Algorithm::RS256).unwrap();
    refused(&go(rsa_only, &format!("{signed}.{sig}")), "JwtInvalid");
}

#[test]
fn a_hostile_kid_is_refused_without_effect() {
    for kid in [
        "../../../etc/passwd".to_string(),
        "' OR 1=1 --".into(),
        "\u{0}".into(),
    ] {
        let t = sign(
            &json!({"alg": "RS256", "kid": kid}),
            &claims(),
            &rsa(),
            Algorithm::RS256,
        );
        refused(&go(rsa_only, &t), "TokenSignatureKeyNotFound");
    }
    let long = "k".repeat(5000);
    let t = sign(
        &json!({"alg": "RS256", "kid": long}),
        &claims(),
        &rsa(),
        Algorithm::RS256,
    );
    refused(&go(rsa_only, &t), "JwtInvalid");
}

/// A token signed with the second RSA key, offering it in header member `member`.
fn self_signed_with(member: &str, value: Json) -> String {
    let key = EncodingKey::from_rsa_pem(RSA2.as_bytes()).unwrap();
    let mut header = json!({"alg": "RS256"});
    header[member] = value;
    sign(&header, &claims(), &key, Algorithm::RS256)
}

#[test]
fn a_key_in_the_jwk_header_is_not_trusted() {
    let jwk = json!({"kty": "RSA", "n": public("rsa2_n"), "e": public("rsa2_e")});
    refused(
        &go(rsa_only, &self_signed_with("jwk", jwk)),
        "TokenSignatureInvalid",
    );
}

#[test]
fn a_key_set_in_the_jku_header_is_not_fetched() {
    let t = self_signed_with("jku", json!("https://attacker.example/jwks"));
    refused(&go(rsa_only, &t), "TokenSignatureInvalid");
}

#[test]
fn a_certificate_url_in_the_x5u_header_is_not_fetched() {
    let t = self_signed_with("x5u", json!("https://attacker.example/cert.pem"));
    refused(&go(rsa_only, &t), "TokenSignatureInvalid");
}

#[test]
fn a_certificate_chain_in_the_x5c_header_is_not_trusted() {
    let der: String = RSA_CERT
        .lines()
        .skip(1)
        .take_while(|l| !l.starts_with("-----"))
        .collect();
    refused(
        &go(rsa_only, &self_signed_with("x5c", json!([der]))),
        "TokenSignatureInvalid",
    );
}

fn at(exp: Json) -> Json {
    let mut c = claims();
    c["exp"] = exp;
    c
}

#[test]
fn an_expired_token_is_refused() {
    refused(&go(policy, &hs(&at(json!(NOW - 1)))), "TokenExpired");
}

#[test]
fn a_token_expiring_exactly_at_the_skew_boundary_is_refused() {
    let skewed = |skew: &'static str| {
        move |b: &mut B| {
            let mut v = policy(b);
            v.clock_skew = Some(b.lit(skew));
            v
        }
    };
    refused(&go(skewed("30"), &hs(&at(json!(NOW - 30)))), "TokenExpired");
    refused(&go(policy, &hs(&at(json!(NOW)))), "TokenExpired");
    // One second inside the skew still passes.
    passes(&go(skewed("30"), &hs(&at(json!(NOW - 29)))));
}

#[test]
fn a_token_not_yet_valid_is_refused() {
    let mut c = claims();
    c["nbf"] = json!(NOW + 60);
    refused(&go(policy, &hs(&c)), "JwtInvalid");
}

#[test]
fn a_token_without_exp_is_refused_unless_allowed() {
    let mut c = claims();
    c.as_object_mut().unwrap().remove("exp");
    refused(&go(policy, &hs(&c)), "JwtInvalid");
    let o = go(
        |b| {
            let mut v = policy(b);
            v.require_expiration_time = Some(b.lit("false"));
            v
        },
        &hs(&c),
    );
    passes(&o);
}

#[test]
fn exp_as_a_string_is_refused() {
    refused(
        &go(policy, &hs(&at(json!((NOW + 600).to_string())))),
        "JwtInvalid",
    );
}

#[test]
fn nbf_as_a_string_is_refused() {
    let mut c = claims();
    c["nbf"] = json!((NOW - 60).to_string());
    refused(&go(policy, &hs(&c)), "JwtInvalid");
}

fn audiences(b: &mut B) -> ValidateJwt {
    let mut v = policy(b);
    v.rules.audiences = vec![b.lit("api://orders"), b.lit("api://other")];
    v
}

fn with_aud(aud: Option<Json>) -> String {
    let mut c = claims();
    match aud {
        Some(a) => c["aud"] = a,
        None => {
            c.as_object_mut().unwrap().remove("aud");
        }
    }
    hs(&c)
}

#[test]
fn aud_as_a_matching_string_passes() {
    passes(&go(audiences, &with_aud(Some(json!("api://other")))));
}

#[test]
fn aud_as_an_array_holding_an_allowed_audience_passes() {
    passes(&go(
        audiences,
        &with_aud(Some(json!(["x", "api://orders"]))),
    ));
}

#[test]
fn aud_not_allowed_is_refused() {
    refused(
        &go(audiences, &with_aud(Some(json!(["x", "y"])))),
        "TokenAudienceNotAllowed",
    );
}

#[test]
fn aud_empty_is_refused() {
    refused(
        &go(audiences, &with_aud(Some(json!("")))),
        "TokenAudienceNotAllowed",
    );
    refused(
        &go(audiences, &with_aud(Some(json!([])))),
        "TokenAudienceNotAllowed",
    );
}

#[test]
fn aud_absent_is_refused() {
    refused(&go(audiences, &with_aud(None)), "TokenAudienceNotAllowed");
}

#[test]
fn an_issuer_not_listed_is_refused() {
    let issuers = |b: &mut B| {
        let mut v = policy(b);
        v.issuers = vec![b.lit("https://login.example")];
        v
    };
    refused(&go(issuers, &hs(&claims())), "TokenIssuerNotAllowed");
    let mut c = claims();
    c["iss"] = json!("https://login.example");
    passes(&go(issuers, &hs(&c)));
}

#[test]
fn an_unknown_critical_extension_is_refused() {
    let t = sign(
        &json!({"alg": "HS256", "crit": ["exp-v2"], "exp-v2": 1}),
        &claims(),
        &secret(),
        Algorithm::HS256,
    );
    refused(&go(policy, &t), "JwtInvalid");
}

#[test]
fn malformed_segments_are_refused() {
    let t = hs(&claims());
    let parts: Vec<&str> = t.split('.').collect();
    for bad in [
        parts[..2].join("."),
        format!("{t}.extra"),
        format!("{t}.a.b"),
        "..".to_string(),
        "not-a-token".to_string(),
    ] {
        refused(&go(policy, &bad), "JwtInvalid");
    }
}

#[test]
fn malformed_base64_is_refused() {
    let t = hs(&claims());
    let parts: Vec<&str> = t.split('.').collect();
    for bad in [
        format!("{}=.{}.{}", parts[0], parts[1], parts[2]),
        format!("{}.{}*.{}", parts[0], parts[1], parts[2]),
        format!("{}.{}.{}", parts[0], parts[1], "***"),
    ] {
        let o = go(policy, &bad);
        assert_eq!(o.response.status, StatusCode::UNAUTHORIZED, "{bad}");
        assert!(o.forwarded.is_empty());
    }
}

#[test]
fn duplicate_claims_are_refused() {
    let payload = format!(
        r#"{{"sub":"alice","exp":{},"exp":{}}}"#,
        NOW - 10,
        NOW + 600
    );
    let signed = format!(
        "{}.{}",
        b64(&json!({"alg": "HS256"})),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let sig = jsonwebtoken::crypto::sign(signed.as_bytes(), &secret(), Algorithm::HS256).unwrap();
    refused(&go(policy, &format!("{signed}.{sig}")), "JwtInvalid");
}

#[test]
fn a_header_that_is_not_an_object_is_refused() {
    let signed = format!("{}.{}", b64(&json!(["HS256"])), b64(&claims()));
    refused(&go(policy, &format!("{signed}.AAAA")), "JwtInvalid");
}

#[test]
fn an_oversized_token_is_refused() {
    let mut c = claims();
    c["pad"] = json!("x".repeat(20_000));
    refused(&go(policy, &hs(&c)), "JwtInvalid");
}

fn claim_rule(
    name: &str,
    any: bool,
    separator: Option<&str>,
    values: &[&str],
) -> impl FnOnce(&mut B) -> ValidateJwt {
    let (name, separator) = (name.to_string(), separator.map(str::to_string));
    let values: Vec<String> = values.iter().map(|v| v.to_string()).collect();
    move |b: &mut B| {
        let mut v = policy(b);
        v.rules.required_claims = vec![RequiredClaim {
            name: b.s(&name),
            match_any: any,
            separator: separator.map(|s| b.s(&s)),
            values: values.iter().map(|x| b.lit(x)).collect(),
        }];
        v
    }
}

#[test]
fn a_missing_required_claim_is_refused() {
    refused(
        &go(claim_rule("groups", false, None, &[]), &hs(&claims())),
        "TokenClaimNotFound",
    );
}

#[test]
fn required_claims_match_all_values() {
    let t = hs(&claims());
    passes(&go(
        claim_rule("roles", false, None, &["reader", "admin"]),
        &t,
    ));
    refused(
        &go(claim_rule("roles", false, None, &["reader", "owner"]), &t),
        "TokenClaimValueNotAllowed",
    );
}

#[test]
fn required_claims_match_any_value() {
    let t = hs(&claims());
    passes(&go(
        claim_rule("roles", true, None, &["owner", "admin"]),
        &t,
    ));
    refused(
        &go(claim_rule("roles", true, None, &["owner"]), &t),
        "TokenClaimValueNotAllowed",
    );
}

#[test]
fn required_claims_split_on_the_separator() {
    let t = hs(&claims());
    passes(&go(
        claim_rule("scp", false, Some(" "), &["write", "read"]),
        &t,
    ));
    refused(
        &go(claim_rule("scp", false, None, &["write"]), &t),
        "TokenClaimValueNotAllowed",
    );
}

// Where the token is and how failures answer.

#[test]
fn no_token_is_refused_as_not_present() {
    let o = go_with(policy, &[], |_| {});
    refused(&o, "TokenNotPresent");
    assert_eq!(
        body(&o),
        r#"{ "statusCode": 401, "message": "JWT not present." }"#
    );
}

#[test]
fn a_required_scheme_must_be_there() {
    let with_scheme = |b: &mut B| {
        let mut v = policy(b);
        v.rules.source = TokenSource::Header {
            name: b.lit("Authorization"),
            scheme: Some(b.lit("Bearer")),
        };
        v
    };
    let t = hs(&claims());
    let o = go_with(with_scheme, &[("authorization", t.as_str())], |_| {});
    refused(&o, "TokenNotPresent");
    let auth = format!("bearer {t}");
    passes(&go_with(
        with_scheme,
        &[("authorization", auth.as_str())],
        |_| {},
    ));
}

#[test]
fn the_configured_status_and_message_answer_a_failure() {
    let o = go(
        |b| {
            let mut v = policy(b);
            v.rules.failed_validation_httpcode = Some(b.lit("403"));
            v.rules.failed_validation_error_message = Some(b.lit("Go away"));
            v
        },
        &hs(&at(json!(NOW - 5))),
    );
    assert_eq!(o.response.status, StatusCode::FORBIDDEN);
    assert_eq!(header(&o, "x-reason"), Some("TokenExpired"));
    assert_eq!(body(&o), r#"{ "statusCode": 403, "message": "Go away" }"#);
}

#[test]
fn the_token_may_come_from_a_query_parameter() {
    let q = |b: &mut B| {
        let mut v = policy(b);
        v.rules.source = TokenSource::Query(b.lit("access_token"));
        v
    };
    let mut b = B::new();
    let op = OpKind::ValidateJwt(q(&mut b));
    let p = b.pipeline(vec![op], None, vec![], vec![]);
    single(&mut b, p);
    let (gw, _) = b.gateway();
    let path = format!("/orders/items/1?access_token={}", hs(&claims()));
    passes(&run(&gw, head("GET", &path, &[]), ""));
    let o = run(&gw, head("GET", "/orders/items/1?other=1", &[]), "");
    assert_eq!(o.response.status, StatusCode::UNAUTHORIZED);
}

#[test]
fn the_output_variable_holds_the_token() {
    let mut b = B::new();
    let mut v = policy(&mut b);
    v.rules.output_token_variable_name = Some(b.s("jwt"));
    let p = b.pipeline(vec![OpKind::ValidateJwt(v)], None, vec![], vec![]);
    single(&mut b, p);
    let (gw, _) = b.gateway();
    let auth = format!("Bearer {}", hs(&claims()));
    let o = run(
        &gw,
        head("GET", "/orders/items/1", &[("authorization", &auth)]),
        "",
    );
    passes(&o);
    assert!(o.exchange.variable_text("jwt").is_some());
}
