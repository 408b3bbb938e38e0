//! `forward-request` attributes given as expressions, evaluated per request: the
//! timeout, redirects, the body kept for it and the HTTP version of each call.

use super::retry::{gateway, run, status, text};
use gatehouse_runtime::program::HttpVersion;
use std::time::Duration;

#[test]
fn timeout_and_timeout_ms_are_evaluated_per_request() {
    let backend = r#"<set-variable name="t" value="@(3)" />
        <forward-request timeout="@((int)context.Variables["t"] * 2)" />"#;
    let gw = gateway("fwd-timeout", backend);
    let o = run(&gw, "", &[|| status(200)]);
    assert_eq!(o.forwarded[0].timeout, Duration::from_secs(6));
    let gw = gateway(
        "fwd-timeout-ms",
        r#"<forward-request timeout-ms="@(250 + 1)" />"#,
    );
    let o = run(&gw, "", &[|| status(200)]);
    assert_eq!(o.forwarded[0].timeout, Duration::from_millis(251));
}

#[test]
fn follow_redirects_and_http_version_are_evaluated_per_request() {
    let backend = r#"<forward-request follow-redirects="@(context.Request.Method == "POST")" http-version="@("2or" + "1")" />"#;
    let gw = gateway("fwd-follow", backend);
    let o = run(&gw, "", &[|| status(200)]);
    assert!(o.forwarded[0].follow_redirects);
    assert_eq!(o.forwarded[0].http_version, HttpVersion::Http2Or1);
}

#[test]
fn buffer_request_body_as_an_expression_keeps_the_body() {
    let gw = gateway(
        "fwd-buffer",
        r#"<forward-request buffer-request-body="@(true)" />"#,
    );
    let o = run(&gw, "kept", &[|| status(200)]);
    assert_eq!(o.effects[0], "request-body");
    assert_eq!(o.forwarded[0].body.as_deref(), Some(&b"kept"[..]));
}

#[test]
fn a_value_of_the_wrong_kind_is_an_error_of_forward_request() {
    let gw = gateway("fwd-bad", r#"<forward-request timeout="@("soon")" />"#);
    let o = run(&gw, "", &[|| status(200)]);
    assert!(o.forwarded.is_empty());
    assert_eq!(o.response.status.as_u16(), 599);
    assert_eq!(text(&o.body), "forward-request/");
    let gw = gateway(
        "fwd-bad-version",
        r#"<forward-request http-version="@("3")" />"#,
    );
    let o = run(&gw, "", &[|| status(200)]);
    assert!(o.forwarded.is_empty());
}
