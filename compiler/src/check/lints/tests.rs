//! Unit tests of the document-local lints.

use crate::check::{codes, DocKind};

#[test]
fn missing_base_only_where_a_parent_exists() {
    let doc = "<policies><inbound /><backend><base /></backend></policies>";
    assert_eq!(codes(doc, DocKind::Api), ["missing-base"]);
    assert!(codes(doc, DocKind::Global).is_empty());
    assert!(codes(doc, DocKind::Loose).is_empty());
}

#[test]
fn statements_after_return_response_are_unreachable() {
    let doc = r#"<policies><inbound><return-response /><set-header name="a" exists-action="delete" /></inbound></policies>"#;
    assert_eq!(codes(doc, DocKind::Loose), ["unreachable-policy"]);
    let doc = r#"<policies><inbound><choose><when condition="@(true)"><mock-response /></when></choose><base /></inbound></policies>"#;
    assert!(codes(doc, DocKind::Loose).is_empty());
}

#[test]
fn retry_needs_a_request() {
    let doc = r#"<policies><backend><retry condition="@(true)" count="3" interval="1"><set-variable name="a" value="1" /></retry></backend></policies>"#;
    assert_eq!(codes(doc, DocKind::Loose), ["retry-without-request"]);
    let doc = r#"<policies><backend><retry condition="@(true)" count="3" interval="1"><forward-request /></retry></backend></policies>"#;
    assert!(codes(doc, DocKind::Loose).is_empty());
}

#[test]
fn warnings_can_be_silenced_but_errors_cannot() {
    let doc = "<!-- gatehouse-disable missing-base --><policies><inbound /></policies>";
    assert!(codes(doc, DocKind::Api).is_empty());
    let doc = "<policies><!-- gatehouse-disable duplicate-base --><inbound><base /><base /></inbound></policies>";
    assert_eq!(codes(doc, DocKind::Api), ["duplicate-base"]);
}

#[test]
fn cors_origins_apim_refuses() {
    let doc = |attrs: &str, origins: &str| {
        format!("<policies><inbound><cors{attrs}><allowed-origins>{origins}</allowed-origins><allowed-headers><header>*</header></allowed-headers></cors></inbound></policies>")
    };
    let star = "<origin>*</origin>";
    let app = "<origin>https://app.example</origin>";
    let credentials = r#" allow-credentials="true""#;
    assert_eq!(
        codes(&doc(credentials, star), DocKind::Loose),
        ["cors-origins"]
    );
    assert_eq!(
        codes(&doc("", &format!("{star}{app}")), DocKind::Loose),
        ["cors-origins"]
    );
    let path = "<origin>https://app.example/home</origin>";
    assert_eq!(codes(&doc("", path), DocKind::Loose), ["cors-origins"]);
    assert!(codes(&doc(credentials, app), DocKind::Loose).is_empty());
    assert!(codes(&doc("", star), DocKind::Loose).is_empty());
    assert!(codes(
        &doc("", "<origin>http://localhost:3000</origin>"),
        DocKind::Loose
    )
    .is_empty());
}

#[test]
fn liquid_filters_apim_ignores_are_flagged() {
    let doc = |t: &str| {
        format!(
            r#"<policies><inbound><set-body template="liquid">{t}</set-body></inbound></policies>"#
        )
    };
    assert!(codes(
        &doc("{{ body.a | Upcase | Date: &quot;yyyy&quot; }}"),
        DocKind::Loose
    )
    .is_empty());
    assert_eq!(
        codes(
            &doc("{{ body.a | upcase }}{% assign x = body.b | Frobnicate %}"),
            DocKind::Loose
        ),
        ["liquid::unknown-filter", "liquid::unknown-filter"]
    );
    assert_eq!(
        codes(&doc("{% if body.a %}open"), DocKind::Loose),
        ["liquid::invalid-template"]
    );
    // Markup in the template and `{{ }}` in it are Liquid, not named values.
    let markup = doc(r#"<order id="{{ body.id }}">{{ body.n | Size }}</order>"#);
    assert!(codes(&markup, DocKind::Loose).is_empty());
}

#[test]
fn liquid_warnings_point_at_the_filter() {
    let text = r#"<policies><inbound><set-body template="liquid">{{ body.a | upcase }}</set-body></inbound></policies>"#;
    let file = std::sync::Arc::new(crate::SourceFile::new("p.xml", text));
    let report = crate::check_file_as(&file, DocKind::Loose, &Default::default());
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.code.ends_with("unknown-filter"))
        .expect("flagged");
    assert_eq!(&text[d.span.start as usize..d.span.end as usize], "upcase");
    assert!(
        d.help.as_deref().unwrap_or("").contains("`Upcase`"),
        "{:?}",
        d.help
    );
}
