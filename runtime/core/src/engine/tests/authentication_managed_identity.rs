//! `authentication-managed-identity` through the in-process driver: the `Step::Token`
//! effect, the bearer header or variable, `ignore-error`, failures, and the child of
//! `send-request`.

use super::*;
use crate::engine::{run_in_process_with, AccessToken, TokenFailure, TokenRequest};
use crate::program::{AuthenticationManagedIdentity, ReturnResponse, SendRequest};

fn identity(
    b: &mut B,
    client: Option<&str>,
    variable: Option<&str>,
    ignore: Option<&str>,
) -> AuthenticationManagedIdentity {
    AuthenticationManagedIdentity {
        resource: b.lit("https://vault.azure.net"),
        client_id: client.map(|c| b.s(c)),
        output_variable: variable.map(|v| b.s(v)),
        ignore_error: ignore.map(|i| b.lit(i)),
    }
}

fn gateway(b: B, inbound: Vec<OpKind>) -> Gateway {
    let mut b = b;
    let p = b.pipeline(inbound, None, vec![], vec![]);
    single(&mut b, p);
    b.gateway().0
}

fn issuing(_: &TokenRequest) -> Result<AccessToken, TokenFailure> {
    Ok(AccessToken::new("tok-123"))
}

fn refusing(_: &TokenRequest) -> Result<AccessToken, TokenFailure> {
    Err(TokenFailure {
        message: "the imds token endpoint answered 400 (invalid_request)".into(),
    })
}

fn go(gw: &Gateway, tokens: &mut TokenMock<'_>) -> Outcome {
    let h = head(
        "GET",
        "/orders/items/7",
        &[("Authorization", "Bearer client")],
    );
    run_in_process_with(gw, h, Bytes::new(), &mut ok, tokens)
}

use crate::engine::TokenMock;

#[test]
fn the_token_is_an_effect_and_becomes_the_bearer_header() {
    let mut b = B::new();
    let a = identity(&mut b, Some("0000-user"), None, None);
    let gw = gateway(b, vec![OpKind::AuthenticationManagedIdentity(a)]);
    let o = go(&gw, &mut issuing);
    assert_eq!(o.effects, ["token", "forward"]);
    assert_eq!(
        o.tokens,
        [TokenRequest {
            resource: "https://vault.azure.net".into(),
            client_id: Some("0000-user".into()),
        }]
    );
    let auth: Vec<_> = o.forwarded[0]
        .headers
        .get_all("authorization")
        .iter()
        .collect();
    assert_eq!(auth, ["Bearer tok-123"]);
    assert!(auth[0].is_sensitive());
}

#[test]
fn output_token_variable_name_keeps_the_clients_header() {
    let mut b = B::new();
    let a = identity(&mut b, None, Some("tok"), None);
    let v = b.var("tok");
    let ret = OpKind::ReturnResponse(ReturnResponse {
        variable: None,
        status: None,
        headers: Vec::new(),
        body: Some(v),
    });
    let gw = gateway(b, vec![OpKind::AuthenticationManagedIdentity(a), ret]);
    let o = go(&gw, &mut issuing);
    assert_eq!(o.tokens[0].client_id, None);
    assert_eq!(body(&o), "tok-123");
    assert!(o.forwarded.is_empty());
}

#[test]
fn a_failure_runs_on_error_without_the_token_or_reaching_the_backend() {
    let mut b = B::new();
    let a = identity(&mut b, None, None, Some("false"));
    let gw = gateway(b, vec![OpKind::AuthenticationManagedIdentity(a)]);
    let o = go(&gw, &mut refusing);
    assert_eq!(o.response.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(o.forwarded.is_empty());
    let e = o.exchange.last_error().unwrap();
    assert_eq!(&*e.source, "authentication-managed-identity");
    assert!(e.message.contains("invalid_request"), "{}", e.message);
    assert_eq!(&*e.section, "inbound");
}

#[test]
fn ignore_error_goes_on_without_a_token() {
    let mut b = B::new();
    let a = identity(&mut b, None, None, Some("true"));
    let gw = gateway(b, vec![OpKind::AuthenticationManagedIdentity(a)]);
    let o = go(&gw, &mut refusing);
    assert_eq!(o.response.status, StatusCode::OK);
    assert_eq!(o.forwarded[0].headers["authorization"], "Bearer client");
}

#[test]
fn no_provider_in_process_is_a_failure() {
    let mut b = B::new();
    let a = identity(&mut b, None, None, None);
    let gw = gateway(b, vec![OpKind::AuthenticationManagedIdentity(a)]);
    let o = run(&gw, head("GET", "/orders/items/7", &[]), "");
    let e = o.exchange.last_error().unwrap();
    assert!(e.message.contains("no token provider"), "{}", e.message);
}

#[test]
fn an_invalid_ignore_error_value_is_an_error() {
    let mut b = B::new();
    let a = identity(&mut b, None, None, Some("maybe"));
    let gw = gateway(b, vec![OpKind::AuthenticationManagedIdentity(a)]);
    let o = go(&gw, &mut issuing);
    assert!(o.tokens.is_empty());
    assert_eq!(o.response.status, StatusCode::INTERNAL_SERVER_ERROR);
}

fn send(b: &mut B, a: AuthenticationManagedIdentity, ignore_error: bool) -> OpKind {
    OpKind::SendRequest(SendRequest {
        mode: None,
        variable: b.s("r"),
        timeout: None,
        ignore_error,
        url: Some(b.lit("http://token.example/t")),
        method: None,
        headers: Vec::new(),
        body: None,
        identity: Some(a),
        certificate: None,
    })
}

#[test]
fn send_request_waits_for_its_token_and_carries_it() {
    let mut b = B::new();
    let a = identity(&mut b, None, None, None);
    let op = send(&mut b, a, false);
    let gw = gateway(b, vec![op]);
    let o = go(&gw, &mut issuing);
    assert_eq!(o.effects, ["token", "send", "forward"]);
    assert_eq!(o.forwarded[0].headers["authorization"], "Bearer tok-123");
    // The client's own header still goes to the backend.
    assert_eq!(o.forwarded[1].headers["authorization"], "Bearer client");
}

#[test]
fn send_request_token_failures_follow_its_ignore_error() {
    for ignore in [false, true] {
        let mut b = B::new();
        let a = identity(&mut b, None, None, None);
        let op = send(&mut b, a, ignore);
        let gw = gateway(b, vec![op]);
        let o = go(&gw, &mut refusing);
        if ignore {
            assert_eq!(o.effects, ["token", "forward"]);
            assert_eq!(o.exchange.variable_text("r").as_deref(), Some(""));
        } else {
            assert_eq!(o.effects, ["token"]);
            let e = o.exchange.last_error().unwrap();
            assert_eq!(&*e.source, "send-request");
            assert!(e.message.contains("access token"), "{}", e.message);
        }
    }
}

#[test]
fn the_token_never_shows_in_debug_output() {
    let t = AccessToken::new("tok-123");
    assert!(!format!("{t:?}").contains("tok-123"));
}

#[test]
fn a_token_no_header_can_carry_is_a_failure() {
    let mut b = B::new();
    let a = identity(&mut b, None, None, None);
    let gw = gateway(b, vec![OpKind::AuthenticationManagedIdentity(a)]);
    let o = go(&gw, &mut |_: &TokenRequest| {
        Ok(AccessToken::new("bad\ntoken"))
    });
    assert!(o.forwarded.is_empty());
    let e = o.exchange.last_error().unwrap();
    assert!(
        e.message.contains("not a valid header value"),
        "{}",
        e.message
    );
}
