//! APIM's JSON → XML rules on a parsed `JToken`: one root (or `Document`), arrays as
//! repeated elements, `null` as `xsi:nil`, namespace declarations and attribute blocks by
//! the policy's names. Output is indented as `XmlWriter` does and bounded as it is written.

use gatehouse_dotnet::dtformat::format_datetime;
use gatehouse_dotnet::json::JToken;

/// The attributes that shape the conversion.
pub(crate) struct Options<'a> {
    /// `namespace-separator` (empty: names are never split).
    pub separator: &'a str,
    /// `namespace-prefix`: properties starting with it declare namespaces.
    pub ns_prefix: Option<&'a str>,
    /// `attribute-block-name`: the object whose properties become attributes.
    pub attr_block: Option<&'a str>,
    /// The largest output, in bytes.
    pub limit: usize,
}

/// Why a conversion failed.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The output would exceed the limit.
    TooLarge,
    /// The JSON cannot be written as XML (the message says why).
    Invalid(String),
}

/// The XML Schema instance namespace of `xsi:nil`.
const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
/// The root element's name when the JSON is not one object with one property.
const DOCUMENT: &str = "Document";
/// The element of each item of a top-level array.
const ITEM: &str = "Item";
/// The line break (`Environment.NewLine` of the Windows-hosted gateway).
const NL: &str = "\r\n";

/// `root` as an XML document (no declaration).
pub(crate) fn to_xml(root: &JToken, o: &Options<'_>) -> Result<String, Failure> {
    let mut w = Writer {
        out: String::new(),
        o,
        prefixes: Vec::new(),
    };
    match root {
        JToken::Object(map) if map.len() == 1 => {
            let (name, value) = map.iter().next().expect("one property");
            if matches!(value, JToken::Array(_)) {
                w.document(root)?;
            } else {
                w.property(name, value, 0)?;
            }
        }
        _ => w.document(root)?,
    }
    Ok(w.out)
}

/// The output and the namespace prefixes declared by the open elements.
struct Writer<'a> {
    out: String,
    o: &'a Options<'a>,
    prefixes: Vec<String>,
}

/// An element's parts: its namespace declarations, attributes and child properties.
struct Parts<'j> {
    decls: Vec<(Option<&'j str>, String)>,
    attrs: Vec<(&'j str, String)>,
    children: Vec<(&'j str, &'j JToken)>,
}

impl<'a> Writer<'a> {
    fn push(&mut self, s: &str) -> Result<(), Failure> {
        if self.out.len() + s.len() > self.o.limit {
            return Err(Failure::TooLarge);
        }
        self.out.push_str(s);
        Ok(())
    }

    fn indent(&mut self, depth: usize) -> Result<(), Failure> {
        if depth > 0 || !self.out.is_empty() {
            self.push(NL)?;
        }
        for _ in 0..depth {
            self.push("  ")?;
        }
        Ok(())
    }

    /// `<Document>` around an object's properties, an array's items or a scalar.
    fn document(&mut self, root: &JToken) -> Result<(), Failure> {
        match root {
            JToken::Array(items) if !items.is_empty() => {
                self.push(&format!("<{DOCUMENT}>"))?;
                self.property(ITEM, root, 1)?;
                self.indent(0)?;
                self.push(&format!("</{DOCUMENT}>"))
            }
            other => self.element(DOCUMENT, other, 0),
        }
    }

    /// A property: an array is one element per item, anything else one element.
    fn property(&mut self, name: &str, value: &JToken, depth: usize) -> Result<(), Failure> {
        match value {
            JToken::Array(items) if !items.is_empty() => {
                for item in items {
                    self.element(name, item, depth)?;
                }
                Ok(())
            }
            _ => self.element(name, value, depth),
        }
    }

    /// One element named after `name` holding `value`.
    fn element(&mut self, name: &str, value: &JToken, depth: usize) -> Result<(), Failure> {
        let parts = match value {
            JToken::Object(map) => self.parts(map)?,
            _ => Parts {
                decls: Vec::new(),
                attrs: Vec::new(),
                children: Vec::new(),
            },
        };
        let mark = self.prefixes.len();
        for (p, _) in &parts.decls {
            if let Some(p) = p {
                self.prefixes.push(p.to_string());
            }
        }
        let qname = self.qname(name)?;
        self.indent(depth)?;
        self.push("<")?;
        self.push(&qname)?;
        for (p, uri) in &parts.decls {
            let attr = match p {
                Some(p) => format!(" xmlns:{}=\"", encode(p)?),
                None => " xmlns=\"".to_string(),
            };
            self.push(&attr)?;
            self.push(&escape(uri, true)?)?;
            self.push("\"")?;
        }
        for (n, v) in &parts.attrs {
            let n = self.qname(n)?;
            self.push(&format!(" {n}=\""))?;
            self.push(&escape(v, true)?)?;
            self.push("\"")?;
        }
        let r = self.content(name, &qname, value, &parts, depth);
        self.prefixes.truncate(mark);
        r
    }

    /// What follows the start tag's name and attributes.
    fn content(
        &mut self,
        name: &str,
        qname: &str,
        value: &JToken,
        parts: &Parts<'_>,
        depth: usize,
    ) -> Result<(), Failure> {
        match value {
            JToken::Null => self.push(&format!(" xsi:nil=\"true\" xmlns:xsi=\"{XSI}\" />")),
            JToken::Object(_) if parts.children.is_empty() => self.push(" />"),
            JToken::Array(items) if items.is_empty() => self.push(" />"),
            JToken::Object(_) => {
                self.push(">")?;
                for (n, v) in &parts.children {
                    self.property(n, v, depth + 1)?;
                }
                self.indent(depth)?;
                self.push(&format!("</{qname}>"))
            }
            JToken::Array(items) => {
                // An array inside an array: its items nest under an element of the same name.
                self.push(">")?;
                for item in items {
                    self.element(name, item, depth + 1)?;
                }
                self.indent(depth)?;
                self.push(&format!("</{qname}>"))
            }
            scalar => {
                self.push(">")?;
                self.push(&escape(&scalar_text(scalar), false)?)?;
                self.push(&format!("</{qname}>"))
            }
        }
    }

    /// Splits an object's properties into declarations, attributes and children.
    fn parts<'j>(&self, map: &'j indexmap::IndexMap<String, JToken>) -> Result<Parts<'j>, Failure> {
        let mut parts = Parts {
            decls: Vec::new(),
            attrs: Vec::new(),
            children: Vec::new(),
        };
        for (k, v) in map {
            if let Some(decl) = self.declaration(k) {
                parts.decls.push((decl, attribute_text(k, v)?));
            } else if self.o.attr_block == Some(k.as_str()) {
                let JToken::Object(attrs) = v else {
                    return Err(Failure::Invalid(format!(
                        "The attribute block '{k}' is not an object."
                    )));
                };
                for (n, a) in attrs {
                    parts.attrs.push((n.as_str(), attribute_text(n, a)?));
                }
            } else {
                parts.children.push((k.as_str(), v));
            }
        }
        Ok(parts)
    }

    /// `Some(prefix)` (`None` inside for the default namespace) when property `k` declares
    /// a namespace: it is `namespace-prefix`, or that followed by `:` or the separator.
    fn declaration<'k>(&self, k: &'k str) -> Option<Option<&'k str>> {
        let rest = k.strip_prefix(self.o.ns_prefix.filter(|p| !p.is_empty())?)?;
        if rest.is_empty() {
            return Some(None);
        }
        let sep = self.o.separator;
        let p = rest
            .strip_prefix(':')
            .or_else(|| (!sep.is_empty()).then(|| rest.strip_prefix(sep)).flatten())?;
        (!p.is_empty()).then_some(Some(p))
    }

    /// The XML name of property `name`: `prefix:local` when it splits at the separator
    /// into a declared prefix (or `xml`) and a local name; otherwise the whole name,
    /// encoded as `XmlConvert.EncodeLocalName` does.
    fn qname(&self, name: &str) -> Result<String, Failure> {
        let sep = self.o.separator;
        if !sep.is_empty() {
            if let Some((p, l)) = name.split_once(sep) {
                let declared = p == "xml" || self.prefixes.iter().any(|d| d == p);
                if declared && !l.is_empty() {
                    return Ok(format!("{}:{}", encode(p)?, encode(l)?));
                }
            }
        }
        encode(name)
    }
}

