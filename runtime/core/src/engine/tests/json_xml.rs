//! `json-to-xml` and `xml-to-json`: each conversion rule with the documented examples,
//! `apply` and `consider-accept-header`, and bad bodies refused with located errors.

use super::*;
use crate::program::{JsonToXml, XmlToJson};

/// `json-to-xml` with `apply`, `consider-accept-header`, `parse-date` and the three names.
fn j2x(
    b: &mut B,
    apply: &str,
    accept: Option<&str>,
    parse_date: bool,
    names: [Option<&str>; 3],
) -> OpKind {
    let apply = b.lit(apply);
    let consider_accept_header = accept.map(|a| b.lit(a));
    let [sep, prefix, block] = names.map(|n| n.map(|n| b.lit(n)));
    OpKind::JsonToXml(JsonToXml {
        apply,
        consider_accept_header,
        parse_date,
        namespace_separator: sep,
        namespace_prefix: prefix,
        attribute_block_name: block,
    })
}

/// `xml-to-json` with `kind`, `apply`, `consider-accept-header`, `always-array-child-elements`.
fn x2j(b: &mut B, kind: &str, apply: &str, accept: Option<&str>, always: Option<&str>) -> OpKind {
    let (kind, apply) = (b.lit(kind), b.lit(apply));
    let consider_accept_header = accept.map(|a| b.lit(a));
    let always_array_child_elements = always.map(|a| b.lit(a));
    OpKind::XmlToJson(XmlToJson {
        kind,
        apply,
        consider_accept_header,
        always_array_child_elements,
    })
}

/// Runs `op` in `outbound` against a backend answering `body` as `content_type`.
fn outbound(op: OpKind, b: B, req: &[(&str, &str)], content_type: &str, body: &str) -> Outcome {
    outbound_with(op, b, req, content_type, body, EngineConfig::default())
}

fn outbound_with(
    op: OpKind,
    mut b: B,
    req: &[(&str, &str)],
    content_type: &str,
    body: &str,
    config: EngineConfig,
) -> Outcome {
    let p = b.pipeline(vec![], None, vec![op], vec![]);
    single(&mut b, p);
    let gw = Gateway::new(Arc::new(b.p), config);
    let (ct, payload) = (content_type.to_string(), Bytes::from(body.to_string()));
    let mut backend = |_: &BackendRequest, _: &Bytes| {
        let mut headers = HeaderMap::new();
        headers.insert("content-type", HeaderValue::from_str(&ct).unwrap());
        let status = StatusCode::OK;
        Ok((BackendResponse { status, headers }, payload.clone()))
    };
    let h = head("GET", "/orders/items/1", req);
    run_in_process(&gw, h, Bytes::new(), &mut backend)
}

/// The converted JSON → XML of `json` with `names` (always, Accept not considered).
fn to_xml(json: &str, parse_date: bool, names: [Option<&str>; 3]) -> Outcome {
    let mut b = B::new();
    let op = j2x(&mut b, "always", Some("false"), parse_date, names);
    outbound(op, b, &[], "application/json", json)
}

fn lines(parts: &[&str]) -> String {
    parts.join("\r\n")
}

fn error_message(o: &Outcome, source: &str) -> String {
    assert_eq!(o.response.status, StatusCode::INTERNAL_SERVER_ERROR);
    let e = o.exchange.last_error().expect("an error");
    assert_eq!(&*e.source, source);
    e.message.to_string()
}

#[test]
fn json_to_xml_the_documented_soap_example_with_namespaces_and_an_attribute_block() {
    let json = r##"{
      "soapenv:Envelope": {
        "xmlns:soapenv": "http://schemas.xmlsoap.org/soap/envelope/",
        "xmlns:v1": "http://localdomain.com/core/v1",
        "soapenv:Header": {},
        "soapenv:Body": {
          "v1:QueryList": {
            "#attrs": { "queryName": "test" },
            "v1:QueryItem": { "name": "dummy text" }
          }
        }
      }
    }"##;
    let o = to_xml(json, false, [Some(":"), Some("xmlns"), Some("#attrs")]);
    assert_eq!(o.response.status, StatusCode::OK);
    assert_eq!(header(&o, "content-type"), Some("application/xml"));
    let want = lines(&[
        r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:v1="http://localdomain.com/core/v1">"#,
        "  <soapenv:Header />",
        "  <soapenv:Body>",
        r#"    <v1:QueryList queryName="test">"#,
        "      <v1:QueryItem>",
        "        <name>dummy text</name>",
        "      </v1:QueryItem>",
        "    </v1:QueryList>",
        "  </soapenv:Body>",
        "</soapenv:Envelope>",
    ]);
    assert_eq!(body(&o), want);
}

