//! The `context` object model: navigation between host objects, and the data members the host answers.

use super::{arg, bool_arg, int, member_table, no_member, str_arg, MemberSpec};
use crate::value::{Entity, HostObj, Msg, Value};
use crate::vm::{Fault, FaultKind, Obj, Vm};
use gatehouse_dotnet::jsonparse;

fn host_of(a: &[Value]) -> Result<HostObj, Fault> {
    match arg(a, 0) {
        Value::Host(h) => Ok(*h),
        _ => Err(Fault::null()),
    }
}

/// The host object `h.name` navigates to, for the structural members (`context.Request`,
/// `Request.Headers`, `Url.Query`, …); `None` for data members.
pub(crate) fn step(h: HostObj, name: &str) -> Option<HostObj> {
    let msg = match h {
        HostObj::Message(m) | HostObj::Headers(m) | HostObj::Body(m) => m,
        _ => Msg::Request,
    };
    Some(match (h, name) {
        (HostObj::Context, "Request") => HostObj::Message(Msg::Request),
        (HostObj::Context, "Response") => HostObj::Message(Msg::Response),
        (HostObj::Context, "Variables") => HostObj::Variables,
        (HostObj::Context, "Api") => HostObj::Entity(Entity::Api),
        (HostObj::Context, "Operation") => HostObj::Entity(Entity::Operation),
        (HostObj::Context, "Product") => HostObj::Entity(Entity::Product),
        (HostObj::Context, "Subscription") => HostObj::Entity(Entity::Subscription),
        (HostObj::Context, "User") => HostObj::Entity(Entity::User),
        (HostObj::Context, "LastError") => HostObj::Entity(Entity::LastError),
        (HostObj::Context, "Deployment") => HostObj::Entity(Entity::Deployment),
        (HostObj::Entity(Entity::Deployment), "Gateway") => HostObj::Entity(Entity::Gateway),
        (HostObj::Message(_), "Headers") => HostObj::Headers(msg),
        (HostObj::Message(_), "Body") => HostObj::Body(msg),
        (HostObj::Message(_), "Url") => HostObj::Url(false),
        (HostObj::Message(_), "OriginalUrl") => HostObj::Url(true),
        (HostObj::Message(_), "MatchedParameters") => HostObj::MatchedParameters,
        (HostObj::Url(o), "Query") => HostObj::Query(o),
        _ => return None,
    })
}

fn navigate(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let h = host_of(a)?;
    if let Some(to) = step(h, name) {
        return Ok(Value::Host(to));
    }
    match (h, name) {
        (HostObj::Context, "Timestamp") => Ok(Value::DateTime(vm.host.now())),
        (HostObj::Context, "Elapsed") => Ok(Value::TimeSpan(Default::default())),
        (HostObj::Context, "Tracing") => Ok(Value::Bool(false)),
        (HostObj::Context, "RequestId") => {
            let g = gatehouse_dotnet::crypto::Guid::new_v4(vm.host.request_id());
            Ok(Value::Guid(g))
        }
        _ => data(vm, name, a),
    }
}

/// Scalar properties the host answers.
fn data(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let h = host_of(a)?;
    Ok(vm.host.property(h, name).unwrap_or(Value::Null))
}

fn joined(vm: &Vm<'_>, h: HostObj, key: &str) -> Option<Value> {
    let vals = vm.host.values(h, key)?;
    Some(match vals {
        [one] => Value::Str(one.clone()),
        many => Value::str(many.iter().map(|v| &**v).collect::<Vec<_>>().join(",")),
    })
}

/// `map.GetValueOrDefault(key)` of a host multimap (not `Variables`): the stored value
/// itself for one value, the values joined with `,` for several, `None` when absent.
pub(crate) fn lookup(vm: &Vm<'_>, map: HostObj, key: &str) -> Option<Value> {
    joined(vm, map, key)
}

