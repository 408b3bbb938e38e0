//! libxslt behind `xsl-transform`: parameters, refusals and bounds.

use super::{compile, XsltLimits};

const XSL: &str = r#"<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="xml" omit-xml-declaration="yes" />
  <xsl:param name="who" select="'nobody'" />
  <xsl:template match="/order"><done by="{$who}"><xsl:value-of select="count(item)" /></done></xsl:template>
</xsl:stylesheet>"#;

fn params(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn transforms_with_string_parameters() {
    let s = compile(XSL).expect("compiles");
    let out = s.transform(
        b"<order><item/><item/></order>",
        &params(&[("who", "it's \"me\"")]),
        XsltLimits::default(),
    );
    // Values are strings, whatever quotes they hold (never evaluated as XPath).
    let text = String::from_utf8(out.expect("succeeds")).expect("succeeds");
    assert_eq!(text.trim(), r#"<done by="it's &quot;me&quot;">2</done>"#);
    let out = s.transform(
        b"<order><item/><item/></order>",
        &params(&[("who", "Ada's")]),
        XsltLimits::default(),
    );
    assert_eq!(
        String::from_utf8(out.expect("succeeds"))
            .expect("succeeds")
            .trim(),
        r#"<done by="Ada's">2</done>"#
    );
    let out = s
        .transform(b"<order/>", &[], XsltLimits::default())
        .expect("succeeds");
    assert_eq!(
        String::from_utf8(out).expect("succeeds").trim(),
        r#"<done by="nobody">0</done>"#
    );
}

#[test]
fn a_stylesheet_that_does_not_compile_says_why() {
    let e = compile(r#"<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"><xsl:template match="/"><xsl:value-of select="(("/></xsl:template></xsl:stylesheet>"#).expect_err("fails");
    assert!(e.starts_with("the stylesheet does not compile"), "{e}");
    assert!(compile("<xsl:stylesheet").is_err());
}

#[test]
fn entities_files_and_huge_bodies_are_refused() {
    let s = compile(XSL).expect("compiles");
    let laughs = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><order>&lol2;</order>"#;
    let e = s
        .transform(laughs.as_bytes(), &[], XsltLimits::default())
        .expect_err("fails");
    assert!(e.contains("DOCTYPE"), "{e}");
    let big = format!("<order>{}</order>", "<item/>".repeat(1000));
    let small = XsltLimits {
        max_input: 1024,
        max_output: 1024,
    };
    let e = s.transform(big.as_bytes(), &[], small).expect_err("fails");
    assert!(e.contains("input limit"), "{e}");
    assert!(s
        .transform(b"<order>", &[], XsltLimits::default())
        .expect_err("fails")
        .contains("not well-formed"));
    let reads = r#"<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"><xsl:template match="/"><x><xsl:copy-of select="document('/etc/hostname')" /></x></xsl:template></xsl:stylesheet>"#;
    let s = compile(reads).expect("compiles");
    match s.transform(b"<a/>", &[], XsltLimits::default()) {
        Err(_) => {}
        Ok(out) => assert_eq!(
            String::from_utf8_lossy(&out)
                .trim()
                .trim_start_matches(r#"<?xml version="1.0"?>"#)
                .trim(),
            "<x/>"
        ),
    }
    let imports = r#"<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"><xsl:import href="/etc/other.xsl"/></xsl:stylesheet>"#;
    assert!(compile(imports).is_err());
}