#[test]
fn json_to_xml_several_properties_get_a_document_root_arrays_repeat_and_null_is_nil() {
    let json = r#"{"firstName":"John","isAlive":true,"age":25,"ratio":1.5,
      "address":{"city":"New York"},
      "phoneNumbers":[{"type":"home"},{"type":"mobile"}],
      "children":[],"spouse":null,"note":""}"#;
    let o = to_xml(json, true, [None, None, None]);
    let want = lines(&[
        "<Document>",
        "  <firstName>John</firstName>",
        "  <isAlive>True</isAlive>",
        "  <age>25</age>",
        "  <ratio>1.5</ratio>",
        "  <address>",
        "    <city>New York</city>",
        "  </address>",
        "  <phoneNumbers>",
        "    <type>home</type>",
        "  </phoneNumbers>",
        "  <phoneNumbers>",
        "    <type>mobile</type>",
        "  </phoneNumbers>",
        "  <children />",
        r#"  <spouse xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" />"#,
        "  <note></note>",
        "</Document>",
    ]);
    assert_eq!(body(&o), want);
}

#[test]
fn json_to_xml_top_level_arrays_scalars_and_nested_arrays() {
    let o = to_xml(r#"[1,"a"]"#, true, [None, None, None]);
    assert_eq!(
        body(&o),
        lines(&[
            "<Document>",
            "  <Item>1</Item>",
            "  <Item>a</Item>",
            "</Document>"
        ])
    );
    let o = to_xml(r#""x & <y>""#, true, [None, None, None]);
    assert_eq!(body(&o), "<Document>x &amp; &lt;y&gt;</Document>");
    let o = to_xml(r#"{"a":[[1,2],3]}"#, true, [None, None, None]);
    let want = lines(&[
        "<Document>",
        "  <a>",
        "    <a>1</a>",
        "    <a>2</a>",
        "  </a>",
        "  <a>3</a>",
        "</Document>",
    ]);
    assert_eq!(body(&o), want);
}

#[test]
fn json_to_xml_parse_date_rewrites_iso_dates_in_round_trip_form_or_copies_them() {
    let json = r#"{"d":"2024-01-02T03:04:05.1200000Z"}"#;
    let o = to_xml(json, true, [None, None, None]);
    assert_eq!(body(&o), "<d>2024-01-02T03:04:05.12Z</d>");
    let o = to_xml(json, false, [None, None, None]);
    assert_eq!(body(&o), "<d>2024-01-02T03:04:05.1200000Z</d>");
}

#[test]
fn json_to_xml_default_separator_splits_only_declared_prefixes() {
    let json = r#"{"a":{"xmlns":"urn:d","xmlns_p":"urn:p","p_b":"1","first_name":"x"}}"#;
    let o = to_xml(json, true, [None, Some("xmlns"), None]);
    let want = lines(&[
        r#"<a xmlns="urn:d" xmlns:p="urn:p">"#,
        "  <p:b>1</p:b>",
        "  <first_name>x</first_name>",
        "</a>",
    ]);
    assert_eq!(body(&o), want);
    // Without `namespace-prefix` nothing is a declaration, and names are encoded.
    let o = to_xml(
        r#"{"a":{"xmlns:p":"u","first name":"x","1st":"y"}}"#,
        true,
        [None; 3],
    );
    let want = lines(&[
        "<a>",
        "  <xmlns_x003A_p>u</xmlns_x003A_p>",
        "  <first_x0020_name>x</first_x0020_name>",
        "  <_x0031_st>y</_x0031_st>",
        "</a>",
    ]);
    assert_eq!(body(&o), want);
}

#[test]
fn json_to_xml_attribute_blocks_take_scalars_and_refuse_containers() {
    let o = to_xml(
        r##"{"a":{"@":{"id":7,"q":"x\"y","n":null},"b":"t"}}"##,
        true,
        [None, None, Some("@")],
    );
    assert_eq!(
        body(&o),
        lines(&[r#"<a id="7" q="x&quot;y" n="">"#, "  <b>t</b>", "</a>"])
    );
    let o = to_xml(r##"{"a":{"@":{"id":[1]}}}"##, true, [None, None, Some("@")]);
    let m = error_message(&o, "json-to-xml");
    assert!(
        m.contains("The attribute 'id' must have a single value"),
        "{m}"
    );
}

#[test]
fn json_to_xml_apply_content_type_json_and_the_accept_header() {
    let run_with = |apply: &str, accept: Option<&str>, ct: &str, req: &[(&str, &str)]| {
        let mut b = B::new();
        let op = j2x(&mut b, apply, accept, true, [None; 3]);
        outbound(op, b, req, ct, r#"{"a":1}"#)
    };
    let o = run_with("content-type-json", Some("false"), "text/plain", &[]);
    assert_eq!(body(&o), r#"{"a":1}"#);
    let o = run_with(
        "content-type-json",
        Some("false"),
        "application/problem+json",
        &[],
    );
    assert_eq!(body(&o), "<a>1</a>");
    // consider-accept-header defaults to true: only when the client asks for XML.
    let o = run_with(
        "always",
        None,
        "application/json",
        &[("accept", "application/json")],
    );
    assert_eq!(body(&o), r#"{"a":1}"#);
    assert_eq!(header(&o, "content-type"), Some("application/json"));
    let accept = [("accept", "application/json;q=0.5, text/xml")];
    let o = run_with("always", None, "application/json", &accept);
    assert_eq!(body(&o), "<a>1</a>");
    let o = run_with("always", Some("true"), "application/json", &[]);
    assert_eq!(body(&o), r#"{"a":1}"#);
}

#[test]
fn json_to_xml_inbound_converts_the_request_body() {
    let mut b = B::new();
    let op = j2x(&mut b, "content-type-json", Some("false"), true, [None; 3]);
    let p = b.pipeline(vec![op], None, vec![], vec![]);
    single(&mut b, p);
    let (gw, _) = b.gateway();
    let h = head(
        "GET",
        "/orders/items/1",
        &[("content-type", "application/json")],
    );
    let o = run(&gw, h, r#"{"order":{"id":1}}"#);
    let f = &o.forwarded[0];
    let want = lines(&["<order>", "  <id>1</id>", "</order>"]);
    assert_eq!(f.body.as_deref(), Some(want.as_bytes()));
    assert_eq!(f.headers.get("content-type").unwrap(), "application/xml");
}

#[test]
fn json_to_xml_refuses_bad_json_deep_nesting_invalid_utf8_and_oversized_output() {
    let m = error_message(&to_xml(r#"{"a":"#, true, [None; 3]), "json-to-xml");
    assert!(m.starts_with("The body is not valid JSON."), "{m}");
    let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
    let m = error_message(&to_xml(&deep, true, [None; 3]), "json-to-xml");
    assert!(m.contains("MaxDepth of 64"), "{m}");
    let m = error_message(&to_xml("{\"a\":\"\u{1}\"}", true, [None; 3]), "json-to-xml");
    assert!(m.contains("is an invalid character"), "{m}");
    // A long name repeated by a long array: refused while writing, at the limit.
    let json = format!(r#"{{"{}":[{}1]}}"#, "n".repeat(200), "1,".repeat(1000));
    let mut b = B::new();
    let op = j2x(&mut b, "always", Some("false"), true, [None; 3]);
    let config = EngineConfig {
        max_body: 8192,
        ..EngineConfig::default()
    };
    let o = outbound_with(op, b, &[], "application/json", &json, config);
    let m = error_message(&o, "json-to-xml");
    assert!(m.contains("more than the limit of 8192"), "{m}");
    // Invalid UTF-8 in the request body.
    let mut b = B::new();
    let op = j2x(&mut b, "always", Some("false"), true, [None; 3]);
    let p = b.pipeline(vec![op], None, vec![], vec![]);
    single(&mut b, p);
    let (gw, _) = b.gateway();
    let h = head("GET", "/orders/items/1", &[]);
    let o = run_in_process(&gw, h, Bytes::from_static(b"{\"a\":\"\xff\"}"), &mut ok);
    let m = error_message(&o, "json-to-xml");
    assert!(
        m.contains("not valid UTF-8 (invalid byte at offset 6)"),
        "{m}"
    );
}

/// The converted XML → JSON of `xml` (always, Accept not considered).
fn to_json(kind: &str, always: Option<&str>, xml: &str) -> Outcome {
    let mut b = B::new();
    let op = x2j(&mut b, kind, "always", Some("false"), always);
    outbound(op, b, &[], "text/xml", xml)
}

const SOAP: &str = r#"<?xml version="1.0"?>
<soap:Envelope xmlns="http://fyicenter.com/"
    xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
    <soap:Body>
        <GetOrders>
            <Customer>1234567</Customer>
        </GetOrders>
    </soap:Body>
</soap:Envelope>"#;

#[test]
fn xml_to_json_direct_keeps_the_declaration_prefixes_and_attributes() {
    let o = to_json("direct", None, SOAP);
    assert_eq!(header(&o, "content-type"), Some("application/json"));
    let want = lines(&[
        "{",
        r#"  "version": "1.0","#,
        r#"  "soap$Envelope": {"#,
        r#"    "@xmlns": "http://fyicenter.com/","#,
        r#"    "@xmlns$soap": "http://schemas.xmlsoap.org/soap/envelope/","#,
        r#"    "soap$Body": {"#,
        r#"      "GetOrders": {"#,
        r#"        "Customer": "1234567""#,
        "      }",
        "    }",
        "  }",
        "}",
    ]);
    assert_eq!(body(&o), want);
}

#[test]
fn xml_to_json_javascript_friendly_drops_prefixes_declarations_and_at_signs() {
    let xml = r#"<p:a xmlns:p="urn:p" id="1"><p:b>x</p:b><c/><c k="v">t</c></p:a>"#;
    let o = to_json("javascript-friendly", None, xml);
    let want = lines(&[
        "{",
        r#"  "a": {"#,
        r#"    "id": "1","#,
        r#"    "b": "x","#,
        r#"    "c": ["#,
        "      null,",
        "      {",
        r#"        "k": "v","#,
        r##"        "#text": "t""##,
        "      }",
        "    ]",
        "  }",
        "}",
    ]);
    assert_eq!(body(&o), want);
}

#[test]
fn xml_to_json_repeated_elements_text_cdata_and_always_array() {
    let xml = r#"<r><i>1</i><e></e><i>2</i><m>a<!--c--><b/>z</m><d><![CDATA[<x>]]></d></r>"#;
    let o = to_json("direct", None, xml);
    let v = gatehouse_dotnet::jsonparse::parse(body(&o)).unwrap();
    let compact = v.to_json(gatehouse_dotnet::jsonwrite::Formatting::None);
    assert_eq!(
        compact,
        r##"{"r":{"i":["1","2"],"e":"","m":{"#text":["a","z"],"b":null},"d":{"#cdata-section":"<x>"}}}"##
    );
    let o = to_json("direct", Some("true"), "<r><i>1</i><j><k>2</k></j></r>");
    let v = gatehouse_dotnet::jsonparse::parse(body(&o)).unwrap();
    let compact = v.to_json(gatehouse_dotnet::jsonwrite::Formatting::None);
    assert_eq!(compact, r#"{"r":{"i":["1"],"j":[{"k":["2"]}]}}"#);
}

#[test]
fn xml_to_json_apply_content_type_xml_and_the_accept_header() {
    let run_with = |apply: &str, accept: Option<&str>, ct: &str, req: &[(&str, &str)]| {
        let mut b = B::new();
        let op = x2j(&mut b, "direct", apply, accept, None);
        outbound(op, b, req, ct, "<a>1</a>")
    };
    let o = run_with("content-type-xml", Some("false"), "application/json", &[]);
    assert_eq!(body(&o), "<a>1</a>");
    let o = run_with(
        "content-type-xml",
        Some("false"),
        "application/soap+xml",
        &[],
    );
    assert_eq!(body(&o), lines(&["{", r#"  "a": "1""#, "}"]));
    let o = run_with("always", None, "text/xml", &[("accept", "text/xml")]);
    assert_eq!(body(&o), "<a>1</a>");
    let o = run_with(
        "always",
        None,
        "text/xml",
        &[("accept", "application/json")],
    );
    assert_eq!(body(&o), lines(&["{", r#"  "a": "1""#, "}"]));
}

#[test]
fn xml_to_json_refuses_dtds_entity_expansion_malformed_and_deep_documents() {
    let laughs = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>"#;
    let m = error_message(&to_json("direct", None, laughs), "xml-to-json");
    assert!(m.contains("lol2"), "{m}");
    let dtd = r#"<!DOCTYPE a [<!ELEMENT a ANY>]><a>1</a>"#;
    let m = error_message(&to_json("direct", None, dtd), "xml-to-json");
    assert!(m.contains("DTD is prohibited"), "{m}");
    let m = error_message(&to_json("direct", None, "<a><b></a>"), "xml-to-json");
    assert!(m.starts_with("The body is not well-formed XML."), "{m}");
    let deep = format!("{}{}", "<a>".repeat(300), "</a>".repeat(300));
    let m = error_message(&to_json("direct", None, &deep), "xml-to-json");
    assert!(m.contains("nested too deeply"), "{m}");
}

#[test]
fn xml_to_json_output_past_the_body_limit_is_an_error() {
    let xml = format!("<r>{}</r>", "<x/>".repeat(1500));
    let mut b = B::new();
    let op = x2j(&mut b, "direct", "always", Some("false"), None);
    let config = EngineConfig {
        max_body: 8192,
        ..EngineConfig::default()
    };
    let o = outbound_with(op, b, &[], "text/xml", &xml, config);
    let m = error_message(&o, "xml-to-json");
    assert!(m.contains("more than the limit of 8192"), "{m}");
}
