//! `DateTime`: the clock, parsing, constructors, components and arithmetic.

use crate::library::{arg, f64_arg, int_arg, member_table, no_member, str_arg, MemberSpec};
use crate::value::Value;
use crate::vm::{Fault, Vm};
use gatehouse_dotnet::datetime::{DateTime, DateTimeKind};
use gatehouse_dotnet::{dtexact, dtparse};

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
            gatehouse_dotnet::datetime::MAX_TICKS,
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
    gatehouse_dotnet::dtformat::DAYS[d.day_of_week() as usize % 7]
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

/// `DateTime` members, in table order.
pub(in crate::library) const MEMBERS: &[MemberSpec] = member_table! {
    "DateTime" {
        StaticProperty "UtcNow"() -> "DateTime" => date_static;
        StaticProperty "Now"() -> "DateTime" => date_static;
        StaticProperty "Today"() -> "DateTime" => date_static;
        StaticProperty "MinValue"() -> "DateTime" => date_static;
        StaticProperty "MaxValue"() -> "DateTime" => date_static;
        Static "Parse"("string") -> "DateTime" => date_static;
        Static "TryParse"("string", "out DateTime") -> "bool" => date_static;
        Static "ParseExact"("string", "string", "IFormatProvider") -> "DateTime" => date_static;
        Constructor ".ctor"("int", "int", "int") -> "DateTime" => date_static;
        Constructor ".ctor"("int", "int", "int", "int", "int", "int") -> "DateTime" => date_static;
        Constructor ".ctor"("int", "int", "int", "int", "int", "int", "DateTimeKind") -> "DateTime"
            => date_static;
        Property "Year"() -> "int" => date_member;
        Property "Month"() -> "int" => date_member;
        Property "Day"() -> "int" => date_member;
        Property "Hour"() -> "int" => date_member;
        Property "Minute"() -> "int" => date_member;
        Property "Second"() -> "int" => date_member;
        Property "Millisecond"() -> "int" => date_member;
        Property "DayOfYear"() -> "int" => date_member;
        Property "DayOfWeek"() -> "DayOfWeek" => date_member;
        Property "Ticks"() -> "long" => date_member;
        Property "Date"() -> "DateTime" => date_member;
        Property "TimeOfDay"() -> "TimeSpan" => date_member;
        Property "Kind"() -> "DateTimeKind" => date_member;
        Method "ToUniversalTime"() -> "DateTime" => date_member;
        Method "ToLocalTime"() -> "DateTime" => date_member;
        Method "AddDays"("double") -> "DateTime" => date_member;
        Method "AddHours"("double") -> "DateTime" => date_member;
        Method "AddMinutes"("double") -> "DateTime" => date_member;
        Method "AddSeconds"("double") -> "DateTime" => date_member;
        Method "AddMilliseconds"("double") -> "DateTime" => date_member;
        Method "AddTicks"("long") -> "DateTime" => date_member;
        Method "AddMonths"("int") -> "DateTime" => date_member;
        Method "AddYears"("int") -> "DateTime" => date_member;
        Method "Add"("TimeSpan") -> "DateTime" => date_member;
        Method "Subtract"("DateTime|TimeSpan") -> "TimeSpan|DateTime" => date_member;
    }
};
