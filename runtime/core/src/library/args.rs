//! Argument helpers for member implementations: typed reads with .NET's exceptions.

use crate::value::Value;
use crate::vm::{Fault, FaultKind, Obj, Vm};
use gatehouse_dotnet::string::StringComparison;
use std::sync::Arc;

/// Argument `i` (null when missing).
pub fn arg(args: &[Value], i: usize) -> &Value {
    args.get(i).unwrap_or(&Value::Null)
}

/// Argument `i` as a string; `None` for null. Non-strings are an `InvalidCast`.
pub fn opt_str(args: &[Value], i: usize) -> Result<Option<&str>, Fault> {
    match arg(args, i) {
        Value::Null => Ok(None),
        Value::Str(s) => Ok(Some(s)),
        _ => Err(Fault::cast("object", "System.String")),
    }
}

/// Argument `i` as a non-null string (`ArgumentNullException` otherwise).
pub fn str_arg(args: &[Value], i: usize) -> Result<&str, Fault> {
    opt_str(args, i)?.ok_or_else(|| Fault::new(FaultKind::ArgumentNull, "Value cannot be null."))
}

/// Argument `i` as an integer (any integral type or char).
pub fn int_arg(args: &[Value], i: usize) -> Result<i64, Fault> {
    match arg(args, i) {
        Value::Null => Err(Fault::null()),
        v => v
            .as_i128()
            .map(|x| x.clamp(i64::MIN as i128, i64::MAX as i128) as i64)
            .ok_or_else(|| Fault::cast("object", "System.Int32")),
    }
}

/// Argument `i` as an integer when the call passed it (`Substring(start[, length])`),
/// `None` for the shorter overload.
pub fn opt_int_arg(args: &[Value], i: usize) -> Result<Option<i64>, Fault> {
    if args.len() > i {
        int_arg(args, i).map(Some)
    } else {
        Ok(None)
    }
}

/// Argument `i` as a double (any numeric type).
pub fn f64_arg(args: &[Value], i: usize) -> Result<f64, Fault> {
    arg(args, i)
        .as_f64()
        .ok_or_else(|| Fault::cast("object", "System.Double"))
}

/// Argument `i` as a bool.
pub fn bool_arg(args: &[Value], i: usize) -> Result<bool, Fault> {
    match arg(args, i) {
        Value::Bool(b) => Ok(*b),
        _ => Err(Fault::cast("object", "System.Boolean")),
    }
}

/// Argument `i` as a char.
pub fn char_arg(args: &[Value], i: usize) -> Result<char, Fault> {
    match arg(args, i) {
        Value::Char(c) => Ok(char::from_u32(*c as u32).unwrap_or('\u{FFFD}')),
        _ => Err(Fault::cast("object", "System.Char")),
    }
}

/// The tag in the high bits of a `StringComparison` constant: the enum is lowered to a
/// tagged `uint` so that `IndexOf(string, StringComparison)` and `IndexOf(string, int)` differ.
pub const COMPARISON_TAG: u32 = 0x5C00_0000;

/// Argument `i` as a `StringComparison` (a tagged `uint`, or a plain integer).
pub fn comparison_arg(args: &[Value], i: usize) -> Result<StringComparison, Fault> {
    use StringComparison::*;
    Ok(match int_arg(args, i)? & 0xFF {
        0 => CurrentCulture,
        1 => CurrentCultureIgnoreCase,
        2 => InvariantCulture,
        3 => InvariantCultureIgnoreCase,
        4 => Ordinal,
        _ => OrdinalIgnoreCase,
    })
}

/// Argument `i` as bytes (`byte[]`).
pub fn bytes_arg(vm: &Vm<'_>, args: &[Value], i: usize) -> Result<Vec<u8>, Fault> {
    match arg(args, i) {
        Value::Ref(r) => match vm.heap.get(*r) {
            Obj::Bytes(b) => Ok(b.clone()),
            Obj::Array(_, xs) | Obj::List(_, xs) => {
                Ok(xs.iter().map(|v| v.as_i128().unwrap_or(0) as u8).collect())
            }
            _ => Err(Fault::cast("object", "System.Byte[]")),
        },
        Value::Null => Err(Fault::new(FaultKind::ArgumentNull, "Value cannot be null.")),
        _ => Err(Fault::cast("object", "System.Byte[]")),
    }
}

/// A new string value.
pub fn s(v: impl Into<Arc<str>>) -> Result<Value, Fault> {
    Ok(Value::Str(v.into()))
}

/// A new `int` value (saturating).
pub fn int(v: i64) -> Result<Value, Fault> {
    Ok(Value::Int(v.clamp(i32::MIN as i64, i32::MAX as i64) as i32))
}

/// A `byte[]` value.
pub fn bytes(vm: &mut Vm<'_>, b: Vec<u8>) -> Result<Value, Fault> {
    vm.alloc(Obj::Bytes(b))
}

/// A `string[]` value.
pub fn strings(vm: &mut Vm<'_>, xs: Vec<String>) -> Result<Value, Fault> {
    let items = xs.into_iter().map(Value::str).collect();
    vm.alloc(Obj::Array("System.String", items))
}

/// The members an implementation serving several names does not know.
pub fn no_member(name: &str) -> Fault {
    Fault::unsupported(format!("member '{name}' with these arguments"))
}
