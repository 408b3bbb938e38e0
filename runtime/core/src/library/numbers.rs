//! Numbers: `ToString(format)`, `Parse`/`TryParse`, `MinValue`/`MaxValue`, `Math`, `Convert`.

use super::{
    arg, bytes, bytes_arg, f64_arg, int_arg, member_table, no_member, opt_str, s, str_arg,
    MemberSpec,
};
use crate::value::Value;
use crate::vm::{Fault, Vm};
use gatehouse_dotnet::encoding::{from_base64, to_base64};
use gatehouse_dotnet::math::{self as dm, MidpointRounding};
use gatehouse_dotnet::numfmt::IntType;
use gatehouse_dotnet::numparse as np;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::Decimal;

/// The tag of a lowered `MidpointRounding` constant (see [`super::COMPARISON_TAG`]).
pub const ROUNDING_TAG: u32 = 0x3D00_0000;

fn to_string(vm: &mut Vm<'_>, _: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let f = opt_str(a, 1)?.unwrap_or("");
    s(crate::vm::format(&vm.heap, arg(a, 0), f)?)
}

fn int_ty(ty: &str) -> Option<IntType> {
    Some(match ty {
        "int" => IntType::Int32,
        "long" => IntType::Int64,
        "uint" => IntType::UInt32,
        "ulong" => IntType::UInt64,
        "short" => IntType::Int16,
        "byte" => IntType::Byte,
        _ => return None,
    })
}

fn int_value(v: i128, t: IntType) -> Value {
    match t {
        IntType::Int64 => Value::Long(v as i64),
        IntType::UInt32 => Value::UInt(v as u32),
        IntType::UInt64 => Value::ULong(v as u64),
        _ => Value::Int(v as i32),
    }
}

/// `T.Parse(s)`, `T.TryParse(s, out x)`, `T.MaxValue`, `T.MinValue` for numeric `T`.
fn parse(
    ty: &'static str,
    name: &'static str,
    a: &[Value],
    vm: &mut Vm<'_>,
) -> Result<Value, Fault> {
    if let Some(t) = int_ty(ty) {
        let (lo, hi) = t.range();
        return Ok(match name {
            "MaxValue" => int_value(hi, t),
            "MinValue" => int_value(lo, t),
            "Parse" => int_value(np::parse_int(str_arg(a, 0)?, t)?, t),
            _ => {
                let r = opt_str(a, 0)?.and_then(|x| np::try_parse_int(x, t));
                vm.out = int_value(r.unwrap_or(0), t);
                Value::Bool(r.is_some())
            }
        });
    }
    Ok(match (ty, name) {
        ("double", "Parse") => Value::Double(np::parse_f64(str_arg(a, 0)?)?),
        ("double", "TryParse") => {
            let r = opt_str(a, 0)?.and_then(np::try_parse_f64);
            vm.out = Value::Double(r.unwrap_or(0.0));
            Value::Bool(r.is_some())
        }
        ("double", "MaxValue") => Value::Double(f64::MAX),
        ("double", "MinValue") => Value::Double(f64::MIN),
        ("double", "NaN") => Value::Double(f64::NAN),
        ("double", "PositiveInfinity") => Value::Double(f64::INFINITY),
        ("double", "NegativeInfinity") => Value::Double(f64::NEG_INFINITY),
        ("decimal", "Parse") => Value::Decimal(np::parse_decimal(str_arg(a, 0)?)?),
        ("decimal", "TryParse") => {
            let r = opt_str(a, 0)?.and_then(np::try_parse_decimal);
            vm.out = Value::Decimal(r.unwrap_or_default());
            Value::Bool(r.is_some())
        }
        ("bool", "TryParse") => {
            let r = opt_str(a, 0)?.and_then(np::try_parse_bool);
            vm.out = Value::Bool(r.unwrap_or(false));
            Value::Bool(r.is_some())
        }
        _ => return Err(no_member(name)),
    })
}

fn rounding(v: &Value) -> Option<MidpointRounding> {
    match v {
        Value::UInt(x) if x & 0xFF00_0000 == ROUNDING_TAG => Some(match x & 0xFF {
            0 => MidpointRounding::ToEven,
            1 => MidpointRounding::AwayFromZero,
            2 => MidpointRounding::ToZero,
            3 => MidpointRounding::ToNegativeInfinity,
            _ => MidpointRounding::ToPositiveInfinity,
        }),
        _ => None,
    }
}

