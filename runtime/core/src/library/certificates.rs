//! `X509Certificate2`: `context.Request.Certificate`, the certificate the client presented
//! in the TLS handshake (`null` without one), as a record of its properties.
//!
//! `Verify()` and the `VerifyNoRevocation()` extension answer whether the chain leads to
//! one of the operator's CA certificates and the certificate is within its validity
//! dates; revocation is never checked (no CRL or OCSP is fetched; `docs/gateway.md`).

use super::records::record;
use super::{arg, member_table, MemberSpec};
use crate::engine::PeerCertificate;
use crate::value::Value;
use crate::vm::{Fault, Obj, Vm};
use gatehouse_dotnet::datetime::{DateTime, DateTimeKind};

/// The hidden field holding `Verify()`'s answer.
const VERIFIED: &str = "$verified";

/// A date of the certificate as .NET gives it (local time, which is UTC on the gateway).
fn date(secs: i64) -> Value {
    DateTime::from_unix_seconds(secs).map_or(Value::Null, |d| {
        Value::DateTime(d.with_kind(DateTimeKind::Local))
    })
}

/// The record of `c`, read at `now` (Unix seconds).
pub(crate) fn certificate(vm: &mut Vm<'_>, c: &PeerCertificate, now: i64) -> Result<Value, Fault> {
    let subject = record(vm, vec![("Name", Value::str(c.subject.as_str()))])?;
    let issuer = record(vm, vec![("Name", Value::str(c.issuer.as_str()))])?;
    let raw = vm.alloc(Obj::Bytes(c.der.to_vec()))?;
    let verified = c.trusted && c.not_before <= now && now <= c.not_after;
    record(
        vm,
        vec![
            (VERIFIED, Value::Bool(verified)),
            ("Subject", Value::str(c.subject.as_str())),
            ("Issuer", Value::str(c.issuer.as_str())),
            ("SubjectName", subject),
            ("IssuerName", issuer),
            ("Thumbprint", Value::str(c.thumbprint.as_str())),
            ("SerialNumber", Value::str(c.serial_number.as_str())),
            ("NotBefore", date(c.not_before)),
            ("NotAfter", date(c.not_after)),
            ("Version", Value::Int(c.version)),
            ("FriendlyName", Value::str("")),
            ("HasPrivateKey", Value::Bool(false)),
            ("RawData", raw),
        ],
    )
}

/// `context.Request.Certificate`.
fn request_certificate(vm: &mut Vm<'_>, _: &'static str, _: &[Value]) -> Result<Value, Fault> {
    let Some(c) = vm.host.client_certificate() else {
        return Ok(Value::Null);
    };
    let now = vm.host.now().to_unix_seconds();
    certificate(vm, &c, now)
}

/// `Verify()`, `VerifyNoRevocation()`, `GetCertHashString()`, `GetSerialNumberString()`,
/// `GetRawCertData()`: read from the record's fields.
fn method(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let field = match name {
        "Verify" | "VerifyNoRevocation" => VERIFIED,
        "GetCertHashString" => "Thumbprint",
        "GetSerialNumberString" => "SerialNumber",
        _ => "RawData",
    };
    let v = super::get_named(vm, arg(a, 0).clone(), field)?;
    if name != "GetRawCertData" {
        return Ok(v);
    }
    // A copy, as .NET returns.
    let bytes = super::args::bytes_arg(vm, &[v], 0)?;
    vm.alloc(Obj::Bytes(bytes))
}

/// `X509Certificate2` and `X500DistinguishedName` members, and `IRequest.Certificate`.
pub(super) const MEMBERS: &[MemberSpec] = member_table! {
    "IRequest" {
        Property "Certificate"() -> "X509Certificate2" => request_certificate;
    }
    "X509Certificate2" {
        Property "Subject"() -> "string" => super::jwt::field;
        Property "Issuer"() -> "string" => super::jwt::field;
        Property "SubjectName"() -> "X500DistinguishedName" => super::jwt::field;
        Property "IssuerName"() -> "X500DistinguishedName" => super::jwt::field;
        Property "Thumbprint"() -> "string" => super::jwt::field;
        Property "SerialNumber"() -> "string" => super::jwt::field;
        Property "NotBefore"() -> "DateTime" => super::jwt::field;
        Property "NotAfter"() -> "DateTime" => super::jwt::field;
        Property "Version"() -> "int" => super::jwt::field;
        Property "FriendlyName"() -> "string" => super::jwt::field;
        Property "HasPrivateKey"() -> "bool" => super::jwt::field;
        Property "RawData"() -> "byte[]" => super::jwt::field;
        Method "Verify"() -> "bool" => method;
        Method "VerifyNoRevocation"() -> "bool" => method;
        Method "GetCertHashString"() -> "string" => method;
        Method "GetSerialNumberString"() -> "string" => method;
        Method "GetRawCertData"() -> "byte[]" => method;
    }
    "X500DistinguishedName" {
        Property "Name"() -> "string" => super::jwt::field;
    }
    "anonymous" {
        Method "Verify"() -> "bool" => method;
        Method "VerifyNoRevocation"() -> "bool" => method;
        Method "GetCertHashString"() -> "string" => method;
        Method "GetSerialNumberString"() -> "string" => method;
        Method "GetRawCertData"() -> "byte[]" => method;
    }
};
