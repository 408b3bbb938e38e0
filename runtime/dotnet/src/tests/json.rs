//! Newtonsoft.Json model tests: parsing leniency, error messages, output formats, paths, conversions.

use crate::error::ExceptionKind;
use crate::json::*;
use crate::jsonparse::*;
use crate::jsonpath::*;
use crate::jsonwrite::*;
use crate::numfmt::IntType;

fn p(s: &str) -> JToken {
    parse(s).unwrap_or(JToken::String(format!("parse failed: {s}")))
}
fn compact(s: &str) -> String {
    p(s).to_json(Formatting::None)
}
fn err(s: &str) -> String {
    parse(s)
        .map(|_| String::new())
        .unwrap_or_else(|e| e.message)
}

#[test]
fn parse_and_compact_output() {
    assert_eq!(
        compact(r#"{"a":1,"b":[true,false,null],"c":{"d":"x"}}"#),
        r#"{"a":1,"b":[true,false,null],"c":{"d":"x"}}"#
    );
    assert_eq!(compact(r#" { "z" : 1 , "a" : 2 } "#), r#"{"z":1,"a":2}"#);
    assert_eq!(compact("{'a': 'single'}"), r#"{"a":"single"}"#);
    assert_eq!(compact("{a: 1, b_2: 2}"), r#"{"a":1,"b_2":2}"#);
    assert_eq!(compact("[1, 2, ]"), "[1,2]");
    assert_eq!(compact("{\"a\":1,}"), r#"{"a":1}"#);
    assert_eq!(compact("/* c */ {\"a\": 1 // line\n}"), r#"{"a":1}"#);
    assert_eq!(compact(r#"{"a":1,"a":2}"#), r#"{"a":2}"#);
    assert_eq!(
        compact("[1.0, 1.5, 1e16, 0.1, -0.0, 10]"),
        "[1.0,1.5,1E+16,0.1,-0.0,10]"
    );
    assert_eq!(
        compact("[9223372036854775807, 9223372036854775808]"),
        "[9223372036854775807,9.223372036854776E+18]"
    );
    assert_eq!(
        compact("[NaN, Infinity, -Infinity, undefined]"),
        r#"["NaN","Infinity","-Infinity",null]"#
    );
    assert_eq!(compact(r#""a\"b\\c\/d\u0041\n\t""#), r#""a\"b\\c/dA\n\t""#);
    assert_eq!(
        compact(r#""\u001f\u0085\u2028é😀""#),
        "\"\\u001f\\u0085\\u2028é😀\""
    );
    assert_eq!(compact(r#""\ud83d\ude00""#), "\"😀\"");
    assert_eq!(compact("{}"), "{}");
    assert_eq!(compact("[]"), "[]");
    assert_eq!(p("42"), JToken::Integer(42));
    assert_eq!(p("-1.5"), JToken::Float(-1.5));
    assert_eq!(p("\"x\""), JToken::String("x".into()));
}

#[test]
fn indented_output() {
    let t = p(r#"{"a":1,"b":[1,2],"c":{},"d":[],"e":{"f":null}}"#);
    let expected = "{\n  \"a\": 1,\n  \"b\": [\n    1,\n    2\n  ],\n  \"c\": {},\n  \"d\": [],\n  \"e\": {\n    \"f\": null\n  }\n}";
    assert_eq!(t.to_json(Formatting::Indented("\n")), expected);
    assert_eq!(t.to_dotnet_string(), expected.replace('\n', "\r\n"));
    assert_eq!(p("[1]").to_json(Formatting::INDENTED), "[\r\n  1\r\n]");
    assert_eq!(p("\"raw\"").to_dotnet_string(), "raw");
    assert_eq!(p("true").to_dotnet_string(), "True");
    assert_eq!(p("1.0").to_dotnet_string(), "1");
    assert_eq!(p("null").to_dotnet_string(), "");
    assert_eq!(p("1.0").to_json(Formatting::None), "1.0");
}

#[test]
fn dates() {
    let t = p(
        r#"{"u":"2020-01-02T03:04:05Z","o":"2020-01-02T03:04:05+02:00","n":"2020-01-02T03:04:05.1230000","s":"2020-01-02"}"#,
    );
    assert_eq!(
        t.get("u").ok().flatten().map(JToken::type_name),
        Some("Date")
    );
    assert_eq!(
        t.get("s").ok().flatten().map(JToken::type_name),
        Some("String")
    );
    assert_eq!(
        t.to_json(Formatting::None),
        r#"{"u":"2020-01-02T03:04:05Z","o":"2020-01-02T01:04:05+00:00","n":"2020-01-02T03:04:05.123","s":"2020-01-02"}"#
    );
    assert_eq!(
        t.get("u").ok().flatten().and_then(JToken::as_string),
        Some("01/02/2020 03:04:05".into())
    );
}

#[test]
fn reader_errors() {
    assert_eq!(
        err(r#"{"a":}"#),
        "Unexpected character encountered while parsing value: }. Path 'a', line 1, position 5."
    );
    assert_eq!(err(r#"{"a":1} x"#), "Additional text encountered after finished reading JSON content: x. Path '', line 1, position 8.");
    assert_eq!(
        err(r#"{"a":"abc"#),
        "Unterminated string. Expected delimiter: \". Path 'a', line 1, position 9."
    );
    assert_eq!(err("{\n\"a\": [1,\n2 3]}"), "After parsing a value an unexpected character was encountered: 3. Path 'a[1]', line 3, position 2.");
    assert_eq!(err(r#"{"a" 1}"#), "Invalid character after parsing property name. Expected ':' but got: 1. Path '', line 1, position 5.");
    assert_eq!(
        err(""),
        "Unexpected end when reading JSON. Path '', line 1, position 0."
    );
    assert!(err("[1,").starts_with("Unexpected end when reading JSON. Path '"));
    assert!(err(r#"{"a b":{"c":tru}}"#)
        .starts_with("Error parsing boolean value. Path '['a b'].c', line 1"));
    assert_eq!(
        err("[?]"),
        "Unexpected character encountered while parsing value: ?. Path '[0]', line 1, position 1."
    );
    assert_eq!(
        parse("x").map_err(|e| e.kind),
        Err(ExceptionKind::JsonReader)
    );
    assert_eq!(
        parse_object("[1]").map_err(|e| e.message),
        Err("Error reading JObject from JsonReader. Current JsonReader item is not an object: StartArray. Path '', line 1, position 1.".into())
    );
    assert!(parse_object("{}").is_ok());
    assert!(parse_array("[]").is_ok());
    assert_eq!(
        parse_array("{}").map_err(|e| e.kind),
        Err(ExceptionKind::JsonReader)
    );
}

#[test]
fn access_and_mutation() {
    let mut t = p(r#"{"a":1,"b":{"c":[10,20]}}"#);
    assert_eq!(t.get("a"), Ok(Some(&JToken::Integer(1))));
    assert_eq!(t.get("missing"), Ok(None));
    assert_eq!(
        t.get("b")
            .ok()
            .flatten()
            .and_then(|b| b.get("c").ok().flatten())
            .and_then(|c| c.at(1).ok()),
        Some(&JToken::Integer(20))
    );
    let arr = p("[1]");
    assert_eq!(
        arr.at(5).map_err(|e| e.kind),
        Err(ExceptionKind::ArgumentOutOfRange)
    );
    assert_eq!(
        arr.get("x").map_err(|e| e.kind),
        Err(ExceptionKind::Argument)
    );
    assert_eq!(
        JToken::Integer(1).get("x").map_err(|e| e.message),
        Err("Cannot access child value on Newtonsoft.Json.Linq.JValue.".into())
    );
    assert_eq!(t.at(0).map_err(|e| e.kind), Err(ExceptionKind::Argument));
    assert_eq!(t.property("a").map(|(k, _)| k), Some("a"));
    assert_eq!(t.property("zz"), None);
    assert_eq!(t.add("a", JToken::Null).map_err(|e| e.message), Err("Can not add property a to Newtonsoft.Json.Linq.JObject. Property with the same name already exists on object.".into()));
    assert_eq!(t.add("n", JToken::Null), Ok(()));
    assert!(t.remove("a"));
    assert!(!t.remove("a"));
    assert_eq!(t.set("b", JToken::Boolean(true)), Ok(()));
    assert_eq!(t.to_json(Formatting::None), r#"{"b":true,"n":null}"#);
    assert_eq!(t.count(), 2);
    let mut a = p("[1]");
    assert_eq!(a.push(JToken::String("x".into())), Ok(()));
    assert_eq!(a.to_json(Formatting::None), r#"[1,"x"]"#);
    let mut m = p(r#"{"a":1,"o":{"x":1},"l":[1],"k":"keep"}"#);
    m.merge(&p(r#"{"a":2,"o":{"y":2},"l":[2],"k":null,"new":true}"#));
    assert_eq!(
        m.to_json(Formatting::None),
        r#"{"a":2,"o":{"x":1,"y":2},"l":[1,2],"k":"keep","new":true}"#
    );
}

#[test]
fn conversions() {
    assert_eq!(JToken::String("12".into()).to_int(IntType::Int32), Ok(12));
    assert_eq!(JToken::Float(2.5).to_int(IntType::Int32), Ok(2));
    assert_eq!(
        JToken::Integer(5_000_000_000)
            .to_int(IntType::Int32)
            .map_err(|e| e.kind),
        Err(ExceptionKind::Overflow)
    );
    assert_eq!(
        JToken::String("x".into())
            .to_int(IntType::Int32)
            .map_err(|e| e.kind),
        Err(ExceptionKind::Format)
    );
    assert_eq!(
        JToken::Null.to_int(IntType::Int32).map_err(|e| e.kind),
        Err(ExceptionKind::Argument)
    );
    assert_eq!(
        p("{}").to_int(IntType::Int64).map_err(|e| e.message),
        Err("Can not convert Object to Int64.".into())
    );
    assert_eq!(JToken::Boolean(true).to_int(IntType::Int32), Ok(1));
    assert_eq!(JToken::Integer(3).to_f64(), Ok(3.0));
    assert_eq!(JToken::String("1.5".into()).to_f64(), Ok(1.5));
    assert_eq!(JToken::String("True".into()).to_bool(), Ok(true));
    assert_eq!(JToken::Integer(0).to_bool(), Ok(false));
    assert_eq!(JToken::Integer(7).as_string(), Some("7".into()));
    assert_eq!(
        JToken::Float(0.1 + 0.2).as_string(),
        Some("0.30000000000000004".into())
    );
    assert_eq!(JToken::Boolean(false).as_string(), Some("False".into()));
    assert_eq!(JToken::Null.as_string(), None);
    assert_eq!(
        p("[]").to_string_value().map_err(|e| e.kind),
        Err(ExceptionKind::Argument)
    );
    assert_eq!(serialize_string(Some("a\"b")), r#""a\"b""#);
    assert_eq!(serialize_string(None), "null");
    assert_eq!(float_text(1.0), "1.0");
    assert_eq!(float_text(-2.5e-7), "-2.5E-07");
    assert_eq!(quote("tab\there"), r#""tab\there""#);
}

#[test]
fn json_paths() {
    let t = p(
        r#"{"store":{"book":[{"title":"A","price":8},{"title":"B","price":12}],"name":"x y"},"odd key":{"v":1}}"#,
    );
    let one = |path: &str| {
        select_token(&t, path)
            .ok()
            .flatten()
            .map(|v| v.to_json(Formatting::None))
    };
    assert_eq!(one("store.name"), Some(r#""x y""#.into()));
    assert_eq!(one("$.store.book[1].title"), Some(r#""B""#.into()));
    assert_eq!(one("store['book'][0]['price']"), Some("8".into()));
    assert_eq!(one("['odd key'].v"), Some("1".into()));
    assert_eq!(one("$['odd key']['v']"), Some("1".into()));
    assert_eq!(one("store.book[5]"), None);
    assert_eq!(one("nothing.here"), None);
    assert_eq!(one("$"), Some(t.to_json(Formatting::None)));
    let many = |path: &str| {
        select_tokens(&t, path)
            .unwrap_or_default()
            .iter()
            .map(|v| v.to_json(Formatting::None))
            .collect::<Vec<_>>()
    };
    assert_eq!(many("store.book[*].title"), vec![r#""A""#, r#""B""#]);
    assert_eq!(many("$..price"), vec!["8", "12"]);
    assert_eq!(many("store.book[0,1].price"), vec!["8", "12"]);
    assert_eq!(many("store.*").len(), 2);
    assert_eq!(
        select_token(&t, "store.book[*]").map_err(|e| e.message),
        Err("Path returned multiple tokens.".into())
    );
    assert_eq!(
        select_token(&t, "store.book[?(@.price > 10)]").map_err(|e| e.kind),
        Err(ExceptionKind::NotSupported)
    );
}
