//! `System.Xml.Linq`: `XElement`, `XDocument`, `XAttribute`, `XName` as heap nodes.
//!
//! Every node is a heap object with a parent handle, so elements alias as in .NET (`var e =
//! doc.Root.Element("a"); e.SetValue("x");` changes `doc`). Formatting and deep copies go
//! through the owned tree of [`gatehouse_dotnet::xml`]. At run time all four types share one
//! receiver type; each implementation looks at the node it is given.

mod edit;
mod members;

pub use members::body_as;
pub(super) use members::MEMBERS;

use super::arg;
use crate::value::{ObjRef, Value};
use crate::vm::{Fault, FaultKind, Heap, Obj, Vm};
use gatehouse_dotnet::xml::{self as x, Node, QName};

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
