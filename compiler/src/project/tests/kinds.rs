//! API types: a WebSocket API's `onHandshake`, SOAP operations from the WSDL, GraphQL and
//! OData catch-alls, and their mistakes (unknown type, wrong schemes, policies APIM refuses
//! on a handshake, synthetic GraphQL).

use super::{codes, load_dir, TempDir};
use crate::project::ApiKind;

fn api(dir: &TempDir, folder: &str, props: &str) {
    dir.write(
        &format!("apis/{folder}/apiInformation.json"),
        &format!(r#"{{"properties": {{"path": "{folder}", "serviceUrl": "http://b" {props}}}}}"#),
    );
}

#[test]
fn each_type_gets_its_operations() {
    let dir = TempDir::new("kinds");
    api(
        &dir,
        "chat",
        r#", "type": "websocket", "protocols": ["wss"]"#,
    );
    api(&dir, "gql", r#", "type": "graphql""#);
    api(&dir, "od", r#", "type": "odata""#);
    api(&dir, "calc", r#", "type": "soap""#);
    dir.write(
        "apis/calc/specification.wsdl",
        r#"<definitions><binding name="b"><operation name="Add"><soap:operation soapAction="urn:add"/></operation></binding></definitions>"#,
    );
    dir.write(
        "apis/chat/operations/onHandshake/policy.xml",
        "<policies><inbound><base /></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>",
    );
    let loaded = load_dir(dir.path());
    assert!(codes(&loaded).is_empty(), "{:?}", codes(&loaded));
    let ops = |name: &str| {
        let a = loaded
            .project
            .apis
            .iter()
            .find(|a| a.name == name)
            .expect("api");
        let ops: Vec<String> = a
            .operations
            .iter()
            .map(|o| format!("{} {} {}", o.name, o.method, o.url_template))
            .collect();
        (a.kind, ops)
    };
    assert_eq!(
        ops("chat"),
        (ApiKind::WebSocket, vec!["onHandshake GET /".into()])
    );
    assert_eq!(ops("gql"), (ApiKind::GraphQl, vec!["graphql * /*".into()]));
    assert_eq!(ops("od"), (ApiKind::OData, vec!["odata * /*".into()]));
    assert_eq!(
        ops("calc"),
        (ApiKind::Soap, vec!["Add POST /?soapAction=urn:add".into()])
    );
    let chat = loaded
        .project
        .apis
        .iter()
        .find(|a| a.name == "chat")
        .expect("chat");
    assert!(
        chat.operations[0].policy.is_some(),
        "the onHandshake folder is its policy"
    );
}

#[test]
fn an_unknown_type_and_wrong_schemes_are_reported() {
    let dir = TempDir::new("kinds-bad");
    api(&dir, "a", r#", "type": "grpc""#);
    api(
        &dir,
        "b",
        r#", "type": "websocket", "protocols": ["https"]"#,
    );
    api(&dir, "c", r#", "protocols": ["wss"]"#);
    let loaded = load_dir(dir.path());
    assert_eq!(
        codes(&loaded),
        ["invalid-field", "invalid-field", "invalid-field"]
    );
}

#[test]
fn policies_apim_refuses_on_a_handshake_are_reported_where_written() {
    let dir = TempDir::new("kinds-handshake");
    api(&dir, "chat", r#", "type": "websocket""#);
    dir.write(
        "apis/chat/policy.xml",
        "<policies><inbound><base /><set-body>x</set-body></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>",
    );
    dir.write(
        "apis/chat/operations/onHandshake/policy.xml",
        "<policies><inbound><base /><choose><when condition=\"true\"><mock-response /></when></choose></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>",
    );
    let loaded = load_dir(dir.path());
    let mut got: Vec<String> = loaded
        .diagnostics
        .iter()
        .map(|d| format!("{} {}", d.code.trim_start_matches("gatehouse::"), d.message))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            "policy::not-on-handshake `mock-response` is not allowed in a WebSocket API's onHandshake operation",
            "policy::not-on-handshake `set-body` is not allowed in a WebSocket API's onHandshake operation",
        ]
    );
}

#[test]
fn a_synthetic_graphql_api_is_named_as_unserved() {
    let dir = TempDir::new("kinds-synthetic");
    api(&dir, "lib", r#", "type": "graphql""#);
    dir.write(
        "apis/lib/resolvers/Query-books/resolverInformation.json",
        "{}",
    );
    let loaded = load_dir(dir.path());
    assert_eq!(codes(&loaded), ["project::unserved-api-type"]);
}
