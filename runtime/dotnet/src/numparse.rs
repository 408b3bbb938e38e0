//! Invariant-culture parsing: `int.Parse`, `double.Parse`, `decimal.Parse`, `bool.Parse`, `Convert.To*`.

use super::error::{DResult, DotnetError};
use super::numfmt::IntType;
use rust_decimal::Decimal;

/// .NET's parse-whitespace: U+0009–U+000D and U+0020 (not all of `char.IsWhiteSpace`).
fn is_parse_white(c: char) -> bool {
    c == ' ' || ('\u{9}'..='\u{d}').contains(&c)
}

/// Trims parse-whitespace and trailing NULs, as .NET's number parser does.
fn trim_parse(s: &str) -> &str {
    s.trim_start_matches(is_parse_white)
        .trim_end_matches(|c| is_parse_white(c) || c == '\0')
}

/// The `FormatException` .NET 8 throws for unparsable input.
fn bad(s: &str) -> DotnetError {
    DotnetError::format(format!(
        "The input string '{s}' was not in a correct format."
    ))
}

/// `int.Parse` / `long.Parse` / … (`NumberStyles.Integer`): whitespace, one sign, digits.
pub fn parse_int(s: &str, ty: IntType) -> DResult<i128> {
    let t = trim_parse(s);
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad(s));
    }
    let mut v: i128 = 0;
    for b in digits.bytes() {
        v = v * 10 + i128::from(b - b'0');
        if v > 1i128 << 64 {
            return Err(DotnetError::too_big(ty.article_name()));
        }
    }
    let v = if neg { -v } else { v };
    let (lo, hi) = ty.range();
    if v < lo || v > hi {
        return Err(DotnetError::too_big(ty.article_name()));
    }
    Ok(v)
}

/// `int.TryParse` and friends: `None` where `Parse` would throw.
pub fn try_parse_int(s: &str, ty: IntType) -> Option<i128> {
    parse_int(s, ty).ok()
}

/// `int.Parse(s, NumberStyles.HexNumber)`: hex digits, no sign, two's complement for the width.
pub fn parse_hex(s: &str, ty: IntType) -> DResult<i128> {
    let t = trim_parse(s);
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad(s));
    }
    let digits = t.trim_start_matches('0');
    if digits.len() * 4 > ty.bits() as usize + 3 {
        return Err(DotnetError::too_big(ty.article_name()));
    }
    let raw = u128::from_str_radix(if digits.is_empty() { "0" } else { digits }, 16)
        .map_err(|_| bad(s))?;
    if raw >> ty.bits() != 0 {
        return Err(DotnetError::too_big(ty.article_name()));
    }
    let (lo, _) = ty.range();
    let signed = lo < 0 && raw >> (ty.bits() - 1) & 1 == 1;
    Ok(if signed {
        raw as i128 - (1i128 << ty.bits())
    } else {
        raw as i128
    })
}

/// Scans a `NumberStyles.Float | AllowThousands` number into plain `[-]digits[.digits][e±n]`.
fn clean_float(t: &str, allow_exponent: bool) -> Option<String> {
    let b = t.as_bytes();
    let mut i = 0;
    let mut out = String::new();
    if let Some(&c) = b.first() {
        if c == b'-' || c == b'+' {
            if c == b'-' {
                out.push('-');
            }
            i += 1;
        }
    }
    let (mut int_digits, mut frac_digits) = (0, 0);
    while i < b.len() && (b[i].is_ascii_digit() || (b[i] == b',' && int_digits > 0)) {
        if b[i] != b',' {
            out.push(b[i] as char);
            int_digits += 1;
        }
        i += 1;
    }
    if i < b.len() && b[i] == b'.' {
        out.push('.');
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            out.push(b[i] as char);
            frac_digits += 1;
            i += 1;
        }
    }
    if int_digits + frac_digits == 0 {
        return None;
    }
    if allow_exponent && i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        let mut exp = String::from("e");
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            exp.push(b[j] as char);
            j += 1;
        }
        let start = j;
        while j < b.len() && b[j].is_ascii_digit() {
            exp.push(b[j] as char);
            j += 1;
        }
        if j > start {
            out.push_str(&exp);
            i = j;
        }
    }
    (i == b.len()).then_some(out)
}

