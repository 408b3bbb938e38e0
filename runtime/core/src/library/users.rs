//! `context.User.Name` and `context.User.Groups` (an `IEnumerable<IGroup>`).
//!
//! A `RequestHost` gives the groups as the `user` entity's `Groups`: a JSON array of
//! `{"Id": ..., "Name": ...}` objects or of plain strings (used as both `Id` and `Name`).
//! Each group is an object with `Id` and `Name` fields; the sequence is a list.

use super::{arg, member_table, MemberSpec};
use crate::value::{Entity, HostObj, Value};
use crate::vm::{Fault, Obj, Vm};
use gatehouse_dotnet::json::JToken;
use std::sync::Arc;

/// The user entity, or a null-reference fault for any other receiver.
fn user(a: &[Value]) -> Result<HostObj, Fault> {
    match arg(a, 0) {
        Value::Host(h @ HostObj::Entity(Entity::User)) => Ok(*h),
        _ => Err(Fault::null()),
    }
}

/// `IUser.Name`: the `Name` the host gives, else `FirstName LastName` as APIM composes it.
fn name(vm: &mut Vm<'_>, _: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let h = user(a)?;
    match vm.host.property(h, "Name") {
        Some(v) if !v.is_null() => Ok(v),
        _ => {
            let mut part = |k| match vm.host.property(h, k) {
                Some(Value::Str(s)) => s.to_string(),
                _ => String::new(),
            };
            let (first, last) = (part("FirstName"), part("LastName"));
            Ok(Value::str(format!("{first} {last}").trim().to_string()))
        }
    }
}

/// `IUser.Groups`: the host's groups as a list of `IGroup` objects (empty if none).
fn groups(vm: &mut Vm<'_>, _: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let h = user(a)?;
    let raw = match vm.host.property(h, "Groups") {
        Some(Value::Str(s)) => s,
        _ => Arc::from("[]"),
    };
    let token = gatehouse_dotnet::jsonparse::parse(&raw).unwrap_or(JToken::Array(Vec::new()));
    let items = match token {
        JToken::Array(xs) => xs,
        other => vec![other],
    };
    let fields: Arc<[Arc<str>]> = Arc::from([Arc::from("Id"), Arc::from("Name")]);
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let (id, name) = match &item {
            JToken::Object(m) => {
                let get = |k: &str| m.get(k).and_then(JToken::as_string);
                let id = get("Id");
                (id.clone(), get("Name").or(id))
            }
            other => (other.as_string(), other.as_string()),
        };
        let v = |s: Option<String>| s.map_or(Value::Null, Value::str);
        out.push(vm.alloc(Obj::Anon(fields.clone(), vec![v(id), v(name)]))?);
    }
    vm.alloc(Obj::List("IGroup", out))
}

/// `IGroup.Id` / `IGroup.Name` (statically; at run time the fields answer directly).
fn group_field(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    super::get_named(vm, arg(a, 0).clone(), name)
}

/// `IUser` members beyond the flat entity data, and `IGroup`.
pub(super) const MEMBERS: &[MemberSpec] = member_table! {
    "IUser" {
        Property "Name"() -> "string" => name;
        Property "Groups"() -> "IEnumerable<IGroup>" => groups;
    }
    "IGroup" {
        Property "Id"() -> "string" => group_field;
        Property "Name"() -> "string" => group_field;
    }
};
