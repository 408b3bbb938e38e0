//! Casts (`(T)x`, unboxing), type tests (`is`, `as`) and collection construction.

use super::fault::Fault;
use super::heap::{Heap, Obj};
use super::ops::{num, Num};
use super::Vm;
use crate::bytecode::TypeId;
use crate::value::{HostObj, Msg, Value};
use gatehouse_dotnet::json::JToken;
use gatehouse_dotnet::math::{cast_f64_to_int, checked_cast_f64_to_int, wrap};
use gatehouse_dotnet::numfmt::IntType;
use gatehouse_dotnet::numparse::convert_decimal_to_int;
use gatehouse_dotnet::{dtparse, DotnetError};
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::Decimal;

/// The .NET name of a cast target.
pub fn target_name(t: TypeId) -> &'static str {
    use TypeId::*;
    match t {
        Object => "System.Object",
        Bool => "System.Boolean",
        Char => "System.Char",
        SByte => "System.SByte",
        Byte => "System.Byte",
        Short => "System.Int16",
        UShort => "System.UInt16",
        Int => "System.Int32",
        UInt => "System.UInt32",
        Long => "System.Int64",
        ULong => "System.UInt64",
        Float => "System.Single",
        Double => "System.Double",
        Decimal => "System.Decimal",
        String => "System.String",
        DateTime => "System.DateTime",
        TimeSpan => "System.TimeSpan",
        Guid => "System.Guid",
        JToken => "Newtonsoft.Json.Linq.JToken",
        JObject => "Newtonsoft.Json.Linq.JObject",
        JArray => "Newtonsoft.Json.Linq.JArray",
        JValue => "Newtonsoft.Json.Linq.JValue",
        JProperty => "Newtonsoft.Json.Linq.JProperty",
        ByteArray => "System.Byte[]",
        Array => "System.Object[]",
        List => "System.Collections.Generic.List`1[System.Object]",
        Dictionary => "System.Collections.Generic.Dictionary`2[System.String,System.Object]",
        Enumerable => "System.Collections.IEnumerable",
        Exception => "System.Exception",
        Response => "IResponse",
        Jwt => "Jwt",
    }
}

fn int_target(t: TypeId) -> Option<IntType> {
    Some(match t {
        TypeId::SByte => IntType::SByte,
        TypeId::Byte => IntType::Byte,
        TypeId::Short => IntType::Int16,
        TypeId::UShort => IntType::UInt16,
        TypeId::Int => IntType::Int32,
        TypeId::UInt => IntType::UInt32,
        TypeId::Long => IntType::Int64,
        TypeId::ULong => IntType::UInt64,
        TypeId::Char => IntType::UInt16,
        _ => return None,
    })
}

fn int_value(v: i128, t: TypeId) -> Value {
    match t {
        TypeId::Char => Value::Char(v as u16),
        TypeId::UInt => Value::UInt(v as u32),
        TypeId::Long => Value::Long(v as i64),
        TypeId::ULong => Value::ULong(v as u64),
        _ => Value::Int(v as i32),
    }
}

fn overflow() -> Fault {
    Fault::new(
        super::FaultKind::Overflow,
        "Arithmetic operation resulted in an overflow.",
    )
}

