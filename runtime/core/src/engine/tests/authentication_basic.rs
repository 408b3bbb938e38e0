//! `authentication-basic`: the backend request's `Authorization` header.

use super::*;
use crate::program::AuthenticationBasic;

fn basic(b: &mut B, username: Arg, password: Arg) -> Outcome {
    let op = OpKind::AuthenticationBasic(AuthenticationBasic { username, password });
    let p = b.pipeline(vec![op], None, vec![], vec![]);
    let mut owned = std::mem::take(b);
    single(&mut owned, p);
    let (gw, _) = owned.gateway();
    let h = head(
        "GET",
        "/orders/items/7",
        &[("Authorization", "Bearer client")],
    );
    run(&gw, h, "")
}

#[test]
fn sets_basic_credentials_replacing_the_clients_authorization() {
    let mut b = B::new();
    let (user, pass) = (b.lit("Aladdin"), b.text("open sesame"));
    let o = basic(&mut b, user, pass);
    assert_eq!(o.forwarded.len(), 1);
    let sent: Vec<_> = o.forwarded[0]
        .headers
        .get_all("authorization")
        .iter()
        .collect();
    assert_eq!(sent, ["Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="]);
    assert!(sent[0].is_sensitive());
}

#[test]
fn credentials_are_utf8_and_may_hold_colons() {
    let mut b = B::new();
    let (user, pass) = (b.lit("jürgen"), b.lit("a:b"));
    let o = basic(&mut b, user, pass);
    // base64("jürgen:a:b") with ü as UTF-8.
    assert_eq!(
        o.forwarded[0].headers["authorization"],
        "Basic asO8cmdlbjphOmI="
    );
}

#[test]
fn a_failing_expression_is_an_error_before_the_backend() {
    let mut b = B::new();
    let user = b.lit("u");
    let pass = Arg::Expr(b.failing());
    let o = basic(&mut b, user, pass);
    assert_eq!(o.response.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(o.forwarded.is_empty());
    let e = o.exchange.last_error().unwrap();
    assert_eq!(&*e.source, "authentication-basic");
    assert_eq!(&*e.reason, "ExpressionValueEvaluationFailure");
}
