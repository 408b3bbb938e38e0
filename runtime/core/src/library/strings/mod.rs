//! `string`, `char` and `StringBuilder` members, and the `string.*` statics.
//!
//! The member index concatenates the tables in the order search, transform, statics: the
//! order of the original single table. Keep it, as the first entry for a key wins.

pub(super) mod search;
pub(super) mod statics;
pub(super) mod transform;

use crate::library::{arg, char_arg, comparison_arg, str_arg};
use crate::value::Value;
use crate::vm::{Fault, Obj, Vm};
use gatehouse_dotnet::string::StringComparison;

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
