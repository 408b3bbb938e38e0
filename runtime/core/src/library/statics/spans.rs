//! `TimeSpan`: factories, parsing, constructors, components and arithmetic.

use crate::library::{arg, f64_arg, int_arg, member_table, no_member, str_arg, MemberSpec};
use crate::value::Value;
use crate::vm::{Fault, Vm};
use gatehouse_dotnet::timespan::TimeSpan;

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

/// `TimeSpan` members, in table order.
pub(in crate::library) const MEMBERS: &[MemberSpec] = member_table! {
    "TimeSpan" {
        Static "FromDays"("double") -> "TimeSpan" => span_static;
        Static "FromHours"("double") -> "TimeSpan" => span_static;
        Static "FromMinutes"("double") -> "TimeSpan" => span_static;
        Static "FromSeconds"("double") -> "TimeSpan" => span_static;
        Static "FromMilliseconds"("double") -> "TimeSpan" => span_static;
        Static "FromTicks"("long") -> "TimeSpan" => span_static;
        StaticProperty "Zero"() -> "TimeSpan" => span_static;
        Static "Parse"("string") -> "TimeSpan" => span_static;
        Constructor ".ctor"("int", "int", "int") -> "TimeSpan" => span_static;
        Constructor ".ctor"("int", "int", "int", "int") -> "TimeSpan" => span_static;
        Constructor ".ctor"("int", "int", "int", "int", "int") -> "TimeSpan" => span_static;
        Property "Days"() -> "int" => span_member;
        Property "Hours"() -> "int" => span_member;
        Property "Minutes"() -> "int" => span_member;
        Property "Seconds"() -> "int" => span_member;
        Property "Milliseconds"() -> "int" => span_member;
        Property "Ticks"() -> "long" => span_member;
        Property "TotalDays"() -> "double" => span_member;
        Property "TotalHours"() -> "double" => span_member;
        Property "TotalMinutes"() -> "double" => span_member;
        Property "TotalSeconds"() -> "double" => span_member;
        Property "TotalMilliseconds"() -> "double" => span_member;
        Method "Add"("TimeSpan") -> "TimeSpan" => span_member;
        Method "Subtract"("TimeSpan") -> "TimeSpan" => span_member;
        Method "Negate"() -> "TimeSpan" => span_member;
        Method "Duration"() -> "TimeSpan" => span_member;
    }
};
