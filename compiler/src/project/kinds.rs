//! The operations of APIs that are not plain REST: a WebSocket API's `onHandshake`, SOAP
//! operations from the WSDL (told apart by SOAP action), and the one catch-all operation
//! of GraphQL and OData pass-through APIs.

use super::model::{Api, ApiKind, Operation};
use super::read::Reader;
use crate::diagnostic::codes;
use crate::Diagnostic;
use gatehouse_grammar::syntax::{Element, Node};
use gatehouse_grammar::Limits;
use std::path::Path;

/// The name of a WebSocket API's one operation, as APIM creates it.
pub const ON_HANDSHAKE: &str = "onHandshake";

/// The operations of `api` (not an `http` API) in folder `dir`.
pub(crate) fn operations(rx: &mut Reader, api: &Api, dir: &Path) -> Vec<Operation> {
    match api.kind {
        ApiKind::WebSocket => vec![operation(ON_HANDSHAKE, "GET", "/")],
        ApiKind::Soap => soap_operations(rx, dir),
        ApiKind::GraphQl => {
            if dir.join("resolvers").is_dir() {
                rx.diagnostics.push(synthetic_graphql(api));
            }
            vec![operation("graphql", "*", "/*")]
        }
        ApiKind::OData => vec![operation("odata", "*", "/*")],
        ApiKind::Http => Vec::new(),
    }
}

pub use gatehouse_runtime::program::NOT_ON_HANDSHAKE;

/// `policy::not-on-handshake` for each such policy the WebSocket API `api` or its
/// `onHandshake` operation writes.
pub(crate) fn check_handshake(rx: &mut Reader, api: &Api) {
    let docs = api
        .policy
        .iter()
        .chain(api.operations.iter().filter_map(|o| o.policy.as_ref()));
    for doc in docs {
        let mut stack: Vec<&Element> = elements(&doc.parsed.document.nodes).collect();
        while let Some(e) = stack.pop() {
            stack.extend(elements(&e.children));
            if !NOT_ON_HANDSHAKE.contains(&&*e.name.text) {
                continue;
            }
            rx.diagnostics.push(
                Diagnostic::error(
                    &doc.file,
                    codes::NOT_ON_HANDSHAKE,
                    format!(
                        "`{}` is not allowed in a WebSocket API's onHandshake operation",
                        e.name.text
                    ),
                    e.start_tag,
                    "not on a WebSocket handshake",
                )
                .with_help("remove it: APIM refuses it on WebSocket APIs"),
            );
        }
    }
}

fn operation(name: &str, method: &str, template: &str) -> Operation {
    Operation {
        name: name.to_string(),
        display_name: name.to_string(),
        method: method.to_string(),
        url_template: template.to_string(),
        parameters: Vec::new(),
        responses: Vec::new(),
        request_bodies: Vec::new(),
        policy: None,
    }
}

/// `project::unserved-api-type`: a GraphQL API with resolvers is synthetic.
fn synthetic_graphql(api: &Api) -> Diagnostic {
    Diagnostic::warning(
        &api.origin.file,
        codes::UNSERVED_API_TYPE,
        format!(
            "API `{}` is a synthetic GraphQL API (it has resolvers): gatehouse serves GraphQL \
             only as a pass-through to a GraphQL backend",
            api.name
        ),
        api.origin.span,
        "synthetic GraphQL",
    )
    .with_help("give the API a `serviceUrl` of a GraphQL server and remove its resolvers")
}

/// A GraphQL API's schema (`specification.graphql`), parsed and validated as GraphQL SDL;
/// a schema with errors is reported (`invalid-spec`, located) and not kept.
pub(crate) fn graphql_schema(rx: &mut Reader, dir: &Path) -> Option<String> {
    let path = dir.join("specification.graphql");
    let text = std::fs::read_to_string(&path).ok()?;
    let name = super::read::display(&path);
    match apollo_compiler::Schema::parse_and_validate(text.as_str(), &name) {
        Ok(_) => Some(text),
        Err(e) => {
            let file = std::sync::Arc::new(crate::SourceFile::new(name, text.as_str()));
            for d in e.errors.iter().take(20) {
                let span = d
                    .line_column_range()
                    .map(|r| offset(&text, r.start.line, r.start.column))
                    .map_or(gatehouse_grammar::Span::new(0, 0), |o| {
                        gatehouse_grammar::Span::new(o, o + 1)
                    });
                rx.diagnostics.push(Diagnostic::error(
                    &file,
                    codes::INVALID_SPEC,
                    format!("the GraphQL schema is not valid: {}", d.error),
                    span,
                    "here",
                ));
            }
            None
        }
    }
}

/// The byte offset of 1-based `line` and `column` (characters) in `text`.
fn offset(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = text.get(start..).unwrap_or_default();
    start
        + rest
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(rest.len(), |(i, _)| i)
}

