//! `set-body template="liquid"`: bodies bound by content type, APIM's `context`, bounds.

use super::*;
use crate::liquid::LiquidLimits;
use crate::program::{LiquidBody, SetBody};

fn liquid(b: &mut B, template: &str) -> OpKind {
    OpKind::SetBody(SetBody {
        value: b.lit(template),
        liquid: Some(LiquidBody::new(template, true).expect("compiles")),
    })
}

#[test]
fn inbound_renders_the_json_request_and_the_context() {
    let mut b = B::new();
    let op = liquid(&mut b, "{{ body.a | Upcase }} {{ context.Request.Method }} {{ context.Request.Headers.X-Id }} {{ context.Request.Url.Path }}");
    let p = b.pipeline(vec![op], None, vec![], vec![]);
    single(&mut b, p);
    let (gw, _) = b.gateway();
    let h = head(
        "GET",
        "/orders/items/1",
        &[
            ("Content-Type", "application/json; charset=utf-8"),
            ("X-Id", "7"),
        ],
    );
    let o = run(&gw, h, r#"{"a": "x"}"#);
    assert_eq!(o.effects, vec!["request-body", "forward"]);
    let f = &o.forwarded[0];
    let text = String::from_utf8_lossy(f.body.as_deref().unwrap()).into_owned();
    assert!(text.starts_with("X GET 7 /"), "{text}");
    assert!(f.headers.get("content-length").is_none());
}

#[test]
fn outbound_renders_the_response_status() {
    let mut b = B::new();
    let op = liquid(
        &mut b,
        "{{ context.Response.StatusCode }}:{{ body | Default: 'no body bound' }}",
    );
    let p = b.pipeline(vec![], None, vec![op], vec![]);
    single(&mut b, p);
    let (gw, _) = b.gateway();
    let o = run(&gw, head("GET", "/orders/items/1", &[]), "");
    assert_eq!(o.effects, vec!["forward", "response-body"]);
    assert_eq!(body(&o), "200:no body bound");
}

#[test]
fn a_template_past_its_bounds_is_an_error_of_set_body() {
    let mut b = B::new();
    let op = liquid(
        &mut b,
        "{% for i in (1..1000) %}{% for j in (1..1000) %}{% endfor %}{% endfor %}",
    );
    let p = b.pipeline(vec![op], None, vec![], vec![]);
    single(&mut b, p);
    let config = EngineConfig {
        liquid: LiquidLimits {
            max_output: 1024,
            max_steps: 10_000,
        },
        ..EngineConfig::default()
    };
    let gw = Gateway::new(Arc::new(b.p), config);
    let o = run(&gw, head("GET", "/orders/items/1", &[]), "");
    assert_eq!(o.response.status, StatusCode::INTERNAL_SERVER_ERROR);
    let e = o.exchange.last_error().unwrap();
    assert_eq!((&*e.source, &*e.section), ("set-body", "inbound"));
    assert!(e.message.contains("limit"), "{}", e.message);
}
