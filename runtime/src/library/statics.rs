//! Dates, spans, GUIDs, encodings, URIs, hashing, exceptions and the enum constants.

use super::{
    arg, bytes, bytes_arg, f64_arg, int_arg, m, no_member, s, str_arg, MemberSpec, COMPARISON_TAG,
};
use crate::dotnet::crypto::{compute_hash, hmac, Guid, HashAlgorithm};
use crate::dotnet::datetime::{DateTime, DateTimeKind};
use crate::dotnet::timespan::TimeSpan;
use crate::dotnet::{dtexact, dtparse, encoding as enc, uri};
use crate::value::Value;
use crate::vm::{Enc, Fault, FaultKind, Obj, Vm};

fn dt(a: &[Value]) -> Result<DateTime, Fault> {
    match arg(a, 0) {
        Value::DateTime(d) => Ok(*d),
        _ => Err(Fault::null()),
    }
}

fn date_static(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let now = vm.host.now();
    let i = |k| int_arg(a, k).map(|v| v as i32);
    Ok(Value::DateTime(match name {
        "UtcNow" => now.with_kind(DateTimeKind::Utc),
        "Now" => now.with_kind(DateTimeKind::Local),
        "Today" => now.date().with_kind(DateTimeKind::Local),
        "MinValue" => DateTime::from_ticks(0, DateTimeKind::Unspecified)?,
        "MaxValue" => DateTime::from_ticks(
            crate::dotnet::datetime::MAX_TICKS,
            DateTimeKind::Unspecified,
        )?,
        "Parse" => dtparse::parse(str_arg(a, 0)?, now)?,
        "ParseExact" => dtexact::parse_exact(str_arg(a, 0)?, str_arg(a, 1)?)?,
        "TryParse" => {
            let r = dtparse::try_parse(str_arg(a, 0)?, now);
            vm.out = Value::DateTime(r.unwrap_or_default());
            return Ok(Value::Bool(r.is_some()));
        }
        ".ctor" if a.len() == 3 => {
            DateTime::from_date(i(0)?, i(1)?, i(2)?, DateTimeKind::Unspecified)?
        }
        ".ctor" => {
            let kind = if a.len() == 7 && matches!(arg(a, 6), Value::Int(1)) {
                DateTimeKind::Utc
            } else {
                DateTimeKind::Unspecified
            };
            DateTime::new(i(0)?, i(1)?, i(2)?, i(3)?, i(4)?, i(5)?, 0, kind)?
        }
        _ => return Err(no_member(name)),
    }))
}

fn day_name(d: DateTime) -> &'static str {
    [
        "Sunday",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
    ][d.day_of_week() as usize % 7]
}

fn date_member(_: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let d = dt(a)?;
    let n = || f64_arg(a, 1);
    Ok(match name {
        "Year" => Value::Int(d.year()),
        "Month" => Value::Int(d.month()),
        "Day" => Value::Int(d.day()),
        "Hour" => Value::Int(d.hour()),
        "Minute" => Value::Int(d.minute()),
        "Second" => Value::Int(d.second()),
        "Millisecond" => Value::Int(d.millisecond()),
        "DayOfYear" => Value::Int(d.day_of_year()),
        "DayOfWeek" => Value::str(day_name(d)),
        "Ticks" => Value::Long(d.ticks()),
        "Date" => Value::DateTime(d.date()),
        "TimeOfDay" => Value::TimeSpan(d.time_of_day()),
        "Kind" => Value::str(format!("{:?}", d.kind())),
        "ToUniversalTime" => Value::DateTime(d.with_kind(DateTimeKind::Utc)),
        "ToLocalTime" => Value::DateTime(d.with_kind(DateTimeKind::Local)),
        "AddDays" => Value::DateTime(d.add_days(n()?)?),
        "AddHours" => Value::DateTime(d.add_hours(n()?)?),
        "AddMinutes" => Value::DateTime(d.add_minutes(n()?)?),
        "AddSeconds" => Value::DateTime(d.add_seconds(n()?)?),
        "AddMilliseconds" => Value::DateTime(d.add_milliseconds(n()?)?),
        "AddTicks" => Value::DateTime(d.add_ticks(int_arg(a, 1)?)?),
        "AddMonths" => Value::DateTime(d.add_months(int_arg(a, 1)? as i32)?),
        "AddYears" => Value::DateTime(d.add_years(int_arg(a, 1)? as i32)?),
        "Add" => match arg(a, 1) {
            Value::TimeSpan(t) => Value::DateTime(d.add_span(*t)?),
            _ => return Err(Fault::null()),
        },
        "Subtract" => match arg(a, 1) {
            Value::DateTime(o) => Value::TimeSpan(d.subtract(*o)),
            Value::TimeSpan(t) => Value::DateTime(d.subtract_span(*t)?),
            _ => return Err(Fault::null()),
        },
        "ToUnixTimeSeconds" => Value::Long(d.to_unix_seconds()),
        _ => return Err(no_member(name)),
    })
}

