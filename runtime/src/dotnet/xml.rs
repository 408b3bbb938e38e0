//! `System.Xml.Linq` as plain data: an owned XML tree, parsing (quick-xml) and .NET's
//! `XElement.ToString()` formatting (two-space indentation, `<a />` for empty elements).
//!
//! Namespaces are resolved while parsing; each name keeps the prefix it was written with
//! as a hint for formatting. Whitespace-only text is dropped, as `LoadOptions.None` does.

use quick_xml::events::Event;
use quick_xml::Reader;
use std::sync::Arc;

/// How deeply parsing and formatting nest before giving up.
pub const MAX_DEPTH: usize = 256;

/// The namespace of `xmlns:p` declarations.
pub const XMLNS: &str = "http://www.w3.org/2000/xmlns/";
/// The namespace bound to the `xml` prefix.
pub const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// An expanded name (`XName`): namespace URI and local name, plus the prefix it was written
/// with (ignored by equality).
#[derive(Clone, Debug, Default)]
pub struct QName {
    /// The namespace URI (empty for none).
    pub ns: Arc<str>,
    /// The local name.
    pub local: Arc<str>,
    /// The prefix seen in the source, if any.
    pub prefix: Option<Arc<str>>,
}

impl PartialEq for QName {
    fn eq(&self, o: &QName) -> bool {
        self.ns == o.ns && self.local == o.local
    }
}

impl QName {
    /// `XName.Get("{ns}local")` / `"local"`.
    pub fn parse(s: &str) -> Result<QName, String> {
        let (ns, local) =
            match s.strip_prefix('{') {
                Some(rest) => match rest.split_once('}') {
                    Some((ns, local)) => (ns, local),
                    None => return Err(
                        "The '{' character, hexadecimal value 0x7B, cannot be included in a name."
                            .into(),
                    ),
                },
                None => ("", s),
            };
        if local.is_empty() {
            return Err("The empty string '' is not a valid name.".into());
        }
        if let Some(c) = local.chars().find(|c| !is_name_char(*c)) {
            return Err(format!(
                "The '{c}' character, hexadecimal value 0x{:X}, cannot be included in a name.",
                c as u32
            ));
        }
        Ok(QName {
            ns: Arc::from(ns),
            local: Arc::from(local),
            prefix: None,
        })
    }

    /// `XName.ToString()`: `{ns}local` or `local`.
    pub fn expanded(&self) -> String {
        if self.ns.is_empty() {
            self.local.to_string()
        } else {
            format!("{{{}}}{}", self.ns, self.local)
        }
    }
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':') || (c as u32) > 0x7f
}

/// A node of an owned XML tree.
#[derive(Clone, Debug)]
pub enum Node {
    /// An element.
    Element(Element),
    /// Text (`XText`).
    Text(String),
    /// A CDATA section (`XCData`).
    CData(String),
    /// A comment.
    Comment(String),
    /// A processing instruction (target, data).
    Pi(String, String),
}

/// An element: name, attributes in order, child nodes.
#[derive(Clone, Debug, Default)]
pub struct Element {
    /// The name.
    pub name: QName,
    /// Attributes (namespace declarations included, as .NET keeps them).
    pub attrs: Vec<(QName, String)>,
    /// Child nodes; `None` for an empty element (`<a />`), `Some` (maybe empty) otherwise.
    pub nodes: Option<Vec<Node>>,
}

/// A parsed document: the declaration's text (if any) and the top-level nodes.
#[derive(Clone, Debug, Default)]
pub struct Document {
    /// `version`, `encoding`, `standalone` of `<?xml …?>`.
    pub decl: Option<(String, Option<String>, Option<String>)>,
    /// Top-level nodes (one element among comments and PIs).
    pub nodes: Vec<Node>,
}

impl Document {
    /// The root element.
    pub fn root(&self) -> Option<&Element> {
        self.nodes.iter().find_map(|n| match n {
            Node::Element(e) => Some(e),
            _ => None,
        })
    }
}

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
            Event::DocType(_) => {}
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

/// Escapes element text as `XmlWriter` does.
fn escape_text(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
}

/// Escapes an attribute value as `XmlWriter` does.
fn escape_attr(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            '\t' => out.push_str("&#x9;"),
            _ => out.push(c),
        }
    }
}

/// `XmlWriter` with `Indent = true` (or not), as `XNode.ToString()` drives it.
struct Writer {
    out: String,
    indent: bool,
    level: usize,
    /// Whether text has been written in the current element (no more indentation there).
    mixed: bool,
    /// Prefix → namespace bindings in scope, innermost last.
    scopes: Vec<(String, String)>,
}

impl Writer {
    fn newline(&mut self) {
        if self.indent && !self.mixed && !self.out.is_empty() {
            self.out.push_str("\r\n");
            for _ in 0..self.level {
                self.out.push_str("  ");
            }
        }
    }

    fn lookup_prefix(&self, ns: &str, hint: Option<&str>) -> Option<String> {
        if ns == XML_NS {
            return Some("xml".into());
        }
        let bound = |p: &str| {
            self.scopes
                .iter()
                .rev()
                .find(|(q, _)| q == p)
                .is_some_and(|(_, n)| n == ns)
        };
        if let Some(h) = hint {
            if bound(h) {
                return Some(h.to_string());
            }
        }
        if bound("") {
            return Some(String::new());
        }
        self.scopes
            .iter()
            .rev()
            .find(|(p, n)| n == ns && bound(p))
            .map(|(p, _)| p.clone())
    }

