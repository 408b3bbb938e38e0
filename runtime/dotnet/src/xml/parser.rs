//! Parsing with quick-xml into the owned tree: namespace scopes, `XmlException` messages.

use super::{Document, Element, Node, QName, MAX_DEPTH, XMLNS, XML_NS};
use quick_xml::events::Event;
use quick_xml::Reader;
use std::sync::Arc;

/// Line and position (1-based) of byte offset `at` in `text`, as `XmlException` reports them.
fn line_pos(text: &str, at: usize) -> (usize, usize) {
    let before = text.get(..at.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn xml_error(text: &str, at: usize, what: &str) -> String {
    let (l, p) = line_pos(text, at);
    format!("{what} Line {l}, position {p}.")
}

/// The namespace scopes open while parsing.
struct Scopes(Vec<Vec<(Arc<str>, Arc<str>)>>);

impl Scopes {
    fn lookup(&self, prefix: &str) -> Option<Arc<str>> {
        if prefix == "xml" {
            return Some(Arc::from(XML_NS));
        }
        if prefix == "xmlns" {
            return Some(Arc::from(XMLNS));
        }
        self.0
            .iter()
            .rev()
            .flat_map(|s| s.iter().rev())
            .find(|(p, _)| &**p == prefix)
            .map(|(_, ns)| ns.clone())
    }
}

/// Parses an element start tag into an element with resolved names (pushes its scope).
fn start(
    e: &quick_xml::events::BytesStart<'_>,
    scopes: &mut Scopes,
    text: &str,
    at: usize,
) -> Result<Element, String> {
    let mut raw = Vec::new();
    let mut scope = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|x| xml_error(text, at, &format!("{x}.")))?;
        let key = a.key.into_inner().to_string();
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|x| xml_error(text, at, &format!("{x}.")))?
            .to_string();
        if key == "xmlns" {
            scope.push((Arc::from(""), Arc::from(value.as_str())));
        } else if let Some(p) = key.strip_prefix("xmlns:") {
            scope.push((Arc::from(p), Arc::from(value.as_str())));
        }
        raw.push((key, value));
    }
    scopes.0.push(scope);
    let resolve = |q: &str, attr: bool| -> Result<QName, String> {
        let (prefix, local) = match q.split_once(':') {
            Some((p, l)) => (Some(p), l),
            None => (None, q),
        };
        let ns = match prefix {
            Some(p) => scopes
                .lookup(p)
                .ok_or_else(|| xml_error(text, at, &format!("'{p}' is an undeclared prefix.")))?,
            None if attr => Arc::from(""),
            None => scopes.lookup("").unwrap_or_else(|| Arc::from("")),
        };
        Ok(QName {
            ns,
            local: Arc::from(local),
            prefix: prefix.map(Arc::from),
        })
    };
    let name = resolve(e.name().into_inner(), false)?;
    let mut attrs: Vec<(QName, String)> = Vec::with_capacity(raw.len());
    for (k, v) in raw {
        let q = if k == "xmlns" {
            QName {
                ns: Arc::from(""),
                local: Arc::from("xmlns"),
                prefix: None,
            }
        } else {
            resolve(&k, true)?
        };
        if attrs.iter().any(|(n, _)| *n == q) {
            return Err(xml_error(
                text,
                at,
                &format!("'{k}' is a duplicate attribute name."),
            ));
        }
        attrs.push((q, v));
    }
    Ok(Element {
        name,
        attrs,
        nodes: None,
    })
}

/// Appends text to `nodes`, merging with a preceding text node.
fn push_text(nodes: &mut Vec<Node>, s: &str) {
    if let Some(Node::Text(t)) = nodes.last_mut() {
        t.push_str(s);
    } else {
        nodes.push(Node::Text(s.to_string()));
    }
}

/// Where parsed nodes go: the innermost open element, else the document.
fn target<'a>(open: &'a mut [Element], doc: &'a mut Document) -> &'a mut Vec<Node> {
    match open.last_mut() {
        Some(e) => e.nodes.get_or_insert_with(Vec::new),
        None => &mut doc.nodes,
    }
}

