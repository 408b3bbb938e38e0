//! `System.Xml.Linq`: `XElement`, `XDocument`, `XAttribute`, `XName` as heap nodes.
//!
//! Every node is a heap object with a parent handle, so elements alias as in .NET (`var e =
//! doc.Root.Element("a"); e.SetValue("x");` changes `doc`). Formatting and deep copies go
//! through the owned tree of [`crate::dotnet::xml`]. At run time all four types share one
//! receiver type; each implementation looks at the node it is given.

use super::{arg, m, no_member, s, str_arg, MemberSpec};
use crate::dotnet::xml::{self as x, Node, QName};
use crate::value::{ObjRef, Value};
use crate::vm::{Fault, FaultKind, Heap, Obj, Vm};

/// An XML node on the heap.
#[derive(Debug)]
pub enum XObj {
    /// `XDocument`: top-level nodes.
    Document(Vec<ObjRef>),
    /// `XElement`; `nodes` is `None` for an empty element (`<a />`).
    Element {
        /// The name.
        name: QName,
        /// `XAttribute` nodes.
        attrs: Vec<ObjRef>,
        /// Child nodes.
        nodes: Option<Vec<ObjRef>>,
        /// The containing element or document.
        parent: Option<ObjRef>,
    },
    /// `XAttribute`.
    Attribute {
        /// The name.
        name: QName,
        /// The value.
        value: String,
        /// The element it belongs to.
        parent: Option<ObjRef>,
    },
    /// Text, CDATA, comment or processing instruction.
    Leaf(Node, Option<ObjRef>),
    /// `XName`.
    Name(QName),
}

fn xml_fault(message: String) -> Fault {
    Fault::new(FaultKind::Xml, message)
}

fn get<'v>(vm: &'v Vm<'_>, r: ObjRef) -> Option<&'v XObj> {
    match vm.heap.get(r) {
        Obj::Xml(o) => Some(o),
        _ => None,
    }
}

fn get_mut(heap: &mut Heap, r: ObjRef) -> Option<&mut XObj> {
    match heap.get_mut(r) {
        Some(Obj::Xml(o)) => Some(o),
        _ => None,
    }
}

/// Stores an owned node (and its subtree) on the heap under `parent`.
fn import(heap: &mut Heap, n: Node, parent: Option<ObjRef>, depth: usize) -> Result<ObjRef, Fault> {
    if depth > x::MAX_DEPTH {
        return Err(Fault::unsupported("XML nested this deeply"));
    }
    match n {
        Node::Element(e) => {
            let me = heap.alloc(Obj::Xml(XObj::Element {
                name: e.name,
                attrs: Vec::new(),
                nodes: None,
                parent,
            }))?;
            let mut attrs = Vec::with_capacity(e.attrs.len());
            for (name, value) in e.attrs {
                attrs.push(heap.alloc(Obj::Xml(XObj::Attribute {
                    name,
                    value,
                    parent: Some(me),
                }))?);
            }
            let nodes = match e.nodes {
                Some(ns) => {
                    let mut out = Vec::with_capacity(ns.len());
                    for c in ns {
                        out.push(import(heap, c, Some(me), depth + 1)?);
                    }
                    Some(out)
                }
                None => None,
            };
            if let Some(XObj::Element {
                attrs: a, nodes: n, ..
            }) = get_mut(heap, me)
            {
                *a = attrs;
                *n = nodes;
            }
            Ok(me)
        }
        leaf => heap.alloc(Obj::Xml(XObj::Leaf(leaf, parent))),
    }
}

/// The owned copy of heap node `r` (`None` for documents, attributes, names).
fn export(heap: &Heap, r: ObjRef, depth: usize) -> Option<Node> {
    let Obj::Xml(o) = heap.get(r) else {
        return None;
    };
    match o {
        XObj::Element {
            name, attrs, nodes, ..
        } => {
            let attrs = attrs
                .iter()
                .filter_map(|a| match heap.get(*a) {
                    Obj::Xml(XObj::Attribute { name, value, .. }) => {
                        Some((name.clone(), value.clone()))
                    }
                    _ => None,
                })
                .collect();
            let nodes = match nodes {
                Some(ns) if depth < x::MAX_DEPTH => Some(
                    ns.iter()
                        .filter_map(|c| export(heap, *c, depth + 1))
                        .collect(),
                ),
                Some(_) => Some(Vec::new()),
                None => None,
            };
            Some(Node::Element(x::Element {
                name: name.clone(),
                attrs,
                nodes,
            }))
        }
        XObj::Leaf(n, _) => Some(n.clone()),
        _ => None,
    }
}

