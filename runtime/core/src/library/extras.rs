//! Smaller members policies use: `JToken.Value<T>()`, `JObject.GetValue`, `Array.Exists`,
//! `Array.Copy` and `BitConverter.ToInt32`.

use super::{arg, bytes_arg, int_arg, member_table, no_member, str_arg, MemberSpec};
use crate::value::Value;
use crate::vm::{Fault, FaultKind, Obj, Vm};

/// `token.Value<T>()`: the token itself converted to `T`.
fn value(vm: &mut Vm<'_>, _: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let ty = arg(a, 1).as_str().unwrap_or("type:object");
    let ty = ty.trim_start_matches("type:");
    match crate::bytecode::type_id(ty) {
        Some(t) => crate::vm::cast(vm, arg(a, 0), t, false),
        None => Ok(arg(a, 0).clone()),
    }
}

/// `obj.GetValue(name)`: the property's value, or null when absent (case-sensitive).
fn get_value(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let Value::Ref(r) = arg(a, 0) else {
        return Err(Fault::null());
    };
    let key = str_arg(a, 1)?;
    match vm.heap.get(*r) {
        Obj::JObject(m) => Ok(m.get(key).map_or(Value::Null, |v| Value::Ref(*v))),
        _ => Err(no_member(name)),
    }
}

/// The elements of an array argument.
fn elements(vm: &mut Vm<'_>, v: &Value) -> Result<Vec<Value>, Fault> {
    if v.is_null() {
        return Err(Fault::new(
            FaultKind::ArgumentNull,
            "Value cannot be null. (Parameter 'array')",
        ));
    }
    super::enumerate(vm, v)
}

/// `Array.Exists(array, match)`.
fn exists(vm: &mut Vm<'_>, _: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let pred = arg(a, 1).clone();
    for x in elements(vm, arg(a, 0))? {
        if matches!(vm.invoke(&pred, &[x])?, Value::Bool(true)) {
            return Ok(Value::Bool(true));
        }
    }
    Ok(Value::Bool(false))
}

fn copy_range() -> Fault {
    Fault::argument("Source array was not long enough. Check the source index, length, and the array's lower bounds.")
}

/// `Array.Copy(src, dst, length)` / `Array.Copy(src, srcIndex, dst, dstIndex, length)`.
fn copy(vm: &mut Vm<'_>, _: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let (src, si, dst, di, len) = if a.len() == 3 {
        (arg(a, 0), 0, arg(a, 1), 0, int_arg(a, 2)?)
    } else {
        (
            arg(a, 0),
            int_arg(a, 1)?,
            arg(a, 2),
            int_arg(a, 3)?,
            int_arg(a, 4)?,
        )
    };
    if si < 0 || di < 0 || len < 0 {
        return Err(Fault::new(
            FaultKind::ArgumentOutOfRange,
            "Non-negative number required.",
        ));
    }
    let items = elements(vm, src)?;
    let (si, di, len) = (si as usize, di as usize, len as usize);
    let part = items
        .get(si..si.saturating_add(len))
        .ok_or_else(copy_range)?;
    let Value::Ref(d) = dst else {
        return Err(Fault::new(
            FaultKind::ArgumentNull,
            "Value cannot be null. (Parameter 'destinationArray')",
        ));
    };
    let too_short = || {
        Fault::argument("Destination array was not long enough. Check the destination index, length, and the array's lower bounds.")
    };
    match vm.heap.get_mut(*d) {
        Some(Obj::Bytes(out)) => {
            let slots = out
                .get_mut(di..di.saturating_add(len))
                .ok_or_else(too_short)?;
            for (slot, v) in slots.iter_mut().zip(part) {
                *slot = v
                    .as_i128()
                    .and_then(|i| u8::try_from(i).ok())
                    .ok_or_else(|| Fault::cast("object", "System.Byte"))?;
            }
        }
        Some(Obj::Array(_, out)) => {
            let slots = out
                .get_mut(di..di.saturating_add(len))
                .ok_or_else(too_short)?;
            slots.clone_from_slice(part);
        }
        _ => return Err(Fault::cast("object", "System.Array")),
    }
    Ok(Value::Null)
}

/// `BitConverter.ToInt32(bytes, startIndex)`: four bytes, little-endian.
fn to_int32(vm: &mut Vm<'_>, _: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let b = bytes_arg(vm, a, 0)?;
    let i = int_arg(a, 1)?;
    let at = usize::try_from(i).ok().filter(|&i| i < b.len()).ok_or_else(|| {
        Fault::new(
            FaultKind::ArgumentOutOfRange,
            "Index was out of range. Must be non-negative and less than the size of the collection. (Parameter 'startIndex')",
        )
    })?;
    let four: [u8; 4] = b
        .get(at..at + 4)
        .and_then(|s| s.try_into().ok())
        .ok_or_else(|| {
            Fault::argument("Destination array is not long enough to copy all the items in the collection. Check array index and length. (Parameter 'value')")
        })?;
    Ok(Value::Int(i32::from_le_bytes(four)))
}

/// The members above.
pub(super) const MEMBERS: &[MemberSpec] = member_table! {
    "JToken" {
        Method "Value"("Type") -> "T" => value;
    }
    "JObject" {
        Method "GetValue"("string") -> "JToken" => get_value;
    }
    "Array" {
        Static "Exists"("T[]", "Func<T, bool>") -> "bool" => exists;
        Static "Copy"("Array", "Array", "int") -> "void" => copy;
        Static "Copy"("Array", "int", "Array", "int", "int") -> "void" => copy;
    }
    "BitConverter" {
        Static "ToInt32"("byte[]", "int") -> "int" => to_int32;
    }
};