    fn element(&mut self, e: &Element, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        self.newline();
        let mark = self.scopes.len();
        for (n, v) in &e.attrs {
            if &*n.ns == XMLNS {
                self.scopes.push((n.local.to_string(), v.clone()));
            } else if n.ns.is_empty() && &*n.local == "xmlns" {
                self.scopes.push((String::new(), v.clone()));
            }
        }
        let mut extra = String::new();
        let tag = if e.name.ns.is_empty() {
            let default = self
                .scopes
                .iter()
                .rev()
                .find(|(p, _)| p.is_empty())
                .map(|(_, n)| n.as_str())
                .unwrap_or("");
            if !default.is_empty() {
                self.scopes.push((String::new(), String::new()));
                extra.push_str(" xmlns=\"\"");
            }
            e.name.local.to_string()
        } else {
            match self.lookup_prefix(&e.name.ns, e.name.prefix.as_deref()) {
                Some(p) if p.is_empty() => e.name.local.to_string(),
                Some(p) => format!("{p}:{}", e.name.local),
                None => {
                    self.scopes.push((String::new(), e.name.ns.to_string()));
                    extra.push_str(" xmlns=\"");
                    escape_attr(&e.name.ns, &mut extra);
                    extra.push('"');
                    e.name.local.to_string()
                }
            }
        };
        self.out.push('<');
        self.out.push_str(&tag);
        let mut generated = 0;
        for (n, v) in &e.attrs {
            self.out.push(' ');
            if &*n.ns == XMLNS {
                self.out.push_str("xmlns:");
            } else if !n.ns.is_empty() {
                let p = match self.lookup_prefix(&n.ns, n.prefix.as_deref()) {
                    Some(p) if !p.is_empty() => p,
                    _ => {
                        generated += 1;
                        let p = format!("p{generated}");
                        self.scopes.push((p.clone(), n.ns.to_string()));
                        extra.push_str(&format!(" xmlns:{p}=\""));
                        escape_attr(&n.ns, &mut extra);
                        extra.push('"');
                        p
                    }
                };
                self.out.push_str(&p);
                self.out.push(':');
            }
            self.out.push_str(&n.local);
            self.out.push_str("=\"");
            escape_attr(v, &mut self.out);
            self.out.push('"');
        }
        self.out.push_str(&extra);
        match &e.nodes {
            None => self.out.push_str(" />"),
            Some(nodes) => {
                self.out.push('>');
                let saved = self.mixed;
                let content = self.out.len();
                self.level += 1;
                for n in nodes {
                    self.node(n, depth + 1);
                }
                self.level -= 1;
                if self.out.len() != content {
                    self.newline();
                }
                self.out.push_str("</");
                self.out.push_str(&tag);
                self.out.push('>');
                self.mixed = saved;
            }
        }
        self.scopes.truncate(mark);
    }

    fn node(&mut self, n: &Node, depth: usize) {
        match n {
            Node::Element(e) => self.element(e, depth),
            Node::Text(t) => {
                self.mixed = true;
                escape_text(t, &mut self.out);
            }
            Node::CData(t) => {
                self.mixed = true;
                self.out.push_str("<![CDATA[");
                self.out.push_str(t);
                self.out.push_str("]]>");
            }
            Node::Comment(t) => {
                self.newline();
                self.out.push_str("<!--");
                self.out.push_str(t);
                self.out.push_str("-->");
            }
            Node::Pi(target, data) => {
                self.newline();
                self.out.push_str("<?");
                self.out.push_str(target);
                if !data.is_empty() {
                    self.out.push(' ');
                    self.out.push_str(data);
                }
                self.out.push_str("?>");
            }
        }
    }
}

fn writer(indent: bool) -> Writer {
    Writer {
        out: String::new(),
        indent,
        level: 0,
        mixed: false,
        scopes: Vec::new(),
    }
}

/// `XNode.ToString()` (`indent`) or `ToString(SaveOptions.DisableFormatting)`.
pub fn to_string(n: &Node, indent: bool) -> String {
    let mut w = writer(indent);
    if let Node::Text(t) = n {
        // A lone text node prints its text escaped.
        escape_text(t, &mut w.out);
        return w.out;
    }
    w.node(n, 0);
    w.out
}

/// `XDocument.ToString()`: the top-level nodes, without the declaration.
pub fn document_to_string(nodes: &[Node], indent: bool) -> String {
    let mut w = writer(indent);
    for n in nodes {
        w.node(n, 0);
    }
    w.out
}

/// `XAttribute.ToString()`: `name="value"`.
pub fn attribute_to_string(name: &QName, value: &str) -> String {
    let mut out = String::new();
    if &*name.ns == XMLNS {
        out.push_str("xmlns:");
    } else if let Some(p) = &name.prefix {
        out.push_str(p);
        out.push(':');
    }
    out.push_str(&name.local);
    out.push_str("=\"");
    escape_attr(value, &mut out);
    out.push('"');
    out
}