/// `ToString()` of an XML heap object (used by the VM's display of values).
pub fn display(heap: &Heap, r: ObjRef, indent: bool) -> String {
    match heap.get(r) {
        Obj::Xml(XObj::Document(ns)) => {
            let nodes: Vec<Node> = ns.iter().filter_map(|c| export(heap, *c, 0)).collect();
            x::document_to_string(&nodes, indent)
        }
        Obj::Xml(XObj::Attribute { name, value, .. }) => x::attribute_to_string(name, value),
        Obj::Xml(XObj::Name(n)) => n.expanded(),
        _ => export(heap, r, 0)
            .map(|n| x::to_string(&n, indent))
            .unwrap_or_default(),
    }
}

/// The .NET type name of an XML heap object.
pub fn type_name(o: &XObj) -> &'static str {
    match o {
        XObj::Document(_) => "System.Xml.Linq.XDocument",
        XObj::Element { .. } => "System.Xml.Linq.XElement",
        XObj::Attribute { .. } => "System.Xml.Linq.XAttribute",
        XObj::Leaf(Node::CData(_), _) => "System.Xml.Linq.XCData",
        XObj::Leaf(Node::Comment(_), _) => "System.Xml.Linq.XComment",
        XObj::Leaf(Node::Pi(..), _) => "System.Xml.Linq.XProcessingInstruction",
        XObj::Leaf(..) => "System.Xml.Linq.XText",
        XObj::Name(_) => "System.Xml.Linq.XName",
    }
}

/// `Value` of a node: text of all descendant text and CDATA nodes.
fn value_of(heap: &Heap, r: ObjRef, depth: usize, out: &mut String) {
    if depth > x::MAX_DEPTH {
        return;
    }
    match heap.get(r) {
        Obj::Xml(XObj::Element {
            nodes: Some(ns), ..
        })
        | Obj::Xml(XObj::Document(ns)) => {
            for c in ns {
                value_of(heap, *c, depth + 1, out);
            }
        }
        Obj::Xml(XObj::Leaf(Node::Text(t) | Node::CData(t), _)) => out.push_str(t),
        Obj::Xml(XObj::Leaf(Node::Comment(t), _)) if depth == 0 => out.push_str(t),
        Obj::Xml(XObj::Attribute { value, .. }) => out.push_str(value),
        _ => {}
    }
}

/// The text an XML value converts to (`(string)el`, `el.Value`).
pub fn text_of(heap: &Heap, r: ObjRef) -> String {
    let mut out = String::new();
    value_of(heap, r, 0, &mut out);
    out
}

/// A name argument: a string (`"{ns}local"`) or an `XName`.
fn name_arg(vm: &Vm<'_>, v: &Value) -> Result<QName, Fault> {
    match v {
        Value::Str(t) => QName::parse(t).map_err(xml_fault),
        Value::Ref(r) => match get(vm, *r) {
            Some(XObj::Name(n)) => Ok(n.clone()),
            _ => Err(Fault::argument("The name is not valid.")),
        },
        Value::Null => Err(Fault::new(
            FaultKind::ArgumentNull,
            "Value cannot be null. (Parameter 'name')",
        )),
        _ => Err(Fault::argument("The name is not valid.")),
    }
}

fn recv(a: &[Value]) -> Result<ObjRef, Fault> {
    match arg(a, 0) {
        Value::Ref(r) => Ok(*r),
        _ => Err(Fault::null()),
    }
}

/// The child nodes of an element or document.
fn children(vm: &Vm<'_>, r: ObjRef) -> Vec<ObjRef> {
    match get(vm, r) {
        Some(XObj::Element {
            nodes: Some(ns), ..
        })
        | Some(XObj::Document(ns)) => ns.clone(),
        _ => Vec::new(),
    }
}

