//! Unit tests of typed attribute values.

use super::literal::{parse, Lit, Problem};
use crate::check::{codes, DocKind};
use gatehouse_grammar::catalogue::{AttrType, TimeUnit};

/// Reads `value` as `ty` (leaked: catalogue types are static).
fn check(value: &str, ty: &AttrType) -> Result<Lit, Problem> {
    parse(value, Box::leak(Box::new(ty.clone())))
}

#[test]
fn booleans_parse_like_dotnet() {
    assert!(check("True", &AttrType::Bool).is_ok());
    assert!(check(" false ", &AttrType::Bool).is_ok());
    assert!(check("yes", &AttrType::Bool).is_err());
}

#[test]
fn integers_and_durations_respect_bounds() {
    let ty = AttrType::Int {
        min: Some(1),
        max: Some(50),
    };
    assert!(check("50", &ty).is_ok());
    assert!(check("0", &ty)
        .expect_err("invalid")
        .expected
        .contains("from 1 to 50"));
    assert!(check("ten", &ty).is_err());
    let ty = AttrType::Duration {
        unit: TimeUnit::Seconds,
        min: Some(0),
        max: None,
    };
    assert!(check("10", &ty).is_ok());
    assert!(check("-1", &ty).is_err());
}

#[test]
fn urls_must_be_absolute_http() {
    assert!(check("https://example.com/x", &AttrType::Url).is_ok());
    assert!(check("HTTP://example.com", &AttrType::Url).is_ok());
    assert!(check("example.com", &AttrType::Url).is_err());
    assert!(check("https://", &AttrType::Url).is_err());
    assert!(check("ftp://example.com", &AttrType::Url).is_err());
}

#[test]
fn enums_suggest_the_nearest_value() {
    let ty = AttrType::Enum(vec!["override".into(), "skip".into()]);
    let p = check("overide", &ty).expect_err("invalid");
    assert_eq!(p.help.as_deref(), Some("did you mean `override`?"));
    let p = check("Skip", &ty).expect_err("invalid");
    assert_eq!(p.help.as_deref(), Some("did you mean `skip`?"));
}

#[test]
fn documents_report_values_and_expressions() {
    let doc = r#"<policies><inbound><set-header name="a" exists-action="overide"><value>x</value></set-header></inbound></policies>"#;
    assert_eq!(codes(doc, DocKind::Loose), ["invalid-attribute-value"]);
    let doc = r#"<policies><inbound><rate-limit calls="@(5)" renewal-period="60" /></inbound></policies>"#;
    assert_eq!(codes(doc, DocKind::Loose), ["expression-not-allowed"]);
    let doc = r#"<policies><inbound><rate-limit calls="{{calls}}" renewal-period="60" /></inbound></policies>"#;
    assert!(codes(doc, DocKind::Loose).is_empty());
}

#[test]
fn literals_are_read_as_their_types() {
    assert_eq!(check(" True ", &AttrType::Bool), Ok(Lit::Bool(true)));
    let ty = AttrType::Int {
        min: None,
        max: None,
    };
    assert_eq!(check("42", &ty), Ok(Lit::Int(42)));
    let ty = AttrType::Enum(vec!["override".into(), "skip".into()]);
    assert_eq!(check("skip", &ty), Ok(Lit::Enum("skip")));
    assert_eq!(
        check(" a b ", &AttrType::String),
        Ok(Lit::Text(" a b ".into()))
    );
}

#[test]
fn a_document_is_typed_once_and_printed() {
    let text = r#"<policies><inbound><set-header name="X-A" exists-action="skip"><value>@(1)</value></set-header><rate-limit-by-key calls="abc" renewal-period="{{p}}" counter-key="@(context.Request.IpAddress)" /></inbound></policies>"#;
    let parsed = gatehouse_grammar::syntax::parse_document(text, &Default::default());
    let typed = super::read(&parsed.document);
    insta::assert_snapshot!(super::print(&typed), @r#"
    set-header @19 name="X-A" exists-action=enum(skip)
    value @63
    rate-limit-by-key @95 calls=invalid("abc", expected an integer, at least 0) renewal-period=template counter-key=expression
    "#);
}
