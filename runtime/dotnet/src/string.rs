//! `System.String` and `System.Char` members. Indexes and lengths are UTF-16 code units, as in .NET:
//! a character outside the BMP counts 2, and cutting a surrogate pair yields U+FFFD.
//!
//! Culture-sensitive comparisons (`CurrentCulture`, `InvariantCulture`) are approximated: equality is
//! ordinal, ordering compares case-insensitively first and puts lower case before upper case on ties.

use super::error::{DResult, DotnetError, ExceptionKind};
use std::cmp::Ordering;

/// `StringComparison`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StringComparison {
    /// Culture-sensitive (approximated, see the module docs).
    CurrentCulture,
    /// Culture-sensitive, ignoring case.
    CurrentCultureIgnoreCase,
    /// Invariant culture (approximated).
    InvariantCulture,
    /// Invariant culture, ignoring case.
    InvariantCultureIgnoreCase,
    /// Code-unit comparison, the default of `Equals`, `Replace`, `Contains`.
    #[default]
    Ordinal,
    /// Code-unit comparison after simple upper-casing.
    OrdinalIgnoreCase,
}

impl StringComparison {
    /// True for the `…IgnoreCase` members.
    fn ignore_case(self) -> bool {
        matches!(
            self,
            Self::CurrentCultureIgnoreCase
                | Self::InvariantCultureIgnoreCase
                | Self::OrdinalIgnoreCase
        )
    }
}

/// The UTF-16 code units of `s`.
pub fn utf16(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}

/// A string from UTF-16 code units (lone surrogates become U+FFFD).
pub fn from_utf16(units: &[u16]) -> String {
    String::from_utf16_lossy(units)
}

/// `Length`: UTF-16 code units.
pub fn length(s: &str) -> usize {
    s.encode_utf16().count()
}

/// The indexer `s[i]`: `IndexOutOfRangeException` outside the string.
pub fn char_at(s: &str, index: i64) -> DResult<u16> {
    usize::try_from(index)
        .ok()
        .and_then(|i| s.encode_utf16().nth(i))
        .ok_or_else(|| {
            DotnetError::new(
                ExceptionKind::IndexOutOfRange,
                "Index was outside the bounds of the array.",
            )
        })
}

/// The UTF-16 units of `s` and their count, for a member taking `startIndex`: the
/// `ArgumentOutOfRangeException` of `Substring` and `Remove` when `start` is negative.
fn units_from(s: &str, start: i64) -> DResult<(Vec<u16>, i64)> {
    if start < 0 {
        return Err(DotnetError::out_of_range(
            "startIndex",
            "StartIndex cannot be less than zero.",
        ));
    }
    let u = utf16(s);
    let n = u.len() as i64;
    Ok((u, n))
}

/// `Substring(startIndex)` and `Substring(startIndex, length)`.
pub fn substring(s: &str, start: i64, len: Option<i64>) -> DResult<String> {
    let (u, n) = units_from(s, start)?;
    if start > n {
        return Err(DotnetError::out_of_range(
            "startIndex",
            "startIndex cannot be larger than length of string.",
        ));
    }
    let len = len.unwrap_or(n - start);
    if len < 0 {
        return Err(DotnetError::out_of_range(
            "length",
            "Length cannot be less than zero.",
        ));
    }
    if start + len > n {
        return Err(DotnetError::out_of_range(
            "length",
            "Index and length must refer to a location within the string.",
        ));
    }
    Ok(from_utf16(&u[start as usize..(start + len) as usize]))
}

