//! Newtonsoft.Json: `JObject`/`JArray`/`JValue`/`JProperty` members on heap nodes, `JsonConvert`.
//!
//! JSON lives on the heap as nodes, so tokens alias as in Newtonsoft (`var o = body["a"];
//! o["b"] = 1;` changes `body`). `SelectToken` results are copies (deviation).

use super::{arg, int, member_table, no_member, s, str_arg, MemberSpec};
use crate::value::{ObjRef, Value};
use crate::vm::{Fault, Obj, Vm};
use gatehouse_dotnet::json::JToken;
use gatehouse_dotnet::jsonwrite::{write, Formatting};
use gatehouse_dotnet::{jsonparse, jsonpath};
use indexmap::IndexMap;
use std::sync::Arc;

/// The value `v` as a JSON node: tokens are used as they are, anything else becomes a
/// `JValue` (or a container, for collections and anonymous objects).
pub fn node(vm: &mut Vm<'_>, v: &Value) -> Result<ObjRef, Fault> {
    if let Value::Ref(r) = v {
        if vm.heap.is_json(*r) {
            return Ok(*r);
        }
    }
    let t = to_token(vm, v, 0)?;
    vm.heap.import(t)
}

/// Any value as a Newtonsoft token (`JToken.FromObject`, `SerializeObject`).
pub fn to_token(vm: &Vm<'_>, v: &Value, depth: usize) -> Result<JToken, Fault> {
    if depth > 64 {
        return Err(Fault::unsupported("serialising a value nested this deeply"));
    }
    Ok(match v {
        Value::Null => JToken::Null,
        Value::Bool(b) => JToken::Boolean(*b),
        Value::Str(x) => JToken::String(x.to_string()),
        Value::Char(_) | Value::Guid(_) | Value::TimeSpan(_) => JToken::String(vm.text(v)),
        Value::Float(_) | Value::Double(_) | Value::Decimal(_) => {
            JToken::Float(v.as_f64().unwrap_or(0.0))
        }
        Value::DateTime(d) => JToken::Date(*d),
        Value::Ref(r) => match vm.heap.get(*r) {
            Obj::List(_, xs) | Obj::Array(_, xs) => JToken::Array(
                xs.iter()
                    .map(|x| to_token(vm, x, depth + 1))
                    .collect::<Result<_, _>>()?,
            ),
            Obj::Set(xs) => JToken::Array(
                xs.values()
                    .map(|x| to_token(vm, x, depth + 1))
                    .collect::<Result<_, _>>()?,
            ),
            Obj::Anon(names, vals) => JToken::Object(
                names
                    .iter()
                    .zip(vals)
                    .map(|(n, x)| Ok((n.to_string(), to_token(vm, x, depth + 1)?)))
                    .collect::<Result<_, Fault>>()?,
            ),
            Obj::Dict(m) => JToken::Object(
                m.values()
                    .map(|(k, x)| Ok((vm.text(k), to_token(vm, x, depth + 1)?)))
                    .collect::<Result<_, Fault>>()?,
            ),
            Obj::Bytes(b) => JToken::String(gatehouse_dotnet::encoding::to_base64(b)),
            _ => match vm.heap.export(*r) {
                Some(t) => t,
                None => JToken::String(vm.text(v)),
            },
        },
        _ => match v.as_i128() {
            Some(i) => i64::try_from(i)
                .map(JToken::Integer)
                .unwrap_or(JToken::Float(i as f64)),
            None => JToken::String(vm.text(v)),
        },
    })
}

fn recv(a: &[Value]) -> Result<ObjRef, Fault> {
    match arg(a, 0) {
        Value::Ref(r) => Ok(*r),
        _ => Err(Fault::null()),
    }
}

fn formatting(a: &[Value], i: usize) -> Formatting {
    match arg(a, i) {
        Value::Int(1) => Formatting::INDENTED,
        _ => Formatting::None,
    }
}

fn parse(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let text = str_arg(a, 0)?;
    let t = match name {
        "JObject.Parse" => jsonparse::parse_object(text)?,
        "JArray.Parse" => jsonparse::parse_array(text)?,
        _ => jsonparse::parse(text)?,
    };
    vm.heap.import(t).map(Value::Ref)
}

fn convert(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    match name {
        "SerializeObject" => {
            let t = to_token(vm, arg(a, 0), 0)?;
            s(write(&t, formatting(a, 1)))
        }
        "DeserializeObject" => {
            let text = a
                .iter()
                .find_map(|v| v.as_str().filter(|t| !t.starts_with("type:")))
                .unwrap_or("");
            let t = jsonparse::parse(text)?;
            vm.heap.import(t).map(Value::Ref)
        }
        "FromObject" => node(vm, arg(a, 0)).map(Value::Ref),
        _ => Err(no_member(name)),
    }
}

