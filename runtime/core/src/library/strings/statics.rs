//! The `string.*`, `char.*` and `bool.*` statics, and `StringBuilder`.

use super::cmp_at;
use crate::library::{
    arg, bool_arg, char_arg, comparison_arg, int, int_arg, member_table, no_member, opt_str, s,
    str_arg, MemberSpec,
};
use crate::value::Value;
use crate::vm::{Fault, Obj, Vm};
use gatehouse_dotnet::string::{self as ds, StringComparison};
use gatehouse_dotnet::strsplit;

fn statics(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    match name {
        "IsNullOrEmpty" => Ok(Value::Bool(ds::is_null_or_empty(opt_str(a, 0)?))),
        "IsNullOrWhiteSpace" => Ok(Value::Bool(ds::is_null_or_white_space(opt_str(a, 0)?))),
        "Empty" => s(""),
        "Equals" => Ok(Value::Bool(match (opt_str(a, 0)?, opt_str(a, 1)?) {
            (Some(x), Some(y)) => ds::equals(x, y, cmp_at(a, 2)?),
            (x, y) => x.is_none() && y.is_none(),
        })),
        "Compare" => {
            let cmp = match arg(a, 2) {
                Value::Bool(true) => StringComparison::CurrentCultureIgnoreCase,
                Value::Bool(false) | Value::Null => StringComparison::CurrentCulture,
                _ => comparison_arg(a, 2)?,
            };
            int(ds::compare(
                opt_str(a, 0)?.unwrap_or(""),
                opt_str(a, 1)?.unwrap_or(""),
                cmp,
            ) as i64)
        }
        "Join" | "Concat" => {
            let (sep, from) = if name == "Join" {
                (vm.text(arg(a, 0)), 1)
            } else {
                (String::new(), 0)
            };
            let items: Vec<Value> = if a.len() == from + 1 && matches!(arg(a, from), Value::Ref(_))
            {
                crate::library::enumerate(vm, arg(a, from))?
            } else {
                a.iter().skip(from).cloned().collect()
            };
            let mut texts: Vec<String> = Vec::with_capacity(items.len());
            for v in &items {
                let t = vm.text(v);
                crate::vm::budget::charge(t.len() + sep.len())?;
                texts.push(t);
            }
            s(texts.join(&sep))
        }
        "Format" => {
            let fmt = str_arg(a, 0)?.to_string();
            let vals: Vec<Value> = if a.len() == 2 && is_object_array(vm, arg(a, 1)) {
                crate::library::enumerate(vm, arg(a, 1))?
            } else {
                a.iter().skip(1).cloned().collect()
            };
            let heap = &vm.heap;
            let out = strsplit::composite_format(&fmt, vals.len(), |i, f| {
                crate::vm::format(heap, vals.get(i).unwrap_or(&Value::Null), f)
                    .map_err(|e| gatehouse_dotnet::DotnetError::format(e.message))
            })?;
            s(out)
        }
        _ => Err(no_member(name)),
    }
}

fn is_object_array(vm: &Vm<'_>, v: &Value) -> bool {
    matches!(v, Value::Ref(r) if matches!(vm.heap.get(*r), Obj::Array("System.Object", _)))
}

fn chars(_: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let c = match arg(a, 0) {
        Value::Str(x) => {
            let i = int_arg(a, 1)?;
            char::from_u32(ds::char_at(x, i)? as u32).unwrap_or('\u{FFFD}')
        }
        _ => char_arg(a, 0)?,
    };
    let b = |x| Ok(Value::Bool(x));
    match name {
        "IsDigit" => b(ds::is_digit(c)),
        "IsLetter" => b(ds::is_letter(c)),
        "IsLetterOrDigit" => b(ds::is_letter_or_digit(c)),
        "IsWhiteSpace" => b(ds::is_white_space(c)),
        "IsUpper" => b(ds::is_upper(c)),
        "IsLower" => b(ds::is_lower(c)),
        "ToUpper" => Ok(Value::Char(ds::char_to_upper(c) as u32 as u16)),
        "ToLower" => Ok(Value::Char(ds::char_to_lower(c) as u32 as u16)),
        _ => Err(no_member(name)),
    }
}