/// `XDocument.Parse(text)`: the whole document, or an `XmlException` message.
pub fn parse(text: &str) -> Result<Document, String> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut scopes = Scopes(Vec::new());
    let mut doc = Document::default();
    // Open elements, innermost last.
    let mut open: Vec<Element> = Vec::new();
    let mut seen_root = false;
    loop {
        let at = reader.buffer_position() as usize;
        let ev = reader.read_event().map_err(|e| {
            let pos = reader.error_position() as usize;
            match e {
                quick_xml::Error::IllFormed(
                    quick_xml::errors::IllFormedError::MismatchedEndTag { expected, found },
                ) => xml_error(
                    text,
                    pos,
                    &format!("The '{expected}' start tag does not match the end tag of '{found}'."),
                ),
                other => xml_error(text, pos, &format!("{other}.")),
            }
        })?;
        match ev {
            Event::Start(e) => {
                if open.is_empty() && seen_root {
                    return Err(xml_error(text, at, "There are multiple root elements."));
                }
                if open.len() >= MAX_DEPTH {
                    return Err(xml_error(text, at, "The XML is nested too deeply."));
                }
                let mut el = start(&e, &mut scopes, text, at)?;
                el.nodes = Some(Vec::new());
                open.push(el);
            }
            Event::Empty(e) => {
                if open.is_empty() && seen_root {
                    return Err(xml_error(text, at, "There are multiple root elements."));
                }
                let el = start(&e, &mut scopes, text, at)?;
                scopes.0.pop();
                target(&mut open, &mut doc).push(Node::Element(el));
                if open.is_empty() {
                    seen_root = true;
                }
            }
            Event::End(_) => {
                scopes.0.pop();
                let Some(mut el) = open.pop() else {
                    return Err(xml_error(text, at, "Unexpected end tag."));
                };
                if let Some(ns) = el.nodes.as_mut() {
                    // Whitespace-only text is insignificant (LoadOptions.None).
                    ns.retain(
                        |n| !matches!(n, Node::Text(t) if t.chars().all(char::is_whitespace)),
                    );
                }
                match open.last_mut() {
                    Some(p) => p.nodes.get_or_insert_with(Vec::new).push(Node::Element(el)),
                    None => {
                        doc.nodes.push(Node::Element(el));
                        seen_root = true;
                    }
                }
            }
            Event::Text(t) => {
                let s = t.xml10_content();
                if open.is_empty() {
                    if !s.chars().all(char::is_whitespace) {
                        return Err(xml_error(text, at, "Data at the root level is invalid."));
                    }
                } else {
                    push_text(target(&mut open, &mut doc), &s);
                }
            }
            Event::GeneralRef(r) => {
                if open.is_empty() {
                    return Err(xml_error(text, at, "Data at the root level is invalid."));
                }
                let ch = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => {
                        let name = r.xml10_content();
                        match quick_xml::escape::resolve_predefined_entity(&name) {
                            Some(s) => s.to_string(),
                            None => {
                                return Err(xml_error(
                                    text,
                                    at,
                                    &format!("Reference to undeclared entity '{name}'."),
                                ))
                            }
                        }
                    }
                    Err(e) => return Err(xml_error(text, at, &format!("{e}."))),
                };
                push_text(target(&mut open, &mut doc), &ch);
            }
            Event::CData(c) => {
                if open.is_empty() {
                    return Err(xml_error(text, at, "Data at the root level is invalid."));
                }
                target(&mut open, &mut doc).push(Node::CData(c.xml10_content().to_string()));
            }
            Event::Comment(c) => {
                target(&mut open, &mut doc).push(Node::Comment(c.xml10_content().to_string()))
            }
            Event::PI(p) => target(&mut open, &mut doc).push(Node::Pi(
                p.target().to_string(),
                p.content().trim_start().to_string(),
            )),
            Event::Decl(d) => {
                let get = |r: Option<Result<std::borrow::Cow<'_, str>, _>>| {
                    r.and_then(Result::ok).map(|c| c.to_string())
                };
                let version = d.version().map(|v| v.to_string()).unwrap_or_default();
                doc.decl = Some((version, get(d.encoding()), get(d.standalone())));
            }
            Event::DocType(_) => doc.doctype = true,
            Event::Eof => break,
        }
    }
    if let Some(el) = open.last() {
        let names: Vec<String> = open.iter().map(|e| qualified(&e.name)).collect();
        let _ = el;
        return Err(xml_error(
            text,
            text.len(),
            &format!(
                "Unexpected end of file has occurred. The following elements are not closed: {}.",
                names.join(", ")
            ),
        ));
    }
    if doc.root().is_none() {
        return Err("Root element is missing.".into());
    }
    Ok(doc)
}

/// The name as written (`p:local` when it had a prefix).
fn qualified(n: &QName) -> String {
    match &n.prefix {
        Some(p) => format!("{p}:{}", n.local),
        None => n.local.to_string(),
    }
}

/// `XElement.Parse(text)`: the root element (comments and PIs around it are dropped).
pub fn parse_element(text: &str) -> Result<Element, String> {
    let doc = parse(text)?;
    doc.nodes
        .into_iter()
        .find_map(|n| match n {
            Node::Element(e) => Some(e),
            _ => None,
        })
        .ok_or_else(|| "Root element is missing.".into())
}
