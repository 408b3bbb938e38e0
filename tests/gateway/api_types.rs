//! API types that are plain HTTP underneath, end to end: a SOAP pass-through API whose
//! operations come from its WSDL and are told apart by SOAP action (SOAP 1.1 header and
//! SOAP 1.2 `Content-Type`), a GraphQL pass-through and an OData API taking every request
//! under their paths, and a wildcard (`/*`) operation of a REST API.

use super::harness::{backend, send, serve_project, Running};
use crate::support::TempDir;
use bytes::Bytes;
use gatehouse_runtime::engine::{EngineConfig, Gateway};
use gatehouse_server::handler::full;
use gatehouse_server::ServerConfig;
use http_body_util::Full;
use hyper::{Request, Response};
use std::net::SocketAddr;

const WSDL: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/" targetNamespace="http://tempuri.org/">
  <wsdl:binding name="CalcSoap" type="tns:CalcSoap">
    <soap:binding transport="http://schemas.xmlsoap.org/soap/http" />
    <wsdl:operation name="Add"><soap:operation soapAction="http://tempuri.org/Add" style="document" /></wsdl:operation>
    <wsdl:operation name="Divide"><soap:operation soapAction="http://tempuri.org/Divide" style="document" /></wsdl:operation>
  </wsdl:binding>
  <wsdl:binding name="CalcSoap12" type="tns:CalcSoap">
    <soap12:binding transport="http://schemas.xmlsoap.org/soap/http" />
    <wsdl:operation name="Add"><soap12:operation soapAction="http://tempuri.org/Add" /></wsdl:operation>
    <wsdl:operation name="Divide"><soap12:operation soapAction="http://tempuri.org/Divide" /></wsdl:operation>
  </wsdl:binding>
</wsdl:definitions>"#;

/// Every API says which operation answered and what reached the backend.
const POLICY: &str = r#"<policies>
  <inbound><base /></inbound>
  <backend><base /></backend>
  <outbound>
    <base />
    <set-header name="X-Op" exists-action="override"><value>@(context.Operation.Name)</value></set-header>
  </outbound>
  <on-error>
    <base />
    <set-header name="X-Reason" exists-action="override"><value>@(context.LastError.Reason)</value></set-header>
  </on-error>
</policies>"#;

fn info(path: &str, kind: &str, url: &str) -> String {
    format!(
        r#"{{"properties":{{"displayName":"{path}","path":"{path}","type":"{kind}","serviceUrl":"{url}","protocols":["https"],"subscriptionRequired":false}}}}"#
    )
}

async fn serve(name: &str) -> (Running<Gateway>, TempDir) {
    // The backend answers with the method and path and query it got.
    let addr: SocketAddr = backend(|req: Request<hyper::body::Incoming>| async move {
        let said = format!("{} {}", req.method(), req.uri());
        Response::new(full(Bytes::from(said)))
    })
    .await;
    let url = format!("http://{addr}");
    let dir = TempDir::new(&format!("api-types-{name}"));
    dir.write("apis/calc/apiInformation.json", &info("calc", "soap", &url));
    dir.write("apis/calc/specification.wsdl", WSDL);
    dir.write("apis/calc/policy.xml", POLICY);
    dir.write(
        "apis/gql/apiInformation.json",
        &info("gql", "graphql", &url),
    );
    dir.write("apis/gql/policy.xml", POLICY);
    dir.write("apis/od/apiInformation.json", &info("od", "odata", &url));
    dir.write("apis/od/policy.xml", POLICY);
    dir.write("apis/rest/apiInformation.json", &info("rest", "http", &url));
    dir.write(
        "apis/rest/specification.yaml",
        "openapi: 3.0.1\ninfo: { title: R, version: '1' }\npaths:\n  /files/*:\n    get:\n      operationId: any-file\n      responses:\n        '200':\n          description: ok\n",
    );
    dir.write("apis/rest/policy.xml", POLICY);
    let gw = serve_project(&dir.0, EngineConfig::default(), ServerConfig::default()).await;
    (gw, dir)
}

/// `method path` with `headers`: status, `X-Op` (or `X-Reason`) and the backend's words.
async fn call(
    gw: &Running<Gateway>,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, String, String) {
    let mut r = Request::builder().method(method).uri(path);
    for (k, v) in headers {
        r = r.header(*k, *v);
    }
    let (status, h, body) = send(gw.addr, r.body(Full::from("<soap/>")).expect("request")).await;
    let op = h
        .get("x-op")
        .or_else(|| h.get("x-reason"))
        .map_or(String::new(), |v| {
            v.to_str().unwrap_or_default().to_string()
        });
    (
        status.as_u16(),
        op,
        String::from_utf8_lossy(&body).into_owned(),
    )
}

#[tokio::test]
async fn soap_operations_are_told_apart_by_soap_action() {
    let (gw, _dir) = serve("soap").await;
    let soap11 = [
        ("SOAPAction", "\"http://tempuri.org/Add\""),
        ("Content-Type", "text/xml"),
    ];
    assert_eq!(
        call(&gw, "POST", "/calc", &soap11).await,
        (200, "Add".into(), "POST /".into())
    );
    let soap12 = [(
        "Content-Type",
        "application/soap+xml; charset=utf-8; action=\"http://tempuri.org/Divide\"",
    )];
    assert_eq!(call(&gw, "POST", "/calc", &soap12).await.1, "Divide");
    let unknown = [("SOAPAction", "http://tempuri.org/Multiply")];
    assert_eq!(call(&gw, "POST", "/calc", &unknown).await.0, 404);
    assert_eq!(
        call(&gw, "GET", "/calc", &soap11).await.0,
        404,
        "SOAP is POST"
    );
}

#[tokio::test]
async fn graphql_and_odata_apis_take_every_request_under_their_paths() {
    let (gw, _dir) = serve("graphql").await;
    assert_eq!(
        call(&gw, "POST", "/gql", &[("Content-Type", "application/json")]).await,
        (200, "graphql".into(), "POST /".into())
    );
    assert_eq!(
        call(&gw, "GET", "/gql?query=%7Bme%7D", &[]).await,
        (200, "graphql".into(), "GET /?query=%7Bme%7D".into())
    );
    assert_eq!(
        call(&gw, "GET", "/od/Products(1)?$select=Name", &[]).await,
        (200, "odata".into(), "GET /Products(1)?$select=Name".into())
    );
    assert_eq!(call(&gw, "PATCH", "/od/Products(1)", &[]).await.1, "odata");
}

#[tokio::test]
async fn a_wildcard_operation_takes_the_path_and_everything_under_it() {
    let (gw, _dir) = serve("wildcard").await;
    assert_eq!(
        call(&gw, "GET", "/rest/files/a/b.txt", &[]).await,
        (200, "any-file".into(), "GET /files/a/b.txt".into())
    );
    assert_eq!(call(&gw, "GET", "/rest/files", &[]).await.1, "any-file");
    assert_eq!(call(&gw, "GET", "/rest/other", &[]).await.0, 404);
}
