//! Invariant-culture number formatting: `ToString()` and the standard format strings.

use super::error::{DResult, DotnetError};
use super::numbuf::{Kind, NumBuf, Round};
use super::numcustom::format_custom;
use rust_decimal::Decimal;

/// An integral .NET type, for range checks and two's-complement `X` formatting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntType {
    /// `sbyte`.
    SByte,
    /// `byte`.
    Byte,
    /// `short`.
    Int16,
    /// `ushort`.
    UInt16,
    /// `int`.
    Int32,
    /// `uint`.
    UInt32,
    /// `long`.
    Int64,
    /// `ulong`.
    UInt64,
}

impl IntType {
    /// The width in bits.
    pub fn bits(self) -> u32 {
        match self {
            Self::SByte | Self::Byte => 8,
            Self::Int16 | Self::UInt16 => 16,
            Self::Int32 | Self::UInt32 => 32,
            Self::Int64 | Self::UInt64 => 64,
        }
    }

    /// The smallest and largest values.
    pub fn range(self) -> (i128, i128) {
        let bits = self.bits();
        match self {
            Self::Byte | Self::UInt16 | Self::UInt32 | Self::UInt64 => (0, (1i128 << bits) - 1),
            _ => (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1),
        }
    }

    /// The .NET type name, e.g. `"an Int32"` as used in overflow messages.
    pub fn article_name(self) -> &'static str {
        match self {
            Self::SByte => "a signed byte",
            Self::Byte => "an unsigned byte",
            Self::Int16 => "an Int16",
            Self::UInt16 => "a UInt16",
            Self::Int32 => "an Int32",
            Self::UInt32 => "a UInt32",
            Self::Int64 => "an Int64",
            Self::UInt64 => "a UInt64",
        }
    }
}

/// Splits a standard format string into its letter and precision (`-1` when absent);
/// `None` means a custom format.
pub(crate) fn parse_standard(format: &str) -> Option<(u8, i32)> {
    let b = format.as_bytes();
    match b {
        [] => Some((b'G', -1)),
        [c] if c.is_ascii_alphabetic() => Some((*c, -1)),
        [c, rest @ ..] if c.is_ascii_alphabetic() && rest.len() <= 9 => {
            let p = std::str::from_utf8(rest).ok()?;
            p.bytes()
                .all(|d| d.is_ascii_digit())
                .then(|| (*c, p.parse().unwrap_or(0)))
        }
        _ => None,
    }
}

/// `value.ToString(format)` for an integral type (invariant culture).
pub fn format_int(value: i128, ty: IntType, format: &str) -> DResult<String> {
    let Some((fmt, prec)) = parse_standard(format) else {
        return format_custom(NumBuf::from_int(value), format);
    };
    match fmt.to_ascii_uppercase() {
        b'G' | b'R' if prec < 1 => Ok(value.to_string()),
        b'D' => Ok(pad_digits(
            value < 0,
            &value.unsigned_abs().to_string(),
            prec,
        )),
        b'X' => {
            let mask = if ty.bits() == 128 {
                u128::MAX
            } else {
                (1u128 << ty.bits()) - 1
            };
            let bits = (value as u128) & mask;
            let hex = if fmt == b'X' {
                format!("{bits:X}")
            } else {
                format!("{bits:x}")
            };
            Ok(pad_digits(false, &hex, prec))
        }
        b'B' => {
            let mask = (1u128 << ty.bits()) - 1;
            Ok(pad_digits(
                false,
                &format!("{:b}", (value as u128) & mask),
                prec,
            ))
        }
        _ => number_to_string(NumBuf::from_int(value), fmt, prec),
    }
}

/// Left-pads `digits` with zeros to `prec` and prefixes `-` when `neg`.
fn pad_digits(neg: bool, digits: &str, prec: i32) -> String {
    let width = prec.max(0) as usize;
    let sign = if neg { "-" } else { "" };
    format!("{sign}{digits:0>width$}")
}

/// `double.ToString(format)` (invariant culture, .NET Core 3.0+ rules).
pub fn format_f64(v: f64, format: &str) -> DResult<String> {
    format_float(v, false, format)
}

/// `float.ToString(format)` (invariant culture, .NET Core 3.0+ rules).
pub fn format_f32(v: f32, format: &str) -> DResult<String> {
    format_float(f64::from(v), true, format)
}

/// Shared `double`/`float` formatting.
fn format_float(v: f64, single: bool, format: &str) -> DResult<String> {
    let std = parse_standard(format);
    if let Some((fmt, _)) = std {
        if !b"CEFGNPRcefgnpr".contains(&fmt) {
            return Err(DotnetError::bad_format_specifier());
        }
    }
    if v.is_nan() {
        return Ok("NaN".into());
    }
    if v.is_infinite() {
        return Ok(if v < 0.0 { "-Infinity" } else { "Infinity" }.into());
    }
    let Some((fmt, prec)) = std else {
        let mut buf = NumBuf::exact(v);
        buf.round(if single { 7 } else { 15 }, Round::HalfEven);
        return format_custom(buf, format);
    };
    let upper = fmt.to_ascii_uppercase();
    if upper == b'R' || (upper == b'G' && prec < 1) {
        let buf = NumBuf::shortest(v, single);
        let max = (buf.digits.len() as i32).max(if single { 7 } else { 15 });
        let g = if fmt.is_ascii_lowercase() { b'g' } else { b'G' };
        return number_to_string(buf, g, max);
    }
    number_to_string(NumBuf::exact(v), fmt, prec)
}

