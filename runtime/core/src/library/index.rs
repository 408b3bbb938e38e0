//! Indexers: `s[i]`, `xs[i]`, `dict[k]`, `json["a"]`, `json[0]`, `Groups["name"]`, `Headers["h"]`.

use super::{arg, int_arg, str_arg};
use crate::value::{HostObj, Value};
use crate::vm::{Fault, FaultKind, Key, Obj, Vm};
use gatehouse_dotnet::json::JToken;

fn outside() -> Fault {
    Fault::new(
        FaultKind::IndexOutOfRange,
        "Index was outside the bounds of the array.",
    )
}

fn out_of_range() -> Fault {
    Fault::new(
        FaultKind::ArgumentOutOfRange,
        "Index was out of range. Must be non-negative and less than the size of the collection. (Parameter 'index')",
    )
}

fn not_found(vm: &Vm<'_>, k: &Value) -> Fault {
    Fault::new(
        FaultKind::KeyNotFound,
        format!(
            "The given key '{}' was not present in the dictionary.",
            vm.text(k)
        ),
    )
}

fn slot(len: usize, i: i64, f: fn() -> Fault) -> Result<usize, Fault> {
    if i < 0 || i as usize >= len {
        Err(f())
    } else {
        Ok(i as usize)
    }
}

/// `a[0][a[1..]]`.
pub fn get(vm: &mut Vm<'_>, a: &[Value]) -> Result<Value, Fault> {
    let (recv, k) = (arg(a, 0), arg(a, 1));
    let r = match recv {
        Value::Null => return Err(Fault::null()),
        Value::Str(x) => {
            let c = gatehouse_dotnet::string::char_at(x, int_arg(a, 1)?).map_err(|_| outside())?;
            return Ok(Value::Char(c));
        }
        Value::Host(h) => return host(vm, *h, k),
        Value::Ref(r) => *r,
        _ => return Err(Fault::unsupported("indexing this value")),
    };
    match vm.heap.get(r) {
        Obj::Array(_, xs) => Ok(xs[slot(xs.len(), int_arg(a, 1)?, outside)?].clone()),
        Obj::List(_, xs) => Ok(xs[slot(xs.len(), int_arg(a, 1)?, out_of_range)?].clone()),
        Obj::Bytes(b) => Ok(Value::Int(b[slot(b.len(), int_arg(a, 1)?, outside)?] as i32)),
        Obj::Dict(m) => match m.get(&Key::of(k)) {
            Some((_, v)) => Ok(v.clone()),
            None => Err(not_found(vm, k)),
        },
        Obj::JObject(m) => match k {
            Value::Str(name) => Ok(m.get(&**name).map_or(Value::Null, |x| Value::Ref(*x))),
            _ => Err(Fault::argument(format!("Accessed JObject values with invalid key value: {}. Object property name expected.", vm.text(k)))),
        },
        Obj::JArray(xs) => match k {
            Value::Str(_) => Err(Fault::argument(format!("Accessed JArray values with invalid key value: \"{}\". Int32 array index expected.", vm.text(k)))),
            _ => Ok(Value::Ref(xs[slot(xs.len(), int_arg(a, 1)?, out_of_range)?])),
        },
        Obj::JValue(_) => Err(Fault::new(FaultKind::InvalidOperation, "Cannot access child value on Newtonsoft.Json.Linq.JValue.")),
        Obj::JProperty(..) => Err(Fault::new(FaultKind::InvalidOperation, "Cannot access child value on Newtonsoft.Json.Linq.JProperty.")),
        Obj::Groups(m) => {
            let m = *m;
            let Obj::Match(mm) = vm.heap.get(m) else { return Err(Fault::null()) };
            let g = match k {
                Value::Str(name) => mm.group(name),
                _ => mm.group(&int_arg(a, 1)?.to_string()),
            };
            vm.alloc(Obj::Group(g))
        }
        _ => Err(Fault::unsupported(format!("indexing {}", crate::vm::type_name(&vm.heap, recv)))),
    }
}

fn host(vm: &mut Vm<'_>, h: HostObj, k: &Value) -> Result<Value, Fault> {
    let key = str_arg(std::slice::from_ref(k), 0)?;
    if h == HostObj::Variables {
        return vm.host.variable(key).ok_or_else(|| not_found(vm, k));
    }
    let Some(vals) = vm.host.values(h, key) else {
        return Err(not_found(vm, k));
    };
    if h == HostObj::MatchedParameters {
        return Ok(vals.first().cloned().map_or(Value::Null, Value::Str));
    }
    let items = vals.iter().cloned().map(Value::Str).collect();
    vm.alloc(Obj::Array("System.String", items))
}

/// `a[0][a[1]] = a[2]`.
pub fn set(vm: &mut Vm<'_>, a: &[Value]) -> Result<(), Fault> {
    let (recv, k, v) = (arg(a, 0), arg(a, 1).clone(), arg(a, 2).clone());
    let Value::Ref(r) = recv else {
        return Err(if recv.is_null() {
            Fault::null()
        } else {
            Fault::unsupported("assigning through this indexer")
        });
    };
    let r = *r;
    let is_json = matches!(vm.heap.get(r), Obj::JObject(_) | Obj::JArray(_));
    let node = if is_json {
        Some(super::json::node(vm, &v)?)
    } else {
        None
    };
    let idx = k.as_i128().unwrap_or(-1);
    let Some(obj) = vm.heap.get_mut(r) else {
        return Err(Fault::null());
    };
    match obj {
        Obj::Array(_, xs) | Obj::List(_, xs) => {
            let i = slot(xs.len(), idx as i64, outside)?;
            xs[i] = v;
        }
        Obj::Bytes(b) => {
            let i = slot(b.len(), idx as i64, outside)?;
            b[i] = v.as_i128().unwrap_or(0) as u8;
        }
        Obj::Dict(m) => {
            m.insert(Key::of(&k), (k, v));
        }
        Obj::JObject(m) => {
            let Value::Str(name) = k else {
                return Err(Fault::argument(
                    "Set JObject values with invalid key value. Object property name expected.",
                ));
            };
            m.insert(name, node.unwrap_or(r));
        }
        Obj::JArray(xs) => {
            let i = slot(xs.len(), idx as i64, out_of_range)?;
            xs[i] = node.unwrap_or(r);
        }
        Obj::JValue(JToken::Null) => return Err(Fault::null()),
        _ => return Err(Fault::unsupported("assigning through this indexer")),
    }
    Ok(())
}