/// Simple (one-to-one) invariant upper-casing of a char, as `char.ToUpperInvariant`.
pub fn char_to_upper(c: char) -> char {
    let mut up = c.to_uppercase();
    match (up.next(), up.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// Simple invariant lower-casing of a char, as `char.ToLowerInvariant`.
pub fn char_to_lower(c: char) -> char {
    let mut low = c.to_lowercase();
    match (low.next(), low.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// `ToUpper()` / `ToUpperInvariant()`: simple case mapping (`ß` stays `ß`).
pub fn to_upper(s: &str) -> String {
    s.chars().map(char_to_upper).collect()
}

/// `ToLower()` / `ToLowerInvariant()`.
pub fn to_lower(s: &str) -> String {
    s.chars().map(char_to_lower).collect()
}

/// The code units compared under `cmp`'s case rule.
fn fold(s: &str, cmp: StringComparison) -> Vec<u16> {
    if cmp.ignore_case() {
        utf16(&to_upper(s))
    } else {
        utf16(s)
    }
}

/// `string.Equals(a, b, comparison)`.
pub fn equals(a: &str, b: &str, cmp: StringComparison) -> bool {
    fold(a, cmp) == fold(b, cmp)
}

/// `string.Compare(a, b, comparison)`: -1, 0 or 1.
pub fn compare(a: &str, b: &str, cmp: StringComparison) -> i32 {
    let ord = match cmp {
        StringComparison::Ordinal | StringComparison::OrdinalIgnoreCase => {
            fold(a, cmp).cmp(&fold(b, cmp))
        }
        _ => {
            let (la, lb) = (to_lower(a), to_lower(b));
            let first = la.cmp(&lb);
            if first != Ordering::Equal || cmp.ignore_case() {
                first
            } else {
                utf16(b).cmp(&utf16(a))
            }
        }
    };
    ord as i32
}

/// Finds `needle` in `hay` (both folded) from code unit `from`.
fn find(hay: &[u16], needle: &[u16], from: usize) -> Option<usize> {
    if needle.is_empty() {
        return Some(from);
    }
    (from..hay.len().saturating_sub(needle.len() - 1)).find(|&i| hay[i..].starts_with(needle))
}

/// `IndexOf(value, startIndex, comparison)`: a code-unit index or -1.
pub fn index_of(s: &str, value: &str, start: i64, cmp: StringComparison) -> DResult<i64> {
    let hay = fold(s, cmp);
    if start < 0 || start > hay.len() as i64 {
        return Err(DotnetError::out_of_range("startIndex", "Index was out of range. Must be non-negative and less than or equal to the size of the collection."));
    }
    Ok(find(&hay, &fold(value, cmp), start as usize).map_or(-1, |i| i as i64))
}

/// `LastIndexOf(value, comparison)`: a code-unit index or -1.
pub fn last_index_of(s: &str, value: &str, cmp: StringComparison) -> i64 {
    let (hay, needle) = (fold(s, cmp), fold(value, cmp));
    if needle.is_empty() {
        return hay.len().saturating_sub(1) as i64;
    }
    (0..=hay.len().saturating_sub(needle.len()))
        .rev()
        .find(|&i| hay[i..].starts_with(&needle))
        .map_or(-1, |i| i as i64)
}

/// `IndexOfAny(chars)`.
pub fn index_of_any(s: &str, chars: &[char]) -> i64 {
    let set: Vec<u16> = chars
        .iter()
        .flat_map(|c| c.encode_utf16(&mut [0; 2]).to_vec())
        .collect();
    utf16(s)
        .iter()
        .position(|u| set.contains(u))
        .map_or(-1, |i| i as i64)
}

/// `Contains(value, comparison)`.
pub fn contains(s: &str, value: &str, cmp: StringComparison) -> bool {
    find(&fold(s, cmp), &fold(value, cmp), 0).is_some()
}

/// `StartsWith(value, comparison)` (the one-argument overload is culture-sensitive in .NET).
pub fn starts_with(s: &str, value: &str, cmp: StringComparison) -> bool {
    fold(s, cmp).starts_with(&fold(value, cmp))
}

/// `EndsWith(value, comparison)`.
pub fn ends_with(s: &str, value: &str, cmp: StringComparison) -> bool {
    fold(s, cmp).ends_with(&fold(value, cmp))
}

/// `Replace(oldValue, newValue)`: ordinal; `ArgumentException` for an empty `oldValue`.
pub fn replace(s: &str, old: &str, new: Option<&str>) -> DResult<String> {
    if old.is_empty() {
        return Err(DotnetError::argument(
            "String cannot be of zero length. (Parameter 'oldValue')",
        ));
    }
    let new = new.unwrap_or("");
    if new.len() > old.len() {
        let grows = s.matches(old).count() * (new.len() - old.len());
        crate::budget::charge(s.len().saturating_add(grows))?;
    }
    Ok(s.replace(old, new))
}

/// `Insert(startIndex, value)`.
pub fn insert(s: &str, start: i64, value: &str) -> DResult<String> {
    let u = utf16(s);
    if start < 0 || start > u.len() as i64 {
        return Err(DotnetError::out_of_range("startIndex", "Index was out of range. Must be non-negative and less than or equal to the size of the collection."));
    }
    crate::budget::charge(s.len() + value.len())?;
    let mut out = u[..start as usize].to_vec();
    out.extend(value.encode_utf16());
    out.extend_from_slice(&u[start as usize..]);
    Ok(from_utf16(&out))
}

/// `Remove(startIndex)` and `Remove(startIndex, count)`.
pub fn remove(s: &str, start: i64, count: Option<i64>) -> DResult<String> {
    let (u, n) = units_from(s, start)?;
    let count = match count {
        None if start >= n => {
            return Err(DotnetError::out_of_range(
                "startIndex",
                "startIndex must be less than length of string.",
            ))
        }
        None => n - start,
        Some(c) if c < 0 => {
            return Err(DotnetError::out_of_range(
                "count",
                "Count cannot be less than zero.",
            ))
        }
        Some(c) if start + c > n => {
            return Err(DotnetError::out_of_range(
                "count",
                "Index and count must refer to a location within the string.",
            ))
        }
        Some(c) => c,
    };
    let mut out = u[..start as usize].to_vec();
    out.extend_from_slice(&u[(start + count) as usize..]);
    Ok(from_utf16(&out))
}

/// `PadLeft(totalWidth, paddingChar)`.
pub fn pad_left(s: &str, width: i64, pad: char) -> DResult<String> {
    let pads = padding(s, width, pad)?;
    Ok(std::iter::repeat_n(pad, pads).chain(s.chars()).collect())
}

/// `new string(c, count)`: `c` repeated `count` times, charged to the memory budget.
pub fn repeat_char(c: char, count: i64) -> DResult<String> {
    if count < 0 {
        return Err(DotnetError::out_of_range(
            "count",
            "Non-negative number required.",
        ));
    }
    let n = count as usize;
    crate::budget::charge(n.saturating_mul(c.len_utf8()))?;
    Ok(std::iter::repeat_n(c, n).collect())
}

/// `PadRight(totalWidth, paddingChar)`.
pub fn pad_right(s: &str, width: i64, pad: char) -> DResult<String> {
    let pads = padding(s, width, pad)?;
    Ok(s.chars().chain(std::iter::repeat_n(pad, pads)).collect())
}

/// How many `pad`s make `s` `width` UTF-16 units long, charged to the memory budget.
fn padding(s: &str, width: i64, pad: char) -> DResult<usize> {
    if width < 0 {
        return Err(DotnetError::out_of_range(
            "totalWidth",
            "Non-negative number required.",
        ));
    }
    let pads = (width - length(s) as i64).max(0) as usize;
    crate::budget::charge(s.len().saturating_add(pads.saturating_mul(pad.len_utf8())))?;
    Ok(pads)
}

/// `Trim()`: removes `char.IsWhiteSpace` characters at both ends.
pub fn trim(s: &str) -> &str {
    s.trim_matches(is_white_space)
}

/// `TrimStart()`.
pub fn trim_start(s: &str) -> &str {
    s.trim_start_matches(is_white_space)
}

/// `TrimEnd()`.
pub fn trim_end(s: &str) -> &str {
    s.trim_end_matches(is_white_space)
}

/// `Trim(chars)`; an empty set trims whitespace, as in .NET.
pub fn trim_chars<'a>(s: &'a str, chars: &[char]) -> &'a str {
    if chars.is_empty() {
        trim(s)
    } else {
        s.trim_matches(|c| chars.contains(&c))
    }
}

/// `TrimStart(chars)`.
pub fn trim_start_chars<'a>(s: &'a str, chars: &[char]) -> &'a str {
    if chars.is_empty() {
        trim_start(s)
    } else {
        s.trim_start_matches(|c| chars.contains(&c))
    }
}