/// `decimal.ToString(format)` (invariant culture).
pub fn format_decimal(d: Decimal, format: &str) -> DResult<String> {
    let buf = NumBuf::from_decimal(d);
    match parse_standard(format) {
        None => format_custom(buf, format),
        Some((b'G' | b'g', p)) if p < 1 => Ok(general(&buf, 0, b'E', true)),
        Some((b'R' | b'r' | b'X' | b'x' | b'D' | b'd', _)) => {
            Err(DotnetError::bad_format_specifier())
        }
        Some((fmt, prec)) => number_to_string(buf, fmt, prec),
    }
}

/// .NET's `NumberToString` for `C E F G N P` (and `G` from `R`).
fn number_to_string(mut buf: NumBuf, fmt: u8, prec: i32) -> DResult<String> {
    let mode = if buf.kind == Kind::Float {
        Round::HalfEven
    } else {
        Round::HalfUp
    };
    let lower = fmt.is_ascii_lowercase();
    let body = match fmt.to_ascii_uppercase() {
        b'F' | b'N' | b'C' => {
            let p = if prec < 0 { 2 } else { prec };
            let pos = buf.scale + p;
            buf.round(pos, mode);
            let grouped = !fmt.eq_ignore_ascii_case(&b'F');
            let text = fixed(&buf, p, grouped);
            return Ok(match (fmt.to_ascii_uppercase(), buf.neg) {
                (b'C', true) => format!("(¤{text})"),
                (b'C', false) => format!("¤{text}"),
                (_, true) => format!("-{text}"),
                _ => text,
            });
        }
        b'E' => {
            let p = if prec < 0 { 7 } else { prec + 1 };
            buf.round(p, mode);
            scientific(&buf, p, if lower { b'e' } else { b'E' })
        }
        b'G' => {
            let p = if prec < 1 {
                buf.digits.len() as i32
            } else {
                prec
            };
            buf.round(p, mode);
            general(&buf, p, if lower { b'e' } else { b'E' }, false)
        }
        b'P' => {
            let p = if prec < 0 { 2 } else { prec };
            buf.scale += 2;
            let pos = buf.scale + p;
            buf.round(pos, mode);
            let text = format!("{} %", fixed(&buf, p, true));
            return Ok(if buf.neg { format!("-{text}") } else { text });
        }
        _ => return Err(DotnetError::bad_format_specifier()),
    };
    Ok(if buf.neg { format!("-{body}") } else { body })
}

/// `FormatFixed`: integral digits (grouped by 3 when asked), then `decimals` digits.
pub(crate) fn fixed(buf: &NumBuf, decimals: i32, grouped: bool) -> String {
    let mut out = String::new();
    let int_digits = buf.scale.max(0) as usize;
    if int_digits == 0 {
        out.push('0');
    }
    for i in 0..int_digits {
        if grouped && i > 0 && (int_digits - i) % 3 == 0 {
            out.push(',');
        }
        out.push(buf.digit(i) as char);
    }
    if decimals > 0 {
        out.push('.');
        for k in 0..decimals {
            let idx = buf.scale + k;
            out.push(if idx < 0 {
                '0'
            } else {
                buf.digit(idx as usize) as char
            });
        }
    }
    out
}

/// `FormatScientific`: `d.ddd…E+xxx` with `digits` significant digits.
fn scientific(buf: &NumBuf, digits: i32, e: u8) -> String {
    let mut out = String::new();
    out.push(buf.digit(0) as char);
    if digits != 1 {
        out.push('.');
    }
    for i in 1..digits.max(1) as usize {
        out.push(buf.digit(i) as char);
    }
    let exp = if buf.is_zero() { 0 } else { buf.scale - 1 };
    out.push_str(&exponent(exp, e, 3, true));
    out
}

/// `FormatExponent`: the exponent letter, its sign and at least `min` digits.
pub(crate) fn exponent(value: i32, e: u8, min: usize, plus: bool) -> String {
    let sign = if value < 0 {
        "-"
    } else if plus {
        "+"
    } else {
        ""
    };
    format!("{}{sign}{:0>min$}", e as char, value.unsigned_abs())
}

/// `FormatGeneral`: fixed notation unless the exponent is outside `[-5, max)`.
fn general(buf: &NumBuf, max: i32, e: u8, suppress_scientific: bool) -> String {
    let sci = !suppress_scientific && (buf.scale > max || buf.scale < -3);
    let mut pos = if sci { 1 } else { buf.scale };
    let mut out = String::new();
    let mut i = 0usize;
    if pos > 0 {
        while pos > 0 {
            out.push(buf.digit(i) as char);
            i += 1;
            pos -= 1;
        }
    } else {
        out.push('0');
    }
    if i < buf.digits.len() || pos < 0 {
        out.push('.');
        out.extend(std::iter::repeat_n('0', pos.unsigned_abs() as usize));
        out.extend(
            buf.digits[i.min(buf.digits.len())..]
                .iter()
                .map(|&d| d as char),
        );
    }
    if sci {
        out.push_str(&exponent(buf.scale - 1, e, 2, true));
    }
    if buf.neg && buf.kind == Kind::Decimal && suppress_scientific {
        out.insert(0, '-');
    }
    out
}
