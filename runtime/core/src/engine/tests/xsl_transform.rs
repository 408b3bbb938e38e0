//! `xsl-transform`: the section's XML body through a compiled stylesheet with parameters.

use super::*;
use crate::program::XslTransform;

const XSL: &str = r#"<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"><xsl:output omit-xml-declaration="yes"/><xsl:param name="agent"/><xsl:param name="fixed"/><xsl:template match="/a"><b agent="{$agent}" fixed="{$fixed}"><xsl:value-of select="."/></b></xsl:template></xsl:stylesheet>"#;

fn op(b: &mut B) -> OpKind {
    let (agent, fixed) = (b.lit("agent"), b.lit("fixed"));
    let (Arg::Lit(agent), Arg::Lit(fixed)) = (agent, fixed) else {
        unreachable!("literals")
    };
    let params = vec![(agent, b.text("ua")), (fixed, b.lit("one"))];
    OpKind::XslTransform(XslTransform::new(XSL, params).expect("compiles"))
}

#[test]
fn inbound_transforms_the_request_with_parameters() {
    let mut b = B::new();
    let t = op(&mut b);
    let p = b.pipeline(vec![t], None, vec![], vec![]);
    single(&mut b, p);
    let (gw, _) = b.gateway();
    let o = run(&gw, head("GET", "/orders/items/1", &[]), "<a>x</a>");
    assert_eq!(o.effects, vec!["request-body", "forward"]);
    let sent = String::from_utf8_lossy(o.forwarded[0].body.as_deref().unwrap()).into_owned();
    assert_eq!(sent.trim(), r#"<b agent="ua" fixed="one">x</b>"#);
}

#[test]
fn a_body_with_a_dtd_is_refused_as_an_error_of_the_policy() {
    let mut b = B::new();
    let t = op(&mut b);
    let p = b.pipeline(vec![t], None, vec![], vec![]);
    single(&mut b, p);
    let (gw, _) = b.gateway();
    let laughs = r#"<!DOCTYPE a [<!ENTITY l "lol">]><a>&l;</a>"#;
    let o = run(&gw, head("GET", "/orders/items/1", &[]), laughs);
    assert_eq!(o.response.status, StatusCode::INTERNAL_SERVER_ERROR);
    let e = o.exchange.last_error().unwrap();
    assert_eq!((&*e.source, &*e.section), ("xsl-transform", "inbound"));
    assert!(e.message.contains("DOCTYPE"), "{}", e.message);
}