fn element_name<'v>(vm: &'v Vm<'_>, r: ObjRef) -> Option<&'v QName> {
    match get(vm, r) {
        Some(XObj::Element { name, .. }) => Some(name),
        _ => None,
    }
}

/// Child elements of `r`, optionally with name `want`.
fn child_elements(vm: &Vm<'_>, r: ObjRef, want: Option<&QName>) -> Vec<ObjRef> {
    children(vm, r)
        .into_iter()
        .filter(|c| element_name(vm, *c).is_some_and(|n| want.is_none_or(|w| w == n)))
        .collect()
}

/// Descendant elements of `r` in document order.
fn descendants(vm: &Vm<'_>, r: ObjRef, want: Option<&QName>, depth: usize, out: &mut Vec<ObjRef>) {
    if depth > x::MAX_DEPTH {
        return;
    }
    for c in children(vm, r) {
        if let Some(n) = element_name(vm, c) {
            if want.is_none_or(|w| w == n) {
                out.push(c);
            }
            descendants(vm, c, want, depth + 1, out);
        }
    }
}

fn list(vm: &mut Vm<'_>, elem: &'static str, xs: Vec<ObjRef>) -> Result<Value, Fault> {
    vm.alloc(Obj::List(elem, xs.into_iter().map(Value::Ref).collect()))
}

fn opt(r: Option<ObjRef>) -> Value {
    r.map_or(Value::Null, Value::Ref)
}

/// `XElement.Parse`, `XDocument.Parse`.
fn parse(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let text = str_arg(a, 0)?;
    parse_text(vm, name, text)
}

/// Parses `text` as an `XElement` (`ty == "XElement"`) or an `XDocument`.
pub fn parse_text(vm: &mut Vm<'_>, ty: &str, text: &str) -> Result<Value, Fault> {
    if ty == "XElement" {
        let e = x::parse_element(text).map_err(xml_fault)?;
        return import(&mut vm.heap, Node::Element(e), None, 0).map(Value::Ref);
    }
    let doc = x::parse(text).map_err(xml_fault)?;
    let me = vm.heap.alloc(Obj::Xml(XObj::Document(Vec::new())))?;
    let mut nodes = Vec::with_capacity(doc.nodes.len());
    for n in doc.nodes {
        nodes.push(import(&mut vm.heap, n, Some(me), 0)?);
    }
    if let Some(XObj::Document(ns)) = get_mut(&mut vm.heap, me) {
        *ns = nodes;
    }
    Ok(Value::Ref(me))
}

/// A copy of node `r` (content added that already has a parent is cloned, as in .NET).
fn copy(vm: &mut Vm<'_>, r: ObjRef, parent: ObjRef) -> Result<ObjRef, Fault> {
    match export(&vm.heap, r, 0) {
        Some(n) => import(&mut vm.heap, n, Some(parent), 0),
        None => Err(Fault::argument("The node cannot be added.")),
    }
}

/// Adds content `v` (strings, numbers, nodes, attributes, sequences) to element `to`.
fn add_content(vm: &mut Vm<'_>, to: ObjRef, v: &Value, depth: usize) -> Result<(), Fault> {
    if depth > 16 {
        return Err(Fault::unsupported("content nested this deeply"));
    }
    match v {
        Value::Null => Ok(()),
        Value::Ref(r) => match get(vm, *r) {
            Some(XObj::Attribute {
                name,
                value,
                parent,
            }) => {
                let (name, value, had) = (name.clone(), value.clone(), parent.is_some());
                let dup = attrs_of(vm, to).into_iter().any(
                    |a| matches!(get(vm, a), Some(XObj::Attribute { name: n, .. }) if *n == name),
                );
                if dup {
                    return Err(Fault::new(
                        FaultKind::InvalidOperation,
                        "Duplicate attribute.",
                    ));
                }
                let at = if had {
                    vm.heap.alloc(Obj::Xml(XObj::Attribute {
                        name,
                        value,
                        parent: Some(to),
                    }))?
                } else {
                    if let Some(XObj::Attribute { parent, .. }) = get_mut(&mut vm.heap, *r) {
                        *parent = Some(to);
                    }
                    *r
                };
                if let Some(XObj::Element { attrs, .. }) = get_mut(&mut vm.heap, to) {
                    attrs.push(at);
                }
                Ok(())
            }
            Some(XObj::Element { parent, .. } | XObj::Leaf(_, parent)) => {
                let node = if parent.is_some() {
                    copy(vm, *r, to)?
                } else {
                    set_parent(vm, *r, Some(to));
                    *r
                };
                push_node(vm, to, node);
                Ok(())
            }
            Some(XObj::Document(_)) => Err(Fault::argument(
                "A node of type Document cannot be added to content.",
            )),
            Some(XObj::Name(n)) => {
                let t = n.expanded();
                add_text(vm, to, &t)
            }
            None => {
                if matches!(
                    vm.heap.get(*r),
                    Obj::List(..) | Obj::Array(..) | Obj::Iter(..)
                ) {
                    for item in super::enumerate(vm, v)? {
                        add_content(vm, to, &item, depth + 1)?;
                    }
                    Ok(())
                } else {
                    let t = vm.text(v);
                    add_text(vm, to, &t)
                }
            }
        },
        Value::Bool(b) => add_text(vm, to, if *b { "true" } else { "false" }),
        _ => {
            let t = vm.text(v);
            add_text(vm, to, &t)
        }
    }
}

