//! `Convert.ToInt32(string, fromBase)` and friends, and `Convert.ToString(value, toBase)`:
//! .NET's `ParseNumbers` rules for bases 2, 8, 10 and 16.
//!
//! Outside base 10 the digits are the value's two's-complement bits (`"ffffffff"` is `-1` as
//! an `int`), a minus sign is an error, and base 16 accepts a `0x` prefix. No whitespace is
//! skipped and nothing may follow the digits.

use super::error::{DResult, DotnetError};
use super::numfmt::IntType;

/// `Convert.ToInt16/ToInt32/ToInt64/ToByte(string, fromBase)`; `None` (null) is 0.
pub fn parse_in_base(s: Option<&str>, base: i32, ty: IntType) -> DResult<i128> {
    check_base(base)?;
    let Some(s) = s else { return Ok(0) };
    let wide = ty.bits() > 32;
    let unsigned = ty == IntType::Byte;
    let (raw, negative) = grab(s, base as u32, wide, unsigned)?;
    let bits = if wide { 64 } else { 32 };
    match ty {
        IntType::Byte if raw > 0xFF => Err(DotnetError::too_big(ty.article_name())),
        IntType::Byte => Ok(raw as i128),
        IntType::Int16 if raw > 0xFFFF => Err(DotnetError::too_big(ty.article_name())),
        IntType::Int16 if base != 10 => Ok(raw as u16 as i16 as i128),
        IntType::Int16 => signed_decimal(raw, negative, ty),
        _ if base != 10 => Ok(twos_complement(raw, bits)),
        _ => signed_decimal(raw, negative, ty),
    }
}

/// `Convert.ToString(value, toBase)` of an integer `bits` wide (lower-case hex digits; the
/// two's-complement bits outside base 10).
pub fn format_in_base(v: i64, bits: u32, base: i32) -> DResult<String> {
    check_base(base)?;
    if base == 10 {
        return Ok(v.to_string());
    }
    let mask = if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    };
    let u = (v as u64) & mask;
    Ok(match base {
        2 => format!("{u:b}"),
        8 => format!("{u:o}"),
        _ => format!("{u:x}"),
    })
}

fn check_base(base: i32) -> DResult<()> {
    match base {
        2 | 8 | 10 | 16 => Ok(()),
        _ => Err(DotnetError::argument("Invalid Base.")),
    }
}

/// The digits' magnitude and whether a minus sign preceded them (base 10 only).
fn grab(s: &str, base: u32, wide: bool, unsigned: bool) -> DResult<(u64, bool)> {
    let b = s.as_bytes();
    if b.is_empty() {
        return Err(DotnetError::out_of_range(
            "startIndex",
            "Index was out of range. Must be non-negative and less than the size of the collection.",
        ));
    }
    let mut i = 0;
    let negative = b[0] == b'-';
    if negative {
        if base != 10 {
            return Err(DotnetError::argument(
                "String cannot contain a minus sign if the base is not 10.",
            ));
        }
        if unsigned {
            return Err(DotnetError::overflow(
                "The string was being parsed as an unsigned number and could not have a negative sign.",
            ));
        }
        i = 1;
    } else if b[0] == b'+' {
        i = 1;
    }
    if base == 16 && i + 1 < b.len() && b[i] == b'0' && matches!(b[i + 1], b'x' | b'X') {
        i += 2;
    }
    let start = i;
    let limit: u64 = if wide { u64::MAX } else { u32::MAX as u64 };
    let signed_decimal = base == 10 && !unsigned;
    let mut value: u64 = 0;
    while let Some(d) = b.get(i).and_then(|c| (*c as char).to_digit(base)) {
        value = value
            .checked_mul(base as u64)
            .and_then(|v| v.checked_add(d as u64))
            .filter(|v| *v <= limit)
            .ok_or_else(|| overflow(wide, signed_decimal))?;
        if signed_decimal && value > limit / 2 + 1 {
            return Err(overflow(wide, true));
        }
        i += 1;
    }
    if i == start {
        return Err(DotnetError::format(
            "Could not find any recognizable digits.",
        ));
    }
    if i < b.len() {
        return Err(DotnetError::format(
            "Additional non-parsable characters are at the end of the string.",
        ));
    }
    Ok((value, negative))
}

