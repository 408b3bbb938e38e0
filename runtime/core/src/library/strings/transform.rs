//! `string` transformations and `Split`.

use super::{chars_of, needle, recv};
use crate::library::{
    arg, char_arg, int_arg, member_table, no_member, opt_int_arg, opt_str, s, str_arg, strings,
    MemberSpec,
};
use crate::value::Value;
use crate::vm::{Fault, Obj, Vm};
use gatehouse_dotnet::string as ds;
use gatehouse_dotnet::strsplit::{self, SplitOptions};

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
        "Substring" => ds::substring(h, int_arg(a, 1)?, opt_int_arg(a, 2)?)?,
        "Replace" => match arg(a, 1) {
            Value::Char(_) => ds::replace(h, &needle(a, 1)?, Some(&needle(a, 2)?))?,
            _ => ds::replace(h, str_arg(a, 1)?, opt_str(a, 2)?)?,
        },
        "Insert" => ds::insert(h, int_arg(a, 1)?, str_arg(a, 2)?)?,
        "Remove" => ds::remove(h, int_arg(a, 1)?, opt_int_arg(a, 2)?)?,
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

/// String transformation and split members, in table order.
pub(in crate::library) const MEMBERS: &[MemberSpec] = member_table! {
    "string" {
        Method "ToUpper"() -> "string" => transform;
        Method "ToLower"() -> "string" => transform;
        Method "ToUpperInvariant"() -> "string" => transform;
        Method "ToLowerInvariant"() -> "string" => transform;
        Method "Trim"() -> "string" => transform;
        Method "Trim"("params char[]") -> "string" => transform;
        Method "Trim"("char", "char") -> "string" => transform;
        Method "TrimStart"() -> "string" => transform;
        Method "TrimStart"("params char[]") -> "string" => transform;
        Method "TrimEnd"() -> "string" => transform;
        Method "TrimEnd"("params char[]") -> "string" => transform;
        Method "Substring"("int") -> "string" => transform;
        Method "Substring"("int", "int") -> "string" => transform;
        Method "Replace"("string|char", "string|char") -> "string" => transform;
        Method "Insert"("int", "string") -> "string" => transform;
        Method "Remove"("int") -> "string" => transform;
        Method "Remove"("int", "int") -> "string" => transform;
        Method "PadLeft"("int") -> "string" => transform;
        Method "PadLeft"("int", "char") -> "string" => transform;
        Method "PadRight"("int") -> "string" => transform;
        Method "PadRight"("int", "char") -> "string" => transform;
        Method "Split"("params char[]|string[]") -> "string[]" => split;
        Method "Split"("char[]|string[]|char", "StringSplitOptions|char") -> "string[]" => split;
        Method "Split"("char[]|string[]|char", "int|char", "StringSplitOptions|char") -> "string[]"
            => split;
        Method "Split"("char", "char", "char", "char") -> "string[]" => split;
    }
};