fn construct(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    match name {
        "JObject" => {
            let mut props = IndexMap::new();
            for v in a {
                let Value::Ref(r) = v else { continue };
                if let Obj::JProperty(k, n) = vm.heap.get(*r) {
                    props.insert(k.clone(), *n);
                }
            }
            vm.alloc(Obj::JObject(props))
        }
        "JArray" => {
            let items: Vec<Value> =
                if a.len() == 1 && matches!(arg(a, 0), Value::Ref(r) if !vm.heap.is_json(*r)) {
                    super::enumerate(vm, arg(a, 0))?
                } else {
                    a.to_vec()
                };
            crate::vm::new_collection(vm, crate::bytecode::TypeId::JArray, items)
        }
        "JProperty" => {
            let n = node(vm, arg(a, 1))?;
            vm.alloc(Obj::JProperty(Arc::from(str_arg(a, 0)?), n))
        }
        _ => {
            let t = to_token(vm, arg(a, 0), 0)?;
            vm.heap.import(t).map(Value::Ref)
        }
    }
}

fn tokens(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let r = recv(a)?;
    match name {
        "ToString" => {
            let t = vm.heap.export(r).unwrap_or(JToken::Null);
            match (a.len(), &t) {
                (1, JToken::Object(_) | JToken::Array(_)) => s(write(&t, Formatting::INDENTED)),
                (1, _) => s(vm.text(arg(a, 0))),
                _ => s(write(&t, formatting(a, 1))),
            }
        }
        "Count" => int(match vm.heap.get(r) {
            Obj::JObject(m) => m.len(),
            Obj::JArray(xs) => xs.len(),
            _ => 0,
        } as i64),
        "HasValues" => Ok(Value::Bool(match vm.heap.get(r) {
            Obj::JObject(m) => !m.is_empty(),
            Obj::JArray(xs) => !xs.is_empty(),
            _ => false,
        })),
        "Type" => s(vm.heap.export(r).map_or("Null", |t| match vm.heap.get(r) {
            Obj::JProperty(..) => "Property",
            _ => t.type_name(),
        })),
        "DeepClone" => {
            let t = vm.heap.export(r).unwrap_or(JToken::Null);
            vm.heap.import(t).map(Value::Ref)
        }
        "SelectToken" | "SelectTokens" => select(vm, name, r, str_arg(a, 1)?),
        "Value" | "ToObject" => value_of(vm, a),
        "Merge" => {
            let other = match arg(a, 1) {
                Value::Ref(o) => vm.heap.export(*o).unwrap_or(JToken::Null),
                v => to_token(vm, v, 0)?,
            };
            let mut t = vm.heap.export(r).unwrap_or(JToken::Null);
            t.merge(&other);
            let fresh = vm.heap.import(t)?;
            replace(vm, r, fresh);
            Ok(Value::Null)
        }
        _ => super::collections::json_members(vm, name, r, a),
    }
}

/// Moves node `from`'s contents into `to` (so `to` keeps its identity).
fn replace(vm: &mut Vm<'_>, to: ObjRef, from: ObjRef) {
    let moved = match vm.heap.get_mut(from) {
        Some(Obj::JObject(m)) => Obj::JObject(std::mem::take(m)),
        Some(Obj::JArray(xs)) => Obj::JArray(std::mem::take(xs)),
        _ => return,
    };
    if let Some(slot) = vm.heap.get_mut(to) {
        *slot = moved;
    }
}

fn select(vm: &mut Vm<'_>, name: &'static str, r: ObjRef, path: &str) -> Result<Value, Fault> {
    let root = vm.heap.export(r).unwrap_or(JToken::Null);
    if name == "SelectToken" {
        return match jsonpath::select_token(&root, path)? {
            Some(t) => vm.heap.import(t.clone()).map(Value::Ref),
            None => Ok(Value::Null),
        };
    }
    let found: Vec<JToken> = jsonpath::select_tokens(&root, path)?
        .into_iter()
        .cloned()
        .collect();
    let mut items = Vec::with_capacity(found.len());
    for t in found {
        items.push(Value::Ref(vm.heap.import(t)?));
    }
    vm.alloc(Obj::List("Newtonsoft.Json.Linq.JToken", items))
}

/// `token.Value<T>(key)` / `token.ToObject<T>()`: the child (or the token) converted to `T`.
fn value_of(vm: &mut Vm<'_>, a: &[Value]) -> Result<Value, Fault> {
    let ty = arg(a, 1)
        .as_str()
        .unwrap_or("type:object")
        .trim_start_matches("type:")
        .to_string();
    let target = if a.len() > 2 {
        super::index::get(vm, &[arg(a, 0).clone(), arg(a, 2).clone()])?
    } else {
        arg(a, 0).clone()
    };
    match crate::bytecode::type_id(&ty) {
        Some(t) => crate::vm::cast(vm, &target, t, false),
        None => Ok(target),
    }
}

fn property(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let r = recv(a)?;
    let Obj::JProperty(k, v) = vm.heap.get(r) else {
        return Err(no_member(name));
    };
    match name {
        "Name" => Ok(Value::Str(k.clone())),
        _ => Ok(Value::Ref(*v)),
    }
}

