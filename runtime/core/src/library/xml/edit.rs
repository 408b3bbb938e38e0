//! Parsing, copying, construction and mutation of XML heap nodes.

use super::{children, export, get, get_mut, import, name_arg, xml_fault, XObj};
use crate::library::{arg, no_member, str_arg};
use crate::value::{ObjRef, Value};
use crate::vm::{Fault, FaultKind, Obj, Vm};
use gatehouse_dotnet::xml::{self as x, Node, QName};

/// `XElement.Parse`, `XDocument.Parse`.
pub(super) fn parse(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
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
pub(super) fn add_content(
    vm: &mut Vm<'_>,
    to: ObjRef,
    v: &Value,
    depth: usize,
) -> Result<(), Fault> {
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
                    for item in crate::library::enumerate(vm, v)? {
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

pub(super) fn push_node(vm: &mut Vm<'_>, to: ObjRef, node: ObjRef) {
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
pub(super) fn construct(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
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
pub(super) fn simple_text(vm: &Vm<'_>, v: &Value) -> String {
    match v {
        Value::Bool(b) => if *b { "true" } else { "false" }.into(),
        _ => vm.text(v),
    }
}

/// Replaces the content of element `r` with text `t`.
pub(super) fn set_value(vm: &mut Vm<'_>, r: ObjRef, v: &Value) -> Result<(), Fault> {
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
pub(super) fn remove(vm: &mut Vm<'_>, r: ObjRef) -> Result<(), Fault> {
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

pub(super) fn find_attr(vm: &Vm<'_>, r: ObjRef, want: &QName) -> Option<ObjRef> {
    attrs_of(vm, r)
        .into_iter()
        .find(|a| matches!(get(vm, *a), Some(XObj::Attribute { name, .. }) if name == want))
}
