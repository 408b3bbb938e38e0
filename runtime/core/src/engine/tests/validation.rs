//! The validation policies: `validate-content` (size, content types and their map, JSON
//! against schemas, XML and SOAP well-formedness, bounded parsing), `validate-parameters`,
//! `validate-headers` and `validate-status-code`, with each action, APIM's statuses, error
//! objects in `errors-variable-name` and `context.LastError`.

use super::*;
use crate::program::{
    BodySpec, ContentRule, Contract, ParamBlock, ParamIn, ParamSpec, ResponseSpec, TypeMapping,
    ValidateAs, ValidateContent, ValidateHeaders, ValidateParameters, ValidateStatusCode,
};
use crate::value::Entity;

const ORDER: &str = r##"{"type":"object","required":["id","items"],"properties":{
  "id":{"type":"integer","minimum":1},
  "note":{"type":["string","null"]},
  "when":{"type":"string","format":"date-time"},
  "items":{"type":"array","items":{"$ref":"#/$defs/Item"}}},
  "$defs":{"Item":{"allOf":[{"type":"object","required":["sku"],"properties":{"sku":{"type":"string"}}},
    {"properties":{"qty":{"type":"integer"}}}]}}}"##;

const CLOSED: &str =
    r#"{"type":"object","properties":{"a":{"type":"integer"}},"additionalProperties":false}"#;