/// Whether `map.GetValueOrDefault(key)` equals `lit` (`None` when `key` is absent), without
/// cloning or joining the values: `lit` must be the values separated by `,`.
pub(crate) fn lookup_eq(vm: &Vm<'_>, map: HostObj, key: &str, lit: &str) -> Option<bool> {
    let vals = vm.host.values(map, key)?;
    let mut rest = lit;
    for (i, v) in vals.iter().enumerate() {
        if i > 0 {
            match rest.strip_prefix(',') {
                Some(r) => rest = r,
                None => return Some(false),
            }
        }
        match rest.strip_prefix(&**v) {
            Some(r) => rest = r,
            None => return Some(false),
        }
    }
    Some(rest.is_empty())
}

fn maps(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let h = host_of(a)?;
    let vars = h == HostObj::Variables;
    match name {
        "GetValueOrDefault" => {
            // Generic `GetValueOrDefault<T>` arrives with the type name first.
            let a = if matches!(arg(a, 1), Value::Str(t) if t.starts_with("type:")) {
                &a[1..]
            } else {
                a
            };
            let key = str_arg(a, 1)?;
            let found = if vars {
                vm.host.variable(key)
            } else {
                joined(vm, h, key)
            };
            Ok(found.unwrap_or_else(|| arg(a, 2).clone()))
        }
        "ContainsKey" => {
            let key = str_arg(a, 1)?;
            Ok(Value::Bool(if vars {
                vm.host.variable(key).is_some()
            } else {
                vm.host.values(h, key).is_some()
            }))
        }
        "Count" => int(if vars {
            vm.host.variable_names().len()
        } else {
            vm.host.keys(h).len()
        } as i64),
        "Keys" => {
            let keys = if vars {
                vm.host.variable_names()
            } else {
                vm.host.keys(h)
            };
            let items = keys.into_iter().map(Value::Str).collect();
            vm.alloc(Obj::List("System.String", items))
        }
        _ => Err(no_member(name)),
    }
}

fn body(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let HostObj::Body(msg) = host_of(a)? else {
        return Err(no_member(name));
    };
    let ty = match arg(a, 1) {
        Value::Str(t) => t.trim_start_matches("type:").to_string(),
        _ => "string".into(),
    };
    let preserve = a.len() > 2 && bool_arg(a, 2)?;
    let Some(text) = vm.host.body(msg, preserve) else {
        return Ok(Value::Null);
    };
    match ty.as_str() {
        "string" => Ok(Value::Str(text)),
        "byte[]" => vm.alloc(Obj::Bytes(text.as_bytes().to_vec())),
        "JObject" => {
            let t = jsonparse::parse_object(&text)?;
            vm.heap.import(t).map(Value::Ref)
        }
        "JArray" => {
            let t = jsonparse::parse_array(&text)?;
            vm.heap.import(t).map(Value::Ref)
        }
        "JToken" => {
            let t = jsonparse::parse(&text)?;
            vm.heap.import(t).map(Value::Ref)
        }
        "XElement" | "XDocument" => super::xml::body_as(vm, &ty, &text),
        other => Err(Fault::new(
            FaultKind::Unsupported,
            format!("Body.As<{other}>() is not supported"),
        )),
    }
}

fn trace(vm: &mut Vm<'_>, _: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let t = vm.text(arg(a, 1));
    vm.host.trace(&t);
    Ok(Value::Null)
}

fn url_text(vm: &mut Vm<'_>, _: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let h = host_of(a)?;
    Ok(vm
        .host
        .property(h, "ToString")
        .unwrap_or_else(|| Value::str("")))
}