fn builder(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    if name == ".ctor" {
        let init = opt_str(a, 0).ok().flatten().unwrap_or("").to_string();
        crate::vm::budget::charge(init.len())?;
        return vm.alloc(Obj::Builder(init));
    }
    let text = match name {
        "Append" | "AppendLine" => {
            let mut t = if a.len() > 1 {
                vm.text(arg(a, 1))
            } else {
                String::new()
            };
            if name == "AppendLine" {
                t.push_str("\r\n");
            }
            crate::vm::budget::charge(t.len())?;
            Some(t)
        }
        _ => None,
    };
    let Value::Ref(r) = arg(a, 0) else {
        return Err(Fault::null());
    };
    let r = *r;
    let Some(Obj::Builder(sb)) = vm.heap.get_mut(r) else {
        return Err(no_member(name));
    };
    match name {
        "Length" => int(ds::length(sb) as i64),
        "Clear" => {
            sb.clear();
            Ok(Value::Ref(r))
        }
        _ => {
            sb.push_str(&text.unwrap_or_default());
            Ok(Value::Ref(r))
        }
    }
}

fn bool_parse(_: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let _ = bool_arg;
    match name {
        "Parse" => Ok(Value::Bool(gatehouse_dotnet::numparse::parse_bool(
            str_arg(a, 0)?,
        )?)),
        _ => Err(no_member(name)),
    }
}

/// String statics, char and bool statics, and StringBuilder members, in table order.
pub(in crate::library) const MEMBERS: &[MemberSpec] = member_table! {
    "string" {
        Static "IsNullOrEmpty"("string") -> "bool" => statics;
        Static "IsNullOrWhiteSpace"("string") -> "bool" => statics;
        StaticProperty "Empty"() -> "string" => statics;
        Static "Equals"("string", "string") -> "bool" => statics;
        Static "Equals"("string", "string", "StringComparison") -> "bool" => statics;
        Static "Compare"("string", "string") -> "int" => statics;
        Static "Compare"("string", "string", "bool|StringComparison") -> "int" => statics;
        Static "Join"("string|char", "params object[]") -> "string" => statics;
        Static "Concat"("params object[]") -> "string" => statics;
        Static "Format"("string", "params object[]") -> "string" => statics;
        Constructor ".ctor"("char", "int") -> "string" => |_, _, a| {
            s(gatehouse_dotnet::string::repeat_char(char_arg(a, 0)?, int_arg(a, 1)?)?)
        };
    }
    "char" {
        Static "IsDigit"("char") -> "bool" => chars;
        Static "IsDigit"("string", "int") -> "bool" => chars;
        Static "IsLetter"("char") -> "bool" => chars;
        Static "IsLetterOrDigit"("char") -> "bool" => chars;
        Static "IsWhiteSpace"("char") -> "bool" => chars;
        Static "IsUpper"("char") -> "bool" => chars;
        Static "IsLower"("char") -> "bool" => chars;
        Static "ToUpper"("char") -> "char" => chars;
        Static "ToLower"("char") -> "char" => chars;
    }
    "bool" {
        Static "Parse"("string") -> "bool" => bool_parse;
    }
    "StringBuilder" {
        Constructor ".ctor"() -> "StringBuilder" => builder;
        Constructor ".ctor"("string") -> "StringBuilder" => builder;
        Method "Append"("object") -> "StringBuilder" => builder;
        Method "AppendLine"() -> "StringBuilder" => builder;
        Method "AppendLine"("string") -> "StringBuilder" => builder;
        Method "Clear"() -> "StringBuilder" => builder;
        Property "Length"() -> "int" => builder;
    }
};
