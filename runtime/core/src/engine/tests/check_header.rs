//! `check-header`: presence, allowed values with and without case, the configured status
//! and message, and `on-error` with APIM's reasons.

use super::*;
use crate::program::{CheckHeader, OpKind};
use crate::value::Entity;

fn check(b: &mut B, name: &str, ignore_case: bool, values: &[&str]) -> OpKind {
    let values = values.iter().map(|v| b.lit(v)).collect();
    OpKind::CheckHeader(CheckHeader {
        name: b.lit(name),
        failed_check_httpcode: b.lit("401"),
        failed_check_error_message: b.lit("Not authorized"),
        ignore_case: b.lit(if ignore_case { "true" } else { "false" }),
        values,
    })
}

/// Runs `GET /orders/items/1` with `headers` through inbound `[op]`; on-error reports the
/// reason and source.
fn go(op: impl FnOnce(&mut B) -> OpKind, headers: &[(&str, &str)]) -> Outcome {
    let mut b = B::new();
    let op = op(&mut b);
    let on_error = vec![
        set_entity_header(&mut b, "X-Reason", Entity::LastError, "Reason"),
        set_entity_header(&mut b, "X-Source", Entity::LastError, "Source"),
    ];
    let p = b.pipeline(vec![op], None, vec![], on_error);
    single(&mut b, p);
    let (gw, _) = b.gateway();
    run(&gw, head("GET", "/orders/items/1", headers), "")
}

#[test]
fn a_present_header_passes_when_no_values_are_listed() {
    let o = go(|b| check(b, "X-Key", false, &[]), &[("x-key", "anything")]);
    assert_eq!(o.response.status, StatusCode::OK);
    assert_eq!(o.forwarded.len(), 1);
}

#[test]
fn a_missing_header_answers_the_configured_status_and_message() {
    let o = go(|b| check(b, "X-Key", false, &[]), &[]);
    assert_eq!(o.response.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        body(&o),
        r#"{ "statusCode": 401, "message": "Not authorized" }"#
    );
    assert_eq!(header(&o, "x-reason"), Some("HeaderNotFound"));
    assert_eq!(header(&o, "x-source"), Some("check-header"));
    assert!(o.forwarded.is_empty());
}

#[test]
fn values_match_exactly_unless_case_is_ignored() {
    let wrong = go(
        |b| check(b, "X-Key", false, &["Alpha", "beta"]),
        &[("x-key", "alpha")],
    );
    assert_eq!(wrong.response.status, StatusCode::UNAUTHORIZED);
    assert_eq!(header(&wrong, "x-reason"), Some("HeaderValueNotAllowed"));
    let right = go(
        |b| check(b, "X-Key", false, &["Alpha", "beta"]),
        &[("x-key", "beta")],
    );
    assert_eq!(right.response.status, StatusCode::OK);
    let folded = go(
        |b| check(b, "X-Key", true, &["Alpha"]),
        &[("x-key", "ALPHA")],
    );
    assert_eq!(folded.response.status, StatusCode::OK);
}

#[test]
fn one_of_several_values_of_the_header_is_enough() {
    let o = go(
        |b| check(b, "Accept", false, &["application/json"]),
        &[("accept", "text/xml, application/json")],
    );
    assert_eq!(o.response.status, StatusCode::OK);
}

#[test]
fn a_status_that_is_not_one_is_an_expression_failure() {
    let o = go(
        |b| {
            let mut op = check(b, "X-Key", false, &[]);
            if let OpKind::CheckHeader(c) = &mut op {
                c.failed_check_httpcode = b.lit("abc");
            }
            op
        },
        &[],
    );
    assert_eq!(o.response.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        header(&o, "x-reason"),
        Some("ExpressionValueEvaluationFailure")
    );
}