/// `context` members.
pub(super) const MEMBERS: &[MemberSpec] = member_table! {
    "IContext" {
        Property "Request"() -> "IRequest" => navigate;
        Property "Response"() -> "IResponse" => navigate;
        Property "Variables"() -> "IReadOnlyDictionary<string, object>" => navigate;
        Property "Api"() -> "IApi" => navigate;
        Property "Operation"() -> "IOperation" => navigate;
        Property "Product"() -> "IProduct" => navigate;
        Property "Subscription"() -> "ISubscription" => navigate;
        Property "User"() -> "IUser" => navigate;
        Property "LastError"() -> "ILastError" => navigate;
        Property "Deployment"() -> "IDeployment" => navigate;
        Property "Timestamp"() -> "DateTime" => navigate;
        Property "Elapsed"() -> "TimeSpan" => navigate;
        Property "Tracing"() -> "bool" => navigate;
        Property "RequestId"() -> "Guid" => navigate;
        Method "Trace"("string") -> "void" => trace;
    }
    "IMessage" {
        Property "Headers"() -> "IReadOnlyDictionary<string, string[]>" => navigate;
        Property "Body"() -> "IMessageBody" => navigate;
    }
    "IRequest" {
        Property "Url"() -> "IUrl" => navigate;
        Property "OriginalUrl"() -> "IUrl" => navigate;
        Property "MatchedParameters"() -> "IReadOnlyDictionary<string, string>" => navigate;
        Property "Method"() -> "string" => data;
        Property "IpAddress"() -> "string" => data;
    }
    "IResponse" {
        Property "StatusCode"() -> "int" => data;
        Property "StatusReason"() -> "string" => data;
    }
    "IUrl" {
        Property "Query"() -> "IReadOnlyDictionary<string, string[]>" => navigate;
        Property "Scheme"() -> "string" => data;
        Property "Host"() -> "string" => data;
        Property "Port"() -> "int" => data;
        Property "Path"() -> "string" => data;
        Property "QueryString"() -> "string" => data;
        Method "ToString"() -> "string" => url_text;
    }
    "IHeaders" {
        Method "GetValueOrDefault"("string") -> "string" => maps;
        Method "GetValueOrDefault"("string", "string") -> "string" => maps;
        Method "ContainsKey"("string") -> "bool" => maps;
        Property "Count"() -> "int" => maps;
        Property "Keys"() -> "IEnumerable<string>" => maps;
    }
    "IVariables" {
        Method "GetValueOrDefault"("string") -> "object" => maps;
        Method "GetValueOrDefault"("string", "object") -> "object" => maps;
        Method "GetValueOrDefault"("Type", "string", "T") -> "T" => maps;
        Method "ContainsKey"("string") -> "bool" => maps;
        Property "Count"() -> "int" => maps;
        Property "Keys"() -> "IEnumerable<string>" => maps;
    }
    "IMessageBody" {
        Method "As"("Type") -> "T" => body;
        Method "As"("Type", "bool") -> "T" => body;
    }
    "IApi" {
        Property "Id"() -> "string" => data;
        Property "Name"() -> "string" => data;
        Property "Path"() -> "string" => data;
        Property "Version"() -> "string" => data;
        Property "Revision"() -> "string" => data;
        Property "IsCurrentRevision"() -> "bool" => data;
    }
    "IOperation" {
        Property "Id"() -> "string" => data;
        Property "Method"() -> "string" => data;
        Property "Name"() -> "string" => data;
        Property "UrlTemplate"() -> "string" => data;
    }
    "IProduct" {
        Property "Id"() -> "string" => data;
        Property "Name"() -> "string" => data;
    }
    "ISubscription" {
        Property "Id"() -> "string" => data;
        Property "Key"() -> "string" => data;
        Property "Name"() -> "string" => data;
        Property "PrimaryKey"() -> "string" => data;
        Property "SecondaryKey"() -> "string" => data;
    }
    "IUser" {
        Property "Id"() -> "string" => data;
        Property "Email"() -> "string" => data;
        Property "FirstName"() -> "string" => data;
        Property "LastName"() -> "string" => data;
    }
    "ILastError" {
        Property "Source"() -> "string" => data;
        Property "Reason"() -> "string" => data;
        Property "Message"() -> "string" => data;
        Property "Scope"() -> "string" => data;
        Property "Section"() -> "string" => data;
        Property "Path"() -> "string" => data;
        Property "PolicyId"() -> "string" => data;
    }
    "IDeployment" {
        Property "GatewayId"() -> "string" => data;
        Property "Region"() -> "string" => data;
        Property "ServiceName"() -> "string" => data;
        Property "ServiceId"() -> "string" => data;
        Property "Gateway"() -> "IGateway" => navigate;
    }
    "IGateway" {
        Property "Id"() -> "string" => data;
        Property "IsManaged"() -> "bool" => data;
    }
};