fn round(a: &[Value]) -> Result<Value, Fault> {
    let (digits, mode) = match (arg(a, 1), arg(a, 2)) {
        (Value::Null, _) => (0, MidpointRounding::ToEven),
        (m, Value::Null) if rounding(m).is_some() => (0, rounding(m).unwrap_or_default()),
        (d, m) => (
            int_arg(std::slice::from_ref(d), 0)? as i32,
            rounding(m).unwrap_or_default(),
        ),
    };
    match arg(a, 0) {
        Value::Decimal(d) => Ok(Value::Decimal(dm::round_decimal(*d, digits, mode)?)),
        v => Ok(Value::Double(dm::round_digits(
            v.as_f64().unwrap_or(0.0),
            digits,
            mode,
        )?)),
    }
}

fn math(_: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let (x, y) = (arg(a, 0), arg(a, 1));
    let ints = x.as_i128().is_some() && (a.len() < 2 || y.as_i128().is_some());
    let dec = matches!(x, Value::Decimal(_));
    Ok(match name {
        "Round" => return round(a),
        "Max" | "Min" if ints || dec || matches!((x, y), (Value::Decimal(_), _)) => {
            let o = crate::vm::compare(x, y).unwrap_or(std::cmp::Ordering::Equal);
            let first = if name == "Max" { o.is_ge() } else { o.is_le() };
            if first {
                x.clone()
            } else {
                y.clone()
            }
        }
        "Max" => Value::Double(dm::max_f64(f64_arg(a, 0)?, f64_arg(a, 1)?)),
        "Min" => Value::Double(dm::min_f64(f64_arg(a, 0)?, f64_arg(a, 1)?)),
        "Abs" if ints => {
            let t = if matches!(x, Value::Long(_)) {
                IntType::Int64
            } else {
                IntType::Int32
            };
            int_value(dm::abs_int(x.as_i128().unwrap_or(0), t)?, t)
        }
        "Abs" if dec => Value::Decimal(match x {
            Value::Decimal(d) => d.abs(),
            _ => Decimal::ZERO,
        }),
        "Abs" => Value::Double(f64_arg(a, 0)?.abs()),
        "Floor" if dec => Value::Decimal(match x {
            Value::Decimal(d) => d.floor(),
            _ => Decimal::ZERO,
        }),
        "Ceiling" if dec => Value::Decimal(match x {
            Value::Decimal(d) => d.ceil(),
            _ => Decimal::ZERO,
        }),
        "Floor" => Value::Double(dm::floor(f64_arg(a, 0)?)),
        "Ceiling" => Value::Double(dm::ceiling(f64_arg(a, 0)?)),
        "Truncate" => Value::Double(dm::truncate(f64_arg(a, 0)?)),
        "Pow" => Value::Double(dm::pow(f64_arg(a, 0)?, f64_arg(a, 1)?)),
        "Sqrt" => Value::Double(dm::sqrt(f64_arg(a, 0)?)),
        "Sign" if ints => Value::Int(x.as_i128().unwrap_or(0).signum() as i32),
        "Sign" => Value::Int(dm::sign_f64(f64_arg(a, 0)?)?),
        "PI" => Value::Double(std::f64::consts::PI),
        _ => return Err(no_member(name)),
    })
}

fn to_int(v: &Value, t: IntType) -> Result<i128, Fault> {
    Ok(match v {
        Value::Null => 0,
        Value::Str(x) => np::convert_str_to_int(Some(x), t)?,
        Value::Bool(b) => *b as i128,
        Value::Double(f) => np::convert_f64_to_int(*f, t)?,
        Value::Float(f) => np::convert_f64_to_int(*f as f64, t)?,
        Value::Decimal(d) => np::convert_decimal_to_int(*d, t)?,
        v => {
            let i = v
                .as_i128()
                .ok_or_else(|| Fault::cast("object", "System.IConvertible"))?;
            let (lo, hi) = t.range();
            if i < lo || i > hi {
                return Err(gatehouse_dotnet::DotnetError::too_big(t.article_name()).into());
            }
            i
        }
    })
}