/// `double.Parse(s)` (invariant, `Float | AllowThousands`); overflow gives ±Infinity (.NET Core 3.0+).
pub fn parse_f64(s: &str) -> DResult<f64> {
    let t = trim_parse(s);
    let (sign, body) = match t.as_bytes().first() {
        Some(b'-') => (-1.0, &t[1..]),
        Some(b'+') => (1.0, &t[1..]),
        _ => (1.0, t),
    };
    if body.eq_ignore_ascii_case("NaN") {
        return Ok(f64::NAN);
    }
    if body.eq_ignore_ascii_case("Infinity") || body == "∞" {
        return Ok(sign * f64::INFINITY);
    }
    let clean = clean_float(t, true).ok_or_else(|| bad(s))?;
    clean.parse::<f64>().map_err(|_| bad(s))
}

/// `float.Parse(s)`.
pub fn parse_f32(s: &str) -> DResult<f32> {
    let t = trim_parse(s);
    match clean_float(t, true) {
        Some(clean) => clean.parse::<f32>().map_err(|_| bad(s)),
        None => parse_f64(s).map(|v| v as f32),
    }
}

/// `double.TryParse(s, out v)`.
pub fn try_parse_f64(s: &str) -> Option<f64> {
    parse_f64(s).ok()
}

/// `decimal.Parse(s)` (invariant, `NumberStyles.Number`: no exponent); keeps the written scale.
pub fn parse_decimal(s: &str) -> DResult<Decimal> {
    let clean = clean_float(trim_parse(s), false).ok_or_else(|| bad(s))?;
    let clean = clean.strip_suffix('.').unwrap_or(&clean);
    Decimal::from_str_exact(clean)
        .or_else(|_| clean.parse::<Decimal>())
        .map_err(|_| DotnetError::too_big("a Decimal"))
}

/// `decimal.TryParse(s, out v)`.
pub fn try_parse_decimal(s: &str) -> Option<Decimal> {
    parse_decimal(s).ok()
}

/// `bool.Parse(s)`: `True`/`False` in any case, surrounding whitespace and NULs ignored.
pub fn parse_bool(s: &str) -> DResult<bool> {
    let t = s.trim_matches(|c: char| c.is_whitespace() || c == '\0');
    if t.eq_ignore_ascii_case("true") {
        Ok(true)
    } else if t.eq_ignore_ascii_case("false") {
        Ok(false)
    } else {
        Err(DotnetError::format(format!(
            "String '{s}' was not recognized as a valid Boolean."
        )))
    }
}

/// `bool.TryParse(s, out v)`.
pub fn try_parse_bool(s: &str) -> Option<bool> {
    parse_bool(s).ok()
}

/// `Convert.ToInt32(string)` / `ToInt64(string)`: `null` is 0, otherwise `Parse`.
pub fn convert_str_to_int(s: Option<&str>, ty: IntType) -> DResult<i128> {
    s.map_or(Ok(0), |s| parse_int(s, ty))
}

/// `Convert.ToInt32(double)` and friends: banker's rounding, `OverflowException` out of range.
pub fn convert_f64_to_int(v: f64, ty: IntType) -> DResult<i128> {
    let r = v.round_ties_even();
    let (lo, hi) = ty.range();
    if !r.is_finite() || (r as i128) < lo || (r as i128) > hi {
        return Err(DotnetError::too_big(ty.article_name()));
    }
    Ok(r as i128)
}

/// `Convert.ToInt32(decimal)`: banker's rounding, `OverflowException` out of range.
pub fn convert_decimal_to_int(d: Decimal, ty: IntType) -> DResult<i128> {
    let r = d.round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointNearestEven);
    let v = r.mantissa() / 10i128.pow(r.scale());
    let (lo, hi) = ty.range();
    if v < lo || v > hi {
        return Err(DotnetError::too_big(ty.article_name()));
    }
    Ok(v)
}

/// `Convert.ToBoolean(string)`: `null` is false, otherwise `bool.Parse`.
pub fn convert_str_to_bool(s: Option<&str>) -> DResult<bool> {
    s.map_or(Ok(false), parse_bool)
}

/// `Convert.ToDouble(string)`: `null` is 0, otherwise `double.Parse`.
pub fn convert_str_to_f64(s: Option<&str>) -> DResult<f64> {
    s.map_or(Ok(0.0), parse_f64)
}
