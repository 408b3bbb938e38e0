//! XML entity and character references: `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` `&#N;` `&#xH;`.

/// Longest entity reference we look at before giving up (`&#x10FFFF;` is 10 bytes).
const MAX_ENTITY_LEN: usize = 12;

/// The result of reading an `&` at some position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Entity {
    /// A valid reference: the character and the reference's length in bytes.
    Char(char, usize),
    /// `&name;` with a name XML does not predefine; the length in bytes.
    Unknown(usize),
    /// `&` that starts no reference at all.
    Bare,
}

/// Reads the entity reference starting at `bytes[0] == b'&'`.
pub(crate) fn read(bytes: &[u8]) -> Entity {
    let window = &bytes[..bytes.len().min(MAX_ENTITY_LEN)];
    let Some(semi) = window.iter().position(|&b| b == b';') else {
        return Entity::Bare;
    };
    let name = &window[1..semi];
    let len = semi + 1;
    let ch = match name {
        b"lt" => Some('<'),
        b"gt" => Some('>'),
        b"amp" => Some('&'),
        b"quot" => Some('"'),
        b"apos" => Some('\''),
        [b'#', b'x' | b'X', hex @ ..] => numeric(hex, 16),
        [b'#', dec @ ..] => numeric(dec, 10),
        _ if is_name(name) => return Entity::Unknown(len),
        _ => return Entity::Bare,
    };
    match ch {
        Some(c) => Entity::Char(c, len),
        None => Entity::Unknown(len),
    }
}

fn numeric(digits: &[u8], radix: u32) -> Option<char> {
    if digits.is_empty() {
        return None;
    }
    let text = std::str::from_utf8(digits).ok()?;
    let n = u32::from_str_radix(text, radix).ok()?;
    char::from_u32(n).filter(|&c| c != '\0')
}

fn is_name(name: &[u8]) -> bool {
    !name.is_empty() && name.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predefined_and_numeric() {
        assert_eq!(read(b"&lt;x"), Entity::Char('<', 4));
        assert_eq!(read(b"&quot;"), Entity::Char('"', 6));
        assert_eq!(read(b"&#65;"), Entity::Char('A', 5));
        assert_eq!(read(b"&#x41;"), Entity::Char('A', 6));
        assert_eq!(read(b"&#x110000;"), Entity::Unknown(10));
        assert_eq!(read(b"&#0;"), Entity::Unknown(4));
    }

    #[test]
    fn unknown_and_bare() {
        assert_eq!(read(b"&nbsp;"), Entity::Unknown(6));
        assert_eq!(read(b"& b"), Entity::Bare);
        assert_eq!(read(b"&&"), Entity::Bare);
        assert_eq!(read(b"&"), Entity::Bare);
        assert_eq!(read(b"&a b;"), Entity::Bare);
    }
}
