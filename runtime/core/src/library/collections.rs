//! Collections: enumeration, `List<T>`, arrays, `Dictionary<K,V>`, `HashSet<T>`, pairs, and
//! the container members of JSON tokens.

use super::{arg, int, int_arg, member_table, no_member, str_arg, MemberSpec};
use crate::value::{HostObj, ObjRef, Value};
use crate::vm::{equals, Fault, FaultKind, Key, Obj, Vm};
use indexmap::IndexMap;
use std::sync::Arc;

/// The elements `foreach` and LINQ see, as a snapshot.
pub fn enumerate(vm: &mut Vm<'_>, v: &Value) -> Result<Vec<Value>, Fault> {
    let r = match v {
        Value::Null => return Err(Fault::null()),
        Value::Str(x) => {
            return Ok(gatehouse_dotnet::string::utf16(x)
                .into_iter()
                .map(Value::Char)
                .collect())
        }
        Value::Host(h) => return host_items(vm, *h),
        Value::Ref(r) => *r,
        _ => {
            return Err(Fault::cast(
                &crate::vm::type_name(&vm.heap, v),
                "System.Collections.IEnumerable",
            ))
        }
    };
    let pairs: Vec<(Value, Value)> = match vm.heap.get(r) {
        Obj::List(_, xs) | Obj::Array(_, xs) => return Ok(xs.clone()),
        Obj::Iter(xs, pos) => return Ok(xs.get(*pos..).unwrap_or_default().to_vec()),
        Obj::Bytes(b) => return Ok(b.iter().map(|x| Value::Int(*x as i32)).collect()),
        Obj::Set(m) => return Ok(m.values().cloned().collect()),
        Obj::JArray(xs) => return Ok(xs.iter().map(|x| Value::Ref(*x)).collect()),
        Obj::Groups(mr) => return groups(vm, *mr),
        Obj::Dict(m) => m.values().cloned().collect(),
        Obj::JObject(m) => m
            .iter()
            .map(|(k, x)| (Value::Str(k.clone()), Value::Ref(*x)))
            .collect(),
        _ => {
            return Err(Fault::cast(
                &crate::vm::type_name(&vm.heap, v),
                "System.Collections.IEnumerable",
            ))
        }
    };
    pairs
        .into_iter()
        .map(|(k, x)| vm.alloc(Obj::Pair(k, x)))
        .collect()
}

fn groups(vm: &mut Vm<'_>, mr: ObjRef) -> Result<Vec<Value>, Fault> {
    let gs = match vm.heap.get(mr) {
        Obj::Match(m) => m.groups.clone(),
        _ => Vec::new(),
    };
    gs.into_iter().map(|g| vm.alloc(Obj::Group(g))).collect()
}

fn host_items(vm: &mut Vm<'_>, h: HostObj) -> Result<Vec<Value>, Fault> {
    let mut out = Vec::new();
    if h == HostObj::Variables {
        for k in vm.host.variable_names() {
            let v = vm.host.variable(&k).unwrap_or(Value::Null);
            out.push(vm.alloc(Obj::Pair(Value::Str(k), v))?);
        }
        return Ok(out);
    }
    for k in vm.host.keys(h) {
        let vals: Vec<Value> = vm
            .host
            .values(h, &k)
            .unwrap_or_default()
            .iter()
            .cloned()
            .map(Value::Str)
            .collect();
        let arr = vm.alloc(Obj::Array("System.String", vals))?;
        out.push(vm.alloc(Obj::Pair(Value::Str(k), arr))?);
    }
    Ok(out)
}

fn recv(a: &[Value]) -> Result<ObjRef, Fault> {
    match arg(a, 0) {
        Value::Ref(r) => Ok(*r),
        _ => Err(Fault::null()),
    }
}

fn out_of_range() -> Fault {
    Fault::new(FaultKind::ArgumentOutOfRange, "Index was out of range. Must be non-negative and less than the size of the collection. (Parameter 'index')")
}

