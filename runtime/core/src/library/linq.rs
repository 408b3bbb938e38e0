//! LINQ to Objects over anything enumerable (eager: each operator returns a list).

use super::{arg, int, int_arg, member_table, no_member, MemberSpec};
use crate::value::Value;
use crate::vm::{equals, Fault, FaultKind, Key, Obj, Vm};
use gatehouse_dotnet::string::{compare as str_compare, StringComparison};
use std::cmp::Ordering;

fn items(vm: &mut Vm<'_>, a: &[Value]) -> Result<Vec<Value>, Fault> {
    super::enumerate(vm, arg(a, 0))
}

fn test(vm: &mut Vm<'_>, f: &Value, x: &Value) -> Result<bool, Fault> {
    match vm.invoke(f, std::slice::from_ref(x))? {
        Value::Bool(b) => Ok(b),
        _ => Err(Fault::cast("object", "System.Boolean")),
    }
}

fn list(vm: &mut Vm<'_>, xs: Vec<Value>) -> Result<Value, Fault> {
    let elem = xs
        .first()
        .and_then(Value::scalar_type_name)
        .unwrap_or("System.Object");
    vm.alloc(Obj::List(elem, xs))
}

fn no_elements() -> Fault {
    Fault::new(FaultKind::InvalidOperation, "Sequence contains no elements")
}

fn no_match() -> Fault {
    Fault::new(
        FaultKind::InvalidOperation,
        "Sequence contains no matching element",
    )
}

/// Orders keys as `Comparer<T>.Default` (strings culture-aware).
pub(super) fn order(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => {
            str_compare(x, y, StringComparison::CurrentCulture).cmp(&0)
        }
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Less,
        (_, Value::Null) => Ordering::Greater,
        _ => crate::vm::compare(a, b).unwrap_or(Ordering::Equal),
    }
}

fn filter(vm: &mut Vm<'_>, a: &[Value], xs: Vec<Value>) -> Result<Vec<Value>, Fault> {
    if a.len() < 2 {
        return Ok(xs);
    }
    let mut out = Vec::new();
    for x in xs {
        if test(vm, arg(a, 1), &x)? {
            out.push(x);
        }
    }
    Ok(out)
}

fn pick(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let xs = items(vm, a)?;
    let xs = filter(vm, a, xs)?;
    let found = match name {
        "First" | "FirstOrDefault" => xs.first().cloned(),
        "Single" | "SingleOrDefault" if xs.len() > 1 => {
            let what = if a.len() > 1 {
                "Sequence contains more than one matching element"
            } else {
                "Sequence contains more than one element"
            };
            return Err(Fault::new(FaultKind::InvalidOperation, what));
        }
        _ => xs.last().cloned(),
    };
    match (found, name.ends_with("OrDefault")) {
        (Some(v), _) => Ok(v),
        (None, true) => Ok(Value::Null),
        (None, false) if a.len() > 1 => Err(no_match()),
        (None, false) => Err(no_elements()),
    }
}

fn query(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let xs = items(vm, a)?;
    match name {
        "Where" => {
            let out = filter(vm, a, xs)?;
            list(vm, out)
        }
        "Select" => {
            let mut out = Vec::with_capacity(xs.len());
            for x in xs {
                out.push(vm.invoke(arg(a, 1), &[x])?);
            }
            list(vm, out)
        }
        "SelectMany" => {
            let mut out = Vec::new();
            for x in xs {
                let inner = vm.invoke(arg(a, 1), &[x])?;
                out.extend(super::enumerate(vm, &inner)?);
            }
            list(vm, out)
        }
        "Any" => Ok(Value::Bool(!filter(vm, a, xs)?.is_empty())),
        "All" => {
            for x in xs {
                if !test(vm, arg(a, 1), &x)? {
                    return Ok(Value::Bool(false));
                }
            }
            Ok(Value::Bool(true))
        }
        "Count" => int(filter(vm, a, xs)?.len() as i64),
        "Contains" => Ok(Value::Bool(xs.iter().any(|x| equals(x, arg(a, 1))))),
        "ToList" | "ToArray" | "AsEnumerable" | "Cast" | "OfType" => {
            let elem = xs
                .first()
                .and_then(Value::scalar_type_name)
                .unwrap_or("System.Object");
            if name == "ToArray" {
                vm.alloc(Obj::Array(elem, xs))
            } else {
                vm.alloc(Obj::List(elem, xs))
            }
        }
        "Skip" | "Take" => {
            let n = int_arg(a, 1)?.max(0) as usize;
            let out: Vec<Value> = if name == "Skip" {
                xs.into_iter().skip(n).collect()
            } else {
                xs.into_iter().take(n).collect()
            };
            list(vm, out)
        }
        "Distinct" => {
            let mut seen = indexmap::IndexMap::new();
            for x in xs {
                seen.entry(Key::of(&x)).or_insert(x);
            }
            list(vm, seen.into_values().collect())
        }
        "Reverse" => list(vm, xs.into_iter().rev().collect()),
        "Concat" => {
            let mut out = xs;
            out.extend(super::enumerate(vm, arg(a, 1))?);
            list(vm, out)
        }
        _ => Err(no_member(name)),
    }
}

fn sort(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let xs = items(vm, a)?;
    let mut keyed = Vec::with_capacity(xs.len());
    for x in xs {
        let k = if a.len() > 1 {
            vm.invoke(arg(a, 1), std::slice::from_ref(&x))?
        } else {
            x.clone()
        };
        keyed.push((k, x));
    }
    keyed.sort_by(|(x, _), (y, _)| order(x, y));
    if name.ends_with("Descending") {
        keyed.reverse();
        // keep the sort stable for equal keys, as LINQ does
        keyed.sort_by(|(x, _), (y, _)| order(y, x));
    }
    list(vm, keyed.into_iter().map(|(_, x)| x).collect())
}

