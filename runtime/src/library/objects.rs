//! Run-time receiver types, their fallback chains, and the members every value has.

use super::{arg, m, s, MemberSpec};
use crate::value::{Entity, HostObj, Msg, Value};
use crate::vm::{Fault, Obj, Vm};

/// The table type name of a receiver.
pub fn ty_of(vm: &Vm<'_>, v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Char(_) => "char",
        Value::Int(_) => "int",
        Value::Long(_) => "long",
        Value::UInt(_) => "uint",
        Value::ULong(_) => "ulong",
        Value::Float(_) => "float",
        Value::Double(_) => "double",
        Value::Decimal(_) => "decimal",
        Value::Str(_) => "string",
        Value::DateTime(_) => "DateTime",
        Value::TimeSpan(_) => "TimeSpan",
        Value::Guid(_) => "Guid",
        Value::Ref(r) => obj_ty(vm.heap.get(*r)),
        Value::Host(h) => host_ty(*h),
    }
}

fn obj_ty(o: &Obj) -> &'static str {
    match o {
        Obj::JObject(_) => "JObject",
        Obj::JArray(_) => "JArray",
        Obj::JValue(_) => "JValue",
        Obj::JProperty(..) => "JProperty",
        Obj::List(..) => "List",
        Obj::Array(..) => "Array",
        Obj::Bytes(_) => "byte[]",
        Obj::Dict(_) => "Dictionary",
        Obj::Set(_) => "HashSet",
        Obj::Pair(..) => "KeyValuePair",
        Obj::Builder(_) => "StringBuilder",
        Obj::Anon(..) => "anonymous",
        Obj::Lambda(_) => "Func",
        Obj::Match(_) => "Match",
        Obj::Groups(_) => "GroupCollection",
        Obj::Group(_) => "Group",
        Obj::Regex(_) => "Regex",
        Obj::Hash(..) => "HashAlgorithm",
        Obj::Encoding(_) => "Encoding",
        Obj::Random(_) => "Random",
        Obj::Exception(..) => "Exception",
        Obj::Iter(..) => "IEnumerator",
    }
}

fn host_ty(h: HostObj) -> &'static str {
    match h {
        HostObj::Context => "IContext",
        HostObj::Message(Msg::Request) => "IRequest",
        HostObj::Message(Msg::Response) => "IResponse",
        HostObj::Headers(_) => "IHeaders",
        HostObj::Body(_) => "IMessageBody",
        HostObj::Url(_) => "IUrl",
        HostObj::Query(_) => "IQuery",
        HostObj::MatchedParameters => "IQuery",
        HostObj::Variables => "IVariables",
        HostObj::Entity(e) => match e {
            Entity::Api => "IApi",
            Entity::Operation => "IOperation",
            Entity::Product => "IProduct",
            Entity::Subscription => "ISubscription",
            Entity::User => "IUser",
            Entity::LastError => "ILastError",
            Entity::Deployment => "IDeployment",
        },
    }
}

/// The types whose members a receiver of type `ty` has, most specific first.
pub fn chain(ty: &'static str) -> &'static [&'static str] {
    match ty {
        "JObject" => &["JObject", "JContainer", "JToken", "IEnumerable", "object"],
        "JArray" => &["JArray", "JContainer", "JToken", "IEnumerable", "object"],
        "JValue" => &["JValue", "JToken", "object"],
        "JProperty" => &["JProperty", "JToken", "object"],
        "int" => &["int", "number", "object"],
        "long" => &["long", "number", "object"],
        "uint" => &["uint", "number", "object"],
        "ulong" => &["ulong", "number", "object"],
        "float" => &["float", "number", "object"],
        "double" => &["double", "number", "object"],
        "decimal" => &["decimal", "number", "object"],
        "string" => &["string", "IEnumerable", "object"],
        "List" => &["List", "IEnumerable", "object"],
        "Array" => &["Array", "IEnumerable", "object"],
        "byte[]" => &["byte[]", "Array", "IEnumerable", "object"],
        "Dictionary" => &["Dictionary", "IEnumerable", "object"],
        "HashSet" => &["HashSet", "IEnumerable", "object"],
        "GroupCollection" => &["GroupCollection", "IEnumerable", "object"],
        "IHeaders" => &["IHeaders", "IEnumerable", "object"],
        "IQuery" => &["IQuery", "IHeaders", "IEnumerable", "object"],
        "IVariables" => &["IVariables", "IEnumerable", "object"],
        "IEnumerator" => &["IEnumerable", "object"],
        "bool" => &["bool", "object"],
        "char" => &["char", "object"],
        "DateTime" => &["DateTime", "DateTimeOffset", "object"],
        "TimeSpan" => &["TimeSpan", "object"],
        "Guid" => &["Guid", "object"],
        "Match" => &["Match", "Group", "object"],
        "Group" => &["Group", "object"],
        "StringBuilder" => &["StringBuilder", "object"],
        "KeyValuePair" => &["KeyValuePair", "object"],
        "Exception" => &["Exception", "object"],
        "HashAlgorithm" => &["HashAlgorithm", "object"],
        "Encoding" => &["Encoding", "object"],
        "Random" => &["Random", "object"],
        "Regex" => &["Regex", "object"],
        "IContext" => &["IContext", "object"],
        "IRequest" => &["IRequest", "IMessage", "object"],
        "IResponse" => &["IResponse", "IMessage", "object"],
        "IUrl" => &["IUrl", "object"],
        "IUser" => &["IUser", "object"],
        "IMessageBody" => &["IMessageBody", "object"],
        _ => &["object"],
    }
}

/// Members no table entry covers: anonymous-object fields, entity properties from the host.
pub fn dynamic_get(vm: &mut Vm<'_>, recv: &Value, name: &str) -> Option<Result<Value, Fault>> {
    match recv {
        Value::Ref(r) => match vm.heap.get(*r) {
            Obj::Anon(names, vals) => {
                let i = names.iter().position(|n| &**n == name)?;
                vals.get(i).cloned().map(Ok)
            }
            _ => None,
        },
        Value::Host(h @ HostObj::Entity(_)) => vm.host.property(*h, name).map(Ok),
        _ => None,
    }
}

fn to_string(vm: &mut Vm<'_>, _: &'static str, a: &[Value]) -> Result<Value, Fault> {
    match arg(a, 0) {
        Value::Host(h @ HostObj::Url(_)) => {
            Ok(vm.host.property(*h, "ToString").unwrap_or(Value::Null))
        }
        v => s(vm.text(v)),
    }
}

fn equals(_: &mut Vm<'_>, _: &'static str, a: &[Value]) -> Result<Value, Fault> {
    Ok(Value::Bool(crate::vm::equals(arg(a, 0), arg(a, 1))))
}

fn get_hash_code(vm: &mut Vm<'_>, _: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let t = vm.text(arg(a, 0));
    let h = t
        .bytes()
        .fold(5381i32, |h, b| h.wrapping_mul(33) ^ b as i32);
    Ok(Value::Int(h))
}

fn get_type_name(vm: &mut Vm<'_>, _: &'static str, a: &[Value]) -> Result<Value, Fault> {
    s(crate::vm::type_name(&vm.heap, arg(a, 0)))
}

/// Members on every value.
pub(super) const MEMBERS: &[MemberSpec] = &[
    m!("object", "ToString", Method, [], "string", to_string),
    m!("object", "Equals", Method, ["object"], "bool", equals),
    m!("object", "GetHashCode", Method, [], "int", get_hash_code),
    m!("object", "GetTypeName", Method, [], "string", get_type_name),
];
