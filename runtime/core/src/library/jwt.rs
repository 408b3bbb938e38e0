//! `string.AsJwt()` / `TryParseJwt(out Jwt)`: a compact JWS split and decoded, not validated.
//!
//! The token is three base64url segments (the signature may be empty); header and payload
//! must be JSON objects. The `Jwt` is a record (see `records.rs`) of the header's `alg`/`typ`
//! and the registered claims; `Claims` is a dictionary of every payload claim to its values
//! as strings (`string[]`), arrays giving several values. `Claims.GetValueOrDefault(name,
//! default)` joins the values with `,`, as APIM's extension on `IReadOnlyDictionary<string,
//! string[]>` does (served by `dict_get_or_default` below for any dictionary of `string[]`).

use super::records::opt;
use super::{arg, member_table, str_arg, MemberSpec};
use crate::value::Value;
use crate::vm::{Fault, Heap, Key, Obj, Vm};
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use gatehouse_dotnet::datetime::{DateTime, DateTimeKind};
use gatehouse_dotnet::json::JToken;
use gatehouse_dotnet::jsonwrite::Formatting;
use indexmap::IndexMap;

/// base64url, padding optional (JWTs omit it).
const B64URL: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A decoded segment as a JSON object's members.
fn segment(s: &str) -> Option<IndexMap<String, JToken>> {
    let bytes = B64URL.decode(s.trim()).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    match gatehouse_dotnet::jsonparse::parse(&text).ok()? {
        JToken::Object(m) => Some(m),
        _ => None,
    }
}

/// A claim value's string form, as `System.IdentityModel.Tokens.Jwt` gives it.
fn claim_text(t: &JToken) -> Option<String> {
    match t {
        JToken::Null => None,
        JToken::String(s) => Some(s.clone()),
        JToken::Boolean(b) => Some(if *b { "true" } else { "false" }.into()),
        JToken::Date(_) => {
            let j = t.to_json(Formatting::None);
            Some(j.trim_matches('"').to_string())
        }
        other => Some(other.to_json(Formatting::None)),
    }
}

/// A claim's values: one per array element, else one.
fn claim_values(t: &JToken) -> Vec<String> {
    match t {
        JToken::Array(xs) => xs.iter().filter_map(claim_text).collect(),
        other => claim_text(other).into_iter().collect(),
    }
}

/// A NumericDate claim as a UTC `DateTime?`.
fn numeric_date(t: Option<&JToken>) -> Value {
    let secs = match t {
        Some(JToken::Integer(i)) => Some(*i),
        Some(JToken::Float(f)) if f.is_finite() => Some(f.trunc() as i64),
        Some(JToken::String(s)) => s.trim().parse::<i64>().ok(),
        _ => None,
    };
    secs.and_then(|s| DateTime::from_unix_seconds(s).ok())
        .map_or(Value::Null, |d| {
            Value::DateTime(d.with_kind(DateTimeKind::Utc))
        })
}

/// The parsed token, or `None` when it is not a well-formed compact JWS.
fn parse(vm: &mut Vm<'_>, token: &str) -> Result<Option<Value>, Fault> {
    jwt_value(&mut vm.heap, token)
}

/// The members of a `Jwt`, in the order [`jwt_value`] builds them.
const FIELDS: [&str; 10] = [
    "Algorithm",
    "Type",
    "Id",
    "Issuer",
    "Subject",
    "Audiences",
    "ExpirationTime",
    "NotBefore",
    "IssuedAt",
    "Claims",
];

/// Whether an anonymous object with `names` is a `Jwt` (what `is Jwt` and `(Jwt)` test).
pub(crate) fn is_jwt(names: &[std::sync::Arc<str>]) -> bool {
    names.iter().map(|n| &**n).eq(FIELDS.iter().copied())
}