fn attrs_of(vm: &Vm<'_>, r: ObjRef) -> Vec<ObjRef> {
    match get(vm, r) {
        Some(XObj::Element { attrs, .. }) => attrs.clone(),
        _ => Vec::new(),
    }
}

fn set_parent(vm: &mut Vm<'_>, r: ObjRef, p: Option<ObjRef>) {
    if let Some(
        XObj::Element { parent, .. } | XObj::Leaf(_, parent) | XObj::Attribute { parent, .. },
    ) = get_mut(&mut vm.heap, r)
    {
        *parent = p;
    }
}

fn push_node(vm: &mut Vm<'_>, to: ObjRef, node: ObjRef) {
    match get_mut(&mut vm.heap, to) {
        Some(XObj::Element { nodes, .. }) => nodes.get_or_insert_with(Vec::new).push(node),
        Some(XObj::Document(ns)) => ns.push(node),
        _ => {}
    }
}

/// Appends text, merging with a trailing text node.
fn add_text(vm: &mut Vm<'_>, to: ObjRef, t: &str) -> Result<(), Fault> {
    let last = children(vm, to).last().copied();
    if let Some(l) = last {
        if let Some(XObj::Leaf(Node::Text(s), _)) = get_mut(&mut vm.heap, l) {
            s.push_str(t);
            return Ok(());
        }
    }
    let leaf = vm
        .heap
        .alloc(Obj::Xml(XObj::Leaf(Node::Text(t.to_string()), Some(to))))?;
    push_node(vm, to, leaf);
    Ok(())
}

/// `new XElement(name, content...)`, `new XAttribute(name, value)`, `new XDocument(...)`.
fn construct(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    match name {
        "XAttribute" => {
            let n = name_arg(vm, arg(a, 0))?;
            let v = arg(a, 1);
            if v.is_null() {
                return Err(Fault::new(
                    FaultKind::ArgumentNull,
                    "Value cannot be null. (Parameter 'value')",
                ));
            }
            let value = simple_text(vm, v);
            vm.alloc(Obj::Xml(XObj::Attribute {
                name: n,
                value,
                parent: None,
            }))
        }
        "XDocument" => {
            let me = vm.heap.alloc(Obj::Xml(XObj::Document(Vec::new())))?;
            for v in a {
                add_content(vm, me, v, 0)?;
            }
            Ok(Value::Ref(me))
        }
        _ => {
            let n = name_arg(vm, arg(a, 0))?;
            let me = vm.heap.alloc(Obj::Xml(XObj::Element {
                name: n,
                attrs: Vec::new(),
                nodes: None,
                parent: None,
            }))?;
            for v in a.get(1..).unwrap_or(&[]) {
                add_content(vm, me, v, 0)?;
            }
            Ok(Value::Ref(me))
        }
    }
}

/// A value as XML text: `bool` as `true`/`false`, everything else by `ToString()`.
fn simple_text(vm: &Vm<'_>, v: &Value) -> String {
    match v {
        Value::Bool(b) => if *b { "true" } else { "false" }.into(),
        _ => vm.text(v),
    }
}

