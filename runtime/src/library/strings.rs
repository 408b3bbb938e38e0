//! `string`, `char` and `StringBuilder` members, and the `string.*` statics.

use super::{
    arg, bool_arg, char_arg, comparison_arg, int, int_arg, m, no_member, opt_str, s, str_arg,
    strings, MemberSpec,
};
use crate::dotnet::string::{self as ds, StringComparison};
use crate::dotnet::strsplit::{self, SplitOptions};
use crate::value::Value;
use crate::vm::{Fault, Obj, Vm};

fn recv(a: &[Value]) -> &str {
    arg(a, 0).as_str().unwrap_or("")
}

/// The needle of `IndexOf`/`Contains`/…: a string or a char.
fn needle(a: &[Value], i: usize) -> Result<String, Fault> {
    match arg(a, i) {
        Value::Char(_) => Ok(char_arg(a, i)?.to_string()),
        _ => Ok(str_arg(a, i)?.to_string()),
    }
}

fn cmp_at(a: &[Value], i: usize) -> Result<StringComparison, Fault> {
    match arg(a, i) {
        Value::Null => Ok(StringComparison::Ordinal),
        _ => comparison_arg(a, i),
    }
}

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

fn chars_of(a: &[Value], from: usize, vm: &Vm<'_>) -> Result<Vec<char>, Fault> {
    let mut out = Vec::new();
    for v in a.iter().skip(from) {
        match v {
            Value::Char(_) => {
                out.push(char::from_u32(v.as_i128().unwrap_or(0) as u32).unwrap_or('\u{FFFD}'))
            }
            Value::Ref(r) => {
                if let Obj::Array(_, xs) = vm.heap.get(*r) {
                    out.extend(
                        xs.iter()
                            .filter_map(|x| x.as_i128())
                            .filter_map(|c| char::from_u32(c as u32)),
                    );
                }
            }
            _ => return Err(Fault::cast("object", "System.Char")),
        }
    }
    Ok(out)
}

fn transform(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let h = recv(a);
    let out: String = match name {
        "ToUpper" | "ToUpperInvariant" => ds::to_upper(h),
        "ToLower" | "ToLowerInvariant" => ds::to_lower(h),
        "Trim" | "TrimStart" | "TrimEnd" if a.len() == 1 => match name {
            "Trim" => ds::trim(h),
            "TrimStart" => ds::trim_start(h),
            _ => ds::trim_end(h),
        }
        .to_string(),
        "Trim" | "TrimStart" | "TrimEnd" => {
            let cs = chars_of(a, 1, vm)?;
            match name {
                "Trim" => ds::trim_chars(h, &cs),
                "TrimStart" => ds::trim_start_chars(h, &cs),
                _ => ds::trim_end_chars(h, &cs),
            }
            .to_string()
        }
        "Substring" => ds::substring(
            h,
            int_arg(a, 1)?,
            if a.len() > 2 {
                Some(int_arg(a, 2)?)
            } else {
                None
            },
        )?,
        "Replace" => match arg(a, 1) {
            Value::Char(_) => ds::replace(h, &needle(a, 1)?, Some(&needle(a, 2)?))?,
            _ => ds::replace(h, str_arg(a, 1)?, opt_str(a, 2)?)?,
        },
        "Insert" => ds::insert(h, int_arg(a, 1)?, str_arg(a, 2)?)?,
        "Remove" => ds::remove(
            h,
            int_arg(a, 1)?,
            if a.len() > 2 {
                Some(int_arg(a, 2)?)
            } else {
                None
            },
        )?,
        "PadLeft" | "PadRight" => {
            let pad = if a.len() > 2 { char_arg(a, 2)? } else { ' ' };
            let f = if name == "PadLeft" {
                ds::pad_left
            } else {
                ds::pad_right
            };
            f(h, int_arg(a, 1)?, pad)?
        }
        _ => return Err(no_member(name)),
    };
    s(out)
}

