//! `string.AsBasic()` / `TryParseBasic(out BasicAuthCredentials)`: an HTTP Basic
//! `Authorization` value (`Basic base64(user:password)`, scheme case-insensitive) split into
//! `UserId` and `Password`. A value without the scheme, with bad base64 or without `:` in
//! the decoded text is invalid: null / `false`.

use super::jwt::field;
use super::records::record;
use super::{member_table, str_arg, MemberSpec};
use crate::value::Value;
use crate::vm::{Fault, Vm};
use gatehouse_dotnet::encoding::{from_base64, utf8_string};

/// `(user, password)` of a Basic authorization value.
fn split(value: &str) -> Option<(String, String)> {
    let v = value.trim();
    let (scheme, rest) = v.split_once(char::is_whitespace)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let text = utf8_string(&from_base64(rest.trim()).ok()?);
    let (user, password) = text.split_once(':')?;
    Some((user.to_string(), password.to_string()))
}

/// `AsBasic()` and `TryParseBasic(out credentials)`.
fn as_basic(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let creds = match split(str_arg(a, 0)?) {
        Some((u, p)) => Some(record(
            vm,
            vec![("UserId", Value::str(u)), ("Password", Value::str(p))],
        )?),
        None => None,
    };
    if name == "TryParseBasic" {
        let ok = creds.is_some();
        vm.out = creds.unwrap_or(Value::Null);
        return Ok(Value::Bool(ok));
    }
    Ok(creds.unwrap_or(Value::Null))
}

/// `AsBasic`, `TryParseBasic` and `BasicAuthCredentials`.
pub(super) const MEMBERS: &[MemberSpec] = member_table! {
    "string" {
        Method "AsBasic"() -> "BasicAuthCredentials" => as_basic;
        Method "TryParseBasic"("out BasicAuthCredentials") -> "bool" => as_basic;
    }
    "BasicAuthCredentials" {
        Property "UserId"() -> "string" => field;
        Property "Password"() -> "string" => field;
    }
};