/// A numeric conversion `(T)n`.
fn convert_num(n: Num, t: TypeId, chk: bool) -> Result<Value, Fault> {
    if let Some(it) = int_target(t) {
        let v = match n {
            Num::I(v, _) if chk => {
                let (lo, hi) = it.range();
                if v < lo || v > hi {
                    return Err(overflow());
                }
                v
            }
            Num::I(v, _) => wrap(v, it),
            Num::F32(f) if chk => checked_cast_f64_to_int(f as f64, it)?,
            Num::F64(f) if chk => checked_cast_f64_to_int(f, it)?,
            Num::F32(f) => cast_f64_to_int(f as f64, it),
            Num::F64(f) => cast_f64_to_int(f, it),
            Num::Dec(d) => convert_decimal_to_int(d.trunc(), it)?,
        };
        return Ok(int_value(v, t));
    }
    let f = match n {
        Num::I(v, _) => v as f64,
        Num::F32(v) => v as f64,
        Num::F64(v) => v,
        Num::Dec(d) => d.to_f64().unwrap_or(0.0),
    };
    Ok(match t {
        TypeId::Float => Value::Float(f as f32),
        TypeId::Double => Value::Double(f),
        TypeId::Decimal => Value::Decimal(match n {
            Num::I(v, _) => Decimal::from_i128(v).ok_or_else(overflow)?,
            Num::Dec(d) => d,
            _ => Decimal::from_f64(f).ok_or_else(|| {
                Fault::new(
                    super::FaultKind::Overflow,
                    "Value was either too large or too small for a Decimal.",
                )
            })?,
        }),
        TypeId::Object => super::ops::value_of(n),
        _ => return Err(Fault::cast("number", target_name(t))),
    })
}

/// Newtonsoft's explicit conversions from a `JValue`.
fn from_token(tok: &JToken, t: TypeId) -> Result<Value, Fault> {
    if let Some(it) = int_target(t) {
        if matches!(tok, JToken::Null) {
            return Err(DotnetError::argument(format!(
                "Can not convert Null to {}.",
                target_name(t).trim_start_matches("System.")
            ))
            .into());
        }
        return Ok(int_value(tok.to_int(it)?, t));
    }
    Ok(match t {
        TypeId::String => tok
            .to_string_value()?
            .map(Value::str)
            .unwrap_or(Value::Null),
        TypeId::Double => Value::Double(tok.to_f64()?),
        TypeId::Float => Value::Float(tok.to_f64()? as f32),
        TypeId::Decimal => Value::Decimal(Decimal::from_f64(tok.to_f64()?).unwrap_or_default()),
        TypeId::Bool => Value::Bool(tok.to_bool()?),
        TypeId::DateTime => match tok {
            JToken::Date(d) => Value::DateTime(*d),
            JToken::String(s) => Value::DateTime(dtparse::parse(
                s,
                gatehouse_dotnet::datetime::DateTime::utc_now(),
            )?),
            _ => {
                return Err(DotnetError::argument(format!(
                    "Can not convert {} to DateTime.",
                    tok.type_name()
                ))
                .into())
            }
        },
        _ => return Err(Fault::cast("Newtonsoft.Json.Linq.JValue", target_name(t))),
    })
}

/// `(T)v`: C# explicit conversion (numeric conversions, reference casts, Newtonsoft's
/// explicit operators on JSON tokens).
pub fn cast(vm: &mut Vm<'_>, v: &Value, t: TypeId, chk: bool) -> Result<Value, Fault> {
    if is_type(&vm.heap, v, t) || t == TypeId::Object {
        return Ok(v.clone());
    }
    if v.is_null() {
        return match t {
            TypeId::String
            | TypeId::JToken
            | TypeId::JObject
            | TypeId::JArray
            | TypeId::JValue
            | TypeId::JProperty
            | TypeId::ByteArray
            | TypeId::Array
            | TypeId::List
            | TypeId::Dictionary
            | TypeId::Enumerable
            | TypeId::Exception
            | TypeId::Response
            | TypeId::Jwt => Ok(Value::Null),
            _ => Err(Fault::null()),
        };
    }
    if let Value::Ref(r) = v {
        if let Obj::Xml(_) = vm.heap.get(*r) {
            return from_token(
                &JToken::String(crate::library::xml::text_of(&vm.heap, *r)),
                t,
            );
        }
        if let Obj::JValue(tok) = vm.heap.get(*r) {
            let tok = tok.clone();
            return from_token(&tok, t);
        }
        if let (Some(tok), TypeId::String) = (vm.heap.export(*r), t) {
            return Err(DotnetError::argument(format!(
                "Can not convert {} to String.",
                tok.type_name()
            ))
            .into());
        }
    }
    if let Some(n) = num(v) {
        if !matches!(t, TypeId::String | TypeId::Bool) {
            return convert_num(n, t, chk);
        }
    }
    Err(Fault::cast(&super::type_name(&vm.heap, v), target_name(t)))
}

