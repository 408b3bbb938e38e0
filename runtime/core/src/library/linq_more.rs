//! The rest of LINQ to Objects that policies use: element access, set operators,
//! partitioning by condition, `Append`/`Prepend`, `Zip`, `MinBy`/`MaxBy`, `DistinctBy`,
//! `Order`, `Chunk`, `LongCount` (eager, like [`super::linq`]).

use super::{arg, int_arg, member_table, no_member, MemberSpec};
use crate::value::Value;
use crate::vm::{equals, Fault, FaultKind, Key, Obj, Vm};
use std::cmp::Ordering;

fn items(vm: &mut Vm<'_>, a: &[Value], i: usize) -> Result<Vec<Value>, Fault> {
    super::enumerate(vm, arg(a, i))
}

fn list(vm: &mut Vm<'_>, xs: Vec<Value>) -> Result<Value, Fault> {
    let elem = xs
        .first()
        .and_then(Value::scalar_type_name)
        .unwrap_or("System.Object");
    vm.alloc(Obj::List(elem, xs))
}

fn holds(vm: &mut Vm<'_>, f: &Value, x: &Value) -> Result<bool, Fault> {
    match vm.invoke(f, std::slice::from_ref(x))? {
        Value::Bool(b) => Ok(b),
        _ => Err(Fault::cast("object", "System.Boolean")),
    }
}

/// `ElementAt`, `ElementAtOrDefault`, `DefaultIfEmpty`, `LongCount`.
fn element(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let xs = items(vm, a, 0)?;
    match name {
        "ElementAt" | "ElementAtOrDefault" => {
            let i = int_arg(a, 1)?;
            let found = usize::try_from(i).ok().and_then(|i| xs.get(i)).cloned();
            match (found, name == "ElementAtOrDefault") {
                (Some(v), _) => Ok(v),
                (None, true) => Ok(Value::Null),
                (None, false) => Err(Fault::new(
                    FaultKind::ArgumentOutOfRange,
                    "Index was out of range. Must be non-negative and less than the size of the collection. (Parameter 'index')",
                )),
            }
        }
        "DefaultIfEmpty" if xs.is_empty() => list(vm, vec![arg(a, 1).clone()]),
        "DefaultIfEmpty" => list(vm, xs),
        "LongCount" => {
            let mut n = 0i64;
            for x in &xs {
                if a.len() < 2 || holds(vm, arg(a, 1), x)? {
                    n += 1;
                }
            }
            Ok(Value::Long(n))
        }
        _ => Err(no_member(name)),
    }
}

/// `Except`, `Intersect`, `Union` (distinct results, first occurrence kept, by equality),
/// `SequenceEqual`.
fn sets(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let xs = items(vm, a, 0)?;
    let ys = items(vm, a, 1)?;
    if name == "SequenceEqual" {
        let same = xs.len() == ys.len() && xs.iter().zip(&ys).all(|(x, y)| equals(x, y));
        return Ok(Value::Bool(same));
    }
    let other: std::collections::HashSet<Key> = ys.iter().map(Key::of).collect();
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    let mut keep = |x: Value, wanted: bool, out: &mut Vec<Value>| {
        if wanted && seen.insert(Key::of(&x)) {
            out.push(x);
        }
    };
    match name {
        "Except" => xs
            .into_iter()
            .for_each(|x| keep(x.clone(), !other.contains(&Key::of(&x)), &mut out)),
        "Intersect" => xs
            .into_iter()
            .for_each(|x| keep(x.clone(), other.contains(&Key::of(&x)), &mut out)),
        "Union" => xs
            .into_iter()
            .chain(ys)
            .for_each(|x| keep(x, true, &mut out)),
        _ => return Err(no_member(name)),
    }
    list(vm, out)
}

/// `TakeWhile`, `SkipWhile`, `TakeLast`, `SkipLast`, `Append`, `Prepend`, `Chunk`.
fn partition(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let mut xs = items(vm, a, 0)?;
    let out = match name {
        "TakeWhile" | "SkipWhile" => {
            let mut cut = xs.len();
            for (i, x) in xs.iter().enumerate() {
                if !holds(vm, arg(a, 1), x)? {
                    cut = i;
                    break;
                }
            }
            let rest = xs.split_off(cut);
            if name == "TakeWhile" {
                xs
            } else {
                rest
            }
        }
        "TakeLast" | "SkipLast" => {
            let n = (int_arg(a, 1)?.max(0) as usize).min(xs.len());
            let tail = xs.split_off(xs.len() - n);
            if name == "TakeLast" {
                tail
            } else {
                xs
            }
        }
        "Append" => {
            xs.push(arg(a, 1).clone());
            xs
        }
        "Prepend" => {
            xs.insert(0, arg(a, 1).clone());
            xs
        }
        "Chunk" => return chunk(vm, xs, int_arg(a, 1)?),
        _ => return Err(no_member(name)),
    };
    list(vm, out)
}

fn chunk(vm: &mut Vm<'_>, xs: Vec<Value>, size: i64) -> Result<Value, Fault> {
    if size < 1 {
        return Err(Fault::new(
            FaultKind::ArgumentOutOfRange,
            "size ('0') must be a non-negative and non-zero value. (Parameter 'size')"
                .replace("'0'", &format!("'{size}'")),
        ));
    }
    let mut out = Vec::new();
    for part in xs.chunks(size as usize) {
        let elem = part
            .first()
            .and_then(Value::scalar_type_name)
            .unwrap_or("System.Object");
        out.push(vm.alloc(Obj::Array(elem, part.to_vec()))?);
    }
    list(vm, out)
}