/// `TrimEnd(chars)`.
pub fn trim_end_chars<'a>(s: &'a str, chars: &[char]) -> &'a str {
    if chars.is_empty() {
        trim_end(s)
    } else {
        s.trim_end_matches(|c| chars.contains(&c))
    }
}

/// `string.IsNullOrEmpty`.
pub fn is_null_or_empty(s: Option<&str>) -> bool {
    s.is_none_or(str::is_empty)
}

/// `string.IsNullOrWhiteSpace`.
pub fn is_null_or_white_space(s: Option<&str>) -> bool {
    s.is_none_or(|s| s.chars().all(is_white_space))
}

/// `char.IsWhiteSpace`: the Unicode White_Space set, which matches .NET's Zs/Zl/Zp plus controls.
pub fn is_white_space(c: char) -> bool {
    c.is_whitespace()
}

/// Starts of the Unicode `Nd` ranges in the BMP (each ten digits long) besides ASCII.
const ND_STARTS: [u32; 22] = [
    0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6,
    0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0xFF10, 0x1946,
];

/// `char.IsDigit`: Unicode decimal digits (`Nd`) — ASCII and the common BMP scripts.
pub fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ND_STARTS.iter().any(|&s| (s..s + 10).contains(&(c as u32)))
}

/// `char.IsLetter` (approximated by Unicode Alphabetic, which also admits letter numbers and some marks).
pub fn is_letter(c: char) -> bool {
    c.is_alphabetic()
}

/// `char.IsLetterOrDigit`.
pub fn is_letter_or_digit(c: char) -> bool {
    is_letter(c) || is_digit(c)
}

/// `char.IsUpper`.
pub fn is_upper(c: char) -> bool {
    c.is_uppercase()
}

/// `char.IsLower`.
pub fn is_lower(c: char) -> bool {
    c.is_lowercase()
}