/// Members of `JObject`/`JArray` that change or walk their children.
pub fn json_members(
    vm: &mut Vm<'_>,
    name: &'static str,
    r: ObjRef,
    a: &[Value],
) -> Result<Value, Fault> {
    let child = match (name, a.len()) {
        ("Add", 3) | ("Insert", 3) => Some(super::json::node(vm, arg(a, 2))?),
        ("Add", 2) => Some(super::json::node(vm, arg(a, 1))?),
        _ => None,
    };
    let prop = child.and_then(|c| match vm.heap.get(c) {
        Obj::JProperty(k, v) => Some((k.clone(), *v)),
        _ => None,
    });
    let Some(obj) = vm.heap.get_mut(r) else {
        return Err(Fault::null());
    };
    match (obj, name) {
        (Obj::JObject(m), "Property") => {
            let k = str_arg(a, 1)?;
            match m.get(k).copied() {
                Some(v) => vm.alloc(Obj::JProperty(Arc::from(k), v)),
                None => Ok(Value::Null),
            }
        }
        (Obj::JObject(m), "ContainsKey") => Ok(Value::Bool(m.contains_key(str_arg(a, 1)?))),
        (Obj::JObject(m), "Remove") => Ok(Value::Bool(m.shift_remove(str_arg(a, 1)?).is_some())),
        (Obj::JObject(m), "TryGetValue") => {
            let found = m.get(str_arg(a, 1)?).copied();
            vm.out = found.map_or(Value::Null, Value::Ref);
            Ok(Value::Bool(found.is_some()))
        }
        (Obj::JObject(m), "Add") => {
            let (k, v) =
                match (a.len(), prop, child) {
                    (3, _, Some(c)) => (Arc::from(str_arg(a, 1)?), c),
                    (_, Some(p), _) => p,
                    _ => return Err(Fault::argument(
                        "Can not add Newtonsoft.Json.Linq.JValue to Newtonsoft.Json.Linq.JObject.",
                    )),
                };
            if m.contains_key(&k) {
                return Err(Fault::argument(format!("Can not add property {k} to Newtonsoft.Json.Linq.JObject. Property with the same name already exists on object.")));
            }
            m.insert(k, v);
            Ok(Value::Null)
        }
        (Obj::JArray(xs), "Add") => {
            xs.extend(child);
            Ok(Value::Null)
        }
        (Obj::JArray(xs), "Insert") => {
            let i = int_arg(a, 1)?;
            if i < 0 || i as usize > xs.len() {
                return Err(out_of_range());
            }
            xs.insert(i as usize, child.unwrap_or(ObjRef(0)));
            Ok(Value::Null)
        }
        (Obj::JArray(xs), "RemoveAt") => {
            let i = int_arg(a, 1)?;
            if i < 0 || i as usize >= xs.len() {
                return Err(out_of_range());
            }
            xs.remove(i as usize);
            Ok(Value::Null)
        }
        (Obj::JObject(m), "Properties") => {
            let ps: Vec<(Arc<str>, ObjRef)> = m.iter().map(|(k, v)| (k.clone(), *v)).collect();
            let mut items = Vec::with_capacity(ps.len());
            for (k, v) in ps {
                items.push(vm.alloc(Obj::JProperty(k, v))?);
            }
            vm.alloc(Obj::List("Newtonsoft.Json.Linq.JProperty", items))
        }
        (Obj::JObject(_) | Obj::JArray(_), "Children" | "First" | "Last") => {
            let items: Vec<Value> = match vm.heap.get(r) {
                Obj::JObject(m) => {
                    let ps: Vec<(Arc<str>, ObjRef)> =
                        m.iter().map(|(k, v)| (k.clone(), *v)).collect();
                    let mut out = Vec::new();
                    for (k, v) in ps {
                        out.push(vm.alloc(Obj::JProperty(k, v))?);
                    }
                    out
                }
                Obj::JArray(xs) => xs.iter().map(|x| Value::Ref(*x)).collect(),
                _ => Vec::new(),
            };
            match name {
                "First" => Ok(items.first().cloned().unwrap_or(Value::Null)),
                "Last" => Ok(items.last().cloned().unwrap_or(Value::Null)),
                _ => vm.alloc(Obj::List("Newtonsoft.Json.Linq.JToken", items)),
            }
        }
        _ => Err(no_member(name)),
    }
}

