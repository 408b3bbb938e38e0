//! `ToString()`, `ToString(format)` and `GetType().FullName` of any value.

use super::fault::Fault;
use super::heap::{Enc, Heap, Obj};
use crate::value::{HostObj, Value};
use gatehouse_dotnet::jsonwrite::{quote, write, Formatting};

/// `v.ToString()` as .NET prints it (`null` prints as the empty string, as in
/// interpolation and concatenation).
pub fn to_dotnet_string(heap: &Heap, v: &Value) -> String {
    if let Some(s) = v.scalar_string() {
        return s;
    }
    match v {
        Value::Ref(r) => json_string(heap, v).unwrap_or_else(|| object_string(heap, heap.get(*r))),
        Value::Host(h) => host_type(*h).to_string(),
        _ => String::new(),
    }
}

/// `v.ToString(format)` (interpolation holes `{v:format}`).
pub fn format(heap: &Heap, v: &Value, f: &str) -> Result<String, Fault> {
    if f.is_empty() {
        return Ok(to_dotnet_string(heap, v));
    }
    match v.scalar_format(f)? {
        Some(s) => Ok(s),
        None => Ok(to_dotnet_string(heap, v)),
    }
}

fn object_string(heap: &Heap, o: &Obj) -> String {
    match o {
        Obj::JValue(t) => t.as_string().unwrap_or_default(),
        Obj::JProperty(name, v) => match heap.export(*v) {
            Some(t) => format!("{}: {}", quote(name), write(&t, Formatting::INDENTED)),
            None => String::new(),
        },
        Obj::List(e, _) => format!("System.Collections.Generic.List`1[{e}]"),
        Obj::Array(e, _) => format!("{e}[]"),
        Obj::Bytes(_) => "System.Byte[]".into(),
        Obj::Dict(_) => {
            "System.Collections.Generic.Dictionary`2[System.String,System.Object]".into()
        }
        Obj::Set(_) => "System.Collections.Generic.HashSet`1[System.Object]".into(),
        Obj::Pair(k, v) => format!(
            "[{}, {}]",
            to_dotnet_string(heap, k),
            to_dotnet_string(heap, v)
        ),
        Obj::Builder(s) => s.clone(),
        Obj::Anon(names, vals) if names.first().is_some_and(|n| &**n == "$text") => vals
            .first()
            .map_or_else(String::new, |v| to_dotnet_string(heap, v)),
        Obj::Anon(names, vals) => {
            let parts: Vec<String> = names
                .iter()
                .zip(vals)
                .map(|(n, v)| format!("{n} = {}", to_dotnet_string(heap, v)))
                .collect();
            if parts.is_empty() {
                "{ }".into()
            } else {
                format!("{{ {} }}", parts.join(", "))
            }
        }
        Obj::Match(m) => m.value().to_string(),
        Obj::Group(g) => g.value.clone(),
        Obj::Exception(k, m) => format!("{}: {m}", k.name()),
        other => object_type(other).to_string(),
    }
}

/// `ToString()` of a JSON container: indented JSON.
fn json_string(heap: &Heap, v: &Value) -> Option<String> {
    let Value::Ref(r) = v else { return None };
    match heap.get(*r) {
        Obj::JObject(_) | Obj::JArray(_) => {
            heap.export(*r).map(|t| write(&t, Formatting::INDENTED))
        }
        Obj::Xml(_) => Some(crate::library::xml::display(heap, *r, true)),
        _ => None,
    }
}

fn object_type(o: &Obj) -> &'static str {
    match o {
        Obj::JObject(_) => "Newtonsoft.Json.Linq.JObject",
        Obj::JArray(_) => "Newtonsoft.Json.Linq.JArray",
        Obj::JValue(_) => "Newtonsoft.Json.Linq.JValue",
        Obj::JProperty(..) => "Newtonsoft.Json.Linq.JProperty",
        Obj::List(..) => "System.Collections.Generic.List`1",
        Obj::Array(..) => "System.Object[]",
        Obj::Bytes(_) => "System.Byte[]",
        Obj::Dict(_) => "System.Collections.Generic.Dictionary`2",
        Obj::Set(_) => "System.Collections.Generic.HashSet`1",
        Obj::Pair(..) => "System.Collections.Generic.KeyValuePair`2",
        Obj::Builder(_) => "System.Text.StringBuilder",
        Obj::Anon(..) => "<>f__AnonymousType",
        Obj::Lambda(_) => "System.Func`1",
        Obj::Match(_) => "System.Text.RegularExpressions.Match",
        Obj::Groups(_) => "System.Text.RegularExpressions.GroupCollection",
        Obj::Group(_) => "System.Text.RegularExpressions.Group",
        Obj::Regex(_) => "System.Text.RegularExpressions.Regex",
        Obj::Hash(..) => "System.Security.Cryptography.HashAlgorithm",
        Obj::Encoding(Enc::Utf8) => "System.Text.UTF8Encoding",
        Obj::Encoding(Enc::Ascii) => "System.Text.ASCIIEncoding",
        Obj::Encoding(Enc::Unicode) => "System.Text.UnicodeEncoding",
        Obj::Encoding(Enc::Latin1) => "System.Text.Latin1Encoding",
        Obj::Random(_) => "System.Random",
        Obj::Exception(k, _) => k.name(),
        Obj::Iter(..) => "System.Collections.IEnumerator",
        Obj::Xml(x) => crate::library::xml::type_name(x),
    }
}

fn host_type(h: HostObj) -> &'static str {
    match h {
        HostObj::Context => "IContext",
        HostObj::Message(crate::value::Msg::Request) => "IRequest",
        HostObj::Message(crate::value::Msg::Response | crate::value::Msg::Stored(_)) => "IResponse",
        HostObj::Headers(_) => "IReadOnlyDictionary`2",
        HostObj::Body(_) => "IMessageBody",
        HostObj::Url(_) => "IUrl",
        HostObj::Query(_) | HostObj::MatchedParameters => "IReadOnlyDictionary`2",
        HostObj::Variables => "IReadOnlyDictionary`2",
        HostObj::Entity(_) => "IEntity",
    }
}

/// The .NET type name of a value (`null` for null).
pub fn type_name(heap: &Heap, v: &Value) -> String {
    if let Some(n) = v.scalar_type_name() {
        return n.into();
    }
    match v {
        Value::Ref(r) => match heap.get(*r) {
            Obj::List(e, _) => format!("System.Collections.Generic.List`1[{e}]"),
            Obj::Array(e, _) => format!("{e}[]"),
            o => object_type(o).into(),
        },
        Value::Host(h) => host_type(*h).into(),
        _ => "null".into(),
    }
}
