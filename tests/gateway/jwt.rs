//! `validate-jwt` and `validate-azure-ad-token` end to end: an OpenID provider served by
//! the test on loopback (discovery document and JWKS), the gateway's key refresher, and
//! clients sending tokens. Keys rotate: a new `kid` is picked up, the old one stops working.

use super::harness::{send, start_loaded, Running};
use crate::support::TempDir;
use bytes::Bytes;
use gatehouse_compiler::diagnostic::{render_human, Style};
use gatehouse_compiler::{build_project, CheckOptions};
use gatehouse_runtime::engine::{EngineConfig, Gateway};
use gatehouse_server::backend::client::ClientSettings;
use gatehouse_server::handler::RespBody;
use gatehouse_server::{keys, Loaded, ServerConfig};
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::{json, Value as Json};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const DATA: &str = "runtime/core/src/engine/tests/testdata";

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

/// An OpenID provider: its discovery documents (any path ending in
/// `openid-configuration`) and its JWKS, which the test may replace; counts JWKS fetches.
#[derive(Clone)]
struct Provider {
    jwks: Arc<Mutex<Json>>,
    fetches: Arc<AtomicUsize>,
    base: Arc<Mutex<String>>,
}

impl Provider {
    async fn start(jwks: Json) -> Provider {
        let p = Provider {
            jwks: Arc::new(Mutex::new(jwks)),
            fetches: Arc::new(AtomicUsize::new(0)),
            base: Arc::new(Mutex::new(String::new())),
        };
        let h = p.clone();
        let addr = super::harness::backend(move |req: Request<hyper::body::Incoming>| {
            let h = h.clone();
            async move { h.answer(req.uri().path()) }
        })
        .await;
        *p.base.lock().expect("lock") = format!("http://{addr}");
        p
    }

    fn base(&self) -> String {
        self.base.lock().expect("lock").clone()
    }

    fn answer(&self, path: &str) -> Response<RespBody> {
        let base = self.base();
        let body = if path.ends_with("openid-configuration") {
            let issuer = path
                .trim_end_matches("/.well-known/openid-configuration")
                .to_string();
            json!({"issuer": format!("{base}{issuer}"), "jwks_uri": format!("{base}/keys")})
                .to_string()
        } else if path == "/keys" {
            self.fetches.fetch_add(1, Ordering::SeqCst);
            self.jwks.lock().expect("lock").to_string()
        } else {
            return super::harness::reply(404, "");
        };
        Response::new(
            Full::new(Bytes::from(body))
                .map_err(|e| match e {})
                .boxed_unsync(),
        )
    }
}

fn ec_jwk(kid: &str) -> Json {
    json!({"kty": "EC", "crv": "P-256", "kid": kid, "x": public("ec256_x"), "y": public("ec256_y")})
}