fn split(vm: &mut Vm<'_>, _: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let h = recv(a).to_string();
    let mut chars = Vec::new();
    let mut strs: Vec<String> = Vec::new();
    let mut ints = Vec::new();
    for v in a.iter().skip(1) {
        match v {
            Value::Char(c) => chars.push(char::from_u32(*c as u32).unwrap_or('\u{FFFD}')),
            Value::Str(x) => strs.push(x.to_string()),
            Value::Int(i) => ints.push(*i as i64),
            Value::Ref(r) => match vm.heap.get(*r) {
                Obj::Array(_, xs) => {
                    for x in xs {
                        match x {
                            Value::Str(t) => strs.push(t.to_string()),
                            other => {
                                chars.extend(other.as_i128().and_then(|c| char::from_u32(c as u32)))
                            }
                        }
                    }
                }
                _ => return Err(Fault::cast("object", "System.Char[]")),
            },
            Value::Null => {}
            _ => return Err(Fault::cast("object", "System.Char")),
        }
    }
    let (count, flags) = match ints.as_slice() {
        [] => (None, 0),
        [f] => (None, *f),
        [c, f, ..] => (Some(*c), *f),
    };
    let opts = SplitOptions {
        remove_empty: flags & 1 != 0,
        trim: flags & 2 != 0,
    };
    let parts = if strs.is_empty() {
        strsplit::split_chars(&h, &chars, count, opts)?
    } else {
        let mut seps: Vec<&str> = strs.iter().map(String::as_str).collect();
        let cs: Vec<String> = chars.iter().map(|c| c.to_string()).collect();
        seps.extend(cs.iter().map(String::as_str));
        strsplit::split_strings(&h, &seps, count, opts)?
    };
    strings(vm, parts)
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
                super::enumerate(vm, arg(a, from))?
            } else {
                a.iter().skip(from).cloned().collect()
            };
            let texts: Vec<String> = items.iter().map(|v| vm.text(v)).collect();
            s(texts.join(&sep))
        }
        "Format" => {
            let fmt = str_arg(a, 0)?.to_string();
            let vals: Vec<Value> = if a.len() == 2 && is_object_array(vm, arg(a, 1)) {
                super::enumerate(vm, arg(a, 1))?
            } else {
                a.iter().skip(1).cloned().collect()
            };
            let heap = &vm.heap;
            let out = strsplit::composite_format(&fmt, vals.len(), |i, f| {
                crate::vm::format(heap, vals.get(i).unwrap_or(&Value::Null), f)
                    .map_err(|e| crate::dotnet::DotnetError::format(e.message))
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
        "Parse" => Ok(Value::Bool(crate::dotnet::numparse::parse_bool(str_arg(
            a, 0,
        )?)?)),
        _ => Err(no_member(name)),
    }
}

/// String, char and StringBuilder members.
pub(super) const MEMBERS: &[MemberSpec] = &[
    m!("string", "Length", Property, [], "int", props),
    m!("string", "ToCharArray", Method, [], "char[]", props),
    m!("string", "IndexOfAny", Method, ["char[]"], "int", props),
    m!(
        "string",
        "Contains",
        Method,
        ["string|char"],
        "bool",
        search
    ),
    m!(
        "string",
        "Contains",
        Method,
        ["string|char", "StringComparison"],
        "bool",
        search
    ),
    m!(
        "string",
        "StartsWith",
        Method,
        ["string|char"],
        "bool",
        search
    ),
    m!(
        "string",
        "StartsWith",
        Method,
        ["string", "StringComparison"],
        "bool",
        search
    ),
    m!(
        "string",
        "EndsWith",
        Method,
        ["string|char"],
        "bool",
        search
    ),
    m!(
        "string",
        "EndsWith",
        Method,
        ["string", "StringComparison"],
        "bool",
        search
    ),
    m!("string", "IndexOf", Method, ["string|char"], "int", search),
    m!(
        "string",
        "IndexOf",
        Method,
        ["string|char", "int|StringComparison"],
        "int",
        search
    ),
    m!(
        "string",
        "IndexOf",
        Method,
        ["string|char", "int", "StringComparison"],
        "int",
        search
    ),
    m!(
        "string",
        "LastIndexOf",
        Method,
        ["string|char"],
        "int",
        search
    ),
    m!(
        "string",
        "LastIndexOf",
        Method,
        ["string", "StringComparison"],
        "int",
        search
    ),
    m!("string", "Equals", Method, ["string"], "bool", search),
    m!(
        "string",
        "Equals",
        Method,
        ["string", "StringComparison"],
        "bool",
        search
    ),
    m!("string", "CompareTo", Method, ["string"], "int", search),
    m!("string", "ToUpper", Method, [], "string", transform),
    m!("string", "ToLower", Method, [], "string", transform),
    m!(
        "string",
        "ToUpperInvariant",
        Method,
        [],
        "string",
        transform
    ),
    m!(
        "string",
        "ToLowerInvariant",
        Method,
        [],
        "string",
        transform
    ),
    m!("string", "Trim", Method, [], "string", transform),
    m!(
        "string",
        "Trim",
        Method,
        ["params char[]"],
        "string",
        transform
    ),
    m!(
        "string",
        "Trim",
        Method,
        ["char", "char"],
        "string",
        transform
    ),
    m!("string", "TrimStart", Method, [], "string", transform),
    m!(
        "string",
        "TrimStart",
        Method,
        ["params char[]"],
        "string",
        transform
    ),
    m!("string", "TrimEnd", Method, [], "string", transform),
    m!(
        "string",
        "TrimEnd",
        Method,
        ["params char[]"],
        "string",
        transform
    ),
    m!("string", "Substring", Method, ["int"], "string", transform),
    m!(
        "string",
        "Substring",
        Method,
        ["int", "int"],
        "string",
        transform
    ),
    m!(
        "string",
        "Replace",
        Method,
        ["string|char", "string|char"],
        "string",
        transform
    ),
    m!(
        "string",
        "Insert",
        Method,
        ["int", "string"],
        "string",
        transform
    ),
    m!("string", "Remove", Method, ["int"], "string", transform),
    m!(
        "string",
        "Remove",
        Method,
        ["int", "int"],
        "string",
        transform
    ),
    m!("string", "PadLeft", Method, ["int"], "string", transform),
    m!(
        "string",
        "PadLeft",
        Method,
        ["int", "char"],
        "string",
        transform
    ),
    m!("string", "PadRight", Method, ["int"], "string", transform),
    m!(
        "string",
        "PadRight",
        Method,
        ["int", "char"],
        "string",
        transform
    ),
    m!(
        "string",
        "Split",
        Method,
        ["params char[]|string[]"],
        "string[]",
        split
    ),
    m!(
        "string",
        "Split",
        Method,
        ["char[]|string[]|char", "StringSplitOptions|char"],
        "string[]",
        split
    ),
    m!(
        "string",
        "Split",
        Method,
        [
            "char[]|string[]|char",
            "int|char",
            "StringSplitOptions|char"
        ],
        "string[]",
        split
    ),
    m!(
        "string",
        "Split",
        Method,
        ["char", "char", "char", "char"],
        "string[]",
        split
    ),
    m!(
        "string",
        "IsNullOrEmpty",
        Static,
        ["string"],
        "bool",
        statics
    ),
    m!(
        "string",
        "IsNullOrWhiteSpace",
        Static,
        ["string"],
        "bool",
        statics
    ),
    m!("string", "Empty", StaticProperty, [], "string", statics),
    m!(
        "string",
        "Equals",
        Static,
        ["string", "string"],
        "bool",
        statics
    ),
    m!(
        "string",
        "Equals",
        Static,
        ["string", "string", "StringComparison"],
        "bool",
        statics
    ),
    m!(
        "string",
        "Compare",
        Static,
        ["string", "string"],
        "int",
        statics
    ),
    m!(
        "string",
        "Compare",
        Static,
        ["string", "string", "bool|StringComparison"],
        "int",
        statics
    ),
    m!(
        "string",
        "Join",
        Static,
        ["string|char", "params object[]"],
        "string",
        statics
    ),
    m!(
        "string",
        "Concat",
        Static,
        ["params object[]"],
        "string",
        statics
    ),
    m!(
        "string",
        "Format",
        Static,
        ["string", "params object[]"],
        "string",
        statics
    ),
    m!("char", "IsDigit", Static, ["char"], "bool", chars),
    m!("char", "IsDigit", Static, ["string", "int"], "bool", chars),
    m!("char", "IsLetter", Static, ["char"], "bool", chars),
    m!("char", "IsLetterOrDigit", Static, ["char"], "bool", chars),
    m!("char", "IsWhiteSpace", Static, ["char"], "bool", chars),
    m!("char", "IsUpper", Static, ["char"], "bool", chars),
    m!("char", "IsLower", Static, ["char"], "bool", chars),
    m!("char", "ToUpper", Static, ["char"], "char", chars),
    m!("char", "ToLower", Static, ["char"], "char", chars),
    m!("bool", "Parse", Static, ["string"], "bool", bool_parse),
    m!(
        "StringBuilder",
        ".ctor",
        Constructor,
        [],
        "StringBuilder",
        builder
    ),
    m!(
        "StringBuilder",
        ".ctor",
        Constructor,
        ["string"],
        "StringBuilder",
        builder
    ),
    m!(
        "StringBuilder",
        "Append",
        Method,
        ["object"],
        "StringBuilder",
        builder
    ),
    m!(
        "StringBuilder",
        "AppendLine",
        Method,
        [],
        "StringBuilder",
        builder
    ),
    m!(
        "StringBuilder",
        "AppendLine",
        Method,
        ["string"],
        "StringBuilder",
        builder
    ),
    m!(
        "StringBuilder",
        "Clear",
        Method,
        [],
        "StringBuilder",
        builder
    ),
    m!("StringBuilder", "Length", Property, [], "int", builder),
];