/// The token as a `Jwt` on `heap` (`validate-jwt`'s `output-token-variable-name` too), or
/// `None` when it is not a well-formed compact JWS.
pub(crate) fn jwt_value(heap: &mut Heap, token: &str) -> Result<Option<Value>, Fault> {
    let parts: Vec<&str> = token.trim().split('.').collect();
    let [h, p, _sig] = parts.as_slice() else {
        return Ok(None);
    };
    let (Some(header), Some(payload)) = (segment(h), segment(p)) else {
        return Ok(None);
    };
    let hs = |k: &str| header.get(k).and_then(claim_text);
    let ps = |k: &str| payload.get(k).and_then(claim_text);
    let mut audiences = Vec::new();
    if let Some(aud) = payload.get("aud") {
        audiences = claim_values(aud).into_iter().map(Value::str).collect();
    }
    let audiences = heap.value(Obj::List("System.String", audiences))?;
    let mut claims = IndexMap::new();
    for (k, v) in &payload {
        let vals = claim_values(v).into_iter().map(Value::str).collect();
        let arr = heap.value(Obj::Array("System.String", vals))?;
        let key = Value::str(k.as_str());
        claims.insert(Key::of(&key), (key, arr));
    }
    let claims = heap.value(Obj::Dict(claims))?;
    let fields = [
        ("Algorithm", opt(hs("alg"))),
        ("Type", opt(hs("typ"))),
        ("Id", opt(ps("jti"))),
        ("Issuer", opt(ps("iss"))),
        ("Subject", opt(ps("sub"))),
        ("Audiences", audiences),
        ("ExpirationTime", numeric_date(payload.get("exp"))),
        ("NotBefore", numeric_date(payload.get("nbf"))),
        ("IssuedAt", numeric_date(payload.get("iat"))),
        ("Claims", claims),
    ];
    debug_assert!(fields.iter().map(|(n, _)| *n).eq(FIELDS.iter().copied()));
    let names: std::sync::Arc<[std::sync::Arc<str>]> =
        FIELDS.iter().map(|n| std::sync::Arc::from(*n)).collect();
    let vals = fields.into_iter().map(|(_, v)| v).collect();
    heap.value(Obj::Anon(names, vals)).map(Some)
}

/// `AsJwt()` (null when invalid) and `TryParseJwt(out jwt)`.
fn as_jwt(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let token = str_arg(a, 0)?.to_string();
    let jwt = parse(vm, &token)?;
    if name == "TryParseJwt" {
        let ok = jwt.is_some();
        vm.out = jwt.unwrap_or(Value::Null);
        return Ok(Value::Bool(ok));
    }
    Ok(jwt.unwrap_or(Value::Null))
}

/// `IReadOnlyDictionary<string, string[]>.GetValueOrDefault(name, default)`: the values
/// joined with `,` when the entry is a `string[]` and the default a string (APIM's
/// extension); otherwise the entry itself, or `default` when absent (`Dictionary`'s own).
fn dict_get_or_default(vm: &mut Vm<'_>, _: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let Value::Ref(r) = arg(a, 0) else {
        return Err(Fault::null());
    };
    let found = match vm.heap.get(*r) {
        Obj::Dict(m) => m.get(&Key::of(arg(a, 1))).map(|(_, v)| v.clone()),
        _ => return Err(super::no_member("GetValueOrDefault")),
    };
    let Some(v) = found else {
        return Ok(arg(a, 2).clone());
    };
    if let (Value::Ref(e), Value::Str(_) | Value::Null) = (&v, arg(a, 2)) {
        if let Obj::Array("System.String", xs) = vm.heap.get(*e) {
            let parts: Option<Vec<&str>> = xs.iter().map(Value::as_str).collect();
            if let Some(parts) = parts {
                return Ok(Value::str(parts.join(",")));
            }
        }
    }
    Ok(v)
}

/// `AsJwt`, `TryParseJwt`, the `Jwt` properties (fields at run time) and the joined lookup.
pub(super) const MEMBERS: &[MemberSpec] = member_table! {
    "string" {
        Method "AsJwt"() -> "Jwt" => as_jwt;
        Method "TryParseJwt"("out Jwt") -> "bool" => as_jwt;
    }
    "Jwt" {
        Property "Algorithm"() -> "string" => field;
        Property "Type"() -> "string" => field;
        Property "Id"() -> "string" => field;
        Property "Issuer"() -> "string" => field;
        Property "Subject"() -> "string" => field;
        Property "Audiences"() -> "IEnumerable<string>" => field;
        Property "ExpirationTime"() -> "DateTime?" => field;
        Property "NotBefore"() -> "DateTime?" => field;
        Property "IssuedAt"() -> "DateTime?" => field;
        Property "Claims"() -> "IReadOnlyDictionary<string, string[]>" => field;
    }
    "Dictionary" {
        Method "GetValueOrDefault"("K", "V") -> "V" => dict_get_or_default;
    }
};

/// A record property (statically typed; at run time the field answers directly).
pub(super) fn field(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    super::get_named(vm, arg(a, 0).clone(), name)
}
