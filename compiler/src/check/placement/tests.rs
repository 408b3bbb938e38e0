//! Unit tests of the placement checks.

use crate::check::{codes, DocKind};

fn loose(body: &str) -> Vec<String> {
    codes(body, DocKind::Loose)
}

#[test]
fn forward_request_belongs_in_backend() {
    let doc = "<policies><inbound><forward-request /></inbound><backend><forward-request /></backend></policies>";
    assert_eq!(loose(doc), ["policy-not-allowed-in-section"]);
}

#[test]
fn nested_statements_inherit_the_section() {
    let doc = r#"<policies><outbound><choose><when condition="@(true)"><rate-limit calls="1" renewal-period="1" /></when></choose></outbound></policies>"#;
    assert_eq!(loose(doc), ["policy-not-allowed-in-section"]);
}

#[test]
fn scope_is_checked_only_when_known() {
    let doc = r#"<policies><inbound><base /><quota calls="1" renewal-period="60" /></inbound></policies>"#;
    assert!(loose(doc).is_empty());
    assert_eq!(codes(doc, DocKind::Api), ["policy-not-allowed-in-scope"]);
    assert!(codes(doc, DocKind::Product).is_empty());
}

#[test]
fn once_per_section_and_document() {
    let doc = r#"<policies><inbound><cors><allowed-origins><origin>*</origin></allowed-origins><allowed-headers><header>a</header></allowed-headers></cors><cors><allowed-origins><origin>*</origin></allowed-origins><allowed-headers><header>a</header></allowed-headers></cors></inbound></policies>"#;
    assert_eq!(loose(doc), ["duplicate-policy"]);
    let doc = r#"<policies><inbound><rate-limit calls="1" renewal-period="1" /></inbound><backend><rate-limit calls="1" renewal-period="1" /></backend></policies>"#;
    let found = loose(doc);
    assert!(found.contains(&"duplicate-policy".to_string()), "{found:?}");
}

#[test]
fn base_rules() {
    assert_eq!(
        loose("<policies><inbound><base /><base /></inbound></policies>"),
        ["duplicate-base"]
    );
    assert_eq!(loose("<fragment><base /></fragment>"), ["misplaced-base"]);
    let doc = r#"<policies><inbound><choose><when condition="@(true)"><base /></when></choose></inbound></policies>"#;
    assert_eq!(loose(doc), ["nested-base"]);
    assert!(
        loose("<policies><outbound><base /></outbound><inbound><base /></inbound></policies>")
            .is_empty()
    );
}

#[test]
fn children_in_documented_order_and_number() {
    let doc = r#"<policies><inbound><return-response><set-body>x</set-body><set-status code="200" /></return-response></inbound></policies>"#;
    assert_eq!(loose(doc), ["child-order"]);
    let doc = r#"<policies><inbound><choose><when condition="@(true)" /><otherwise /><otherwise /></choose></inbound></policies>"#;
    assert_eq!(loose(doc), ["child-count"]);
    assert_eq!(
        loose("<policies><inbound><choose /></inbound></policies>"),
        ["child-count"]
    );
}

#[test]
fn fragments_have_no_section() {
    assert!(loose("<fragment><forward-request /></fragment>").is_empty());
}