/// `IComparable.CompareTo` of numbers, `bool`, `char`, `DateTime`, `TimeSpan` and `Guid`:
/// -1, 0 or 1; `null` sorts first (1); a value of another type is .NET's
/// `ArgumentException`.
fn compare_to(vm: &mut Vm<'_>, _: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let (me, other) = (arg(a, 0), arg(a, 1));
    if other.is_null() {
        return Ok(Value::Int(1));
    }
    let same_kind = std::mem::discriminant(me) == std::mem::discriminant(other);
    match crate::vm::compare(me, other).filter(|_| same_kind) {
        Some(o) => Ok(Value::Int(o as i32)),
        None => Err(Fault::argument(format!(
            "Object must be of type {}.",
            crate::vm::type_name(&vm.heap, me).trim_start_matches("System.")
        ))),
    }
}

/// `Convert.ToInt32(string, fromBase)` and friends; `Convert.ToString(integer, toBase)`.
fn convert_base(_: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    use gatehouse_dotnet::radix::{format_in_base, parse_in_base};
    let base = i32::try_from(int_arg(a, 1)?).unwrap_or(0);
    let text = || match arg(a, 0) {
        Value::Null => Ok(None),
        _ => str_arg(a, 0).map(Some),
    };
    Ok(match name {
        "ToInt32" => Value::Int(parse_in_base(text()?, base, IntType::Int32)? as i32),
        "ToInt64" => Value::Long(parse_in_base(text()?, base, IntType::Int64)? as i64),
        "ToInt16" => Value::Int(parse_in_base(text()?, base, IntType::Int16)? as i32),
        "ToByte" => Value::Int(parse_in_base(text()?, base, IntType::Byte)? as i32),
        "ToString" => {
            let (v, bits) = match arg(a, 0) {
                Value::Long(v) => (*v, 64),
                v => (v.as_i128().unwrap_or_default() as i64, 32),
            };
            Value::str(format_in_base(v, bits, base)?)
        }
        _ => return Err(no_member(name)),
    })
}

fn convert(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let v = arg(a, 0);
    Ok(match name {
        "ToInt32" => Value::Int(to_int(v, IntType::Int32)? as i32),
        "ToInt64" => Value::Long(to_int(v, IntType::Int64)? as i64),
        "ToInt16" => Value::Int(to_int(v, IntType::Int16)? as i32),
        "ToByte" => Value::Int(to_int(v, IntType::Byte)? as i32),
        "ToDouble" => Value::Double(match v {
            Value::Str(x) => np::convert_str_to_f64(Some(x))?,
            Value::Null => 0.0,
            Value::Bool(b) => *b as i32 as f64,
            _ => f64_arg(a, 0)?,
        }),
        "ToDecimal" => Value::Decimal(match v {
            Value::Str(x) => np::parse_decimal(x)?,
            Value::Decimal(d) => *d,
            _ => Decimal::from_f64(f64_arg(a, 0)?).unwrap_or_default(),
        }),
        "ToBoolean" => Value::Bool(match v {
            Value::Str(x) => np::convert_str_to_bool(Some(x))?,
            Value::Bool(b) => *b,
            Value::Null => false,
            _ => f64_arg(a, 0)? != 0.0,
        }),
        "ToString" => Value::str(vm.text(v)),
        "ToBase64String" => Value::str(to_base64(&bytes_arg(vm, a, 0)?)),
        "FromBase64String" => return bytes(vm, from_base64(str_arg(a, 0)?)?),
        "ToHexString" => Value::str(gatehouse_dotnet::encoding::to_hex_string(&bytes_arg(
            vm, a, 0,
        )?)),
        "ToHexStringLower" => Value::str(gatehouse_dotnet::encoding::to_hex_string_lower(
            &bytes_arg(vm, a, 0)?,
        )),
        "FromHexString" => {
            return bytes(
                vm,
                gatehouse_dotnet::encoding::from_hex_string(str_arg(a, 0)?)?,
            )
        }
        _ => return Err(no_member(name)),
    })
}

fn decimal_to_double(_: &mut Vm<'_>, _: &'static str, a: &[Value]) -> Result<Value, Fault> {
    match arg(a, 0) {
        Value::Decimal(d) => Ok(Value::Double(d.to_f64().unwrap_or(0.0))),
        _ => Err(Fault::null()),
    }
}

/// The implementation of `Parse`, `TryParse` and the constants of `$ty` (a numeric type or `bool`).
macro_rules! parser {
    ($ty:literal) => {
        |vm, n, a| parse($ty, n, a, vm)
    };
}

