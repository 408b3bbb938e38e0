//! `XmlWriter`-style formatting of the owned tree, as `XNode.ToString()` drives it.

use super::{Element, Node, QName, MAX_DEPTH, XMLNS, XML_NS};

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