/// `(T)o` where `o` is statically `object`: a boxed value unboxes only to its own type.
pub fn unbox(vm: &mut Vm<'_>, v: &Value, t: TypeId) -> Result<Value, Fault> {
    let value_type = int_target(t).is_some()
        || matches!(
            t,
            TypeId::Bool
                | TypeId::Float
                | TypeId::Double
                | TypeId::Decimal
                | TypeId::DateTime
                | TypeId::TimeSpan
                | TypeId::Guid
        );
    if !value_type {
        return cast(vm, v, t, false);
    }
    if v.is_null() {
        return Err(Fault::null());
    }
    if is_type(&vm.heap, v, t) {
        return Ok(v.clone());
    }
    Err(Fault::cast(&super::type_name(&vm.heap, v), target_name(t)))
}

/// `v is T`.
pub fn is_type(heap: &Heap, v: &Value, t: TypeId) -> bool {
    use TypeId as T;
    match (v, t) {
        (Value::Null, _) => false,
        (_, T::Object) => true,
        (Value::Bool(_), T::Bool)
        | (Value::Char(_), T::Char)
        | (Value::Int(_), T::Int)
        | (Value::Long(_), T::Long)
        | (Value::UInt(_), T::UInt)
        | (Value::ULong(_), T::ULong)
        | (Value::Float(_), T::Float)
        | (Value::Double(_), T::Double)
        | (Value::Decimal(_), T::Decimal)
        | (Value::Str(_), T::String | T::Enumerable)
        | (Value::DateTime(_), T::DateTime)
        | (Value::TimeSpan(_), T::TimeSpan)
        | (Value::Guid(_), T::Guid) => true,
        (Value::Host(HostObj::Message(Msg::Response | Msg::Stored(_))), T::Response) => true,
        (Value::Ref(r), t) => {
            matches!(
                (heap.get(*r), t),
                (Obj::JObject(_), T::JObject | T::JToken | T::Enumerable)
                    | (Obj::JArray(_), T::JArray | T::JToken | T::Enumerable)
                    | (Obj::JValue(_), T::JValue | T::JToken)
                    | (Obj::JProperty(..), T::JProperty | T::JToken)
                    | (Obj::Bytes(_), T::ByteArray | T::Array | T::Enumerable)
                    | (Obj::Array(..), T::Array | T::Enumerable)
                    | (Obj::List(..), T::List | T::Enumerable)
                    | (Obj::Dict(_), T::Dictionary | T::Enumerable)
                    | (Obj::Set(_), T::Enumerable)
                    | (Obj::Exception(..), T::Exception)
            ) || matches!(
                (heap.get(*r), t),
                (Obj::Anon(names, _), T::Jwt) if crate::library::is_jwt(names)
            )
        }
        _ => false,
    }
}

/// Builds `new T[] { items }`, `new List<T> { items }`, `new JArray(items)`, `new byte[] {…}`.
pub fn new_collection(vm: &mut Vm<'_>, t: TypeId, items: Vec<Value>) -> Result<Value, Fault> {
    let elem = items
        .first()
        .and_then(Value::scalar_type_name)
        .unwrap_or("System.Object");
    match t {
        TypeId::ByteArray => {
            let bytes = items
                .iter()
                .map(|v| v.as_i128().unwrap_or(0) as u8)
                .collect();
            vm.alloc(Obj::Bytes(bytes))
        }
        TypeId::List => vm.alloc(Obj::List(elem, items)),
        TypeId::JArray => {
            let mut nodes = Vec::with_capacity(items.len());
            for v in &items {
                nodes.push(crate::library::json::node(vm, v)?);
            }
            vm.alloc(Obj::JArray(nodes))
        }
        _ => vm.alloc(Obj::Array(elem, items)),
    }
}