fn list(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let r = recv(a)?;
    let extra = if name == "AddRange" {
        super::enumerate(vm, arg(a, 1))?
    } else {
        Vec::new()
    };
    let Some(Obj::List(_, xs) | Obj::Array(_, xs)) = vm.heap.get_mut(r) else {
        return Err(no_member(name));
    };
    let x = arg(a, 1);
    match name {
        "Count" | "Length" => int(xs.len() as i64),
        "Add" => {
            xs.push(x.clone());
            Ok(Value::Null)
        }
        "AddRange" => {
            xs.extend(extra);
            Ok(Value::Null)
        }
        "Clear" => {
            xs.clear();
            Ok(Value::Null)
        }
        "Contains" => Ok(Value::Bool(xs.iter().any(|y| equals(y, x)))),
        "IndexOf" => int(xs
            .iter()
            .position(|y| equals(y, x))
            .map_or(-1, |i| i as i64)),
        "Remove" => Ok(Value::Bool(match xs.iter().position(|y| equals(y, x)) {
            Some(i) => {
                xs.remove(i);
                true
            }
            None => false,
        })),
        "RemoveAt" | "Insert" => {
            let i = int_arg(a, 1)?;
            let limit = if name == "Insert" {
                xs.len()
            } else {
                xs.len().saturating_sub(1)
            };
            if i < 0 || i as usize > limit || (name == "RemoveAt" && xs.is_empty()) {
                return Err(out_of_range());
            }
            if name == "Insert" {
                xs.insert(i as usize, arg(a, 2).clone());
            } else {
                xs.remove(i as usize);
            }
            Ok(Value::Null)
        }
        "Reverse" => {
            xs.reverse();
            Ok(Value::Null)
        }
        _ => Err(no_member(name)),
    }
}

fn bytes_len(vm: &mut Vm<'_>, _: &'static str, a: &[Value]) -> Result<Value, Fault> {
    match vm.heap.get(recv(a)?) {
        Obj::Bytes(b) => int(b.len() as i64),
        _ => Err(Fault::null()),
    }
}

fn dict(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let r = recv(a)?;
    let key = Key::of(arg(a, 1));
    if matches!(name, "Keys" | "Values") {
        let Obj::Dict(m) = vm.heap.get(r) else {
            return Err(no_member(name));
        };
        let items = m
            .values()
            .map(|(k, v)| if name == "Keys" { k.clone() } else { v.clone() })
            .collect();
        return vm.alloc(Obj::List("System.Object", items));
    }
    let Some(Obj::Dict(m)) = vm.heap.get_mut(r) else {
        return Err(no_member(name));
    };
    match name {
        "Count" => int(m.len() as i64),
        "ContainsKey" => Ok(Value::Bool(m.contains_key(&key))),
        "ContainsValue" => Ok(Value::Bool(m.values().any(|(_, v)| equals(v, arg(a, 1))))),
        "Remove" => Ok(Value::Bool(m.shift_remove(&key).is_some())),
        "Clear" => {
            m.clear();
            Ok(Value::Null)
        }
        "Add" if m.contains_key(&key) => Err(Fault::argument(format!(
            "An item with the same key has already been added. Key: {}",
            crate::vm::to_dotnet_string(&vm.heap, arg(a, 1))
        ))),
        "Add" => {
            m.insert(key, (arg(a, 1).clone(), arg(a, 2).clone()));
            Ok(Value::Null)
        }
        "TryGetValue" => {
            let found = m.get(&key).map(|(_, v)| v.clone());
            vm.out = found.clone().unwrap_or(Value::Null);
            Ok(Value::Bool(found.is_some()))
        }
        "GetValueOrDefault" => Ok(m
            .get(&key)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| arg(a, 2).clone())),
        _ => Err(no_member(name)),
    }
}

fn set(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let r = recv(a)?;
    let key = Key::of(arg(a, 1));
    let Some(Obj::Set(m)) = vm.heap.get_mut(r) else {
        return Err(no_member(name));
    };
    Ok(match name {
        "Count" => Value::Int(m.len() as i32),
        "Add" => Value::Bool(m.insert(key, arg(a, 1).clone()).is_none()),
        "Contains" => Value::Bool(m.contains_key(&key)),
        "Remove" => Value::Bool(m.shift_remove(&key).is_some()),
        _ => return Err(no_member(name)),
    })
}

fn pair(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    match vm.heap.get(recv(a)?) {
        Obj::Pair(k, v) => Ok(if name == "Key" { k.clone() } else { v.clone() }),
        _ => Err(no_member(name)),
    }
}