/// The overflow .NET reports while reading digits: the signed type in base 10, the
/// unsigned one of the same width otherwise.
fn overflow(wide: bool, signed: bool) -> DotnetError {
    DotnetError::too_big(match (wide, signed) {
        (false, true) => IntType::Int32.article_name(),
        (false, false) => IntType::UInt32.article_name(),
        (true, true) => IntType::Int64.article_name(),
        (true, false) => IntType::UInt64.article_name(),
    })
}

fn signed_decimal(raw: u64, negative: bool, ty: IntType) -> DResult<i128> {
    let v = if negative {
        -(raw as i128)
    } else {
        raw as i128
    };
    let (lo, hi) = ty.range();
    if v < lo || v > hi {
        return Err(DotnetError::too_big(ty.article_name()));
    }
    Ok(v)
}

fn twos_complement(raw: u64, bits: u32) -> i128 {
    if bits == 32 {
        raw as u32 as i32 as i128
    } else {
        raw as i64 as i128
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str, base: i32, ty: IntType) -> Result<i128, String> {
        parse_in_base(Some(s), base, ty).map_err(|e| format!("{}: {}", e.kind.name(), e.message))
    }

    #[test]
    fn the_bases_read_twos_complement_bits() {
        assert_eq!(p("ff", 16, IntType::Int32), Ok(255));
        assert_eq!(p("0xFF", 16, IntType::Int32), Ok(255));
        assert_eq!(p("ffffffff", 16, IntType::Int32), Ok(-1));
        assert_eq!(p("80000000", 16, IntType::Int32), Ok(i32::MIN as i128));
        assert_eq!(p("ffffffffffffffff", 16, IntType::Int64), Ok(-1));
        assert_eq!(p("101", 2, IntType::Int32), Ok(5));
        assert_eq!(p("777", 8, IntType::Int32), Ok(511));
        assert_eq!(p("ffff", 16, IntType::Int16), Ok(-1));
        assert_eq!(p("-12", 10, IntType::Int32), Ok(-12));
        assert_eq!(p("-2147483648", 10, IntType::Int32), Ok(i32::MIN as i128));
        assert_eq!(parse_in_base(None, 16, IntType::Int32).ok(), Some(0));
    }

    #[test]
    fn mistakes_throw_what_dotnet_throws() {
        let e = |s, b, t| p(s, b, t).err().unwrap_or_default();
        assert!(e("1", 3, IntType::Int32).starts_with("System.ArgumentException: Invalid Base."));
        assert!(e("-1", 16, IntType::Int32).contains("minus sign"));
        assert!(e("1g", 16, IntType::Int32).contains("non-parsable"));
        assert!(e("g", 16, IntType::Int32).contains("recognizable digits"));
        assert!(e(" 1", 16, IntType::Int32).starts_with("System.FormatException"));
        assert!(e("", 16, IntType::Int32).starts_with("System.ArgumentOutOfRangeException"));
        assert!(e("100000000", 16, IntType::Int32).contains("UInt32"));
        assert!(e("2147483648", 10, IntType::Int32).contains("Int32"));
        assert!(e("100", 16, IntType::Byte).contains("unsigned byte"));
        assert!(e("10000", 16, IntType::Int16).contains("Int16"));
        assert!(e("-1", 10, IntType::Byte).starts_with("System.OverflowException"));
    }

    #[test]
    fn formatting_writes_the_bits() {
        assert_eq!(format_in_base(255, 32, 16).ok().as_deref(), Some("ff"));
        assert_eq!(format_in_base(-1, 32, 16).ok().as_deref(), Some("ffffffff"));
        assert_eq!(format_in_base(-1, 64, 2).ok().map(|s| s.len()), Some(64));
        assert_eq!(format_in_base(8, 32, 8).ok().as_deref(), Some("10"));
        assert_eq!(format_in_base(-5, 32, 10).ok().as_deref(), Some("-5"));
        assert!(format_in_base(1, 32, 7).is_err());
    }
}