fn fold(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let xs = items(vm, a)?;
    let mut vals = Vec::with_capacity(xs.len());
    for x in xs {
        vals.push(if a.len() > 1 && name != "Aggregate" {
            vm.invoke(arg(a, 1), &[x])?
        } else {
            x
        });
    }
    match name {
        "Sum" => {
            let mut acc = Value::Int(0);
            for v in &vals {
                acc = super::super::vm::add(vm, &acc, v)?;
            }
            Ok(acc)
        }
        "Min" | "Max" => {
            let want = if name == "Min" {
                Ordering::Less
            } else {
                Ordering::Greater
            };
            let mut it = vals.into_iter();
            let mut best = it.next().ok_or_else(no_elements)?;
            for v in it {
                if order(&v, &best) == want {
                    best = v;
                }
            }
            Ok(best)
        }
        "Average" => {
            if vals.is_empty() {
                return Err(no_elements());
            }
            let total: f64 = vals.iter().map(|v| v.as_f64().unwrap_or(0.0)).sum();
            Ok(Value::Double(total / vals.len() as f64))
        }
        _ => {
            let (mut acc, f, rest) = if a.len() > 2 {
                (arg(a, 1).clone(), arg(a, 2), &vals[..])
            } else {
                let first = vals.first().cloned().ok_or_else(no_elements)?;
                (first, arg(a, 1), vals.get(1..).unwrap_or_default())
            };
            for x in rest {
                acc = vm.invoke(f, &[acc, x.clone()])?;
            }
            Ok(acc)
        }
    }
}

fn to_dict(vm: &mut Vm<'_>, _: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let xs = items(vm, a)?;
    let mut m = indexmap::IndexMap::new();
    for x in xs {
        let k = vm.invoke(arg(a, 1), std::slice::from_ref(&x))?;
        let v = if a.len() > 2 {
            vm.invoke(arg(a, 2), &[x])?
        } else {
            x
        };
        if m.insert(Key::of(&k), (k.clone(), v)).is_some() {
            return Err(Fault::argument(format!(
                "An item with the same key has already been added. Key: {}",
                vm.text(&k)
            )));
        }
    }
    vm.alloc(Obj::Dict(m))
}

/// LINQ operators on `IEnumerable`.
pub(super) const MEMBERS: &[MemberSpec] = member_table! {
    "IEnumerable" {
        Method "Where"("Func<T, bool>") -> "IEnumerable<T>" => query;
        Method "Select"("Func<T, R>") -> "IEnumerable<R>" => query;
        Method "SelectMany"("Func<T, IEnumerable<R>>") -> "IEnumerable<R>" => query;
        Method "Any"() -> "bool" => query;
        Method "Any"("Func<T, bool>") -> "bool" => query;
        Method "All"("Func<T, bool>") -> "bool" => query;
        Method "Count"() -> "int" => query;
        Method "Count"("Func<T, bool>") -> "int" => query;
        Method "Contains"("T") -> "bool" => query;
        Method "ToList"() -> "List<T>" => query;
        Method "ToArray"() -> "T[]" => query;
        Method "AsEnumerable"() -> "IEnumerable<T>" => query;
        Method "Cast"("Type") -> "IEnumerable<T>" => query;
        Method "OfType"("Type") -> "IEnumerable<T>" => query;
        Method "Skip"("int") -> "IEnumerable<T>" => query;
        Method "Take"("int") -> "IEnumerable<T>" => query;
        Method "Distinct"() -> "IEnumerable<T>" => query;
        Method "Reverse"() -> "IEnumerable<T>" => query;
        Method "Concat"("IEnumerable<T>") -> "IEnumerable<T>" => query;
        Method "First"() -> "T" => pick;
        Method "First"("Func<T, bool>") -> "T" => pick;
        Method "FirstOrDefault"() -> "T" => pick;
        Method "FirstOrDefault"("Func<T, bool>") -> "T" => pick;
        Method "Last"() -> "T" => pick;
        Method "Last"("Func<T, bool>") -> "T" => pick;
        Method "LastOrDefault"() -> "T" => pick;
        Method "LastOrDefault"("Func<T, bool>") -> "T" => pick;
        Method "Single"() -> "T" => pick;
        Method "SingleOrDefault"() -> "T" => pick;
        Method "Single"("Func<T, bool>") -> "T" => pick;
        Method "SingleOrDefault"("Func<T, bool>") -> "T" => pick;
        Method "OrderBy"("Func<T, K>") -> "IEnumerable<T>" => sort;
        Method "OrderByDescending"("Func<T, K>") -> "IEnumerable<T>" => sort;
        Method "Sum"() -> "number" => fold;
        Method "Sum"("Func<T, number>") -> "number" => fold;
        Method "Min"() -> "T" => fold;
        Method "Min"("Func<T, R>") -> "R" => fold;
        Method "Max"() -> "T" => fold;
        Method "Max"("Func<T, R>") -> "R" => fold;
        Method "Average"() -> "double" => fold;
        Method "Average"("Func<T, number>") -> "double" => fold;
        Method "Aggregate"("Func<T, T, T>") -> "T" => fold;
        Method "Aggregate"("A", "Func<A, T, A>") -> "A" => fold;
        Method "ToDictionary"("Func<T, K>") -> "Dictionary<K, T>" => to_dict;
        Method "ToDictionary"("Func<T, K>", "Func<T, V>") -> "Dictionary<K, V>" => to_dict;
    }
};
