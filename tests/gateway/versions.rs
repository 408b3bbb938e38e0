//! Versions and revisions end to end: `policies/versions` served by `gatehouse run`, each
//! route of its README answered by the API APIM would pick, and a request matching nothing
//! answered by the global `on-error`.

use super::harness::send;
use super::run_cmd::{free_port, run_gatehouse, terminate};

/// `GET path` with `headers`: the status and the `X-Api` / `X-Error-Reason` answer.
async fn ask(addr: std::net::SocketAddr, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let mut req = hyper::Request::get(path);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = req.body(http_body_util::Full::default()).expect("request");
    let (status, h, _) = send(addr, req).await;
    let said = h
        .get("x-api")
        .or_else(|| h.get("x-error-reason"))
        .map_or(String::new(), |v| {
            v.to_str().unwrap_or_default().to_string()
        });
    (status.as_u16(), said)
}

/// A request (path, headers) and the answer wanted (status, what it says).
type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], (u16, &'a str));

#[tokio::test]
async fn the_versions_sample_routes_as_apim_does() {
    let (listen, admin) = (free_port(), free_port());
    let child = run_gatehouse(&["policies/versions"], listen, admin).await;
    let cases: &[Case] = &[
        ("/orders/items", &[], (200, "orders original rev 1")),
        ("/orders/v2/items", &[], (200, "orders-v2 v2 rev 1")),
        ("/orders/v2;rev=2/items", &[], (200, "orders-v2 v2 rev 2")),
        ("/orders/v2;rev=1/items", &[], (200, "orders-v2 v2 rev 1")),
        ("/orders/v3/items", &[], (404, "OperationNotFound")),
        (
            "/catalog/items",
            &[("Api-Version", "v1")],
            (200, "catalog-v1 v1 rev 1"),
        ),
        (
            "/catalog/items",
            &[("api-version", "v2")],
            (200, "catalog-v2 v2 rev 1"),
        ),
        (
            "/catalog/items",
            &[("Api-Version", "v3")],
            (404, "OperationNotFound"),
        ),
        ("/catalog/items", &[], (404, "OperationNotFound")),
        ("/nothing/here", &[], (404, "OperationNotFound")),
    ];
    let mut wrong = Vec::new();
    for (path, headers, (status, said)) in cases {
        let got = ask(listen, path, headers).await;
        if got != (*status, said.to_string()) {
            wrong.push(format!(
                "{path} {headers:?}: got {got:?}, want ({status}, {said:?})"
            ));
        }
    }
    let out = terminate(child).await;
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(out.status.code(), Some(0));
}
