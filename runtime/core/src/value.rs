//! Values of the expression VM: .NET primitives inline, reference objects as heap handles.

use gatehouse_dotnet::crypto::Guid;
use gatehouse_dotnet::datetime::DateTime;
use gatehouse_dotnet::numfmt::{format_decimal, format_f32, format_f64, format_int, IntType};
use gatehouse_dotnet::timespan::TimeSpan;
use gatehouse_dotnet::{dtformat, DResult};
use rust_decimal::Decimal;
use std::sync::Arc;

/// A handle to a mutable, possibly aliased object on an evaluation's heap.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ObjRef(pub u32);

/// Which HTTP message a host object belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    /// `context.Request`.
    Request,
    /// `context.Response`.
    Response,
    /// A response `send-request` stored in a variable: a slot of the exchange's stored
    /// responses (an `IResponse` like `context.Response`).
    Stored(Slot),
}

/// A slot of an exchange's stored responses. An enumeration (not a number) so that
/// [`Msg`], and with it [`HostObj`] and the VM's instructions, stay one byte (the slot's
/// values leave room for the other messages).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
#[allow(missing_docs)]
pub enum Slot {
    S0,
    S1,
    S2,
    S3,
    S4,
    S5,
    S6,
    S7,
    S8,
    S9,
    S10,
    S11,
    S12,
    S13,
    S14,
    S15,
    S16,
    S17,
    S18,
    S19,
    S20,
    S21,
    S22,
    S23,
    S24,
    S25,
    S26,
    S27,
    S28,
    S29,
    S30,
    S31,
    S32,
    S33,
    S34,
    S35,
    S36,
    S37,
    S38,
    S39,
    S40,
    S41,
    S42,
    S43,
    S44,
    S45,
    S46,
    S47,
    S48,
    S49,
    S50,
    S51,
    S52,
    S53,
    S54,
    S55,
    S56,
    S57,
    S58,
    S59,
    S60,
    S61,
    S62,
    S63,
}

impl Slot {
    /// How many slots there are.
    pub const COUNT: usize = 64;

    /// Slot `i`, if there is one.
    pub fn new(i: usize) -> Option<Slot> {
        use Slot::*;
        const ALL: [Slot; Slot::COUNT] = [
            S0, S1, S2, S3, S4, S5, S6, S7, S8, S9, S10, S11, S12, S13, S14, S15, S16, S17, S18,
            S19, S20, S21, S22, S23, S24, S25, S26, S27, S28, S29, S30, S31, S32, S33, S34, S35,
            S36, S37, S38, S39, S40, S41, S42, S43, S44, S45, S46, S47, S48, S49, S50, S51, S52,
            S53, S54, S55, S56, S57, S58, S59, S60, S61, S62, S63,
        ];
        ALL.get(i).copied()
    }

    /// Its index.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// The `context` objects the host answers for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HostObj {
    /// `context`.
    Context,
    /// `context.Request` / `context.Response`.
    Message(Msg),
    /// `…Headers`.
    Headers(Msg),
    /// `…Body`.
    Body(Msg),
    /// `context.Request.Url` (`false`) or `OriginalUrl` (`true`).
    Url(bool),
    /// `Url.Query` of [`HostObj::Url`].
    Query(bool),
    /// `context.Request.MatchedParameters`.
    MatchedParameters,
    /// `context.Variables`.
    Variables,
    /// A flat, named object: `Api`, `Operation`, `Product`, `Subscription`, `User`,
    /// `LastError`, `Deployment`, `Deployment.Gateway`.
    Entity(Entity),
}

/// The flat `context` entities whose string/number properties come from the host.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum Entity {
    Api,
    Operation,
    Product,
    Subscription,
    User,
    LastError,
    Deployment,
    /// `context.Deployment.Gateway`.
    Gateway,
}

impl Entity {
    /// The member name under `context`.
    pub fn name(self) -> &'static str {
        match self {
            Entity::Api => "Api",
            Entity::Operation => "Operation",
            Entity::Product => "Product",
            Entity::Subscription => "Subscription",
            Entity::User => "User",
            Entity::LastError => "LastError",
            Entity::Deployment => "Deployment",
            Entity::Gateway => "Gateway",
        }
    }
}