/// SOAP pass-through operations: one per WSDL binding operation, a `POST` to the API's
/// path with its SOAP action (`/?soapAction=ACTION`, as APIM writes them); without a WSDL,
/// one operation `soap` taking every `POST`.
fn soap_operations(rx: &mut Reader, dir: &Path) -> Vec<Operation> {
    let path = dir.join("specification.wsdl");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return vec![operation("soap", "POST", "/*")];
    };
    let ops = wsdl_operations(&text);
    if ops.is_empty() {
        let file = std::sync::Arc::new(crate::SourceFile::new(
            super::read::display(&path),
            text.as_str(),
        ));
        rx.diagnostics.push(Diagnostic::error(
            &file,
            codes::INVALID_FIELD,
            "the WSDL declares no binding operation",
            gatehouse_grammar::Span::new(0, 0),
            "no operations",
        ));
        return vec![operation("soap", "POST", "/*")];
    }
    ops.into_iter()
        .map(|(name, action)| {
            let template = match action.is_empty() {
                true => "/".to_string(),
                false => format!("/?soapAction={action}"),
            };
            operation(&name, "POST", &template)
        })
        .collect()
}

/// `(operation name, SOAP action)` of every operation of every binding of a WSDL 1.1 or
/// 2.0 document, first binding first, each name once.
pub fn wsdl_operations(text: &str) -> Vec<(String, String)> {
    let (doc, _) = gatehouse_grammar::scan::scan(text, &Limits::default());
    let mut out: Vec<(String, String)> = Vec::new();
    let mut stack: Vec<&Element> = elements(&doc.nodes).collect();
    while let Some(e) = stack.pop() {
        if local(&e.name.text) != "binding" {
            stack.extend(elements(&e.children));
            continue;
        }
        for op in elements(&e.children).filter(|c| local(&c.name.text) == "operation") {
            let name = attr(op, "name")
                .or_else(|| attr(op, "ref").map(|r| local(&r).to_string()))
                .unwrap_or_default();
            let action = action_of(op).unwrap_or_default();
            if !name.is_empty() && !out.iter().any(|(n, _)| *n == name) {
                out.push((name, action));
            }
        }
    }
    out
}

/// The SOAP action of a binding operation: `soapAction` of its `soap:operation` /
/// `soap12:operation` child (WSDL 1.1), or its `wsoap:action` attribute (WSDL 2.0).
fn action_of(op: &Element) -> Option<String> {
    let own = op
        .attributes
        .iter()
        .find(|a| local(&a.name.text) == "action")
        .and_then(|a| a.value.as_literal());
    own.or_else(|| {
        elements(&op.children)
            .filter(|c| local(&c.name.text) == "operation")
            .find_map(|c| attr(c, "soapAction"))
    })
}

fn elements(nodes: &[Node]) -> impl Iterator<Item = &Element> {
    nodes.iter().filter_map(|n| match n {
        Node::Element(e) => Some(e),
        _ => None,
    })
}

fn attr(e: &Element, name: &str) -> Option<String> {
    e.attribute(name).and_then(|a| a.value.as_literal())
}

/// `soap:operation` → `operation`.
fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::wsdl_operations;

    #[test]
    fn wsdl_11_operations_with_their_soap_actions() {
        let wsdl = r#"<?xml version="1.0"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"
    xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/">
  <wsdl:binding name="CalcSoap" type="tns:CalcSoap">
    <soap:binding transport="http://schemas.xmlsoap.org/soap/http" />
    <wsdl:operation name="Add"><soap:operation soapAction="http://tempuri.org/Add" style="document" /></wsdl:operation>
    <wsdl:operation name="Divide"><soap:operation soapAction="http://tempuri.org/Divide" /></wsdl:operation>
  </wsdl:binding>
  <wsdl:binding name="CalcSoap12" type="tns:CalcSoap">
    <wsdl:operation name="Add"><soap12:operation soapAction="http://tempuri.org/Add" /></wsdl:operation>
  </wsdl:binding>
</wsdl:definitions>"#;
        let ops = wsdl_operations(wsdl);
        let mut names: Vec<_> = ops.iter().map(|(n, a)| format!("{n}={a}")).collect();
        names.sort();
        assert_eq!(
            names,
            [
                "Add=http://tempuri.org/Add",
                "Divide=http://tempuri.org/Divide"
            ]
        );
    }

    #[test]
    fn wsdl_20_operations_by_ref_and_action() {
        let wsdl = r#"<description xmlns="http://www.w3.org/ns/wsdl" xmlns:wsoap="http://www.w3.org/ns/wsdl/soap">
  <binding name="b" interface="tns:i" type="http://www.w3.org/ns/wsdl/soap">
    <operation ref="tns:GetQuote" wsoap:action="urn:GetQuote" />
  </binding>
</description>"#;
        assert_eq!(
            wsdl_operations(wsdl),
            [("GetQuote".to_string(), "urn:GetQuote".to_string())]
        );
    }

    #[test]
    fn a_document_without_bindings_has_no_operations() {
        assert!(wsdl_operations("<definitions><types /></definitions>").is_empty());
        assert!(wsdl_operations("not xml <<<").is_empty());
    }
}