fn rsa_jwk(kid: &str) -> Json {
    json!({"kty": "RSA", "kid": kid, "n": public("rsa_n"), "e": public("rsa_e")})
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

fn token(alg: Algorithm, kid: &str, claims: &Json) -> String {
    let key = match alg {
        Algorithm::ES256 => EncodingKey::from_ec_pem(fixture("jwt-ec256.pem").as_bytes()),
        _ => EncodingKey::from_rsa_pem(fixture("jwt-rsa.pem").as_bytes()),
    }
    .expect("key");
    let mut header = jsonwebtoken::Header::new(alg);
    header.kid = Some(kid.to_string());
    jsonwebtoken::encode(&header, claims, &key).expect("sign")
}

/// Serves API `jwt` (`GET /ping`) whose inbound is `inbound` then a `return-response`
/// naming the token's subject; on-error names the reason. Keys refresh after 100 ms.
async fn serve(name: &str, inbound: &str, authority: &str) -> (Running<Gateway>, TempDir) {
    let dir = TempDir::new(&format!("jwt-{name}"));
    dir.write(
        "apis/jwt/apiInformation.json",
        r#"{"properties":{"displayName":"jwt","path":"jwt","serviceUrl":"http://127.0.0.1:9","protocols":["http"],"subscriptionRequired":false,"apiRevision":"1","isCurrent":true}}"#,
    );
    dir.write(
        "apis/jwt/specification.yaml",
        "openapi: 3.0.1\ninfo: { title: Jwt, version: '1' }\npaths:\n  /ping:\n    get:\n      operationId: get-ping\n      responses:\n        '200':\n          description: ok\n",
    );
    let policy = format!(
        r#"<policies><inbound>{inbound}<return-response><set-status code="200" reason="OK" /><set-header name="X-Sub" exists-action="override"><value>@(context.Variables.GetValueOrDefault<Jwt>("jwt").Subject)</value></set-header></return-response></inbound><backend><forward-request /></backend><outbound /><on-error><set-header name="X-Reason" exists-action="override"><value>@(context.LastError.Reason)</value></set-header></on-error></policies>"#
    );
    dir.write("apis/jwt/policy.xml", &policy);
    let report = build_project(&dir.0, &CheckOptions::default());
    let Some(program) = report.program else {
        let text = render_human(&report.diagnostics, Style::Plain);
        panic!("the jwt project does not build:\n{text}");
    };
    let mut config = EngineConfig::default();
    config.jwt.timing.cooldown_ms = 100;
    config.jwt.entra_authority = authority.to_string();
    let gateway = Gateway::new(Arc::new(program), config);
    let loaded = Loaded::new(gateway, &ClientSettings::default()).expect("load");
    keys::warm(loaded.engine.keys(), &loaded.backends).await;
    let running = start_loaded(loaded, ServerConfig::default()).await;
    tokio::spawn(keys::run(
        running.shared.clone(),
        Duration::from_millis(100),
        running.shutdown.clone(),
    ));
    (running, dir)
}

async fn call(r: &Running<Gateway>, token: &str) -> (StatusCode, Option<String>, Option<String>) {
    let req = Request::get("/jwt/ping")
        .header("authorization", format!("Bearer {token}"))
        .body(Full::default())
        .expect("request");
    let (status, headers, _) = send(r.addr, req).await;
    let h = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    (status, h("x-sub"), h("x-reason"))
}

fn jwt_policy(p: &Provider) -> String {
    format!(
        r#"<validate-jwt header-name="Authorization" require-scheme="Bearer" output-token-variable-name="jwt"><openid-config url="{}/idp/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences></validate-jwt>"#,
        p.base()
    )
}

fn claims(p: &Provider) -> Json {
    json!({"sub": "alice", "aud": "api://orders", "iss": format!("{}/idp", p.base()), "exp": now() + 600})
}

/// Waits (at most 5 s) until `token` gets `want`.
async fn until(r: &Running<Gateway>, token: &str, want: StatusCode) -> bool {
    for _ in 0..100 {
        if call(r, token).await.0 == want {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

#[tokio::test]
async fn a_token_verified_with_keys_fetched_at_load_passes_without_fetching_again() {
    let p = Provider::start(json!({"keys": [ec_jwk("k1")]})).await;
    let (r, _dir) = serve("load", &jwt_policy(&p), "").await;
    assert_eq!(p.fetches.load(Ordering::SeqCst), 1, "fetched at load");
    let t = token(Algorithm::ES256, "k1", &claims(&p));
    for _ in 0..5 {
        let (status, sub, reason) = call(&r, &t).await;
        assert_eq!(status, StatusCode::OK, "{reason:?}");
        assert_eq!(sub.as_deref(), Some("alice"));
    }
    assert_eq!(
        p.fetches.load(Ordering::SeqCst),
        1,
        "no fetch on the request path"
    );
    r.shutdown.trigger();
}

#[tokio::test]
async fn a_bad_token_is_refused_with_401_and_the_reason() {
    let p = Provider::start(json!({"keys": [ec_jwk("k1")]})).await;
    let (r, _dir) = serve("bad", &jwt_policy(&p), "").await;
    let mut c = claims(&p);
    c["aud"] = json!("api://other");
    let (status, _, reason) = call(&r, &token(Algorithm::ES256, "k1", &c)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(reason.as_deref(), Some("TokenAudienceNotAllowed"));
    let (status, _, reason) = call(&r, "not.a.token").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(reason.as_deref(), Some("JwtInvalid"));
    r.shutdown.trigger();
}

#[tokio::test]
async fn rotated_keys_are_picked_up_and_the_old_kid_stops_working() {
    let p = Provider::start(json!({"keys": [ec_jwk("k1")]})).await;
    let (r, _dir) = serve("rotate", &jwt_policy(&p), "").await;
    let old = token(Algorithm::ES256, "k1", &claims(&p));
    let new = token(Algorithm::RS256, "k2", &claims(&p));
    assert_eq!(call(&r, &old).await.0, StatusCode::OK);
    *p.jwks.lock().expect("lock") = json!({"keys": [rsa_jwk("k2")]});
    // The unknown kid is refused, and makes the refresher fetch the new set.
    let (status, _, reason) = call(&r, &new).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(reason.as_deref(), Some("TokenSignatureKeyNotFound"));
    assert!(
        until(&r, &new, StatusCode::OK).await,
        "the new kid is picked up"
    );
    assert!(
        until(&r, &old, StatusCode::UNAUTHORIZED).await,
        "the old kid stops working"
    );
    r.shutdown.trigger();
}

#[tokio::test]
async fn a_failed_refresh_keeps_the_cached_keys() {
    let p = Provider::start(json!({"keys": [ec_jwk("k1")]})).await;
    let (r, _dir) = serve("keep", &jwt_policy(&p), "").await;
    let good = token(Algorithm::ES256, "k1", &claims(&p));
    *p.jwks.lock().expect("lock") = json!("not a key set");
    // An unknown kid asks for a refresh, which fails: k1 keeps working.
    let unknown = token(Algorithm::ES256, "k9", &claims(&p));
    assert_eq!(call(&r, &unknown).await.0, StatusCode::UNAUTHORIZED);
    let before = p.fetches.load(Ordering::SeqCst);
    for _ in 0..40 {
        if p.fetches.load(Ordering::SeqCst) > before {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
        let _ = call(&r, &unknown).await;
    }
    assert!(
        p.fetches.load(Ordering::SeqCst) > before,
        "a refresh was tried"
    );
    assert_eq!(call(&r, &good).await.0, StatusCode::OK);
    r.shutdown.trigger();
}

#[tokio::test]
async fn validate_azure_ad_token_uses_the_tenant_keys_and_applications() {
    let p = Provider::start(json!({"keys": [rsa_jwk("e1")]})).await;
    let policy = r#"<validate-azure-ad-token tenant-id="contoso" output-token-variable-name="jwt"><client-application-ids><application-id>client-1</application-id></client-application-ids><backend-application-ids><application-id>backend-1</application-id></backend-application-ids></validate-azure-ad-token>"#;
    let (r, _dir) = serve("entra", policy, &p.base()).await;
    let claims = |azp: &str, iss: &str| json!({"sub": "bob", "aud": "api://backend-1", "azp": azp, "iss": iss, "exp": now() + 600});
    let v2 = format!("{}/contoso/v2.0", p.base());
    let v1 = format!("{}/contoso", p.base());
    let (status, sub, reason) =
        call(&r, &token(Algorithm::RS256, "e1", &claims("client-1", &v2))).await;
    assert_eq!(status, StatusCode::OK, "{reason:?}");
    assert_eq!(sub.as_deref(), Some("bob"));
    assert_eq!(
        call(&r, &token(Algorithm::RS256, "e1", &claims("client-1", &v1)))
            .await
            .0,
        StatusCode::OK
    );
    let (status, _, reason) =
        call(&r, &token(Algorithm::RS256, "e1", &claims("client-2", &v2))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(reason.as_deref(), Some("TokenClaimValueNotAllowed"));
    let other = "https://login.example/other/v2.0";
    let (status, _, reason) = call(
        &r,
        &token(Algorithm::RS256, "e1", &claims("client-1", other)),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(reason.as_deref(), Some("TokenIssuerNotAllowed"));
    r.shutdown.trigger();
}
