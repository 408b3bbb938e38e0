//! `Convert.To/FromBase64String`, `Encoding.*.GetBytes/GetString`, `BitConverter.ToString`,
//! `Convert.ToHexString`/`FromHexString`.

use super::error::{DResult, DotnetError};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

/// `Convert.ToBase64String(bytes)`.
pub fn to_base64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// `Convert.FromBase64String(s)`: whitespace is ignored; bad length, characters or padding
/// raise `FormatException` with .NET's message.
pub fn from_base64(s: &str) -> DResult<Vec<u8>> {
    let clean: String = s
        .chars()
        .filter(|c| !matches!(c, ' ' | '\t' | '\r' | '\n'))
        .collect();
    let bad = || {
        DotnetError::format(
            "The input is not a valid Base-64 string as it contains a non-base 64 character, more than two padding characters, or an illegal character among the padding characters.",
        )
    };
    if clean.len() % 4 != 0 {
        return Err(bad());
    }
    STANDARD.decode(clean.as_bytes()).map_err(|_| bad())
}

/// `Encoding.UTF8.GetBytes(s)` (no BOM).
pub fn utf8_bytes(s: &str) -> Vec<u8> {
    s.as_bytes().to_vec()
}

/// `Encoding.UTF8.GetString(bytes)`: invalid sequences become U+FFFD.
pub fn utf8_string(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `Encoding.ASCII.GetBytes(s)`: each non-ASCII UTF-16 unit becomes `?` (a pair becomes `??`).
pub fn ascii_bytes(s: &str) -> Vec<u8> {
    s.encode_utf16()
        .map(|u| if u < 0x80 { u as u8 } else { b'?' })
        .collect()
}

/// `Encoding.ASCII.GetString(bytes)`: bytes above 0x7F become `?`.
pub fn ascii_string(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| if b < 0x80 { b as char } else { '?' })
        .collect()
}

/// `Encoding.Unicode.GetBytes(s)`: UTF-16 little-endian.
pub fn utf16le_bytes(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// `Encoding.Unicode.GetString(bytes)`: a trailing odd byte and lone surrogates become U+FFFD.
pub fn utf16le_string(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]))
        .collect();
    let mut s = String::from_utf16_lossy(&units);
    if bytes.len() % 2 == 1 {
        s.push('\u{FFFD}');
    }
    s
}

/// `Encoding.Latin1.GetBytes(s)` (ISO-8859-1): characters above U+00FF become `?`.
pub fn latin1_bytes(s: &str) -> Vec<u8> {
    s.encode_utf16()
        .map(|u| if u < 0x100 { u as u8 } else { b'?' })
        .collect()
}

/// `Encoding.Latin1.GetString(bytes)`.
pub fn latin1_string(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// `BitConverter.ToString(bytes)`: upper-case hex pairs joined by `-`.
pub fn bit_converter_to_string(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join("-")
}

/// `Convert.ToHexString(bytes)`: upper-case hex (.NET 5+).
pub fn to_hex_string(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// `Convert.ToHexStringLower(bytes)` (.NET 9+).
pub fn to_hex_string_lower(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `Convert.FromHexString(s)`: even length, hex digits only.
pub fn from_hex_string(s: &str) -> DResult<Vec<u8>> {
    if s.len() % 2 != 0 {
        return Err(DotnetError::format(
            "The input is not a valid hex string as its length is not a multiple of 2.",
        ));
    }
    let bad = || {
        DotnetError::format(
            "The input is not a valid hex string as it contains a non-hex character.",
        )
    };
    if !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).map_err(|_| bad()))
        .collect()
}
