//! `Regex` (static and instance), `Match`, `GroupCollection` and `Group`.

use super::{arg, int, int_arg, member_table, no_member, s, str_arg, strings, MemberSpec};
use crate::value::Value;
use crate::vm::{Fault, Obj, Vm};
use gatehouse_dotnet::regex::{self as dr, Regex, RegexOptions};
use gatehouse_dotnet::DotnetError;
use std::sync::Arc;

/// `RegexOptions` flags as lowered integers.
pub fn options(bits: i64) -> RegexOptions {
    RegexOptions {
        ignore_case: bits & 1 != 0,
        multiline: bits & 2 != 0,
        explicit_capture: bits & 4 != 0,
        singleline: bits & 16 != 0,
        ignore_pattern_whitespace: bits & 32 != 0,
    }
}

fn compile(vm: &Vm<'_>, pattern: &str, bits: i64) -> Result<Arc<Regex>, Fault> {
    Ok(Arc::new(Regex::new(
        pattern,
        options(bits),
        vm.limits.regex_backtrack,
    )?))
}

fn run(vm: &mut Vm<'_>, name: &'static str, re: Arc<Regex>, a: &[Value]) -> Result<Value, Fault> {
    let input = str_arg(a, 0)?.to_string();
    match name {
        "IsMatch" => Ok(Value::Bool(re.is_match(&input)?)),
        "Match" => {
            let m = re.find(&input)?;
            vm.alloc(Obj::Match(Box::new(m)))
        }
        "Matches" => {
            let ms = re.matches(&input)?;
            let mut items = Vec::with_capacity(ms.len());
            for m in ms {
                items.push(vm.alloc(Obj::Match(Box::new(m)))?);
            }
            vm.alloc(Obj::List("System.Text.RegularExpressions.Match", items))
        }
        "Replace" => match arg(a, 1) {
            Value::Str(rep) => s(re.replace(&input, rep, None)?),
            f @ Value::Ref(_) => {
                let f = f.clone();
                let mut failure = None;
                let out = re.replace_with(&input, |m| {
                    let mv = vm
                        .alloc(Obj::Match(Box::new(m.clone())))
                        .map_err(|e| DotnetError::argument(e.message.clone()))?;
                    match vm.invoke(&f, &[mv]) {
                        Ok(v) => Ok(vm.text(&v)),
                        Err(e) => {
                            let msg = e.message.clone();
                            failure = Some(e);
                            Err(DotnetError::argument(msg))
                        }
                    }
                });
                match (out, failure) {
                    (_, Some(f)) => Err(f),
                    (r, None) => s(r?),
                }
            }
            _ => Err(Fault::new(
                crate::vm::FaultKind::ArgumentNull,
                "Value cannot be null. (Parameter 'replacement')",
            )),
        },
        "Split" => {
            let parts = re.split(&input)?;
            strings(vm, parts)
        }
        _ => Err(no_member(name)),
    }
}

fn statics(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    match name {
        "Escape" => return s(dr::escape(str_arg(a, 0)?)),
        "Unescape" => return s(dr::unescape(str_arg(a, 0)?)?),
        _ => {}
    }
    let pattern_at = 1;
    let fixed = if name == "Replace" { 3 } else { 2 };
    let bits = if a.len() > fixed {
        int_arg(a, fixed)?
    } else {
        0
    };
    let re = compile(vm, str_arg(a, pattern_at)?, bits)?;
    let mut rest = vec![arg(a, 0).clone()];
    rest.extend(a.iter().skip(2).take(fixed - 2).cloned());
    run(vm, name, re, &rest)
}

fn instance(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let re = match arg(a, 0) {
        Value::Ref(r) => match vm.heap.get(*r) {
            Obj::Regex(re) => re.clone(),
            _ => return Err(no_member(name)),
        },
        _ => return Err(Fault::null()),
    };
    run(vm, name, re, &a[1..])
}

fn construct(vm: &mut Vm<'_>, _: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let bits = if a.len() > 1 { int_arg(a, 1)? } else { 0 };
    let re = compile(vm, str_arg(a, 0)?, bits)?;
    vm.alloc(Obj::Regex(re))
}

fn groups(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let Value::Ref(r) = arg(a, 0) else {
        return Err(Fault::null());
    };
    let r = *r;
    let g = match vm.heap.get(r) {
        Obj::Match(m) if name == "Groups" => return vm.alloc(Obj::Groups(r)),
        Obj::Match(m) => m.groups.first().cloned().unwrap_or_default(),
        Obj::Group(g) => g.clone(),
        Obj::Groups(m) => {
            let n = match vm.heap.get(*m) {
                Obj::Match(mm) => mm.groups.len(),
                _ => 0,
            };
            return int(n as i64);
        }
        _ => return Err(no_member(name)),
    };
    match name {
        "Success" => Ok(Value::Bool(g.success)),
        "Value" => s(g.value),
        "Index" => int(g.index as i64),
        "Length" => int(g.length as i64),
        "Name" => s(g.name),
        _ => Err(no_member(name)),
    }
}

/// Regex members.
pub(super) const MEMBERS: &[MemberSpec] = member_table! {
    "Regex" {
        Constructor ".ctor"("string") -> "Regex" => construct;
        Constructor ".ctor"("string", "RegexOptions") -> "Regex" => construct;
        Static "IsMatch"("string", "string") -> "bool" => statics;
        Static "IsMatch"("string", "string", "RegexOptions") -> "bool" => statics;
        Static "Match"("string", "string") -> "Match" => statics;
        Static "Match"("string", "string", "RegexOptions") -> "Match" => statics;
        Static "Matches"("string", "string") -> "MatchCollection" => statics;
        Static "Matches"("string", "string", "RegexOptions") -> "MatchCollection" => statics;
        Static "Replace"("string", "string", "string|MatchEvaluator") -> "string" => statics;
        Static "Replace"("string", "string", "string|MatchEvaluator", "RegexOptions") -> "string"
            => statics;
        Static "Split"("string", "string") -> "string[]" => statics;
        Static "Split"("string", "string", "RegexOptions") -> "string[]" => statics;
        Static "Escape"("string") -> "string" => statics;
        Static "Unescape"("string") -> "string" => statics;
        Method "IsMatch"("string") -> "bool" => instance;
        Method "Match"("string") -> "Match" => instance;
        Method "Matches"("string") -> "MatchCollection" => instance;
        Method "Replace"("string", "string|MatchEvaluator") -> "string" => instance;
        Method "Split"("string") -> "string[]" => instance;
    }
    "Match" {
        Property "Groups"() -> "GroupCollection" => groups;
    }
    "Group" {
        Property "Success"() -> "bool" => groups;
        Property "Value"() -> "string" => groups;
        Property "Index"() -> "int" => groups;
        Property "Length"() -> "int" => groups;
        Property "Name"() -> "string" => groups;
    }
    "GroupCollection" {
        Property "Count"() -> "int" => groups;
    }
};