fn span_static(_: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let i = |k| int_arg(a, k).map(|v| v as i32);
    Ok(Value::TimeSpan(match name {
        "FromDays" => TimeSpan::from_days(f64_arg(a, 0)?)?,
        "FromHours" => TimeSpan::from_hours(f64_arg(a, 0)?)?,
        "FromMinutes" => TimeSpan::from_minutes(f64_arg(a, 0)?)?,
        "FromSeconds" => TimeSpan::from_seconds(f64_arg(a, 0)?)?,
        "FromMilliseconds" => TimeSpan::from_milliseconds(f64_arg(a, 0)?)?,
        "FromTicks" => TimeSpan::from_ticks(int_arg(a, 0)?),
        "Zero" => TimeSpan::from_ticks(0),
        "Parse" => TimeSpan::parse(str_arg(a, 0)?)?,
        ".ctor" if a.len() == 3 => TimeSpan::new(0, i(0)?, i(1)?, i(2)?, 0)?,
        ".ctor" if a.len() == 4 => TimeSpan::new(i(0)?, i(1)?, i(2)?, i(3)?, 0)?,
        ".ctor" => TimeSpan::new(i(0)?, i(1)?, i(2)?, i(3)?, i(4)?)?,
        _ => return Err(no_member(name)),
    }))
}

fn span_member(_: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let Value::TimeSpan(t) = arg(a, 0) else {
        return Err(Fault::null());
    };
    let t = *t;
    let other = || match arg(a, 1) {
        Value::TimeSpan(o) => Ok(*o),
        _ => Err(Fault::null()),
    };
    Ok(match name {
        "Days" => Value::Int(t.days()),
        "Hours" => Value::Int(t.hours()),
        "Minutes" => Value::Int(t.minutes()),
        "Seconds" => Value::Int(t.seconds()),
        "Milliseconds" => Value::Int(t.milliseconds()),
        "Ticks" => Value::Long(t.ticks()),
        "TotalDays" => Value::Double(t.total_days()),
        "TotalHours" => Value::Double(t.total_hours()),
        "TotalMinutes" => Value::Double(t.total_minutes()),
        "TotalSeconds" => Value::Double(t.total_seconds()),
        "TotalMilliseconds" => Value::Double(t.total_milliseconds()),
        "Add" => Value::TimeSpan(t.add_span(other()?)?),
        "Subtract" => Value::TimeSpan(t.subtract(other()?)?),
        "Negate" => Value::TimeSpan(t.negate()?),
        "Duration" => Value::TimeSpan(t.duration()?),
        _ => return Err(no_member(name)),
    })
}

fn guid(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    Ok(match name {
        "NewGuid" => Value::Guid(Guid::new_v4(vm.host.random())),
        "Empty" => Value::Guid(Guid::EMPTY),
        "Parse" | ".ctor" => Value::Guid(Guid::parse(str_arg(a, 0)?)?),
        "TryParse" => {
            let r = Guid::try_parse(str_arg(a, 0)?);
            vm.out = Value::Guid(r.unwrap_or(Guid::EMPTY));
            Value::Bool(r.is_some())
        }
        "ToByteArray" => match arg(a, 0) {
            Value::Guid(g) => return bytes(vm, g.to_byte_array().to_vec()),
            _ => return Err(Fault::null()),
        },
        _ => return Err(no_member(name)),
    })
}

