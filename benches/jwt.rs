//! The cost of `validate-jwt` per request with a warm key cache, for HS256, RS256 and
//! ES256 tokens, next to the pass-through pipeline in the same run (`policies/bench/`).
//! Run: `cargo bench --bench jwt -- --warm-up-time 1 --measurement-time 3`.

#![allow(missing_docs)] // criterion_group! generates undocumented items

#[path = "common/mod.rs"]
mod common;

use criterion::{criterion_group, criterion_main, Criterion};
use gatehouse_runtime::engine::{Gateway, RequestHead};
use gatehouse_runtime::state::{parse_jwks, KeySet};
use http::{HeaderMap, HeaderValue, StatusCode};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;

const DATA: &str = "runtime/core/src/engine/tests/testdata";
const OPENID: &str = "https://login.bench.example/.well-known/openid-configuration";

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/{DATA}/{name}", env!("CARGO_MANIFEST_DIR")))
        .expect("fixture")
}

fn public(name: &str) -> String {
    fixture("jwt-public.txt")
        .lines()
        .find_map(|l| {
            l.strip_prefix(name)
                .and_then(|r| r.strip_prefix('='))
                .map(str::to_string)
        })
        .expect("public value")
}

fn request(token: Option<&str>) -> RequestHead {
    let mut headers = HeaderMap::new();
    headers.insert("host", HeaderValue::from_static("127.0.0.1:8080"));
    headers.insert(
        "ocp-apim-subscription-key",
        HeaderValue::from_static("bench-key"),
    );
    if let Some(t) = token {
        let v = HeaderValue::from_str(&format!("Bearer {t}")).expect("header");
        headers.insert("authorization", v);
    }
    common::head(headers)
}

/// One request through the engine; the backend answers 200 at once.
fn exchange(gw: &Gateway, head: RequestHead) -> StatusCode {
    let empty = bytes::Bytes::new();
    let answers = common::Answers {
        request_body: &empty,
        json: false,
        response_body: &empty,
        sent_body: &empty,
    };
    common::drive(gw, head, &answers)
}

fn token(alg: Algorithm, kid: &str, key: &EncodingKey) -> String {
    let mut header = Header::new(alg);
    header.kid = Some(kid.into());
    let claims = json!({"sub": "bench", "aud": "api://bench", "iss": "https://issuer.bench.example", "exp": 4_000_000_000u64});
    jsonwebtoken::encode(&header, &claims, key).expect("sign")
}

fn pipelines(c: &mut Criterion) {
    let pass = common::gateway("passthrough");
    let head = request(None);
    assert_eq!(exchange(&pass, head.clone()), StatusCode::OK);
    c.bench_function("pipeline/passthrough", |b| {
        b.iter_batched(
            || head.clone(),
            |h| exchange(&pass, h),
            criterion::BatchSize::SmallInput,
        )
    });
    let gw = common::gateway("jwt");
    // The warm key cache: the OpenID configuration's keys, as the refresher stores them.
    let jwks = json!({"keys": [{"kty": "EC", "crv": "P-256", "kid": "es", "x": public("ec256_x"), "y": public("ec256_y")}]});
    let keys = parse_jwks(jwks.to_string().as_bytes(), 64).expect("jwks");
    gw.keys()
        .store(OPENID, Ok(KeySet { issuer: None, keys }), 0);
    let secret = EncodingKey::from_base64_secret("c2VjcmV0LWtleS1vZi10aGlydHktdHdvLWJ5dGVzISE=")
        .expect("secret");
    let rsa = EncodingKey::from_rsa_pem(fixture("jwt-rsa.pem").as_bytes()).expect("rsa");
    let ec = EncodingKey::from_ec_pem(fixture("jwt-ec256.pem").as_bytes()).expect("ec");
    for (name, t) in [
        ("hs256", token(Algorithm::HS256, "hs", &secret)),
        ("rs256", token(Algorithm::RS256, "rs", &rsa)),
        ("es256", token(Algorithm::ES256, "es", &ec)),
    ] {
        let head = request(Some(&t));
        assert_eq!(exchange(&gw, head.clone()), StatusCode::OK, "{name} passes");
        c.bench_function(&format!("pipeline/validate-jwt-{name}"), |b| {
            b.iter_batched(
                || head.clone(),
                |h| exchange(&gw, h),
                criterion::BatchSize::SmallInput,
            )
        });
    }
}

criterion_group!(benches, pipelines);
criterion_main!(benches);
