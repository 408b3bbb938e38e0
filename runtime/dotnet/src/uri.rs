//! `Uri.EscapeDataString`/`UnescapeDataString`/`EscapeUriString` and `WebUtility` URL and HTML coding.
//!
//! `System.Web.HttpUtility.UrlEncode` differs from `WebUtility.UrlEncode` in using lower-case hex and
//! leaving `!` `(` `)` `*` alone too; policy expressions get `WebUtility`'s behaviour here.

use super::error::{DResult, DotnetError, ExceptionKind};

/// RFC 3986 unreserved characters, which `EscapeDataString` leaves alone.
fn unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

/// Percent-encodes every UTF-8 byte for which `keep` is false, with upper-case hex.
fn escape(s: &str, keep: impl Fn(u8) -> bool) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if keep(b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `Uri.EscapeDataString(s)`: everything but RFC 3986 unreserved characters (UTF-8, upper-case hex).
pub fn escape_data_string(s: &str) -> String {
    escape(s, unreserved)
}

/// `Uri.EscapeUriString(s)` (obsolete): also keeps reserved characters and `#`.
pub fn escape_uri_string(s: &str) -> String {
    escape(s, |b| unreserved(b) || b"!#$&'()*+,/:;=?@[]".contains(&b))
}

/// Decodes `%XX` sequences to bytes; invalid sequences stay as written.
fn unescape_bytes(s: &str, plus_is_space: bool) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match b[i] {
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' if plus_is_space => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    out
}

/// `Uri.UnescapeDataString(s)`: `%XX` sequences decoded as UTF-8 (invalid UTF-8 becomes U+FFFD,
/// where .NET would keep the escapes).
pub fn unescape_data_string(s: &str) -> String {
    String::from_utf8_lossy(&unescape_bytes(s, false)).into_owned()
}

/// `WebUtility.UrlEncode(s)`: space becomes `+`; unreserved plus `!()*` kept; upper-case hex.
pub fn url_encode(s: &str) -> String {
    let escaped = escape(s, |b| {
        b.is_ascii_alphanumeric() || b"-_.!*()".contains(&b) || b == b' '
    });
    escaped.replace(' ', "+")
}

/// `WebUtility.UrlDecode(s)`: `+` is a space, `%XX` decoded, invalid UTF-8 becomes U+FFFD.
pub fn url_decode(s: &str) -> String {
    String::from_utf8_lossy(&unescape_bytes(s, true)).into_owned()
}

/// `WebUtility.HtmlEncode(s)`: `< > & " '` become entities; U+00A0–U+00FF become `&#NNN;`.
pub fn html_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\u{A0}'..='\u{FF}' => out.push_str(&format!("&#{};", c as u32)),
            c if (c as u32) > 0xFFFF => out.push_str(&format!("&#{};", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// The character a named entity stands for (the common subset).
fn named_entity(name: &str) -> Option<char> {
    Some(match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{A0}',
        "copy" => '©',
        "reg" => '®',
        "euro" => '€',
        _ => return None,
    })
}

/// `WebUtility.HtmlDecode(s)`: named (common subset), decimal and hex entities; unknown ones stay.
pub fn html_decode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        let decoded = tail[1..].find(';').filter(|&e| e <= 10).and_then(|e| {
            let body = &tail[1..1 + e];
            let c = if let Some(num) = body.strip_prefix('#') {
                let v = match num.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => num.parse().ok(),
                };
                v.and_then(char::from_u32)
            } else {
                named_entity(body)
            };
            c.map(|c| (c, e + 2))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &tail[len..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `new Uri(s)` validity for absolute URIs: a scheme, `:` and something after it.
pub fn check_absolute_uri(s: &str) -> DResult<()> {
    let ok = s.split_once(':').is_some_and(|(scheme, rest)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
            && !rest.is_empty()
    });
    if ok {
        Ok(())
    } else {
        Err(DotnetError::new(
            ExceptionKind::UriFormat,
            "Invalid URI: The format of the URI could not be determined.",
        ))
    }
}