/// The contract of `POST /orders/items/{id}`: an `ORDER` JSON request body, a `CLOSED`
/// 201 response with header `X-Count` (integer, required), `default` not declared; query
/// `limit` (integer 1..=10), header `X-Tenant` (required), path `id` (integer).
fn contract(b: &mut B) -> Contract {
    let order = b.s(ORDER);
    let closed = b.s(CLOSED);
    let json = b.s("application/json");
    let int = b.s(r#"{"type":"integer","minimum":1,"maximum":10}"#);
    let path_int = b.s(r#"{"type":"integer"}"#);
    let param = |b: &mut B, name: &str, location, required, schema| ParamSpec {
        name: b.s(name),
        location,
        required,
        schema,
    };
    Contract {
        parameters: vec![
            param(b, "limit", ParamIn::Query, false, Some(int)),
            param(b, "X-Tenant", ParamIn::Header, true, None),
            param(b, "id", ParamIn::Path, true, Some(path_int)),
        ],
        request: vec![BodySpec {
            content_type: json,
            schema: Some(order),
        }],
        responses: vec![ResponseSpec {
            status: 201,
            bodies: vec![BodySpec {
                content_type: json,
                schema: Some(closed),
            }],
            headers: vec![param(b, "X-Count", ParamIn::Header, true, Some(path_int))],
        }],
    }
}

/// Runs the pipeline (`inbound`, `outbound`) on `POST /orders/items/{path}` with
/// `headers` and `body`; the backend answers `backend`. `on-error` copies the last error's
/// reason and source into `X-Reason` and `X-Source`.
fn go(
    make: impl FnOnce(&mut B) -> (Vec<OpKind>, Vec<OpKind>),
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    backend: (u16, &[(&str, &str)], &str),
) -> Outcome {
    let mut b = B::new();
    let (inbound, outbound) = make(&mut b);
    let on_error = vec![
        set_entity_header(&mut b, "X-Reason", Entity::LastError, "Reason"),
        set_entity_header(&mut b, "X-Source", Entity::LastError, "Source"),
    ];
    let p = b.pipeline(inbound, None, outbound, on_error);
    let api = b.api("orders", "orders", false);
    let contract = contract(&mut b);
    let op = b.op(api, "post-item", "POST", "/items/{id}", vec![(u32::MAX, p)]);
    b.p.apis[api as usize].operations[op as usize].contract = contract;
    let (gw, _) = b.gateway();
    let (status, answer_headers, answer) = backend;
    let mut backend = |_: &BackendRequest, _: &Bytes| {
        let mut map = HeaderMap::new();
        for (k, v) in answer_headers {
            map.append(
                HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        Ok((
            BackendResponse {
                status: StatusCode::from_u16(status).unwrap(),
                headers: map,
            },
            Bytes::from(answer.to_string()),
        ))
    };
    let head = head("POST", &format!("/orders/items/{path}"), headers);
    run_in_process(&gw, head, Bytes::from(body.to_vec()), &mut backend)
}

const JSON: &[(&str, &str)] = &[("content-type", "application/json")];
const CREATED: (u16, &[(&str, &str)], &str) = (
    201,
    &[("content-type", "application/json"), ("x-count", "3")],
    r#"{"a":1}"#,
);

/// `validate-content` with the actions given, `max-size` 1000, errors in `errors`.
fn content(b: &mut B, size_action: &str, unspecified: &str, rules: Vec<ContentRule>) -> OpKind {
    OpKind::ValidateContent(ValidateContent {
        unspecified_content_type_action: b.lit(unspecified),
        max_size: b.lit("1000"),
        size_exceeded_action: b.lit(size_action),
        errors_variable_name: Some(b.s("errors")),
        any_content_type_value: None,
        missing_content_type_value: None,
        type_map: Vec::new(),
        contents: rules,
    })
}

fn rule(b: &mut B, ty: Option<&str>, validate_as: ValidateAs, action: &str) -> ContentRule {
    ContentRule {
        content_type: ty.map(|t| b.s(t)),
        validate_as,
        schema: None,
        action: b.lit(action),
        allow_additional_properties: None,
    }
}

/// `validate-content` on the request, JSON rule with `action`.
fn json_in(action: &'static str) -> impl FnOnce(&mut B) -> (Vec<OpKind>, Vec<OpKind>) {
    move |b| {
        let r = rule(b, Some("application/json"), ValidateAs::Json, action);
        (vec![content(b, "prevent", "prevent", vec![r])], vec![])
    }
}

/// The errors the policy recorded, as JSON.
fn errors(o: &Outcome) -> serde_json::Value {
    serde_json::from_str(&o.exchange.variable_text("errors").unwrap()).unwrap()
}

const GOOD: &str =
    r#"{"id":7,"note":null,"when":"2024-01-02T03:04:05Z","items":[{"sku":"a","qty":2}]}"#;

#[test]
fn a_body_matching_the_declared_schema_passes() {
    let o = go(json_in("prevent"), "1", JSON, GOOD.as_bytes(), CREATED);
    assert_eq!(o.response.status, StatusCode::CREATED);
    assert_eq!(o.forwarded.len(), 1);
    assert_eq!(o.exchange.variable_text("errors"), None);
}

#[test]
fn a_body_against_the_schema_is_prevented_with_400_and_apim_error() {
    // `items[0]` lacks `sku` (from an `allOf` part through a `$ref`), `when` is no date.
    let bad = r#"{"id":7,"when":"yesterday","items":[{"qty":2}]}"#;
    let o = go(json_in("prevent"), "1", JSON, bad.as_bytes(), CREATED);
    assert_eq!(o.response.status, StatusCode::BAD_REQUEST);
    assert!(o.forwarded.is_empty());
    let text = body(&o);
    assert!(text.contains("Body of the request does not conform to the definition which is associated with the content type application/json."), "{text}");
    assert!(
        text.contains("\\\"sku\\\" is a required property at '/items/0'"),
        "{text}"
    );
    assert!(text.contains("is not a \\\"date-time\\\""), "{text}");
    assert_eq!(header(&o, "x-reason"), Some("Bad request"));
    assert_eq!(header(&o, "x-source"), Some("validate-content"));
    let e = &errors(&o)[0];
    assert_eq!(e["Name"], "application/json");
    assert_eq!(e["Type"], "RequestBody");
    assert_eq!(e["ValidationRule"], "IncorrectMessage");
    assert_eq!(e["Action"], "prevent");
}

#[test]
fn detect_records_the_error_and_goes_on_and_ignore_does_not_look() {
    let bad = r#"{"id":"seven","items":[]}"#;
    let o = go(json_in("detect"), "1", JSON, bad.as_bytes(), CREATED);
    assert_eq!(o.response.status, StatusCode::CREATED);
    assert_eq!(o.forwarded.len(), 1);
    let e = &errors(&o)[0];
    assert_eq!(e["Action"], "detect");
    assert!(e["Details"]
        .as_str()
        .unwrap()
        .contains("\"seven\" is not of type \"integer\" at '/id'"));
    let o = go(json_in("ignore"), "1", JSON, b"{not json", CREATED);
    assert_eq!(o.response.status, StatusCode::CREATED);
    assert_eq!(o.exchange.variable_text("errors"), None);
}

#[test]
fn an_oversized_body_is_a_size_limit_error_and_is_not_parsed() {
    let big = format!(r#"{{"id":1,"items":[],"note":"{}"}}"#, "x".repeat(1200));
    let o = go(json_in("prevent"), "1", JSON, big.as_bytes(), CREATED);
    assert_eq!(o.response.status, StatusCode::BAD_REQUEST);
    let size = big.len();
    assert_eq!(
        body(&o),
        format!(
            r#"{{ "statusCode": 400, "message": "Request's body is {size} bytes long and it exceeds the limit of 1000 bytes." }}"#
        )
    );
    let e = &errors(&o);
    assert_eq!(e.as_array().unwrap().len(), 1);
    assert_eq!(e[0]["ValidationRule"], "SizeLimit");
    assert_eq!(e[0]["Details"], format!("Request's body is {size} bytes long and it exceeds the configured limit of 1000 bytes."));
}

#[test]
fn a_content_type_no_content_names_is_unspecified() {
    let o = go(
        json_in("prevent"),
        "1",
        &[("content-type", "text/plain")],
        b"hi",
        CREATED,
    );
    assert_eq!(o.response.status, StatusCode::BAD_REQUEST);
    assert!(body(&o).contains("Unspecified content type text/plain is not allowed."));
    assert_eq!(errors(&o)[0]["ValidationRule"], "Unspecified");
    assert_eq!(errors(&o)[0]["Name"], "text/plain");
}

#[test]
fn malformed_deep_and_non_utf8_json_are_located_errors() {
    let o = go(
        json_in("prevent"),
        "1",
        JSON,
        b"{\"id\": 1,\n \"items\": [}",
        CREATED,
    );
    assert_eq!(o.response.status, StatusCode::BAD_REQUEST);
    assert!(body(&o).contains("Line: 2, Position: 12."), "{}", body(&o));
    let deep = format!("{}{}", "[".repeat(50_000), "]".repeat(50_000));
    let o = go(
        |b| {
            let r = rule(b, None, ValidateAs::Json, "prevent");
            let mut op = content(b, "prevent", "prevent", vec![r]);
            if let OpKind::ValidateContent(v) = &mut op {
                v.max_size = b.lit("102400");
            }
            (vec![op], vec![])
        },
        "1",
        JSON,
        deep.as_bytes(),
        CREATED,
    );
    assert_eq!(o.response.status, StatusCode::BAD_REQUEST);
    assert!(
        body(&o).contains("The JSON nests deeper than 64 levels. Line: 1, Position: 65."),
        "{}",
        body(&o)
    );
    let o = go(
        json_in("prevent"),
        "1",
        JSON,
        b"{\"id\": \"\xff\"}",
        CREATED,
    );
    assert!(
        body(&o).contains("The body is not valid UTF-8. Line: 1, Position: 9."),
        "{}",
        body(&o)
    );
}

#[test]
fn a_response_against_its_schema_answers_502_with_the_public_message() {
    let outbound = |b: &mut B| {
        let r = rule(b, Some("application/json"), ValidateAs::Json, "prevent");
        (vec![], vec![content(b, "prevent", "prevent", vec![r])])
    };
    let o = go(outbound, "1", JSON, b"", CREATED);
    assert_eq!(o.response.status, StatusCode::CREATED);
    let extra = (201, CREATED.1, r#"{"a":1,"b":2}"#);
    let o = go(outbound, "1", JSON, b"", extra);
    assert_eq!(o.response.status, StatusCode::BAD_GATEWAY);
    assert_eq!(
        body(&o),
        r#"{ "statusCode": 502, "message": "The request could not be processed due to an internal error. Contact the API owner." }"#
    );
    assert_eq!(header(&o, "x-reason"), Some("Response not allowed"));
    assert_eq!(errors(&o)[0]["Type"], "ResponseBody");
}

#[test]
fn allow_additional_properties_overrides_the_schema_both_ways() {
    let with = |allow: Option<bool>| {
        move |b: &mut B| {
            let mut r = rule(b, Some("application/json"), ValidateAs::Json, "prevent");
            r.allow_additional_properties = allow;
            (vec![content(b, "prevent", "prevent", vec![r])], vec![])
        }
    };
    let extra_in_part = r#"{"id":1,"items":[{"sku":"a","qty":1,"colour":"red"}],"more":true}"#;
    let o = go(with(None), "1", JSON, extra_in_part.as_bytes(), CREATED);
    assert_eq!(o.response.status, StatusCode::CREATED);
    let o = go(
        with(Some(false)),
        "1",
        JSON,
        extra_in_part.as_bytes(),
        CREATED,
    );
    assert_eq!(o.response.status, StatusCode::BAD_REQUEST);
    let details = errors(&o)[0]["Details"].as_str().unwrap().to_string();
    assert!(
        details.contains("'more' was unexpected") || details.contains("more"),
        "{details}"
    );
    assert!(details.contains("colour"), "{details}");
    // Properties of `allOf` parts are declared, not additional.
    let o = go(with(Some(false)), "1", JSON, GOOD.as_bytes(), CREATED);
    assert_eq!(o.response.status, StatusCode::CREATED);
    // `true` lets the closed response schema take more.
    let outbound = |allow| {
        move |b: &mut B| {
            let mut r = rule(b, Some("application/json"), ValidateAs::Json, "prevent");
            r.allow_additional_properties = allow;
            (vec![], vec![content(b, "prevent", "prevent", vec![r])])
        }
    };
    let extra = (201, CREATED.1, r#"{"a":1,"b":2}"#);
    let o = go(outbound(Some(true)), "1", JSON, b"", extra);
    assert_eq!(o.response.status, StatusCode::CREATED);
}

#[test]
fn xml_must_be_well_formed_without_dtds_and_soap_must_be_an_envelope() {
    let xml = |action: &'static str, as_: ValidateAs| {
        move |b: &mut B| {
            let r = rule(b, None, as_, action);
            (vec![content(b, "prevent", "prevent", vec![r])], vec![])
        }
    };
    let ct = &[("content-type", "application/xml")][..];
    let o = go(
        xml("prevent", ValidateAs::Xml),
        "1",
        ct,
        b"<a x=\"1\"><b>t &amp; &#65;</b><c/></a>",
        CREATED,
    );
    assert_eq!(o.response.status, StatusCode::CREATED, "{}", body(&o));
    let laughs = b"<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;\">]><lolz>&lol2;</lolz>";
    let o = go(xml("prevent", ValidateAs::Xml), "1", ct, laughs, CREATED);
    assert_eq!(o.response.status, StatusCode::BAD_REQUEST);
    assert!(
        body(&o)
            .contains("Document type declarations (DTDs) are not allowed. Line: 1, Position: 22."),
        "{}",
        body(&o)
    );
    for bad in [
        &b"<a><b></a>"[..],
        b"<a/><b/>",
        b"<a>&unknown;</a>",
        b"<a",
        b"text",
    ] {
        let o = go(xml("prevent", ValidateAs::Xml), "1", ct, bad, CREATED);
        assert_eq!(
            o.response.status,
            StatusCode::BAD_REQUEST,
            "{}",
            String::from_utf8_lossy(bad)
        );
    }
    let deep = format!("{}{}", "<a>".repeat(65), "</a>".repeat(65));
    let o = go(
        xml("prevent", ValidateAs::Xml),
        "1",
        ct,
        deep.as_bytes(),
        CREATED,
    );
    assert!(
        body(&o).contains("The XML nests deeper than 64 elements."),
        "{}",
        body(&o)
    );
    let soap11 = &[("content-type", "text/xml; charset=utf-8")][..];
    let env = br#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body/></s:Envelope>"#;
    let o = go(xml("prevent", ValidateAs::Soap), "1", soap11, env, CREATED);
    assert_eq!(o.response.status, StatusCode::CREATED, "{}", body(&o));
    let soap12 = &[("content-type", "application/soap+xml")][..];
    let o = go(xml("prevent", ValidateAs::Soap), "1", soap12, env, CREATED);
    assert_eq!(o.response.status, StatusCode::BAD_REQUEST);
    assert!(body(&o).contains("not a SOAP envelope"));
}

#[test]
fn the_content_type_map_chooses_the_type_validated() {
    let mapped = |b: &mut B| {
        let r = rule(b, Some("application/json"), ValidateAs::Json, "prevent");
        let mut op = content(b, "prevent", "prevent", vec![r]);
        if let OpKind::ValidateContent(v) = &mut op {
            v.missing_content_type_value = Some(b.s("application/json"));
            v.type_map = vec![TypeMapping {
                from: Some(b.s("application/hal+json")),
                when: None,
                to: b.s("application/json"),
            }];
        }
        (vec![op], vec![])
    };
    let o = go(mapped, "1", &[], b"{\"id\":0,\"items\":[]}", CREATED);
    assert_eq!(o.response.status, StatusCode::BAD_REQUEST);
    assert!(body(&o).contains("content type application/json"));
    let hal = &[("content-type", "application/hal+json")][..];
    let o = go(mapped, "1", hal, GOOD.as_bytes(), CREATED);
    assert_eq!(o.response.status, StatusCode::CREATED);
    let any = |b: &mut B| {
        let r = rule(b, Some("application/json"), ValidateAs::Json, "prevent");
        let mut op = content(b, "prevent", "prevent", vec![r]);
        if let OpKind::ValidateContent(v) = &mut op {
            v.any_content_type_value = Some(b.s("application/json"));
        }
        (vec![op], vec![])
    };
    let o = go(any, "1", &[("content-type", "text/plain")], b"{}", CREATED);
    assert!(
        body(&o).contains("\\\"id\\\" is a required property"),
        "{}",
        body(&o)
    );
}

fn status_code(b: &mut B, unspecified: &str, codes: &[(u16, &str)]) -> OpKind {
    OpKind::ValidateStatusCode(ValidateStatusCode {
        unspecified_status_code_action: b.lit(unspecified),
        errors_variable_name: Some(b.s("errors")),
        codes: codes.iter().map(|(c, a)| (*c, b.lit(a))).collect(),
    })
}

#[test]
fn validate_status_code_refuses_undeclared_statuses_with_overrides() {
    let o = go(
        |b| (vec![], vec![status_code(b, "prevent", &[])]),
        "1",
        JSON,
        b"",
        CREATED,
    );
    assert_eq!(o.response.status, StatusCode::CREATED);
    let not_found = (404, &[][..], "gone");
    let o = go(
        |b| (vec![], vec![status_code(b, "prevent", &[])]),
        "1",
        JSON,
        b"",
        not_found,
    );
    assert_eq!(o.response.status, StatusCode::BAD_GATEWAY);
    assert_eq!(header(&o, "x-source"), Some("validate-status-code"));
    let e = &errors(&o)[0];
    assert_eq!(
        (e["Name"].as_str(), e["Type"].as_str()),
        (Some("404"), Some("StatusCode"))
    );
    assert_eq!(e["Details"], "Unspecified status code 404 is not allowed.");
    let o = go(
        |b| (vec![], vec![status_code(b, "prevent", &[(404, "detect")])]),
        "1",
        JSON,
        b"",
        not_found,
    );
    assert_eq!(o.response.status, StatusCode::NOT_FOUND);
    assert_eq!(errors(&o)[0]["Action"], "detect");
}

fn headers_op(b: &mut B, specified: &str, unspecified: &str, overrides: &[(&str, &str)]) -> OpKind {
    OpKind::ValidateHeaders(ValidateHeaders {
        specified_header_action: b.lit(specified),
        unspecified_header_action: b.lit(unspecified),
        errors_variable_name: Some(b.s("errors")),
        headers: overrides.iter().map(|(n, a)| (b.s(n), b.lit(a))).collect(),
    })
}

#[test]
fn validate_headers_checks_declared_and_unspecified_response_headers() {
    let o = go(
        |b| (vec![], vec![headers_op(b, "prevent", "prevent", &[])]),
        "1",
        JSON,
        b"",
        CREATED,
    );
    assert_eq!(o.response.status, StatusCode::CREATED);
    let odd = (201, &[("x-count", "many"), ("x-debug", "1")][..], "{}");
    let o = go(
        |b| (vec![], vec![headers_op(b, "detect", "detect", &[])]),
        "1",
        JSON,
        b"",
        odd,
    );
    assert_eq!(o.response.status, StatusCode::CREATED);
    let e = errors(&o);
    assert_eq!(e[0]["Name"], "X-Count");
    assert_eq!(e[0]["ValidationRule"], "ValidationError");
    assert_eq!(
        e[1]["Details"],
        "Unspecified header x-debug is not allowed."
    );
    assert_eq!(e[1]["Type"], "ResponseHeader");
    let o = go(
        |b| {
            (
                vec![],
                vec![headers_op(b, "ignore", "prevent", &[("X-Debug", "ignore")])],
            )
        },
        "1",
        JSON,
        b"",
        odd,
    );
    assert_eq!(o.response.status, StatusCode::CREATED);
    let o = go(
        |b| (vec![], vec![headers_op(b, "prevent", "ignore", &[])]),
        "1",
        JSON,
        b"",
        (201, &[][..], "{}"),
    );
    assert_eq!(o.response.status, StatusCode::BAD_GATEWAY);
    assert_eq!(
        errors(&o)[0]["Details"],
        "Response header X-Count is required but missing."
    );
}

fn params(b: &mut B, specified: &str, unspecified: &str, query: ParamBlock) -> OpKind {
    OpKind::ValidateParameters(ValidateParameters {
        specified_parameter_action: b.lit(specified),
        unspecified_parameter_action: b.lit(unspecified),
        errors_variable_name: Some(b.s("errors")),
        blocks: [ParamBlock::default(), query, ParamBlock::default()],
    })
}

#[test]
fn validate_parameters_checks_types_presence_and_unspecified_ones() {
    let tenant = &[("x-tenant", "t1")][..];
    let p = |s: &'static str, u: &'static str| {
        move |b: &mut B| (vec![params(b, s, u, ParamBlock::default())], vec![])
    };
    let o = go(p("prevent", "prevent"), "5?limit=3", tenant, b"", CREATED);
    assert_eq!(o.response.status, StatusCode::CREATED, "{}", body(&o));
    let o = go(p("prevent", "ignore"), "5?limit=11", tenant, b"", CREATED);
    assert_eq!(o.response.status, StatusCode::BAD_REQUEST);
    assert!(
        body(&o).contains("Query parameter limit contains invalid value."),
        "{}",
        body(&o)
    );
    assert_eq!(errors(&o)[0]["Type"], "QueryParameter");
    let o = go(p("prevent", "ignore"), "five", tenant, b"", CREATED);
    assert_eq!(o.response.status, StatusCode::BAD_REQUEST);
    assert_eq!(errors(&o)[0]["Type"], "PathParameter");
    let o = go(p("prevent", "ignore"), "5", &[], b"", CREATED);
    assert_eq!(
        errors(&o)[0]["Details"],
        "Header X-Tenant is required but missing."
    );
    assert_eq!(errors(&o)[0]["Type"], "RequestHeader");
    let o = go(
        p("ignore", "prevent"),
        "5?debug=1",
        &[("x-tenant", "t"), ("x-extra", "1")],
        b"",
        CREATED,
    );
    assert_eq!(o.response.status, StatusCode::BAD_REQUEST);
    let e = errors(&o);
    assert_eq!(
        e[0]["Details"],
        "Unspecified query parameter debug is not allowed."
    );
    assert_eq!(
        e[1]["Details"],
        "Unspecified header x-extra is not allowed."
    );
    // The query block's own action, and a parameter's override, win.
    let block = |b: &mut B| {
        let q = ParamBlock {
            specified: None,
            unspecified: Some(b.lit("detect")),
            parameters: vec![(b.s("limit"), b.lit("ignore"))],
        };
        (vec![params(b, "prevent", "prevent", q)], vec![])
    };
    let o = go(block, "5?limit=99&debug=1", tenant, b"", CREATED);
    assert_eq!(o.response.status, StatusCode::CREATED, "{}", body(&o));
    assert_eq!(errors(&o).as_array().unwrap().len(), 1);
    assert_eq!(errors(&o)[0]["Action"], "detect");
}
