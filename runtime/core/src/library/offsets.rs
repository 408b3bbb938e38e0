//! `System.DateTimeOffset`: the clock, Unix-time conversions and the members policies use.
//!
//! Representation: gatehouse's clock is UTC and every way policies obtain a `DateTimeOffset`
//! (`UtcNow`, `Now`, `FromUnixTime*`) has offset +00:00, so an offset is carried as a
//! `Value::DateTime` of kind `Utc` holding its UTC instant. Comparisons, subtraction and the
//! `Add*` members then behave as .NET's; the value's `ToString()` and type name are those of
//! the `DateTime` (see `docs/expressions.md`). At run time the `DateTime` type chain falls
//! back to these members; statically the checker sees a distinct `DateTimeOffset`.

use super::{arg, f64_arg, int_arg, m, no_member, MemberSpec};
use crate::value::Value;
use crate::vm::{Fault, Vm};
use gatehouse_dotnet::datetime::{DateTime, DateTimeKind};
use gatehouse_dotnet::offset::DateTimeOffset;
use gatehouse_dotnet::timespan::TimeSpan;

/// The UTC instant of an offset value.
fn instant(a: &[Value]) -> Result<DateTime, Fault> {
    match arg(a, 0) {
        Value::DateTime(d) => Ok(*d),
        _ => Err(Fault::null()),
    }
}

fn utc(d: DateTime) -> Value {
    Value::DateTime(d.with_kind(DateTimeKind::Utc))
}

/// `DateTimeOffset.UtcNow`, `Now`, `FromUnixTimeSeconds`, `FromUnixTimeMilliseconds`.
fn statics(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    Ok(match name {
        "UtcNow" | "Now" => utc(vm.host.now()),
        "FromUnixTimeSeconds" => {
            utc(DateTimeOffset::from_unix_seconds(int_arg(a, 0)?)?.utc_datetime())
        }
        "FromUnixTimeMilliseconds" => {
            utc(DateTimeOffset::from_unix_milliseconds(int_arg(a, 0)?)?.utc_datetime())
        }
        _ => return Err(no_member(name)),
    })
}

/// The instance members of an offset (its UTC instant is the receiver).
fn members(_: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let d = instant(a)?;
    let n = || f64_arg(a, 1);
    Ok(match name {
        "ToUnixTimeSeconds" => Value::Long(d.to_unix_seconds()),
        "ToUnixTimeMilliseconds" => Value::Long(d.to_unix_milliseconds()),
        "UtcDateTime" => utc(d),
        "DateTime" => Value::DateTime(d.with_kind(DateTimeKind::Unspecified)),
        "LocalDateTime" => Value::DateTime(d.with_kind(DateTimeKind::Local)),
        "Offset" => Value::TimeSpan(TimeSpan::ZERO),
        "AddDays" => utc(d.add_days(n()?)?),
        "AddHours" => utc(d.add_hours(n()?)?),
        "AddMinutes" => utc(d.add_minutes(n()?)?),
        "AddSeconds" => utc(d.add_seconds(n()?)?),
        "AddMilliseconds" => utc(d.add_milliseconds(n()?)?),
        _ => return Err(no_member(name)),
    })
}

/// `System.DateTimeOffset`.
pub(super) const MEMBERS: &[MemberSpec] = &[
    m!(
        "DateTimeOffset",
        "UtcNow",
        StaticProperty,
        [],
        "DateTimeOffset",
        statics
    ),
    m!(
        "DateTimeOffset",
        "Now",
        StaticProperty,
        [],
        "DateTimeOffset",
        statics
    ),
    m!(
        "DateTimeOffset",
        "FromUnixTimeSeconds",
        Static,
        ["long"],
        "DateTimeOffset",
        statics
    ),
    m!(
        "DateTimeOffset",
        "FromUnixTimeMilliseconds",
        Static,
        ["long"],
        "DateTimeOffset",
        statics
    ),
    m!(
        "DateTimeOffset",
        "ToUnixTimeSeconds",
        Method,
        [],
        "long",
        members
    ),
    m!(
        "DateTimeOffset",
        "ToUnixTimeMilliseconds",
        Method,
        [],
        "long",
        members
    ),
    m!(
        "DateTimeOffset",
        "UtcDateTime",
        Property,
        [],
        "DateTime",
        members
    ),
    m!(
        "DateTimeOffset",
        "DateTime",
        Property,
        [],
        "DateTime",
        members
    ),
    m!(
        "DateTimeOffset",
        "LocalDateTime",
        Property,
        [],
        "DateTime",
        members
    ),
    m!(
        "DateTimeOffset",
        "Offset",
        Property,
        [],
        "TimeSpan",
        members
    ),
    m!(
        "DateTimeOffset",
        "AddDays",
        Method,
        ["double"],
        "DateTimeOffset",
        members
    ),
    m!(
        "DateTimeOffset",
        "AddHours",
        Method,
        ["double"],
        "DateTimeOffset",
        members
    ),
    m!(
        "DateTimeOffset",
        "AddMinutes",
        Method,
        ["double"],
        "DateTimeOffset",
        members
    ),
    m!(
        "DateTimeOffset",
        "AddSeconds",
        Method,
        ["double"],
        "DateTimeOffset",
        members
    ),
    m!(
        "DateTimeOffset",
        "AddMilliseconds",
        Method,
        ["double"],
        "DateTimeOffset",
        members
    ),
];
