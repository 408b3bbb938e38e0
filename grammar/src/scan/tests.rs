//! Unit tests of the scanner on small documents.

use super::scan;
use crate::syntax::{Node, Part};
use crate::Limits;

fn errors(src: &str) -> Vec<&'static str> {
    scan(src, &Limits::default())
        .1
        .iter()
        .map(|e| e.code)
        .collect()
}

fn first_attr_code(src: &str) -> String {
    let (doc, errs) = scan(src, &Limits::default());
    assert!(errs.is_empty(), "{errs:?}");
    let root = doc.root_elements().next().expect("root");
    match &root.attributes[0].value.parts[0] {
        Part::Expression(e) => e.code.to_string(),
        p => panic!("not an expression: {p:?}"),
    }
}

#[test]
fn raw_quotes_and_generics_inside_attribute_expressions() {
    let code =
        first_attr_code(r#"<when condition="@(h.ContainsKey("a") && x.As<JObject>() != null)"/>"#);
    assert_eq!(code, r#"h.ContainsKey("a") && x.As<JObject>() != null"#);
}

#[test]
fn escaped_and_raw_forms_give_the_same_code() {
    let raw = first_attr_code(r#"<a c="@(x.Get("a") < 1 && y)"/>"#);
    let escaped = first_attr_code(r#"<a c="@(x.Get(&quot;a&quot;) &lt; 1 &amp;&amp; y)"/>"#);
    assert_eq!(raw, escaped);
}

#[test]
fn offset_map_points_into_the_file() {
    let src = r#"<a c="@(&quot;ab&quot; + q)"/>"#;
    let (doc, _) = scan(src, &Limits::default());
    let root = doc.root_elements().next().expect("root");
    let Part::Expression(e) = &root.attributes[0].value.parts[0] else {
        panic!()
    };
    let q = e.code.find('q').expect("q");
    assert_eq!(&src[e.map.to_file(q)..e.map.to_file(q) + 1], "q");
    assert_eq!(e.map.to_file(0), src.find("&quot;").expect("quot"));
}

#[test]
fn strings_chars_comments_and_interpolation_do_not_close_the_region() {
    let code = first_attr_code(
        r#"<a v='@{ var s = $"x{(a ? ")" : "}")}y"; /* ) */ // )
return s + ')' + @"a""b)"; }'/>"#,
    );
    assert!(code.ends_with("\"a\"\"b)\"; "), "{code}");
}

#[test]
fn text_expression_in_element_and_cdata() {
    let src = "<set-body>\n  @{ return \"</set-body>\"; }\n</set-body>";
    let (doc, errs) = scan(src, &Limits::default());
    assert!(errs.is_empty(), "{errs:?}");
    let root = doc.root_elements().next().expect("root");
    assert!(matches!(&root.children[..], [Node::Text(v)] if v.expression().is_some()));
    let (_, errs) = scan(
        "<b><![CDATA[@(a < b && \"&amp;\")]]></b>",
        &Limits::default(),
    );
    assert!(errs.is_empty());
}

#[test]
fn named_values_in_literals_and_code() {
    let (doc, errs) = scan(
        r#"<a u="https://{{host}}/x" c="@(&quot;{{Prefix}}&quot; + 1)"/>"#,
        &Limits::default(),
    );
    assert!(errs.is_empty());
    let root = doc.root_elements().next().expect("root");
    assert!(
        matches!(&root.attributes[0].value.parts[1], Part::NamedValue(n) if &*n.name == "host")
    );
    let e = root.attributes[1].value.expression().expect("expr");
    assert_eq!(&*e.named_values[0].name, "Prefix");
}

#[test]
fn located_errors() {
    assert_eq!(errors("<a><b></a>"), ["syntax::unclosed-element"]);
    assert_eq!(errors("<a b=c/>"), ["syntax::unquoted-attribute"]);
    assert_eq!(errors("<a b='1' b='2'/>"), ["syntax::duplicate-attribute"]);
    assert_eq!(errors("<a/><b/>"), ["syntax::multiple-roots"]);
    assert_eq!(errors("<a c=\"@(x(\"/>"), ["syntax::unclosed-expression"]);
    assert_eq!(errors("<a c=\"@(x(y\"/>"), ["syntax::unclosed-expression"]);
    assert_eq!(
        errors("<a c='@(x(\"\n\")'/>"),
        ["syntax::unterminated-literal"]
    );
    assert_eq!(errors("<a c=\"@(x]\"/>"), ["syntax::mismatched-bracket"]);
    assert_eq!(
        errors("<a c=\"@(x) y\"/>"),
        ["syntax::text-after-expression"]
    );
    assert_eq!(errors("<a>x & y</a>"), ["syntax::bare-ampersand"]);
    assert_eq!(errors("<a c=\"1<2\"/>"), ["syntax::raw-less-than"]);
    assert_eq!(errors("</a>"), ["syntax::unexpected-end-tag"]);
}

#[test]
fn depth_limit() {
    let deep = "<a>".repeat(100_000);
    let errs = errors(&deep);
    assert_eq!(errs, ["syntax::too-deep"]);
}

#[test]
fn size_limit() {
    let limits = Limits {
        max_document_bytes: 16,
        ..Limits::default()
    };
    let (doc, errs) = scan("<policies><inbound /></policies>", &limits);
    let codes: Vec<&str> = errs.iter().map(|e| e.code).collect();
    assert_eq!(codes, ["syntax::too-large"]);
    assert_eq!(errs[0].span.start, 0);
    assert!(doc.root_elements().next().is_none());
    assert!(errors("<policies />").is_empty());
}
