//! Exceptions and the enum constants (`StringComparison`, `RegexOptions`, ...).

use crate::library::{arg, m, no_member, s, MemberSpec, COMPARISON_TAG};
use crate::value::Value;
use crate::vm::{Fault, FaultKind, Obj, Vm};

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

macro_rules! constant {
    ($ty:literal, $name:literal, $v:expr) => {
        m!($ty, $name, StaticProperty, [], $ty, |_, _, _| Ok($v))
    };
}

/// Exception members and enum constants, in table order.
pub(in crate::library) const MEMBERS: &[MemberSpec] = &[
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
        Value::UInt(crate::library::numbers::ROUNDING_TAG)
    ),
    constant!(
        "MidpointRounding",
        "AwayFromZero",
        Value::UInt(crate::library::numbers::ROUNDING_TAG | 1)
    ),
    constant!(
        "MidpointRounding",
        "ToZero",
        Value::UInt(crate::library::numbers::ROUNDING_TAG | 2)
    ),
    constant!("DateTimeKind", "Unspecified", Value::Int(0)),
    constant!("DateTimeKind", "Utc", Value::Int(1)),
    constant!("DateTimeKind", "Local", Value::Int(2)),
    constant!("DayOfWeek", "Sunday", Value::str("Sunday")),
    constant!("DayOfWeek", "Monday", Value::str("Monday")),
    constant!("DayOfWeek", "Saturday", Value::str("Saturday")),
    constant!("CultureInfo", "InvariantCulture", Value::Null),
];