/// Replaces the content of element `r` with text `t`.
fn set_value(vm: &mut Vm<'_>, r: ObjRef, v: &Value) -> Result<(), Fault> {
    if v.is_null() {
        return Err(Fault::new(
            FaultKind::ArgumentNull,
            "Value cannot be null. (Parameter 'value')",
        ));
    }
    let t = simple_text(vm, v);
    match get(vm, r) {
        Some(XObj::Attribute { .. }) => {
            if let Some(XObj::Attribute { value, .. }) = get_mut(&mut vm.heap, r) {
                *value = t;
            }
        }
        Some(XObj::Element { .. }) => {
            let leaf = vm
                .heap
                .alloc(Obj::Xml(XObj::Leaf(Node::Text(t), Some(r))))?;
            if let Some(XObj::Element { nodes, .. }) = get_mut(&mut vm.heap, r) {
                *nodes = Some(vec![leaf]);
            }
        }
        _ => return Err(no_member("SetValue")),
    }
    Ok(())
}

/// Removes `r` from its parent.
fn remove(vm: &mut Vm<'_>, r: ObjRef) -> Result<(), Fault> {
    let parent = match get(vm, r) {
        Some(
            XObj::Element { parent, .. } | XObj::Leaf(_, parent) | XObj::Attribute { parent, .. },
        ) => *parent,
        _ => None,
    };
    let Some(p) = parent else {
        return Err(Fault::new(
            FaultKind::InvalidOperation,
            "The parent is missing.",
        ));
    };
    match get_mut(&mut vm.heap, p) {
        Some(XObj::Element { attrs, nodes, .. }) => {
            attrs.retain(|x| *x != r);
            if let Some(ns) = nodes {
                ns.retain(|x| *x != r);
            }
        }
        Some(XObj::Document(ns)) => ns.retain(|x| *x != r),
        _ => {}
    }
    set_parent(vm, r, None);
    Ok(())
}

fn find_attr(vm: &Vm<'_>, r: ObjRef, want: &QName) -> Option<ObjRef> {
    attrs_of(vm, r)
        .into_iter()
        .find(|a| matches!(get(vm, *a), Some(XObj::Attribute { name, .. }) if name == want))
}

