//! Run-time receiver types, their fallback chains, and the members every value has.

use super::{arg, member_table, s, MemberSpec};
use crate::value::{Entity, HostObj, Msg, Value};
use crate::vm::{Fault, Obj, Vm};

/// A receiver's run-time type: a small integer, so that member dispatch hashes integers
/// rather than type names. [`RecvTy::name`] is the table type name (`JObject`, `IHeaders`, …).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
#[allow(missing_docs)]
pub enum RecvTy {
    Null,
    Bool,
    Char,
    Int,
    Long,
    UInt,
    ULong,
    Float,
    Double,
    Decimal,
    Str,
    DateTime,
    TimeSpan,
    Guid,
    JObject,
    JArray,
    JValue,
    JProperty,
    List,
    Array,
    Bytes,
    Dictionary,
    HashSet,
    KeyValuePair,
    StringBuilder,
    Anonymous,
    Func,
    Match,
    GroupCollection,
    Group,
    Regex,
    HashAlgorithm,
    Encoding,
    Random,
    Exception,
    Enumerator,
    Context,
    Request,
    Response,
    Headers,
    MessageBody,
    Url,
    Query,
    Variables,
    Api,
    Operation,
    Product,
    Subscription,
    User,
    LastError,
    Deployment,
    Xml,
    Gateway,
}

impl RecvTy {
    /// Every receiver type, in declaration order.
    pub const ALL: [RecvTy; 53] = [
        RecvTy::Null,
        RecvTy::Bool,
        RecvTy::Char,
        RecvTy::Int,
        RecvTy::Long,
        RecvTy::UInt,
        RecvTy::ULong,
        RecvTy::Float,
        RecvTy::Double,
        RecvTy::Decimal,
        RecvTy::Str,
        RecvTy::DateTime,
        RecvTy::TimeSpan,
        RecvTy::Guid,
        RecvTy::JObject,
        RecvTy::JArray,
        RecvTy::JValue,
        RecvTy::JProperty,
        RecvTy::List,
        RecvTy::Array,
        RecvTy::Bytes,
        RecvTy::Dictionary,
        RecvTy::HashSet,
        RecvTy::KeyValuePair,
        RecvTy::StringBuilder,
        RecvTy::Anonymous,
        RecvTy::Func,
        RecvTy::Match,
        RecvTy::GroupCollection,
        RecvTy::Group,
        RecvTy::Regex,
        RecvTy::HashAlgorithm,
        RecvTy::Encoding,
        RecvTy::Random,
        RecvTy::Exception,
        RecvTy::Enumerator,
        RecvTy::Context,
        RecvTy::Request,
        RecvTy::Response,
        RecvTy::Headers,
        RecvTy::MessageBody,
        RecvTy::Url,
        RecvTy::Query,
        RecvTy::Variables,
        RecvTy::Api,
        RecvTy::Operation,
        RecvTy::Product,
        RecvTy::Subscription,
        RecvTy::User,
        RecvTy::LastError,
        RecvTy::Deployment,
        RecvTy::Xml,
        RecvTy::Gateway,
    ];

    /// The table type name.
    pub fn name(self) -> &'static str {
        match self {
            RecvTy::Null => "null",
            RecvTy::Bool => "bool",
            RecvTy::Char => "char",
            RecvTy::Int => "int",
            RecvTy::Long => "long",
            RecvTy::UInt => "uint",
            RecvTy::ULong => "ulong",
            RecvTy::Float => "float",
            RecvTy::Double => "double",
            RecvTy::Decimal => "decimal",
            RecvTy::Str => "string",
            RecvTy::DateTime => "DateTime",
            RecvTy::TimeSpan => "TimeSpan",
            RecvTy::Guid => "Guid",
            RecvTy::JObject => "JObject",
            RecvTy::JArray => "JArray",
            RecvTy::JValue => "JValue",
            RecvTy::JProperty => "JProperty",
            RecvTy::List => "List",
            RecvTy::Array => "Array",
            RecvTy::Bytes => "byte[]",
            RecvTy::Dictionary => "Dictionary",
            RecvTy::HashSet => "HashSet",
            RecvTy::KeyValuePair => "KeyValuePair",
            RecvTy::StringBuilder => "StringBuilder",
            RecvTy::Anonymous => "anonymous",
            RecvTy::Func => "Func",
            RecvTy::Match => "Match",
            RecvTy::GroupCollection => "GroupCollection",
            RecvTy::Group => "Group",
            RecvTy::Regex => "Regex",
            RecvTy::HashAlgorithm => "HashAlgorithm",
            RecvTy::Encoding => "Encoding",
            RecvTy::Random => "Random",
            RecvTy::Exception => "Exception",
            RecvTy::Enumerator => "IEnumerator",
            RecvTy::Context => "IContext",
            RecvTy::Request => "IRequest",
            RecvTy::Response => "IResponse",
            RecvTy::Headers => "IHeaders",
            RecvTy::MessageBody => "IMessageBody",
            RecvTy::Url => "IUrl",
            RecvTy::Query => "IQuery",
            RecvTy::Variables => "IVariables",
            RecvTy::Api => "IApi",
            RecvTy::Operation => "IOperation",
            RecvTy::Product => "IProduct",
            RecvTy::Subscription => "ISubscription",
            RecvTy::User => "IUser",
            RecvTy::LastError => "ILastError",
            RecvTy::Deployment => "IDeployment",
            RecvTy::Xml => "XObject",
            RecvTy::Gateway => "IGateway",
        }
    }
}