/// `Zip(other, (x, y) => …)`, `MinBy`, `MaxBy`, `DistinctBy`, `Order`, `OrderDescending`.
fn keyed(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let xs = items(vm, a, 0)?;
    match name {
        "Zip" => {
            let ys = items(vm, a, 1)?;
            let mut out = Vec::with_capacity(xs.len().min(ys.len()));
            for (x, y) in xs.into_iter().zip(ys) {
                out.push(vm.invoke(arg(a, 2), &[x, y])?);
            }
            list(vm, out)
        }
        "MinBy" | "MaxBy" => {
            let want = if name == "MinBy" {
                Ordering::Less
            } else {
                Ordering::Greater
            };
            let mut best: Option<(Value, Value)> = None;
            for x in xs {
                let k = vm.invoke(arg(a, 1), std::slice::from_ref(&x))?;
                let better = match &best {
                    None => true,
                    Some((bk, _)) => super::linq::order(&k, bk) == want,
                };
                if better {
                    best = Some((k, x));
                }
            }
            Ok(best.map_or(Value::Null, |(_, x)| x))
        }
        "DistinctBy" => {
            let mut seen = std::collections::HashSet::new();
            let mut out = Vec::new();
            for x in xs {
                let k = vm.invoke(arg(a, 1), std::slice::from_ref(&x))?;
                if seen.insert(Key::of(&k)) {
                    out.push(x);
                }
            }
            list(vm, out)
        }
        "Order" | "OrderDescending" => {
            let mut out = xs;
            out.sort_by(super::linq::order);
            if name == "OrderDescending" {
                out.reverse();
            }
            list(vm, out)
        }
        _ => Err(no_member(name)),
    }
}

/// `Enumerable.Range(start, count)` and `Enumerable.Repeat(value, count)`, charged to the
/// memory budget (the sequence is built at once).
fn generate(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let count = int_arg(a, 1)?;
    if count < 0 {
        return Err(Fault::new(
            FaultKind::ArgumentOutOfRange,
            "Specified argument was out of the range of valid values. (Parameter 'count')",
        ));
    }
    let n = count as usize;
    crate::vm::budget::charge(n.saturating_mul(std::mem::size_of::<Value>()))?;
    let out: Vec<Value> = match name {
        "Range" => {
            let start = int_arg(a, 0)?;
            if start.saturating_add(count) - 1 > i64::from(i32::MAX) {
                return Err(Fault::new(
                    FaultKind::ArgumentOutOfRange,
                    "Specified argument was out of the range of valid values. (Parameter 'count')",
                ));
            }
            (0..count).map(|i| Value::Int((start + i) as i32)).collect()
        }
        _ => std::iter::repeat_n(arg(a, 0).clone(), n).collect(),
    };
    list(vm, out)
}

/// More LINQ operators on `IEnumerable`, and the `Enumerable` generators.
pub(super) const MEMBERS: &[MemberSpec] = member_table! {
    "IEnumerable" {
        Method "ElementAt"("int") -> "T" => element;
        Method "ElementAtOrDefault"("int") -> "T" => element;
        Method "DefaultIfEmpty"() -> "IEnumerable<T>" => element;
        Method "DefaultIfEmpty"("T") -> "IEnumerable<T>" => element;
        Method "LongCount"() -> "long" => element;
        Method "LongCount"("Func<T, bool>") -> "long" => element;
        Method "Except"("IEnumerable<T>") -> "IEnumerable<T>" => sets;
        Method "Intersect"("IEnumerable<T>") -> "IEnumerable<T>" => sets;
        Method "Union"("IEnumerable<T>") -> "IEnumerable<T>" => sets;
        Method "SequenceEqual"("IEnumerable<T>") -> "bool" => sets;
        Method "TakeWhile"("Func<T, bool>") -> "IEnumerable<T>" => partition;
        Method "SkipWhile"("Func<T, bool>") -> "IEnumerable<T>" => partition;
        Method "TakeLast"("int") -> "IEnumerable<T>" => partition;
        Method "SkipLast"("int") -> "IEnumerable<T>" => partition;
        Method "Append"("T") -> "IEnumerable<T>" => partition;
        Method "Prepend"("T") -> "IEnumerable<T>" => partition;
        Method "Chunk"("int") -> "IEnumerable<T[]>" => partition;
        Method "Zip"("IEnumerable<U>", "Func<T, U, R>") -> "IEnumerable<R>" => keyed;
        Method "MinBy"("Func<T, K>") -> "T" => keyed;
        Method "MaxBy"("Func<T, K>") -> "T" => keyed;
        Method "DistinctBy"("Func<T, K>") -> "IEnumerable<T>" => keyed;
        Method "Order"() -> "IEnumerable<T>" => keyed;
        Method "OrderDescending"() -> "IEnumerable<T>" => keyed;
    }
    "Enumerable" {
        Static "Range"("int", "int") -> "IEnumerable<int>" => generate;
        Static "Repeat"("T", "int") -> "IEnumerable<T>" => generate;
    }
};