fn jvalue(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let r = recv(a)?;
    let Obj::JValue(t) = vm.heap.get(r) else {
        return Err(no_member(name));
    };
    Ok(match t.clone() {
        JToken::Null => Value::Null,
        JToken::Boolean(b) => Value::Bool(b),
        JToken::Integer(i) => Value::Long(i),
        JToken::Float(f) => Value::Double(f),
        JToken::String(x) => Value::str(x),
        JToken::Date(d) => Value::DateTime(d),
        _ => Value::Null,
    })
}

/// Newtonsoft members.
pub(super) const MEMBERS: &[MemberSpec] = member_table! {
    "JObject" {
        Static "Parse"("string") -> "JObject" => |vm, _, a| parse(vm, "JObject.Parse", a);
    }
    "JArray" {
        Static "Parse"("string") -> "JArray" => |vm, _, a| parse(vm, "JArray.Parse", a);
    }
    "JToken" {
        Static "Parse"("string") -> "JToken" => parse;
    }
    "JObject" {
        Static "FromObject"("object") -> "JObject" => convert;
    }
    "JToken" {
        Static "FromObject"("object") -> "JToken" => convert;
    }
    "JsonConvert" {
        Static "SerializeObject"("object") -> "string" => convert;
        Static "SerializeObject"("object", "Formatting") -> "string" => convert;
        Static "DeserializeObject"("string") -> "object" => convert;
        Static "DeserializeObject"("Type", "string") -> "T" => convert;
    }
    "JObject" {
        Constructor ".ctor"("params object[]") -> "JObject"
            => |vm, _, a| construct(vm, "JObject", a);
    }
    "JArray" {
        Constructor ".ctor"("params object[]") -> "JArray" => |vm, _, a| construct(vm, "JArray", a);
    }
    "JProperty" {
        Constructor ".ctor"("string", "object") -> "JProperty"
            => |vm, _, a| construct(vm, "JProperty", a);
    }
    "JValue" {
        Constructor ".ctor"("object") -> "JValue" => |vm, _, a| construct(vm, "JValue", a);
    }
    "JToken" {
        Method "ToString"() -> "string" => tokens;
        Method "ToString"("Formatting") -> "string" => tokens;
    }
    "JContainer" {
        Property "Count"() -> "int" => tokens;
    }
    "JToken" {
        Property "HasValues"() -> "bool" => tokens;
        Property "Type"() -> "JTokenType" => tokens;
        Method "DeepClone"() -> "JToken" => tokens;
        Method "SelectToken"("string") -> "JToken" => tokens;
        Method "SelectTokens"("string") -> "IEnumerable<JToken>" => tokens;
        Method "Value"("Type", "object") -> "T" => tokens;
        Method "ToObject"("Type") -> "T" => tokens;
    }
    "JContainer" {
        Method "Merge"("object") -> "void" => tokens;
    }
    "JObject" {
        Method "Property"("string") -> "JProperty" => tokens;
        Method "Properties"() -> "IEnumerable<JProperty>" => tokens;
        Method "ContainsKey"("string") -> "bool" => tokens;
        Method "Remove"("string") -> "bool" => tokens;
        Method "Add"("string", "JToken") -> "void" => tokens;
    }
    "JContainer" {
        Method "Add"("object") -> "void" => tokens;
    }
    "JArray" {
        Method "RemoveAt"("int") -> "void" => tokens;
        Method "Insert"("int", "object") -> "void" => tokens;
    }
    "JContainer" {
        Method "Children"() -> "IEnumerable<JToken>" => tokens;
    }
    "JToken" {
        Property "First"() -> "JToken" => tokens;
        Property "Last"() -> "JToken" => tokens;
    }
    "JObject" {
        Method "TryGetValue"("string", "out JToken") -> "bool" => tokens;
    }
    "JProperty" {
        Property "Name"() -> "string" => property;
        Property "Value"() -> "JToken" => property;
    }
    "JValue" {
        Property "Value"() -> "object" => jvalue;
    }
    "JTokenType" {
        StaticProperty "Object"() -> "JTokenType" => |_, _, _| s("Object");
        StaticProperty "Array"() -> "JTokenType" => |_, _, _| s("Array");
        StaticProperty "String"() -> "JTokenType" => |_, _, _| s("String");
        StaticProperty "Integer"() -> "JTokenType" => |_, _, _| s("Integer");
        StaticProperty "Float"() -> "JTokenType" => |_, _, _| s("Float");
        StaticProperty "Boolean"() -> "JTokenType" => |_, _, _| s("Boolean");
        StaticProperty "Null"() -> "JTokenType" => |_, _, _| s("Null");
        StaticProperty "Date"() -> "JTokenType" => |_, _, _| s("Date");
    }
    "Formatting" {
        StaticProperty "None"() -> "Formatting" => |_, _, _| Ok(Value::Int(0));
        StaticProperty "Indented"() -> "Formatting" => |_, _, _| Ok(Value::Int(1));
    }
};
