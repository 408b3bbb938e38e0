//! `IMessageBody.AsFormUrlEncodedContent(preserveContent)` and
//! `IDictionary<string, IList<string>>.ToFormUrlEncodedContent()`.
//!
//! The body is read like `As<string>()` (consumed unless `preserveContent`); each
//! `name=value` pair is percent-decoded with `+` as a space, and values of a repeated name
//! are gathered in order. Serializing escapes names and values as `FormUrlEncodedContent`
//! does (`Uri.EscapeDataString`, then `%20` as `+`).

use super::{arg, bool_arg, member_table, no_member, s, MemberSpec};
use crate::value::{HostObj, Value};
use crate::vm::{Fault, Key, Obj, Vm};
use gatehouse_dotnet::uri::{escape_data_string, url_decode};
use indexmap::IndexMap;

/// `AsFormUrlEncodedContent()`: null when there is no (or no longer a) body.
fn as_form(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let Value::Host(HostObj::Body(msg)) = arg(a, 0) else {
        return Err(no_member(name));
    };
    let msg = *msg;
    let preserve = a.len() > 1 && bool_arg(a, 1)?;
    let Some(text) = vm.host.body(msg, preserve) else {
        return Ok(Value::Null);
    };
    let mut grouped: IndexMap<String, Vec<Value>> = IndexMap::new();
    for part in text.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        grouped
            .entry(url_decode(k))
            .or_default()
            .push(Value::str(url_decode(v)));
    }
    let mut dict = IndexMap::new();
    for (k, vals) in grouped {
        let list = vm.alloc(Obj::List("System.String", vals))?;
        let key = Value::str(k);
        dict.insert(Key::of(&key), (key, list));
    }
    vm.alloc(Obj::Dict(dict))
}

/// A form name or value escaped for `application/x-www-form-urlencoded`.
fn escape(s: &str) -> String {
    escape_data_string(s).replace("%20", "+")
}

/// `ToFormUrlEncodedContent()`: `name=value` pairs joined with `&`, one per value.
fn to_form(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let Value::Ref(r) = arg(a, 0) else {
        return Err(Fault::null());
    };
    let entries: Vec<(Value, Value)> = match vm.heap.get(*r) {
        Obj::Dict(m) => m.values().cloned().collect(),
        _ => return Err(no_member(name)),
    };
    let mut out = Vec::new();
    for (k, v) in entries {
        let key = escape(&vm.text(&k));
        let vals = match &v {
            Value::Null => Vec::new(),
            Value::Ref(_) => super::enumerate(vm, &v)?,
            other => vec![other.clone()],
        };
        for val in vals {
            out.push(format!("{key}={}", escape(&vm.text(&val))));
        }
    }
    s(out.join("&"))
}

/// Form bodies.
pub(super) const MEMBERS: &[MemberSpec] = member_table! {
    "IMessageBody" {
        Method "AsFormUrlEncodedContent"() -> "IDictionary<string, IList<string>>" => as_form;
        Method "AsFormUrlEncodedContent"("bool") -> "IDictionary<string, IList<string>>" => as_form;
    }
    "Dictionary" {
        Method "ToFormUrlEncodedContent"() -> "string" => to_form;
    }
};
