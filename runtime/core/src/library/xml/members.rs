//! The `XElement`/`XDocument`/`XAttribute`/`XName` member dispatcher and table.

use super::edit::{
    add_content, construct, find_attr, parse, parse_text, push_node, remove, set_value, simple_text,
};
use super::{
    child_elements, children, descendants, display, element_name, get, get_mut, list, name_arg,
    opt, recv, text_of, XObj,
};
use crate::library::{arg, member_table, no_member, s, MemberSpec};
use crate::value::Value;
use crate::vm::{Fault, Obj, Vm};
use gatehouse_dotnet::xml::Node;

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
pub(in crate::library) const MEMBERS: &[MemberSpec] = member_table! {
    "XElement" {
        Static "Parse"("string") -> "XElement" => |vm, _, a| parse(vm, "XElement", a);
    }
    "XDocument" {
        Static "Parse"("string") -> "XDocument" => |vm, _, a| parse(vm, "XDocument", a);
    }
    "XElement" {
        Constructor ".ctor"("string|XName", "params object[]") -> "XElement"
            => |vm, _, a| construct(vm, "XElement", a);
    }
    "XAttribute" {
        Constructor ".ctor"("string|XName", "object") -> "XAttribute"
            => |vm, _, a| construct(vm, "XAttribute", a);
    }
    "XDocument" {
        Constructor ".ctor"("params object[]") -> "XDocument"
            => |vm, _, a| construct(vm, "XDocument", a);
    }
    "SaveOptions" {
        StaticProperty "None"() -> "SaveOptions" => |_, _, _| Ok(Value::Int(0));
        StaticProperty "DisableFormatting"() -> "SaveOptions" => |_, _, _| Ok(Value::Int(1));
    }
    // XElement
    "XElement" {
        Property "Name"() -> "XName" => member;
        Property "Value"() -> "string" => member;
        Property "Parent"() -> "XElement" => member;
        Property "HasElements"() -> "bool" => member;
        Property "HasAttributes"() -> "bool" => member;
        Property "IsEmpty"() -> "bool" => member;
        Property "FirstNode"() -> "XNode" => member;
        Method "Element"("string|XName") -> "XElement" => member;
        Method "Elements"() -> "IEnumerable<XElement>" => member;
        Method "Elements"("string|XName") -> "IEnumerable<XElement>" => member;
        Method "Descendants"() -> "IEnumerable<XElement>" => member;
        Method "Descendants"("string|XName") -> "IEnumerable<XElement>" => member;
        Method "Nodes"() -> "IEnumerable<XNode>" => member;
        Method "Attribute"("string|XName") -> "XAttribute" => member;
        Method "Attributes"() -> "IEnumerable<XAttribute>" => member;
        Method "ToString"() -> "string" => member;
        Method "ToString"("SaveOptions") -> "string" => member;
        Method "SetValue"("object") -> "void" => member;
        Method "SetAttributeValue"("string|XName", "object") -> "void" => member;
        Method "SetElementValue"("string|XName", "object") -> "void" => member;
        Method "Add"("params object[]") -> "void" => member;
        Method "Remove"() -> "void" => member;
    }
    // XDocument
    "XDocument" {
        Property "Root"() -> "XElement" => member;
        Method "Element"("string|XName") -> "XElement" => member;
        Method "Elements"() -> "IEnumerable<XElement>" => member;
        Method "Descendants"() -> "IEnumerable<XElement>" => member;
        Method "Descendants"("string|XName") -> "IEnumerable<XElement>" => member;
        Method "ToString"() -> "string" => member;
        Method "ToString"("SaveOptions") -> "string" => member;
        Method "Add"("params object[]") -> "void" => member;
    }
    // XAttribute
    "XAttribute" {
        Property "Name"() -> "XName" => member;
        Property "Value"() -> "string" => member;
        Property "Parent"() -> "XElement" => member;
        Method "SetValue"("object") -> "void" => member;
        Method "Remove"() -> "void" => member;
        Method "ToString"() -> "string" => member;
    }
    // XName
    "XName" {
        Property "LocalName"() -> "string" => member;
        Property "NamespaceName"() -> "string" => member;
        Method "ToString"() -> "string" => member;
    }
    // XNode
    "XNode" {
        Method "ToString"() -> "string" => member;
        Property "Parent"() -> "XElement" => member;
        Method "Remove"() -> "void" => member;
    }
};
