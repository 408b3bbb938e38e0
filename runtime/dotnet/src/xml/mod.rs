//! `System.Xml.Linq` as plain data: an owned XML tree, parsing (quick-xml) and .NET's
//! `XElement.ToString()` formatting (two-space indentation, `<a />` for empty elements).
//!
//! Namespaces are resolved while parsing; each name keeps the prefix it was written with
//! as a hint for formatting. Whitespace-only text is dropped, as `LoadOptions.None` does.

mod format;
mod parser;

pub use format::{attribute_to_string, document_to_string, to_string};
pub use parser::{parse, parse_element};

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
    /// Whether a `<!DOCTYPE …>` was read (and skipped: no entity it declares is expanded).
    pub doctype: bool,
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