fn encoding(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let e = match name {
        "UTF8" => Enc::Utf8,
        "ASCII" => Enc::Ascii,
        "Unicode" => Enc::Unicode,
        "Latin1" => Enc::Latin1,
        _ => {
            let e = match arg(a, 0) {
                Value::Ref(r) => match vm.heap.get(*r) {
                    Obj::Encoding(e) => *e,
                    _ => return Err(no_member(name)),
                },
                _ => return Err(Fault::null()),
            };
            return if name == "GetBytes" {
                let t = str_arg(a, 1)?;
                let b = match e {
                    Enc::Utf8 => enc::utf8_bytes(t),
                    Enc::Ascii => enc::ascii_bytes(t),
                    Enc::Unicode => enc::utf16le_bytes(t),
                    Enc::Latin1 => enc::latin1_bytes(t),
                };
                bytes(vm, b)
            } else {
                let b = bytes_arg(vm, a, 1)?;
                s(match e {
                    Enc::Utf8 => enc::utf8_string(&b),
                    Enc::Ascii => enc::ascii_string(&b),
                    Enc::Unicode => enc::utf16le_string(&b),
                    Enc::Latin1 => enc::latin1_string(&b),
                })
            };
        }
    };
    vm.alloc(Obj::Encoding(e))
}

fn text_codec(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    if name == "ToString" {
        return s(enc::bit_converter_to_string(&bytes_arg(vm, a, 0)?));
    }
    let t = match arg(a, 0) {
        Value::Null if name.starts_with("Url") || name.starts_with("Html") => {
            return Ok(Value::Null)
        }
        _ => str_arg(a, 0)?,
    };
    s(match name {
        "EscapeDataString" => uri::escape_data_string(t),
        "UnescapeDataString" => uri::unescape_data_string(t),
        "EscapeUriString" => uri::escape_uri_string(t),
        "UrlEncode" => uri::url_encode(t),
        "UrlDecode" => uri::url_decode(t),
        "HtmlEncode" => uri::html_encode(t),
        "HtmlDecode" => uri::html_decode(t),
        _ => return Err(no_member(name)),
    })
}

fn algorithm(ty: &str) -> Option<HashAlgorithm> {
    Some(match ty.trim_start_matches("HMAC") {
        "MD5" => HashAlgorithm::Md5,
        "SHA1" => HashAlgorithm::Sha1,
        "SHA256" => HashAlgorithm::Sha256,
        "SHA384" => HashAlgorithm::Sha384,
        "SHA512" => HashAlgorithm::Sha512,
        _ => return None,
    })
}

fn hashing(
    vm: &mut Vm<'_>,
    ty: &'static str,
    name: &'static str,
    a: &[Value],
) -> Result<Value, Fault> {
    let alg = algorithm(ty).ok_or_else(|| no_member(ty))?;
    match name {
        "Create" => vm.alloc(Obj::Hash(alg, None)),
        ".ctor" => {
            let key = bytes_arg(vm, a, 0)?;
            vm.alloc(Obj::Hash(alg, Some(key)))
        }
        _ => {
            let data = bytes_arg(vm, a, 0)?;
            bytes(vm, compute_hash(alg, &data))
        }
    }
}

fn compute(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let Value::Ref(r) = arg(a, 0) else {
        return Err(Fault::null());
    };
    let (alg, key) = match vm.heap.get(*r) {
        Obj::Hash(alg, key) => (*alg, key.clone()),
        _ => return Err(no_member(name)),
    };
    let data = bytes_arg(vm, a, 1)?;
    let out = match key {
        Some(k) => hmac(alg, &k, &data),
        None => compute_hash(alg, &data),
    };
    bytes(vm, out)
}

fn exception(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    match (name, arg(a, 0)) {
        (".ctor", v) => {
            let msg = if v.is_null() {
                "Exception of type 'System.Exception' was thrown.".to_string()
            } else {
                vm.text(v)
            };
            vm.alloc(Obj::Exception(FaultKind::Exception, msg.into()))
        }
        (_, Value::Ref(r)) => match vm.heap.get(*r) {
            Obj::Exception(_, m) if name == "Message" => Ok(Value::Str(m.clone())),
            Obj::Exception(k, _) => s(k.name()),
            _ => Err(no_member(name)),
        },
        _ => Err(Fault::null()),
    }
}

macro_rules! hash {
    ($ty:literal) => {
        [
            m!($ty, "Create", Static, [], "HashAlgorithm", |vm, n, a| {
                hashing(vm, $ty, n, a)
            }),
            m!($ty, "HashData", Static, ["byte[]"], "byte[]", |vm, n, a| {
                hashing(vm, $ty, n, a)
            }),
            m!(
                concat!("HMAC", $ty),
                ".ctor",
                Constructor,
                ["byte[]"],
                "HMAC",
                |vm, n, a| hashing(vm, concat!("HMAC", $ty), n, a)
            ),
        ]
    };
}