/// The run-time type of a receiver.
pub fn ty_of(vm: &Vm<'_>, v: &Value) -> RecvTy {
    match v {
        Value::Null => RecvTy::Null,
        Value::Bool(_) => RecvTy::Bool,
        Value::Char(_) => RecvTy::Char,
        Value::Int(_) => RecvTy::Int,
        Value::Long(_) => RecvTy::Long,
        Value::UInt(_) => RecvTy::UInt,
        Value::ULong(_) => RecvTy::ULong,
        Value::Float(_) => RecvTy::Float,
        Value::Double(_) => RecvTy::Double,
        Value::Decimal(_) => RecvTy::Decimal,
        Value::Str(_) => RecvTy::Str,
        Value::DateTime(_) => RecvTy::DateTime,
        Value::TimeSpan(_) => RecvTy::TimeSpan,
        Value::Guid(_) => RecvTy::Guid,
        Value::Ref(r) => obj_ty(vm.heap.get(*r)),
        Value::Host(h) => ty_of_host(*h),
    }
}

fn obj_ty(o: &Obj) -> RecvTy {
    match o {
        Obj::JObject(_) => RecvTy::JObject,
        Obj::JArray(_) => RecvTy::JArray,
        Obj::JValue(_) => RecvTy::JValue,
        Obj::JProperty(..) => RecvTy::JProperty,
        Obj::List(..) => RecvTy::List,
        Obj::Array(..) => RecvTy::Array,
        Obj::Bytes(_) => RecvTy::Bytes,
        Obj::Dict(_) => RecvTy::Dictionary,
        Obj::Set(_) => RecvTy::HashSet,
        Obj::Pair(..) => RecvTy::KeyValuePair,
        Obj::Builder(_) => RecvTy::StringBuilder,
        Obj::Anon(..) => RecvTy::Anonymous,
        Obj::Lambda(_) => RecvTy::Func,
        Obj::Match(_) => RecvTy::Match,
        Obj::Groups(_) => RecvTy::GroupCollection,
        Obj::Group(_) => RecvTy::Group,
        Obj::Regex(_) => RecvTy::Regex,
        Obj::Hash(..) => RecvTy::HashAlgorithm,
        Obj::Encoding(_) => RecvTy::Encoding,
        Obj::Random(_) => RecvTy::Random,
        Obj::Exception(..) => RecvTy::Exception,
        Obj::Iter(..) => RecvTy::Enumerator,
        Obj::Xml(_) => RecvTy::Xml,
    }
}

/// The run-time type of a host object.
pub fn ty_of_host(h: HostObj) -> RecvTy {
    match h {
        HostObj::Context => RecvTy::Context,
        HostObj::Message(Msg::Request) => RecvTy::Request,
        HostObj::Message(Msg::Response | Msg::Stored(_)) => RecvTy::Response,
        HostObj::Headers(_) => RecvTy::Headers,
        HostObj::Body(_) => RecvTy::MessageBody,
        HostObj::Url(_) => RecvTy::Url,
        HostObj::Query(_) => RecvTy::Query,
        HostObj::MatchedParameters => RecvTy::Query,
        HostObj::Variables => RecvTy::Variables,
        HostObj::Entity(e) => match e {
            Entity::Api => RecvTy::Api,
            Entity::Operation => RecvTy::Operation,
            Entity::Product => RecvTy::Product,
            Entity::Subscription => RecvTy::Subscription,
            Entity::User => RecvTy::User,
            Entity::LastError => RecvTy::LastError,
            Entity::Deployment => RecvTy::Deployment,
            Entity::Gateway => RecvTy::Gateway,
        },
    }
}

/// The types whose members a value of type `ty` has, most specific first: the one .NET
/// type chain, read by the VM's index (for run-time receiver types) and by the checker (for
/// static types, including abstract ones no value has, such as `JToken`).
pub fn chain(ty: &str) -> &'static [&'static str] {
    match ty {
        "JContainer" => &["JContainer", "JToken", "IEnumerable", "object"],
        "JToken" => &["JToken", "IEnumerable", "object"],
        "DateTimeOffset" => &["DateTimeOffset", "DateTime", "object"],
        "short" => &["short", "number", "object"],
        "ushort" => &["ushort", "number", "object"],
        "byte" => &["byte", "number", "object"],
        "sbyte" => &["sbyte", "number", "object"],
        "HMAC" | "HMACMD5" | "HMACSHA1" | "HMACSHA256" | "HMACSHA384" | "HMACSHA512" | "MD5"
        | "SHA1" | "SHA256" | "SHA384" | "SHA512" => &["HashAlgorithm", "object"],
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
        // Records with methods (`X509Certificate2.Verify()`, read from hidden fields).
        "anonymous" => &["anonymous", "object"],
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
        "IApi" => &["IApi", "object"],
        "IDeployment" => &["IDeployment", "object"],
        "IGateway" => &["IGateway", "object"],
        "IMessageBody" => &["IMessageBody", "object"],
        "XObject" => &[
            "XElement",
            "XDocument",
            "XAttribute",
            "XName",
            "XNode",
            "object",
        ],
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
pub(super) const MEMBERS: &[MemberSpec] = member_table! {
    "object" {
        Method "ToString"() -> "string" => to_string;
        Method "Equals"("object") -> "bool" => equals;
        Method "GetHashCode"() -> "int" => get_hash_code;
        Method "GetTypeName"() -> "string" => get_type_name;
    }
};