/// Every `XElement`/`XDocument`/`XAttribute`/`XName` member.
fn member(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let r = recv(a)?;
    let Some(o) = get(vm, r) else {
        return Err(no_member(name));
    };
    match (name, o) {
        ("LocalName", XObj::Name(n)) => s(n.local.to_string()),
        ("NamespaceName", XObj::Name(n)) => s(n.ns.to_string()),
        ("Name", XObj::Element { name: n, .. } | XObj::Attribute { name: n, .. }) => {
            let n = n.clone();
            vm.alloc(Obj::Xml(XObj::Name(n)))
        }
        ("Value", _) => s(text_of(&vm.heap, r)),
        (
            "Parent",
            XObj::Element { parent, .. } | XObj::Attribute { parent, .. } | XObj::Leaf(_, parent),
        ) => {
            let p = parent.to_owned();
            Ok(opt(p.filter(|p| element_name(vm, *p).is_some())))
        }
        ("Root", XObj::Document(_)) => Ok(opt(child_elements(vm, r, None).first().copied())),
        ("HasElements", _) => Ok(Value::Bool(!child_elements(vm, r, None).is_empty())),
        ("HasAttributes", XObj::Element { attrs, .. }) => Ok(Value::Bool(!attrs.is_empty())),
        ("IsEmpty", XObj::Element { nodes, .. }) => Ok(Value::Bool(nodes.is_none())),
        ("FirstNode", _) => Ok(opt(children(vm, r).into_iter().find(
            |c| !matches!(get(vm, *c), Some(XObj::Leaf(Node::Text(t), _)) if t.is_empty()),
        ))),
        ("Element", _) => {
            let n = name_arg(vm, arg(a, 1))?;
            Ok(opt(child_elements(vm, r, Some(&n)).first().copied()))
        }
        ("Elements", _) => {
            let n = match a.len() {
                1 => None,
                _ => Some(name_arg(vm, arg(a, 1))?),
            };
            let xs = child_elements(vm, r, n.as_ref());
            list(vm, "System.Xml.Linq.XElement", xs)
        }
        ("Descendants", _) => {
            let n = match a.len() {
                1 => None,
                _ => Some(name_arg(vm, arg(a, 1))?),
            };
            let mut xs = Vec::new();
            descendants(vm, r, n.as_ref(), 0, &mut xs);
            list(vm, "System.Xml.Linq.XElement", xs)
        }
        ("Nodes", _) => {
            let xs = children(vm, r);
            list(vm, "System.Xml.Linq.XNode", xs)
        }
        ("Attribute", XObj::Element { .. }) => {
            let n = name_arg(vm, arg(a, 1))?;
            Ok(opt(find_attr(vm, r, &n)))
        }
        ("Attributes", XObj::Element { attrs, .. }) => {
            let xs = attrs.clone();
            list(vm, "System.Xml.Linq.XAttribute", xs)
        }
        ("ToString", _) => {
            let indent = !matches!(arg(a, 1), Value::Int(1));
            s(display(&vm.heap, r, indent))
        }
        ("SetValue", _) => set_value(vm, r, arg(a, 1)).map(|_| Value::Null),
        ("Remove", _) => remove(vm, r).map(|_| Value::Null),
        ("Add", XObj::Element { .. } | XObj::Document(_)) => {
            for v in a.get(1..).unwrap_or(&[]) {
                add_content(vm, r, v, 0)?;
            }
            Ok(Value::Null)
        }
        ("SetAttributeValue", XObj::Element { .. }) => {
            let n = name_arg(vm, arg(a, 1))?;
            let v = arg(a, 2);
            match (find_attr(vm, r, &n), v.is_null()) {
                (Some(at), true) => remove(vm, at)?,
                (Some(at), false) => set_value(vm, at, v)?,
                (None, true) => {}
                (None, false) => {
                    let value = simple_text(vm, v);
                    let at = vm.heap.alloc(Obj::Xml(XObj::Attribute {
                        name: n,
                        value,
                        parent: Some(r),
                    }))?;
                    if let Some(XObj::Element { attrs, .. }) = get_mut(&mut vm.heap, r) {
                        attrs.push(at);
                    }
                }
            }
            Ok(Value::Null)
        }
        ("SetElementValue", XObj::Element { .. }) => {
            let n = name_arg(vm, arg(a, 1))?;
            let v = arg(a, 2);
            match (
                child_elements(vm, r, Some(&n)).first().copied(),
                v.is_null(),
            ) {
                (Some(e), true) => remove(vm, e)?,
                (Some(e), false) => set_value(vm, e, v)?,
                (None, true) => {}
                (None, false) => {
                    let e = vm.heap.alloc(Obj::Xml(XObj::Element {
                        name: n,
                        attrs: Vec::new(),
                        nodes: None,
                        parent: Some(r),
                    }))?;
                    set_value(vm, e, v)?;
                    push_node(vm, r, e);
                }
            }
            Ok(Value::Null)
        }
        _ => Err(no_member(name)),
    }
}

/// `Body.As<XElement>()` / `As<XDocument>()`.
pub fn body_as(vm: &mut Vm<'_>, ty: &str, text: &str) -> Result<Value, Fault> {
    parse_text(vm, ty, text)
}