/// A scalar's text: strings as they are, dates in round-trip form, `True`/`False`.
fn scalar_text(v: &JToken) -> String {
    match v {
        JToken::Date(d) => format_datetime(*d, "yyyy-MM-ddTHH:mm:ss.FFFFFFFK").unwrap_or_default(),
        other => other.as_string().unwrap_or_default(),
    }
}

/// An attribute's (or namespace declaration's) value: a scalar's text; null is empty.
fn attribute_text(name: &str, v: &JToken) -> Result<String, Failure> {
    match v {
        JToken::Array(_) | JToken::Object(_) => Err(Failure::Invalid(format!(
            "The attribute '{name}' must have a single value, not an {}.",
            if matches!(v, JToken::Array(_)) {
                "array"
            } else {
                "object"
            }
        ))),
        other => Ok(scalar_text(other)),
    }
}

/// `XmlConvert.EncodeLocalName`: characters not allowed in a local name as `_xHHHH_`.
pub(crate) fn encode(name: &str) -> Result<String, Failure> {
    if name.is_empty() {
        return Err(Failure::Invalid(
            "An empty property name cannot be an XML name.".into(),
        ));
    }
    let mut out = String::with_capacity(name.len());
    for (i, c) in name.chars().enumerate() {
        let ok = if i == 0 {
            c.is_alphabetic() || c == '_'
        } else {
            c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '\u{b7}')
        };
        if ok {
            out.push(c);
        } else if (c as u32) > 0xFFFF {
            out.push_str(&format!("_x{:08X}_", c as u32));
        } else {
            out.push_str(&format!("_x{:04X}_", c as u32));
        }
    }
    Ok(out)
}

/// Escapes text (`attr`: an attribute value) as `XmlWriter` does; characters XML cannot
/// hold are refused, as `XmlWriter` refuses them.
fn escape(s: &str, attr: bool) -> Result<String, Failure> {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\u{0}'..='\u{8}'
            | '\u{b}'
            | '\u{c}'
            | '\u{e}'..='\u{1f}'
            | '\u{fffe}'
            | '\u{ffff}' => {
                return Err(Failure::Invalid(format!(
                    "'\\u{:04x}', hexadecimal value 0x{:02X}, is an invalid character.",
                    c as u32, c as u32
                )))
            }
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            '\n' if attr => out.push_str("&#xA;"),
            '\r' if attr => out.push_str("&#xD;"),
            '\t' if attr => out.push_str("&#x9;"),
            _ => out.push(c),
        }
    }
    Ok(out)
}
