//! Unit tests of the attribute value checks.

use super::check;
use crate::check::{codes, DocKind};
use gatehouse_grammar::catalogue::{AttrType, TimeUnit};

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