/// `System.Xml.Linq` members.
pub(super) const MEMBERS: &[MemberSpec] = &[
    m!(
        "XElement",
        "Parse",
        Static,
        ["string"],
        "XElement",
        |vm, _, a| parse(vm, "XElement", a)
    ),
    m!(
        "XDocument",
        "Parse",
        Static,
        ["string"],
        "XDocument",
        |vm, _, a| parse(vm, "XDocument", a)
    ),
    m!(
        "XElement",
        ".ctor",
        Constructor,
        ["string|XName", "params object[]"],
        "XElement",
        |vm, _, a| construct(vm, "XElement", a)
    ),
    m!(
        "XAttribute",
        ".ctor",
        Constructor,
        ["string|XName", "object"],
        "XAttribute",
        |vm, _, a| construct(vm, "XAttribute", a)
    ),
    m!(
        "XDocument",
        ".ctor",
        Constructor,
        ["params object[]"],
        "XDocument",
        |vm, _, a| construct(vm, "XDocument", a)
    ),
    m!(
        "SaveOptions",
        "None",
        StaticProperty,
        [],
        "SaveOptions",
        |_, _, _| Ok(Value::Int(0))
    ),
    m!(
        "SaveOptions",
        "DisableFormatting",
        StaticProperty,
        [],
        "SaveOptions",
        |_, _, _| Ok(Value::Int(1))
    ),
    // XElement
    m!("XElement", "Name", Property, [], "XName", member),
    m!("XElement", "Value", Property, [], "string", member),
    m!("XElement", "Parent", Property, [], "XElement", member),
    m!("XElement", "HasElements", Property, [], "bool", member),
    m!("XElement", "HasAttributes", Property, [], "bool", member),
    m!("XElement", "IsEmpty", Property, [], "bool", member),
    m!("XElement", "FirstNode", Property, [], "XNode", member),
    m!(
        "XElement",
        "Element",
        Method,
        ["string|XName"],
        "XElement",
        member
    ),
    m!(
        "XElement",
        "Elements",
        Method,
        [],
        "IEnumerable<XElement>",
        member
    ),
    m!(
        "XElement",
        "Elements",
        Method,
        ["string|XName"],
        "IEnumerable<XElement>",
        member
    ),
    m!(
        "XElement",
        "Descendants",
        Method,
        [],
        "IEnumerable<XElement>",
        member
    ),
    m!(
        "XElement",
        "Descendants",
        Method,
        ["string|XName"],
        "IEnumerable<XElement>",
        member
    ),
    m!(
        "XElement",
        "Nodes",
        Method,
        [],
        "IEnumerable<XNode>",
        member
    ),
    m!(
        "XElement",
        "Attribute",
        Method,
        ["string|XName"],
        "XAttribute",
        member
    ),
    m!(
        "XElement",
        "Attributes",
        Method,
        [],
        "IEnumerable<XAttribute>",
        member
    ),
    m!("XElement", "ToString", Method, [], "string", member),
    m!(
        "XElement",
        "ToString",
        Method,
        ["SaveOptions"],
        "string",
        member
    ),
    m!("XElement", "SetValue", Method, ["object"], "void", member),
    m!(
        "XElement",
        "SetAttributeValue",
        Method,
        ["string|XName", "object"],
        "void",
        member
    ),
    m!(
        "XElement",
        "SetElementValue",
        Method,
        ["string|XName", "object"],
        "void",
        member
    ),
    m!(
        "XElement",
        "Add",
        Method,
        ["params object[]"],
        "void",
        member
    ),
    m!("XElement", "Remove", Method, [], "void", member),
    // XDocument
    m!("XDocument", "Root", Property, [], "XElement", member),
    m!(
        "XDocument",
        "Element",
        Method,
        ["string|XName"],
        "XElement",
        member
    ),
    m!(
        "XDocument",
        "Elements",
        Method,
        [],
        "IEnumerable<XElement>",
        member
    ),
    m!(
        "XDocument",
        "Descendants",
        Method,
        [],
        "IEnumerable<XElement>",
        member
    ),
    m!(
        "XDocument",
        "Descendants",
        Method,
        ["string|XName"],
        "IEnumerable<XElement>",
        member
    ),
    m!("XDocument", "ToString", Method, [], "string", member),
    m!(
        "XDocument",
        "ToString",
        Method,
        ["SaveOptions"],
        "string",
        member
    ),
    m!(
        "XDocument",
        "Add",
        Method,
        ["params object[]"],
        "void",
        member
    ),
    // XAttribute
    m!("XAttribute", "Name", Property, [], "XName", member),
    m!("XAttribute", "Value", Property, [], "string", member),
    m!("XAttribute", "Parent", Property, [], "XElement", member),
    m!("XAttribute", "SetValue", Method, ["object"], "void", member),
    m!("XAttribute", "Remove", Method, [], "void", member),
    m!("XAttribute", "ToString", Method, [], "string", member),
    // XName
    m!("XName", "LocalName", Property, [], "string", member),
    m!("XName", "NamespaceName", Property, [], "string", member),
    m!("XName", "ToString", Method, [], "string", member),
    // XNode
    m!("XNode", "ToString", Method, [], "string", member),
    m!("XNode", "Parent", Property, [], "XElement", member),
    m!("XNode", "Remove", Method, [], "void", member),
];