fn construct(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let from = match arg(a, 0) {
        v @ Value::Ref(_) => super::enumerate(vm, v)?,
        _ => Vec::new(),
    };
    match name {
        "List" => vm.alloc(Obj::List("System.Object", from)),
        "HashSet" => {
            let m = from.into_iter().map(|v| (Key::of(&v), v)).collect();
            vm.alloc(Obj::Set(m))
        }
        "KeyValuePair" => vm.alloc(Obj::Pair(arg(a, 0).clone(), arg(a, 1).clone())),
        _ => vm.alloc(Obj::Dict(IndexMap::new())),
    }
}

/// Collection members.
pub(super) const MEMBERS: &[MemberSpec] = member_table! {
    "List" {
        Constructor ".ctor"() -> "List<T>" => |vm, _, a| construct(vm, "List", a);
        Constructor ".ctor"("IEnumerable<T>|int") -> "List<T>"
            => |vm, _, a| construct(vm, "List", a);
    }
    "Dictionary" {
        Constructor ".ctor"() -> "Dictionary<K,V>" => |vm, _, a| construct(vm, "Dictionary", a);
        Constructor ".ctor"("IEqualityComparer<K>") -> "Dictionary<K,V>"
            => |vm, _, a| construct(vm, "Dictionary", &a[a.len()..]);
    }
    "HashSet" {
        Constructor ".ctor"() -> "HashSet<T>" => |vm, _, a| construct(vm, "HashSet", a);
        Constructor ".ctor"("IEnumerable<T>") -> "HashSet<T>"
            => |vm, _, a| construct(vm, "HashSet", a);
    }
    "KeyValuePair" {
        Constructor ".ctor"("K", "V") -> "KeyValuePair<K,V>"
            => |vm, _, a| construct(vm, "KeyValuePair", a);
    }
    "List" {
        Property "Count"() -> "int" => list;
        Method "Add"("T") -> "void" => list;
        Method "AddRange"("IEnumerable<T>") -> "void" => list;
        Method "Clear"() -> "void" => list;
        Method "Contains"("T") -> "bool" => list;
        Method "IndexOf"("T") -> "int" => list;
        Method "Remove"("T") -> "bool" => list;
        Method "RemoveAt"("int") -> "void" => list;
        Method "Insert"("int", "T") -> "void" => list;
        Method "Reverse"() -> "void" => list;
    }
    "Array" {
        Property "Length"() -> "int" => list;
    }
    "byte[]" {
        Property "Length"() -> "int" => bytes_len;
    }
    "Dictionary" {
        Property "Count"() -> "int" => dict;
        Property "Keys"() -> "ICollection<K>" => dict;
        Property "Values"() -> "ICollection<V>" => dict;
        Method "ContainsKey"("K") -> "bool" => dict;
        Method "ContainsValue"("V") -> "bool" => dict;
        Method "Remove"("K") -> "bool" => dict;
        Method "Clear"() -> "void" => dict;
        Method "Add"("K", "V") -> "void" => dict;
        Method "TryGetValue"("K", "out V") -> "bool" => dict;
        Method "GetValueOrDefault"("K", "V") -> "V" => dict;
    }
    "HashSet" {
        Property "Count"() -> "int" => set;
        Method "Add"("T") -> "bool" => set;
        Method "Contains"("T") -> "bool" => set;
        Method "Remove"("T") -> "bool" => set;
    }
    "KeyValuePair" {
        Property "Key"() -> "K" => pair;
        Property "Value"() -> "V" => pair;
    }
    "IVariables" {
        Method "TryGetValue"("string", "out object") -> "bool" => try_get;
    }
    "IHeaders" {
        Method "TryGetValue"("string", "out string[]") -> "bool" => try_get;
    }
};

fn try_get(vm: &mut Vm<'_>, _: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let Value::Host(h) = arg(a, 0) else {
        return Err(Fault::null());
    };
    let key = str_arg(a, 1)?;
    let found = if *h == HostObj::Variables {
        vm.host.variable(key)
    } else {
        match vm.host.values(*h, key) {
            Some(vs) => {
                let items = vs.iter().cloned().map(Value::Str).collect();
                Some(vm.alloc(Obj::Array("System.String", items))?)
            }
            None => None,
        }
    };
    let ok = found.is_some();
    vm.out = found.unwrap_or(Value::Null);
    Ok(Value::Bool(ok))
}
