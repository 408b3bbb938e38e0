//! `System.DateTimeOffset`: the clock, Unix-time conversions and the members policies use.
//!
//! Representation: gatehouse's clock is UTC and every way policies obtain a `DateTimeOffset`
//! (`UtcNow`, `Now`, `FromUnixTime*`) has offset +00:00, so an offset is carried as a
//! `Value::DateTime` of kind `Utc` holding its UTC instant. Comparisons, subtraction and the
//! `Add*` members then behave as .NET's; the value's `ToString()` and type name are those of
//! the `DateTime` (see `docs/expressions.md`). At run time the `DateTime` type chain falls
//! back to these members; statically the checker sees a distinct `DateTimeOffset`.

use super::{arg, f64_arg, int_arg, member_table, no_member, MemberSpec};
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
pub(super) const MEMBERS: &[MemberSpec] = member_table! {
    "DateTimeOffset" {
        StaticProperty "UtcNow"() -> "DateTimeOffset" => statics;
        StaticProperty "Now"() -> "DateTimeOffset" => statics;
        Static "FromUnixTimeSeconds"("long") -> "DateTimeOffset" => statics;
        Static "FromUnixTimeMilliseconds"("long") -> "DateTimeOffset" => statics;
        Method "ToUnixTimeSeconds"() -> "long" => members;
        Method "ToUnixTimeMilliseconds"() -> "long" => members;
        Property "UtcDateTime"() -> "DateTime" => members;
        Property "DateTime"() -> "DateTime" => members;
        Property "LocalDateTime"() -> "DateTime" => members;
        Property "Offset"() -> "TimeSpan" => members;
        Method "AddDays"("double") -> "DateTimeOffset" => members;
        Method "AddHours"("double") -> "DateTimeOffset" => members;
        Method "AddMinutes"("double") -> "DateTimeOffset" => members;
        Method "AddSeconds"("double") -> "DateTimeOffset" => members;
        Method "AddMilliseconds"("double") -> "DateTimeOffset" => members;
    }
};