const MD5: [MemberSpec; 3] = hash!("MD5");
const SHA1: [MemberSpec; 3] = hash!("SHA1");
const SHA256: [MemberSpec; 3] = hash!("SHA256");
const SHA384: [MemberSpec; 3] = hash!("SHA384");
const SHA512: [MemberSpec; 3] = hash!("SHA512");

macro_rules! constant {
    ($ty:literal, $name:literal, $v:expr) => {
        m!($ty, $name, StaticProperty, [], $ty, |_, _, _| Ok($v))
    };
}

/// Static and instance members of the remaining .NET types.
pub(super) const MEMBERS: &[MemberSpec] = &[
    MD5[0],
    MD5[1],
    MD5[2],
    SHA1[0],
    SHA1[1],
    SHA1[2],
    SHA256[0],
    SHA256[1],
    SHA256[2],
    SHA384[0],
    SHA384[1],
    SHA384[2],
    SHA512[0],
    SHA512[1],
    SHA512[2],
    m!(
        "HashAlgorithm",
        "ComputeHash",
        Method,
        ["byte[]"],
        "byte[]",
        compute
    ),
    m!(
        "DateTime",
        "UtcNow",
        StaticProperty,
        [],
        "DateTime",
        date_static
    ),
    m!(
        "DateTime",
        "Now",
        StaticProperty,
        [],
        "DateTime",
        date_static
    ),
    m!(
        "DateTime",
        "Today",
        StaticProperty,
        [],
        "DateTime",
        date_static
    ),
    m!(
        "DateTime",
        "MinValue",
        StaticProperty,
        [],
        "DateTime",
        date_static
    ),
    m!(
        "DateTime",
        "MaxValue",
        StaticProperty,
        [],
        "DateTime",
        date_static
    ),
    m!(
        "DateTime",
        "Parse",
        Static,
        ["string"],
        "DateTime",
        date_static
    ),
    m!(
        "DateTime",
        "TryParse",
        Static,
        ["string", "out DateTime"],
        "bool",
        date_static
    ),
    m!(
        "DateTime",
        "ParseExact",
        Static,
        ["string", "string", "IFormatProvider"],
        "DateTime",
        date_static
    ),
    m!(
        "DateTime",
        ".ctor",
        Constructor,
        ["int", "int", "int"],
        "DateTime",
        date_static
    ),
    m!(
        "DateTime",
        ".ctor",
        Constructor,
        ["int", "int", "int", "int", "int", "int"],
        "DateTime",
        date_static
    ),
    m!(
        "DateTime",
        ".ctor",
        Constructor,
        ["int", "int", "int", "int", "int", "int", "DateTimeKind"],
        "DateTime",
        date_static
    ),
    m!("DateTime", "Year", Property, [], "int", date_member),
    m!("DateTime", "Month", Property, [], "int", date_member),
    m!("DateTime", "Day", Property, [], "int", date_member),
    m!("DateTime", "Hour", Property, [], "int", date_member),
    m!("DateTime", "Minute", Property, [], "int", date_member),
    m!("DateTime", "Second", Property, [], "int", date_member),
    m!("DateTime", "Millisecond", Property, [], "int", date_member),
    m!("DateTime", "DayOfYear", Property, [], "int", date_member),
    m!(
        "DateTime",
        "DayOfWeek",
        Property,
        [],
        "DayOfWeek",
        date_member
    ),
    m!("DateTime", "Ticks", Property, [], "long", date_member),
    m!("DateTime", "Date", Property, [], "DateTime", date_member),
    m!(
        "DateTime",
        "TimeOfDay",
        Property,
        [],
        "TimeSpan",
        date_member
    ),
    m!(
        "DateTime",
        "Kind",
        Property,
        [],
        "DateTimeKind",
        date_member
    ),
    m!(
        "DateTime",
        "ToUniversalTime",
        Method,
        [],
        "DateTime",
        date_member
    ),
    m!(
        "DateTime",
        "ToLocalTime",
        Method,
        [],
        "DateTime",
        date_member
    ),
    m!(
        "DateTime",
        "AddDays",
        Method,
        ["double"],
        "DateTime",
        date_member
    ),
    m!(
        "DateTime",
        "AddHours",
        Method,
        ["double"],
        "DateTime",
        date_member
    ),
    m!(
        "DateTime",
        "AddMinutes",
        Method,
        ["double"],
        "DateTime",
        date_member
    ),
    m!(
        "DateTime",
        "AddSeconds",
        Method,
        ["double"],
        "DateTime",
        date_member
    ),
    m!(
        "DateTime",
        "AddMilliseconds",
        Method,
        ["double"],
        "DateTime",
        date_member
    ),
    m!(
        "DateTime",
        "AddTicks",
        Method,
        ["long"],
        "DateTime",
        date_member
    ),
    m!(
        "DateTime",
        "AddMonths",
        Method,
        ["int"],
        "DateTime",
        date_member
    ),
    m!(
        "DateTime",
        "AddYears",
        Method,
        ["int"],
        "DateTime",
        date_member
    ),
    m!(
        "DateTime",
        "Add",
        Method,
        ["TimeSpan"],
        "DateTime",
        date_member
    ),
    m!(
        "DateTime",
        "Subtract",
        Method,
        ["DateTime|TimeSpan"],
        "TimeSpan|DateTime",
        date_member
    ),
    m!(
        "TimeSpan",
        "FromDays",
        Static,
        ["double"],
        "TimeSpan",
        span_static
    ),
    m!(
        "TimeSpan",
        "FromHours",
        Static,
        ["double"],
        "TimeSpan",
        span_static
    ),
    m!(
        "TimeSpan",
        "FromMinutes",
        Static,
        ["double"],
        "TimeSpan",
        span_static
    ),
    m!(
        "TimeSpan",
        "FromSeconds",
        Static,
        ["double"],
        "TimeSpan",
        span_static
    ),
    m!(
        "TimeSpan",
        "FromMilliseconds",
        Static,
        ["double"],
        "TimeSpan",
        span_static
    ),
    m!(
        "TimeSpan",
        "FromTicks",
        Static,
        ["long"],
        "TimeSpan",
        span_static
    ),
    m!(
        "TimeSpan",
        "Zero",
        StaticProperty,
        [],
        "TimeSpan",
        span_static
    ),
    m!(
        "TimeSpan",
        "Parse",
        Static,
        ["string"],
        "TimeSpan",
        span_static
    ),
    m!(
        "TimeSpan",
        ".ctor",
        Constructor,
        ["int", "int", "int"],
        "TimeSpan",
        span_static
    ),
    m!(
        "TimeSpan",
        ".ctor",
        Constructor,
        ["int", "int", "int", "int"],
        "TimeSpan",
        span_static
    ),
    m!(
        "TimeSpan",
        ".ctor",
        Constructor,
        ["int", "int", "int", "int", "int"],
        "TimeSpan",
        span_static
    ),
    m!("TimeSpan", "Days", Property, [], "int", span_member),
    m!("TimeSpan", "Hours", Property, [], "int", span_member),
    m!("TimeSpan", "Minutes", Property, [], "int", span_member),
    m!("TimeSpan", "Seconds", Property, [], "int", span_member),
    m!("TimeSpan", "Milliseconds", Property, [], "int", span_member),
    m!("TimeSpan", "Ticks", Property, [], "long", span_member),
    m!("TimeSpan", "TotalDays", Property, [], "double", span_member),
    m!(
        "TimeSpan",
        "TotalHours",
        Property,
        [],
        "double",
        span_member
    ),
    m!(
        "TimeSpan",
        "TotalMinutes",
        Property,
        [],
        "double",
        span_member
    ),
    m!(
        "TimeSpan",
        "TotalSeconds",
        Property,
        [],
        "double",
        span_member
    ),
    m!(
        "TimeSpan",
        "TotalMilliseconds",
        Property,
        [],
        "double",
        span_member
    ),
    m!(
        "TimeSpan",
        "Add",
        Method,
        ["TimeSpan"],
        "TimeSpan",
        span_member
    ),
    m!(
        "TimeSpan",
        "Subtract",
        Method,
        ["TimeSpan"],
        "TimeSpan",
        span_member
    ),
    m!("TimeSpan", "Negate", Method, [], "TimeSpan", span_member),
    m!("TimeSpan", "Duration", Method, [], "TimeSpan", span_member),
    m!("Guid", "NewGuid", Static, [], "Guid", guid),
    m!("Guid", "Empty", StaticProperty, [], "Guid", guid),
    m!("Guid", "Parse", Static, ["string"], "Guid", guid),
    m!(
        "Guid",
        "TryParse",
        Static,
        ["string", "out Guid"],
        "bool",
        guid
    ),
    m!("Guid", ".ctor", Constructor, ["string"], "Guid", guid),
    m!("Guid", "ToByteArray", Method, [], "byte[]", guid),
    m!("Encoding", "UTF8", StaticProperty, [], "Encoding", encoding),
    m!(
        "Encoding",
        "ASCII",
        StaticProperty,
        [],
        "Encoding",
        encoding
    ),
    m!(
        "Encoding",
        "Unicode",
        StaticProperty,
        [],
        "Encoding",
        encoding
    ),
    m!(
        "Encoding",
        "Latin1",
        StaticProperty,
        [],
        "Encoding",
        encoding
    ),
    m!(
        "Encoding",
        "GetBytes",
        Method,
        ["string"],
        "byte[]",
        encoding
    ),
    m!(
        "Encoding",
        "GetString",
        Method,
        ["byte[]"],
        "string",
        encoding
    ),
    m!(
        "Uri",
        "EscapeDataString",
        Static,
        ["string"],
        "string",
        text_codec
    ),
    m!(
        "Uri",
        "UnescapeDataString",
        Static,
        ["string"],
        "string",
        text_codec
    ),
    m!(
        "Uri",
        "EscapeUriString",
        Static,
        ["string"],
        "string",
        text_codec
    ),
    m!(
        "WebUtility",
        "UrlEncode",
        Static,
        ["string"],
        "string",
        text_codec
    ),
    m!(
        "WebUtility",
        "UrlDecode",
        Static,
        ["string"],
        "string",
        text_codec
    ),
    m!(
        "WebUtility",
        "HtmlEncode",
        Static,
        ["string"],
        "string",
        text_codec
    ),
    m!(
        "WebUtility",
        "HtmlDecode",
        Static,
        ["string"],
        "string",
        text_codec
    ),
    m!(
        "BitConverter",
        "ToString",
        Static,
        ["byte[]"],
        "string",
        text_codec
    ),
    m!(
        "Exception",
        ".ctor",
        Constructor,
        [],
        "Exception",
        exception
    ),
    m!(
        "Exception",
        ".ctor",
        Constructor,
        ["string"],
        "Exception",
        exception
    ),
    m!("Exception", "Message", Property, [], "string", exception),
    m!("Exception", "GetTypeName", Method, [], "string", exception),
    constant!(
        "StringComparison",
        "CurrentCulture",
        Value::UInt(COMPARISON_TAG)
    ),
    constant!(
        "StringComparison",
        "CurrentCultureIgnoreCase",
        Value::UInt(COMPARISON_TAG | 1)
    ),
    constant!(
        "StringComparison",
        "InvariantCulture",
        Value::UInt(COMPARISON_TAG | 2)
    ),
    constant!(
        "StringComparison",
        "InvariantCultureIgnoreCase",
        Value::UInt(COMPARISON_TAG | 3)
    ),
    constant!(
        "StringComparison",
        "Ordinal",
        Value::UInt(COMPARISON_TAG | 4)
    ),
    constant!(
        "StringComparison",
        "OrdinalIgnoreCase",
        Value::UInt(COMPARISON_TAG | 5)
    ),
    constant!("StringSplitOptions", "None", Value::Int(0)),
    constant!("StringSplitOptions", "RemoveEmptyEntries", Value::Int(1)),
    constant!("StringSplitOptions", "TrimEntries", Value::Int(2)),
    constant!("RegexOptions", "None", Value::Int(0)),
    constant!("RegexOptions", "IgnoreCase", Value::Int(1)),
    constant!("RegexOptions", "Multiline", Value::Int(2)),
    constant!("RegexOptions", "ExplicitCapture", Value::Int(4)),
    constant!("RegexOptions", "Singleline", Value::Int(16)),
    constant!("RegexOptions", "IgnorePatternWhitespace", Value::Int(32)),
    constant!(
        "MidpointRounding",
        "ToEven",
        Value::UInt(super::numbers::ROUNDING_TAG)
    ),
    constant!(
        "MidpointRounding",
        "AwayFromZero",
        Value::UInt(super::numbers::ROUNDING_TAG | 1)
    ),
    constant!(
        "MidpointRounding",
        "ToZero",
        Value::UInt(super::numbers::ROUNDING_TAG | 2)
    ),
    constant!("DateTimeKind", "Unspecified", Value::Int(0)),
    constant!("DateTimeKind", "Utc", Value::Int(1)),
    constant!("DateTimeKind", "Local", Value::Int(2)),
    constant!("DayOfWeek", "Sunday", Value::str("Sunday")),
    constant!("DayOfWeek", "Monday", Value::str("Monday")),
    constant!("DayOfWeek", "Saturday", Value::str("Saturday")),
    constant!("CultureInfo", "InvariantCulture", Value::Null),
];
