//! `string` properties and searching: `Length`, `IndexOf`, `Contains`, `StartsWith`, ...

use super::{chars_of, cmp_at, needle, recv};
use crate::library::{
    arg, comparison_arg, int, int_arg, member_table, no_member, opt_str, MemberSpec,
};
use crate::value::Value;
use crate::vm::{Fault, Obj, Vm};
use gatehouse_dotnet::string::{self as ds, StringComparison};

fn search(_: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let (h, n) = (recv(a), needle(a, 1)?);
    let culture = if matches!(arg(a, 1), Value::Char(_)) {
        StringComparison::Ordinal
    } else {
        StringComparison::CurrentCulture
    };
    Ok(match name {
        "Contains" => Value::Bool(ds::contains(h, &n, cmp_at(a, 2)?)),
        "StartsWith" => Value::Bool(ds::starts_with(
            h,
            &n,
            if a.len() > 2 { cmp_at(a, 2)? } else { culture },
        )),
        "EndsWith" => Value::Bool(ds::ends_with(
            h,
            &n,
            if a.len() > 2 { cmp_at(a, 2)? } else { culture },
        )),
        "IndexOf" => {
            let (start, cmp) = match (arg(a, 2), arg(a, 3)) {
                (Value::UInt(_), _) => (0, comparison_arg(a, 2)?),
                (Value::Null, _) => (0, StringComparison::Ordinal),
                (_, c) if !c.is_null() => (int_arg(a, 2)?, comparison_arg(a, 3)?),
                _ => (int_arg(a, 2)?, StringComparison::Ordinal),
            };
            int(ds::index_of(h, &n, start, cmp)?)?
        }
        "LastIndexOf" => int(ds::last_index_of(h, &n, cmp_at(a, 2)?))?,
        "Equals" => Value::Bool(match arg(a, 1) {
            Value::Str(x) => ds::equals(h, x, cmp_at(a, 2)?),
            _ => false,
        }),
        "CompareTo" => int(ds::compare(
            h,
            opt_str(a, 1)?.unwrap_or(""),
            StringComparison::CurrentCulture,
        ) as i64)?,
        _ => return Err(no_member(name)),
    })
}

fn props(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let h = recv(a);
    match name {
        "Length" => int(ds::length(h) as i64),
        "ToCharArray" => {
            let items = ds::utf16(h).into_iter().map(Value::Char).collect();
            vm.alloc(Obj::Array("System.Char", items))
        }
        "IndexOfAny" => int(ds::index_of_any(h, &chars_of(a, 1, vm)?)),
        _ => Err(no_member(name)),
    }
}

/// String property and search members, in table order.
pub(in crate::library) const MEMBERS: &[MemberSpec] = member_table! {
    "string" {
        Property "Length"() -> "int" => props;
        Method "ToCharArray"() -> "char[]" => props;
        Method "IndexOfAny"("char[]") -> "int" => props;
        Method "Contains"("string|char") -> "bool" => search;
        Method "Contains"("string|char", "StringComparison") -> "bool" => search;
        Method "StartsWith"("string|char") -> "bool" => search;
        Method "StartsWith"("string", "StringComparison") -> "bool" => search;
        Method "EndsWith"("string|char") -> "bool" => search;
        Method "EndsWith"("string", "StringComparison") -> "bool" => search;
        Method "IndexOf"("string|char") -> "int" => search;
        Method "IndexOf"("string|char", "int|StringComparison") -> "int" => search;
        Method "IndexOf"("string|char", "int", "StringComparison") -> "int" => search;
        Method "LastIndexOf"("string|char") -> "int" => search;
        Method "LastIndexOf"("string", "StringComparison") -> "int" => search;
        Method "Equals"("string") -> "bool" => search;
        Method "Equals"("string", "StringComparison") -> "bool" => search;
        Method "CompareTo"("string") -> "int" => search;
    }
};
