//! `new Uri(string)` and `context.Api.ServiceUrl`, both records (see `records.rs`) of a
//! URL's parts with the URL as their `ToString()`.
//!
//! `ServiceUrl` comes from the `api` entity's `ServiceUrl` (or `serviceUrl`) property of the
//! host; without one it is null. Its `Query` is a dictionary of `string[]`, so
//! `GetValueOrDefault(name, default)` joins values as `IUrl.Query` does.

use super::jwt::field;
use super::records::{record, TEXT};
use super::{arg, member_table, str_arg, MemberSpec};
use crate::host::ParsedUrl;
use crate::value::{Entity, HostObj, Value};
use crate::vm::{Fault, FaultKind, Key, Obj, Vm};
use gatehouse_dotnet::uri::check_absolute_uri;
use indexmap::IndexMap;

/// `url` split, with the fragment (`#…`) apart and the host lower-cased as .NET does.
fn split(url: &str) -> (ParsedUrl, &str) {
    let (main, fragment) = match url.find('#') {
        Some(i) => (&url[..i], &url[i..]),
        None => (url, ""),
    };
    let mut p = ParsedUrl::parse(main);
    p.host = p.host.to_ascii_lowercase().into();
    (p, fragment)
}

/// `new Uri(s)`: absolute `http`/`https`-style URIs; anything else is a `UriFormatException`.
fn new_uri(vm: &mut Vm<'_>, _: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let s = str_arg(a, 0)?.trim();
    check_absolute_uri(s)?;
    if !s.contains("://") || s.split_once("://").is_some_and(|(_, r)| r.is_empty()) {
        return Err(Fault::new(
            FaultKind::UriFormat,
            "Invalid URI: The hostname could not be parsed.",
        ));
    }
    let (p, fragment) = split(s);
    let port_ok = match p.host.rsplit_once(':') {
        Some((_, port)) => port.parse::<u16>().is_ok(),
        None => true,
    };
    if p.host.is_empty() || !port_ok || p.host.contains([' ', '<', '>', '"']) {
        return Err(Fault::new(
            FaultKind::UriFormat,
            "Invalid URI: The hostname could not be parsed.",
        ));
    }
    let text = format!("{}{fragment}", p.text());
    let fields = vec![
        (TEXT, Value::str(text.as_str())),
        ("AbsoluteUri", Value::str(text.as_str())),
        ("Scheme", Value::Str(p.scheme.clone())),
        ("Host", Value::Str(p.host.clone())),
        ("Port", Value::Int(p.port)),
        ("AbsolutePath", Value::Str(p.path.clone())),
        (
            "PathAndQuery",
            Value::str(format!("{}{}", p.path, p.query_string)),
        ),
        ("Query", Value::Str(p.query_string.clone())),
        ("Fragment", Value::str(fragment)),
    ];
    record(vm, fields)
}

/// `context.Api.ServiceUrl`: an `IUrl` record, or null when the host gives no URL.
fn service_url(vm: &mut Vm<'_>, _: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let h = match arg(a, 0) {
        Value::Host(h @ HostObj::Entity(Entity::Api)) => *h,
        _ => return Err(Fault::null()),
    };
    let raw = ["ServiceUrl", "serviceUrl"]
        .iter()
        .find_map(|k| match vm.host.property(h, k) {
            Some(Value::Str(s)) if !s.is_empty() => Some(s),
            _ => None,
        });
    let Some(raw) = raw else {
        return Ok(Value::Null);
    };
    let (p, _) = split(&raw);
    let mut query = IndexMap::new();
    for (k, vs) in &p.query {
        let vals = vs.iter().map(|v| Value::Str(v.clone())).collect();
        let arr = vm.alloc(Obj::Array("System.String", vals))?;
        let key = Value::Str(k.clone());
        query.insert(Key::of(&key), (key, arr));
    }
    let query = vm.alloc(Obj::Dict(query))?;
    let fields = vec![
        (TEXT, Value::str(p.text())),
        ("Scheme", Value::Str(p.scheme.clone())),
        ("Host", Value::Str(p.host.clone())),
        ("Port", Value::Int(p.port)),
        ("Path", Value::Str(p.path.clone())),
        ("QueryString", Value::Str(p.query_string.clone())),
        ("Query", query),
    ];
    record(vm, fields)
}

/// `Uri` and `IApi.ServiceUrl`.
pub(super) const MEMBERS: &[MemberSpec] = member_table! {
    "Uri" {
        Constructor ".ctor"("string") -> "Uri" => new_uri;
        Property "AbsoluteUri"() -> "string" => field;
        Property "Scheme"() -> "string" => field;
        Property "Host"() -> "string" => field;
        Property "Port"() -> "int" => field;
        Property "AbsolutePath"() -> "string" => field;
        Property "PathAndQuery"() -> "string" => field;
        Property "Query"() -> "string" => field;
        Property "Fragment"() -> "string" => field;
    }
    "IApi" {
        Property "ServiceUrl"() -> "IUrl" => service_url;
    }
};
