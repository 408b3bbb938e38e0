//! GUIDs, text encodings, URI and HTML escaping, and `BitConverter`.

use crate::library::{arg, bytes, bytes_arg, m, no_member, s, str_arg, MemberSpec};
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
pub(in crate::library) const MEMBERS: &[MemberSpec] = &[
    m!("Guid", "NewGuid", Static, [], "Guid", guid),
    m!("Guid", "Empty", StaticProperty, [], "Guid", guid),
    m!("Guid", "Parse", Static, ["string"], "Guid", guid),
    m!(
        "Guid",
        "TryParse",
        Static,
        ["string", "out Guid"],
        "bool",
        guid
    ),
    m!("Guid", ".ctor", Constructor, ["string"], "Guid", guid),
    m!("Guid", "ToByteArray", Method, [], "byte[]", guid),
    m!("Encoding", "UTF8", StaticProperty, [], "Encoding", encoding),
    m!(
        "Encoding",
        "ASCII",
        StaticProperty,
        [],
        "Encoding",
        encoding
    ),
    m!(
        "Encoding",
        "Unicode",
        StaticProperty,
        [],
        "Encoding",
        encoding
    ),
    m!(
        "Encoding",
        "Latin1",
        StaticProperty,
        [],
        "Encoding",
        encoding
    ),
    m!(
        "Encoding",
        "GetBytes",
        Method,
        ["string"],
        "byte[]",
        encoding
    ),
    m!(
        "Encoding",
        "GetString",
        Method,
        ["byte[]"],
        "string",
        encoding
    ),
    m!(
        "Uri",
        "EscapeDataString",
        Static,
        ["string"],
        "string",
        text_codec
    ),
    m!(
        "Uri",
        "UnescapeDataString",
        Static,
        ["string"],
        "string",
        text_codec
    ),
    m!(
        "Uri",
        "EscapeUriString",
        Static,
        ["string"],
        "string",
        text_codec
    ),
    m!(
        "WebUtility",
        "UrlEncode",
        Static,
        ["string"],
        "string",
        text_codec
    ),
    m!(
        "WebUtility",
        "UrlDecode",
        Static,
        ["string"],
        "string",
        text_codec
    ),
    m!(
        "WebUtility",
        "HtmlEncode",
        Static,
        ["string"],
        "string",
        text_codec
    ),
    m!(
        "WebUtility",
        "HtmlDecode",
        Static,
        ["string"],
        "string",
        text_codec
    ),
    m!(
        "BitConverter",
        "ToString",
        Static,
        ["byte[]"],
        "string",
        text_codec
    ),
];
