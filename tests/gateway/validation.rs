//! The validation policies end to end: two APIs, one described by OpenAPI 3 and one by
//! swagger 2 (both with `$ref`, `allOf`, `nullable`, arrays and formats), in front of a
//! backend on loopback whose answers the tests choose. Requests and responses are checked
//! by `validate-parameters`, `validate-content`, `validate-status-code` and
//! `validate-headers`; `on-error` shows the reason and the recorded errors.

use super::harness::{backend, reply, send, start_loaded, Running};
use super::project;
use crate::support::TempDir;
use bytes::Bytes;
use gatehouse_runtime::engine::Gateway;
use gatehouse_server::ServerConfig;
use http::{HeaderMap, Request, StatusCode};
use http_body_util::Full;

const V3: &str = r##"{"openapi":"3.0.1","info":{"title":"Pets","version":"1"},
 "paths":{
  "/pets":{"post":{"operationId":"add-pet",
    "parameters":[{"name":"dryRun","in":"query","schema":{"type":"boolean"}}],
    "requestBody":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/NewPet"}}}},
    "responses":{"201":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Pet"}}}}}}},
  "/pets/{id}":{"get":{"operationId":"get-pet",
    "parameters":[{"name":"id","in":"path","required":true,"schema":{"type":"integer","format":"int32"}}],
    "responses":{"200":{"description":"ok","headers":{"X-Rate":{"schema":{"type":"integer"}}},
      "content":{"application/json":{"schema":{"$ref":"#/components/schemas/Pet"}}}}}}}},
 "components":{"schemas":{
  "NewPet":{"type":"object","required":["name"],"properties":{
    "name":{"type":"string","minLength":1},"tag":{"type":"string","nullable":true},
    "born":{"type":"string","format":"date"},"toys":{"type":"array","items":{"type":"string"}}}},
  "Pet":{"allOf":[{"$ref":"#/components/schemas/NewPet"},
    {"type":"object","required":["id"],"properties":{"id":{"type":"integer","format":"int64"}}}]}}}}"##;

const V2: &str = r##"{"swagger":"2.0","info":{"title":"Pets2","version":"1"},
 "consumes":["application/json"],"produces":["application/json"],
 "paths":{
  "/pets":{"post":{"operationId":"add-pet","parameters":[
     {"name":"body","in":"body","schema":{"$ref":"#/definitions/NewPet"}},
     {"name":"limit","in":"query","type":"integer","maximum":10}],
    "responses":{"201":{"description":"ok","schema":{"$ref":"#/definitions/Pet"}}}}},
  "/pets/{id}":{"get":{"operationId":"get-pet",
    "parameters":[{"name":"id","in":"path","required":true,"type":"integer"}],
    "responses":{"200":{"description":"ok","schema":{"$ref":"#/definitions/Pet"},
      "headers":{"X-Rate":{"type":"integer"}}}}}}},
 "definitions":{
  "NewPet":{"type":"object","required":["name"],"properties":{
    "name":{"type":"string"},"tag":{"type":"string","x-nullable":true},
    "toys":{"type":"array","items":{"type":"string"}}}},
  "Pet":{"allOf":[{"$ref":"#/definitions/NewPet"},
    {"required":["id"],"properties":{"id":{"type":"integer"}}}]}}}"##;

/// Every API's policy: the request's parameters and body, then the response's status,
/// body and headers; `on-error` answers with the reason and the recorded errors.
const POLICY: &str = r#"<policies>
  <inbound>
    <validate-parameters specified-parameter-action="prevent" unspecified-parameter-action="ignore" errors-variable-name="errs" />
    <validate-content unspecified-content-type-action="prevent" max-size="1024" size-exceeded-action="prevent" errors-variable-name="errs">
      <content-type-map missing-content-type-value="application/json" />
      <content type="application/json" validate-as="json" action="prevent" />
    </validate-content>
  </inbound>
  <backend><forward-request /></backend>
  <outbound>
    <validate-status-code unspecified-status-code-action="prevent" errors-variable-name="errs" />
    <validate-content unspecified-content-type-action="ignore" max-size="102400" size-exceeded-action="prevent" errors-variable-name="errs">
      <content type="application/json" validate-as="json" action="prevent" />
    </validate-content>
    <validate-headers specified-header-action="prevent" unspecified-header-action="ignore" errors-variable-name="errs" />
  </outbound>
  <on-error>
    <set-header name="X-Reason" exists-action="override"><value>@(context.LastError.Reason)</value></set-header>
    <set-header name="X-Errors" exists-action="override"><value>@((string)context.Variables.GetValueOrDefault("errs", ""))</value></set-header>
  </on-error>
</policies>"#;

/// The backend: `POST .../pets` answers 201 with a pet (an invalid one when the request
/// asks for `bad-response`); `GET .../pets/1` a pet with `X-Rate: 5`, `/2` with
/// `X-Rate: lots`, `/3` a 500 with a stack trace.
async fn pets_backend() -> String {
    let addr = backend(|req: Request<hyper::body::Incoming>| async move {
        let path = req.uri().path().to_string();
        let query = req.uri().query().unwrap_or("").to_string();
        let mut r = if path.ends_with("/pets") {
            if query.contains("bad-response") {
                reply(201, r#"{"name":5}"#)
            } else {
                reply(201, r#"{"id":1,"name":"rex","tag":null}"#)
            }
        } else if path.ends_with("/pets/3") {
            reply(500, "System.NullReferenceException at Pets.Get()")
        } else {
            reply(200, r#"{"id":1,"name":"rex"}"#)
        };
        let rate = if path.ends_with("/pets/2") {
            "lots"
        } else {
            "5"
        };
        r.headers_mut()
            .insert("content-type", "application/json".parse().expect("value"));
        r.headers_mut()
            .insert("x-rate", rate.parse().expect("value"));
        r
    })
    .await;
    format!("http://{addr}")
}

async fn gateway() -> (Running<Gateway>, TempDir) {
    let url = pets_backend().await;
    let dir = TempDir::new(&format!("validation-{}", url.replace([':', '/', '.'], "_")));
    for (api, spec) in [("v3", V3), ("v2", V2)] {
        dir.write(
            &format!("apis/{api}/apiInformation.json"),
            &format!(
                r#"{{"properties":{{"displayName":"{api}","path":"{api}","serviceUrl":"{url}/{api}","protocols":["http"],"subscriptionRequired":false,"apiRevision":"1","isCurrent":true}}}}"#
            ),
        );
        dir.write(&format!("apis/{api}/specification.json"), spec);
        dir.write(&format!("apis/{api}/policy.xml"), POLICY);
    }
    let loaded = project::load(&dir.0).unwrap_or_else(|e| panic!("does not build:\n{e}"));
    (start_loaded(loaded, ServerConfig::default()).await, dir)
}

async fn call(
    gw: &Running<Gateway>,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> (StatusCode, HeaderMap, String) {
    let mut req = Request::builder().method(method).uri(path);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = req.body(Full::new(Bytes::from(body))).expect("request");
    let (status, headers, body) = send(gw.addr, req).await;
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

const JSON: &[(&str, &str)] = &[("content-type", "application/json")];

fn errors(h: &HeaderMap) -> serde_json::Value {
    let text = h
        .get("x-errors")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("[]");
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[tokio::test]
async fn request_bodies_are_checked_against_openapi_3_and_swagger_2_schemas() {
    let (gw, _dir) = gateway().await;
    for api in ["v3", "v2"] {
        let good = br#"{"name":"rex","tag":null,"toys":["ball"]}"#.to_vec();
        let (status, _, body) = call(&gw, "POST", &format!("/{api}/pets"), JSON, good).await;
        assert_eq!(status, StatusCode::CREATED, "{api}: {body}");
        // `name` missing, `toys` holds a number.
        let bad = br#"{"tag":"x","toys":[1]}"#.to_vec();
        let (status, h, body) = call(&gw, "POST", &format!("/{api}/pets"), JSON, bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{api}: {body}");
        assert!(body.contains("does not conform"), "{api}: {body}");
        assert!(
            body.contains(r#"\"name\" is a required property"#),
            "{api}: {body}"
        );
        assert!(body.contains("at '/toys/0'"), "{api}: {body}");
        assert_eq!(h["x-reason"], "Bad request");
        assert_eq!(errors(&h)[0]["Type"], "RequestBody");
    }
    // OpenAPI 3's `format: date`.
    let bad_date = br#"{"name":"rex","born":"31/12/2020"}"#.to_vec();
    let (status, _, body) = call(&gw, "POST", "/v3/pets", JSON, bad_date).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains(r#"is not a \"date\""#), "{body}");
}

#[tokio::test]
async fn oversized_mistyped_deep_and_non_utf8_bodies_are_refused() {
    let (gw, _dir) = gateway().await;
    let big = format!(r#"{{"name":"{}"}}"#, "x".repeat(2000)).into_bytes();
    let (status, h, body) = call(&gw, "POST", "/v3/pets", JSON, big).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("exceeds the limit of 1024 bytes"), "{body}");
    assert_eq!(errors(&h)[0]["ValidationRule"], "SizeLimit");
    let (status, _, body) = call(
        &gw,
        "POST",
        "/v3/pets",
        &[("content-type", "text/csv")],
        b"a,b".to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body.contains("Unspecified content type text/csv is not allowed."),
        "{body}"
    );
    // Without a content type the map says JSON.
    let (status, _, body) = call(&gw, "POST", "/v3/pets", &[], b"{}".to_vec()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let deep = format!("{}{}", "[".repeat(500), "]".repeat(500)).into_bytes();
    let (status, _, body) = call(&gw, "POST", "/v2/pets", JSON, deep).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("nests deeper than 64 levels"), "{body}");
    let (status, _, body) = call(
        &gw,
        "POST",
        "/v2/pets",
        JSON,
        b"{\"name\":\"\xc3\x28\"}".to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body.contains("not valid UTF-8. Line: 1, Position: 10."),
        "{body}"
    );
}

#[tokio::test]
async fn parameters_are_checked_against_both_specifications() {
    let (gw, _dir) = gateway().await;
    let (status, _, body) = call(&gw, "GET", "/v3/pets/abc", &[], vec![]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body.contains("Path parameter id contains invalid value."),
        "{body}"
    );
    let (status, _, body) = call(&gw, "GET", "/v3/pets/99999999999", &[], vec![]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "int32: {body}");
    let ok = br#"{"name":"rex"}"#.to_vec();
    let (status, _, body) = call(&gw, "POST", "/v3/pets?dryRun=maybe", JSON, ok.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _, body) = call(
        &gw,
        "POST",
        "/v3/pets?dryRun=true&other=1",
        JSON,
        ok.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, h, body) = call(&gw, "POST", "/v2/pets?limit=11", JSON, ok).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(errors(&h)[0]["Type"], "QueryParameter");
}

#[tokio::test]
async fn responses_are_checked_for_status_body_and_headers() {
    let (gw, _dir) = gateway().await;
    for api in ["v3", "v2"] {
        let (status, _, body) = call(&gw, "GET", &format!("/{api}/pets/1"), &[], vec![]).await;
        assert_eq!(status, StatusCode::OK, "{api}: {body}");
        // An undeclared 500 never reaches the client: 502 with APIM's public message.
        let (status, h, body) = call(&gw, "GET", &format!("/{api}/pets/3"), &[], vec![]).await;
        assert_eq!(status, StatusCode::BAD_GATEWAY, "{api}: {body}");
        assert!(!body.contains("NullReference"), "{api}: {body}");
        assert!(body.contains("Contact the API owner."), "{api}: {body}");
        assert_eq!(h["x-reason"], "Response not allowed");
        assert_eq!(errors(&h)[0]["Type"], "StatusCode");
        // A declared header with a value against its schema.
        let (status, h, _) = call(&gw, "GET", &format!("/{api}/pets/2"), &[], vec![]).await;
        assert_eq!(status, StatusCode::BAD_GATEWAY, "{api}");
        assert_eq!(errors(&h)[0]["Type"], "ResponseHeader");
        // A response body against the declared schema (`allOf` through `$ref`).
        let ok = br#"{"name":"rex"}"#.to_vec();
        let path = format!("/{api}/pets?dryRun=bad-response");
        let path = if api == "v2" {
            path.replace("dryRun", "x")
        } else {
            path
        };
        let (status, h, body) = call(&gw, "POST", &path, JSON, ok).await;
        if api == "v3" {
            // `dryRun` must be a boolean.
            assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
            continue;
        }
        assert_eq!(status, StatusCode::BAD_GATEWAY, "{api}: {body}");
        assert_eq!(errors(&h)[0]["Type"], "ResponseBody");
    }
}