/// Numeric members.
pub(super) const MEMBERS: &[MemberSpec] = member_table! {
    "int" {
        Static "Parse"("string") -> "int" => parser!("int");
        Static "TryParse"("string", "out int") -> "bool" => parser!("int");
        StaticProperty "MaxValue"() -> "int" => parser!("int");
        StaticProperty "MinValue"() -> "int" => parser!("int");
    }
    "long" {
        Static "Parse"("string") -> "long" => parser!("long");
        Static "TryParse"("string", "out long") -> "bool" => parser!("long");
        StaticProperty "MaxValue"() -> "long" => parser!("long");
        StaticProperty "MinValue"() -> "long" => parser!("long");
    }
    "double" {
        Static "Parse"("string") -> "double" => parser!("double");
        Static "TryParse"("string", "out double") -> "bool" => parser!("double");
        StaticProperty "MaxValue"() -> "double" => parser!("double");
        StaticProperty "MinValue"() -> "double" => parser!("double");
    }
    "decimal" {
        Static "Parse"("string") -> "decimal" => parser!("decimal");
        Static "TryParse"("string", "out decimal") -> "bool" => parser!("decimal");
    }
    "bool" {
        Static "TryParse"("string", "out bool") -> "bool" => parser!("bool");
    }
    "double" {
        StaticProperty "NaN"() -> "double" => parser!("double");
        StaticProperty "PositiveInfinity"() -> "double" => parser!("double");
        StaticProperty "NegativeInfinity"() -> "double" => parser!("double");
    }
    "number" {
        Method "ToString"("string") -> "string" => to_string;
        Method "CompareTo"("object") -> "int" => compare_to;
    }
    "bool" {
        Method "CompareTo"("object") -> "int" => compare_to;
    }
    "char" {
        Method "CompareTo"("object") -> "int" => compare_to;
    }
    "DateTime" {
        Method "ToString"("string") -> "string" => to_string;
        Method "CompareTo"("object") -> "int" => compare_to;
    }
    "TimeSpan" {
        Method "ToString"("string") -> "string" => to_string;
        Method "CompareTo"("object") -> "int" => compare_to;
    }
    "Guid" {
        Method "ToString"("string") -> "string" => to_string;
        Method "CompareTo"("object") -> "int" => compare_to;
    }
    "decimal" {
        Static "ToDouble"("decimal") -> "double" => decimal_to_double;
    }
    "Math" {
        Static "Round"("double|decimal") -> "double|decimal" => math;
        Static "Round"("double|decimal", "int|MidpointRounding") -> "double|decimal" => math;
        Static "Round"("double|decimal", "int", "MidpointRounding") -> "double|decimal" => math;
        Static "Max"("number", "number") -> "number" => math;
        Static "Min"("number", "number") -> "number" => math;
        Static "Abs"("number") -> "number" => math;
        Static "Floor"("double|decimal") -> "double|decimal" => math;
        Static "Ceiling"("double|decimal") -> "double|decimal" => math;
        Static "Truncate"("double") -> "double" => math;
        Static "Pow"("double", "double") -> "double" => math;
        Static "Sqrt"("double") -> "double" => math;
        Static "Sign"("number") -> "int" => math;
        StaticProperty "PI"() -> "double" => math;
    }
    "Convert" {
        Static "ToInt32"("object") -> "int" => convert;
        Static "ToInt64"("object") -> "long" => convert;
        Static "ToInt16"("object") -> "short" => convert;
        Static "ToByte"("object") -> "byte" => convert;
        Static "ToInt32"("string", "int") -> "int" => convert_base;
        Static "ToInt64"("string", "int") -> "long" => convert_base;
        Static "ToInt16"("string", "int") -> "short" => convert_base;
        Static "ToByte"("string", "int") -> "byte" => convert_base;
        Static "ToString"("long|int|short|byte", "int") -> "string" => convert_base;
        Static "ToDouble"("object") -> "double" => convert;
        Static "ToDecimal"("object") -> "decimal" => convert;
        Static "ToBoolean"("object") -> "bool" => convert;
        Static "ToString"("object") -> "string" => convert;
        Static "ToBase64String"("byte[]") -> "string" => convert;
        Static "FromBase64String"("string") -> "byte[]" => convert;
        Static "ToHexString"("byte[]") -> "string" => convert;
        Static "ToHexStringLower"("byte[]") -> "string" => convert;
        Static "FromHexString"("string") -> "byte[]" => convert;
    }
};
