//! GUIDs, text encodings, URI and HTML escaping, and `BitConverter`.

use crate::library::{arg, bytes, bytes_arg, member_table, no_member, s, str_arg, MemberSpec};
use crate::value::Value;
use crate::vm::{Enc, Fault, Obj, Vm};
use gatehouse_dotnet::crypto::Guid;
use gatehouse_dotnet::{encoding as enc, uri};

fn guid(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    Ok(match name {
        "NewGuid" => Value::Guid(Guid::new_v4(vm.host.random())),
        "Empty" => Value::Guid(Guid::EMPTY),
        "Parse" | ".ctor" => Value::Guid(Guid::parse(str_arg(a, 0)?)?),
        "TryParse" => {
            let r = Guid::try_parse(str_arg(a, 0)?);
            vm.out = Value::Guid(r.unwrap_or(Guid::EMPTY));
            Value::Bool(r.is_some())
        }
        "ToByteArray" => match arg(a, 0) {
            Value::Guid(g) => return bytes(vm, g.to_byte_array().to_vec()),
            _ => return Err(Fault::null()),
        },
        _ => return Err(no_member(name)),
    })
}

fn encoding(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let e = match name {
        "UTF8" => Enc::Utf8,
        "ASCII" => Enc::Ascii,
        "Unicode" => Enc::Unicode,
        "Latin1" => Enc::Latin1,
        _ => {
            let e = match arg(a, 0) {
                Value::Ref(r) => match vm.heap.get(*r) {
                    Obj::Encoding(e) => *e,
                    _ => return Err(no_member(name)),
                },
                _ => return Err(Fault::null()),
            };
            return if name == "GetBytes" {
                let t = str_arg(a, 1)?;
                let b = match e {
                    Enc::Utf8 => enc::utf8_bytes(t),
                    Enc::Ascii => enc::ascii_bytes(t),
                    Enc::Unicode => enc::utf16le_bytes(t),
                    Enc::Latin1 => enc::latin1_bytes(t),
                };
                bytes(vm, b)
            } else {
                let b = bytes_arg(vm, a, 1)?;
                s(match e {
                    Enc::Utf8 => enc::utf8_string(&b),
                    Enc::Ascii => enc::ascii_string(&b),
                    Enc::Unicode => enc::utf16le_string(&b),
                    Enc::Latin1 => enc::latin1_string(&b),
                })
            };
        }
    };
    vm.alloc(Obj::Encoding(e))
}

fn text_codec(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    if name == "ToString" {
        return s(enc::bit_converter_to_string(&bytes_arg(vm, a, 0)?));
    }
    let t = match arg(a, 0) {
        Value::Null if name.starts_with("Url") || name.starts_with("Html") => {
            return Ok(Value::Null)
        }
        _ => str_arg(a, 0)?,
    };
    s(match name {
        "EscapeDataString" => uri::escape_data_string(t),
        "UnescapeDataString" => uri::unescape_data_string(t),
        "EscapeUriString" => uri::escape_uri_string(t),
        "UrlEncode" => uri::url_encode(t),
        "UrlDecode" => uri::url_decode(t),
        "HtmlEncode" => uri::html_encode(t),
        "HtmlDecode" => uri::html_decode(t),
        _ => return Err(no_member(name)),
    })
}

/// GUID, encoding and escaping members, in table order.
pub(in crate::library) const MEMBERS: &[MemberSpec] = member_table! {
    "Guid" {
        Static "NewGuid"() -> "Guid" => guid;
        StaticProperty "Empty"() -> "Guid" => guid;
        Static "Parse"("string") -> "Guid" => guid;
        Static "TryParse"("string", "out Guid") -> "bool" => guid;
        Constructor ".ctor"("string") -> "Guid" => guid;
        Method "ToByteArray"() -> "byte[]" => guid;
    }
    "Encoding" {
        StaticProperty "UTF8"() -> "Encoding" => encoding;
        StaticProperty "ASCII"() -> "Encoding" => encoding;
        StaticProperty "Unicode"() -> "Encoding" => encoding;
        StaticProperty "Latin1"() -> "Encoding" => encoding;
        Method "GetBytes"("string") -> "byte[]" => encoding;
        Method "GetString"("byte[]") -> "string" => encoding;
    }
    "Uri" {
        Static "EscapeDataString"("string") -> "string" => text_codec;
        Static "UnescapeDataString"("string") -> "string" => text_codec;
        Static "EscapeUriString"("string") -> "string" => text_codec;
    }
    "WebUtility" {
        Static "UrlEncode"("string") -> "string" => text_codec;
        Static "UrlDecode"("string") -> "string" => text_codec;
        Static "HtmlEncode"("string") -> "string" => text_codec;
        Static "HtmlDecode"("string") -> "string" => text_codec;
    }
    "BitConverter" {
        Static "ToString"("byte[]") -> "string" => text_codec;
    }
};