/// A value of a policy expression. Cheap to clone; `Send` (handles, not `Rc`).
#[derive(Clone, Debug, Default)]
pub enum Value {
    /// `null`.
    #[default]
    Null,
    /// `bool`.
    Bool(bool),
    /// `char` (a UTF-16 code unit).
    Char(u16),
    /// `int` (also `byte`, `short` after promotion).
    Int(i32),
    /// `long`.
    Long(i64),
    /// `uint`.
    UInt(u32),
    /// `ulong`.
    ULong(u64),
    /// `float`.
    Float(f32),
    /// `double`.
    Double(f64),
    /// `decimal`.
    Decimal(Decimal),
    /// `string`.
    Str(Arc<str>),
    /// `DateTime`.
    DateTime(DateTime),
    /// `TimeSpan`.
    TimeSpan(TimeSpan),
    /// `Guid`.
    Guid(Guid),
    /// A reference object on the evaluation's heap.
    Ref(ObjRef),
    /// A `context` object answered by the host.
    Host(HostObj),
}

impl Value {
    /// A string value.
    pub fn str(s: impl Into<Arc<str>>) -> Value {
        Value::Str(s.into())
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The value as an integer of any integral type (chars included).
    pub fn as_i128(&self) -> Option<i128> {
        Some(match *self {
            Value::Char(c) => c as i128,
            Value::Int(v) => v as i128,
            Value::Long(v) => v as i128,
            Value::UInt(v) => v as i128,
            Value::ULong(v) => v as i128,
            _ => return None,
        })
    }

    /// The value as a double, for any numeric type.
    pub fn as_f64(&self) -> Option<f64> {
        use rust_decimal::prelude::ToPrimitive;
        match *self {
            Value::Float(v) => Some(v as f64),
            Value::Double(v) => Some(v),
            Value::Decimal(d) => d.to_f64(),
            _ => self.as_i128().map(|v| v as f64),
        }
    }

    /// .NET `ToString()` of a value that needs no heap (`None` for `Ref`/`Host`).
    pub fn scalar_string(&self) -> Option<String> {
        self.scalar_format("").ok().flatten()
    }

    /// .NET `ToString(format)` of a scalar; `Ok(None)` for `Ref`/`Host` values.
    pub fn scalar_format(&self, f: &str) -> DResult<Option<String>> {
        Ok(Some(match self {
            Value::Null => String::new(),
            Value::Bool(b) => if *b { "True" } else { "False" }.into(),
            Value::Char(c) => char::from_u32(*c as u32).unwrap_or('\u{FFFD}').to_string(),
            Value::Int(v) => format_int(*v as i128, IntType::Int32, f)?,
            Value::Long(v) => format_int(*v as i128, IntType::Int64, f)?,
            Value::UInt(v) => format_int(*v as i128, IntType::UInt32, f)?,
            Value::ULong(v) => format_int(*v as i128, IntType::UInt64, f)?,
            Value::Float(v) => format_f32(*v, f)?,
            Value::Double(v) => format_f64(*v, f)?,
            Value::Decimal(d) => format_decimal(*d, f)?,
            Value::Str(s) => s.to_string(),
            Value::DateTime(d) => dtformat::format_datetime(*d, f)?,
            Value::TimeSpan(t) if f.is_empty() => t.to_string_c(),
            Value::TimeSpan(t) => t.format(f)?,
            Value::Guid(g) => g.format(if f.is_empty() { "D" } else { f })?,
            Value::Ref(_) | Value::Host(_) => return Ok(None),
        }))
    }

    /// The .NET type name of a scalar (`None` for `Ref`/`Host`/`Null`).
    pub fn scalar_type_name(&self) -> Option<&'static str> {
        Some(match self {
            Value::Bool(_) => "System.Boolean",
            Value::Char(_) => "System.Char",
            Value::Int(_) => "System.Int32",
            Value::Long(_) => "System.Int64",
            Value::UInt(_) => "System.UInt32",
            Value::ULong(_) => "System.UInt64",
            Value::Float(_) => "System.Single",
            Value::Double(_) => "System.Double",
            Value::Decimal(_) => "System.Decimal",
            Value::Str(_) => "System.String",
            Value::DateTime(_) => "System.DateTime",
            Value::TimeSpan(_) => "System.TimeSpan",
            Value::Guid(_) => "System.Guid",
            _ => return None,
        })
    }
}

/// Reference equality for refs, value equality for primitives of the same type.
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Ref(x), Value::Ref(y)) => x == y,
        (Value::Host(x), Value::Host(y)) => x == y,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::DateTime(x), Value::DateTime(y)) => x.ticks() == y.ticks(),
        (Value::TimeSpan(x), Value::TimeSpan(y)) => x == y,
        (Value::Guid(x), Value::Guid(y)) => x == y,
        (Value::Double(x), Value::Double(y)) => x == y || (x.is_nan() && y.is_nan()),
        (Value::Float(x), Value::Float(y)) => x == y,
        (Value::Decimal(x), Value::Decimal(y)) => x == y,
        _ => match (a.as_i128(), b.as_i128()) {
            (Some(x), Some(y)) => std::mem::discriminant(a) == std::mem::discriminant(b) && x == y,
            _ => false,
        },
    }
}
