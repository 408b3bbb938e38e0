//! C# integer arithmetic (checked and `unchecked`) and the `System.Math` members.

use super::error::{DResult, DotnetError};
use super::numfmt::IntType;
use rust_decimal::{Decimal, RoundingStrategy};

/// A binary integer operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntOp {
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/` (truncating).
    Div,
    /// `%` (sign of the dividend).
    Rem,
}

/// `MidpointRounding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MidpointRounding {
    /// Banker's rounding, the default.
    #[default]
    ToEven,
    /// Half away from zero.
    AwayFromZero,
    /// Toward zero (.NET Core 3.0+).
    ToZero,
    /// Toward negative infinity.
    ToNegativeInfinity,
    /// Toward positive infinity.
    ToPositiveInfinity,
}

/// Wraps `v` to the width of `ty`, as `unchecked` C# does.
pub fn wrap(v: i128, ty: IntType) -> i128 {
    let bits = ty.bits();
    let raw = (v as u128) & ((1u128 << bits) - 1);
    let (lo, _) = ty.range();
    if lo < 0 && raw >> (bits - 1) == 1 {
        raw as i128 - (1i128 << bits)
    } else {
        raw as i128
    }
}

/// The exact result of `a op b` in i128, or the .NET exception for `/` and `%`.
fn exact(op: IntOp, a: i128, b: i128, ty: IntType) -> DResult<i128> {
    if matches!(op, IntOp::Div | IntOp::Rem) {
        if b == 0 {
            return Err(DotnetError::divide_by_zero());
        }
        if b == -1 && a == ty.range().0 && ty.range().0 < 0 {
            return Err(DotnetError::overflow(
                "Arithmetic operation resulted in an overflow.",
            ));
        }
    }
    Ok(match op {
        IntOp::Add => a + b,
        IntOp::Sub => a - b,
        IntOp::Mul => a.saturating_mul(b),
        IntOp::Div => a / b,
        IntOp::Rem => a % b,
    })
}

/// `unchecked(a op b)` for operands of type `ty` (C# promotes smaller types to `int` first:
/// pass `Int32` for them). Division by zero still throws, and so does `MinValue / -1`.
pub fn unchecked(op: IntOp, a: i128, b: i128, ty: IntType) -> DResult<i128> {
    let v = match op {
        IntOp::Mul => (a as u128).wrapping_mul(b as u128) as i128,
        _ => exact(op, a, b, ty)?,
    };
    Ok(wrap(v, ty))
}

/// `checked(a op b)`: `OverflowException` when the result does not fit `ty`.
pub fn checked(op: IntOp, a: i128, b: i128, ty: IntType) -> DResult<i128> {
    let v = exact(op, a, b, ty)?;
    let (lo, hi) = ty.range();
    if v < lo || v > hi {
        return Err(DotnetError::overflow(
            "Arithmetic operation resulted in an overflow.",
        ));
    }
    Ok(v)
}

/// `Math.Abs` for an integer: `OverflowException` for `MinValue`.
pub fn abs_int(v: i128, ty: IntType) -> DResult<i128> {
    if v == ty.range().0 && v < 0 {
        return Err(DotnetError::overflow(
            "Negating the minimum value of a twos complement number is invalid.",
        ));
    }
    Ok(v.abs())
}

/// Rounds an integral-valued-to-be `v` by `mode` to an integer.
fn round_mode(v: f64, mode: MidpointRounding) -> f64 {
    match mode {
        MidpointRounding::ToEven => v.round_ties_even(),
        MidpointRounding::AwayFromZero => v.round(),
        MidpointRounding::ToZero => v.trunc(),
        MidpointRounding::ToNegativeInfinity => v.floor(),
        MidpointRounding::ToPositiveInfinity => v.ceil(),
    }
}

/// `Math.Round(double)`: banker's rounding.
pub fn round(v: f64) -> f64 {
    v.round_ties_even()
}

/// `Math.Round(double, digits, mode)`: .NET's scale-round-unscale algorithm
/// (`ArgumentOutOfRangeException` unless `0 <= digits <= 15`).
pub fn round_digits(v: f64, digits: i32, mode: MidpointRounding) -> DResult<f64> {
    if !(0..=15).contains(&digits) {
        return Err(DotnetError::out_of_range(
            "digits",
            "Rounding digits must be between 0 and 15, inclusive.",
        ));
    }
    if v.abs() >= 1e16 || !v.is_finite() {
        return Ok(v);
    }
    let p = 10f64.powi(digits);
    let scaled = v * p;
    let r = round_mode(scaled, mode);
    Ok(if r == 0.0 { 0.0f64.copysign(v) } else { r / p })
}

/// `Math.Round(decimal, decimals, mode)` (`decimals` 0–28).
pub fn round_decimal(d: Decimal, decimals: i32, mode: MidpointRounding) -> DResult<Decimal> {
    if !(0..=28).contains(&decimals) {
        return Err(DotnetError::out_of_range(
            "decimals",
            "Decimal can only round to between 0 and 28 digits of precision.",
        ));
    }
    let strategy = match mode {
        MidpointRounding::ToEven => RoundingStrategy::MidpointNearestEven,
        MidpointRounding::AwayFromZero => RoundingStrategy::MidpointAwayFromZero,
        MidpointRounding::ToZero => RoundingStrategy::ToZero,
        MidpointRounding::ToNegativeInfinity => RoundingStrategy::ToNegativeInfinity,
        MidpointRounding::ToPositiveInfinity => RoundingStrategy::ToPositiveInfinity,
    };
    Ok(d.round_dp_with_strategy(decimals as u32, strategy))
}

/// `Math.Max(double, double)`: NaN if either is NaN (.NET Core 3.0+).
pub fn max_f64(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        return f64::NAN;
    }
    if a == b {
        return if a.is_sign_negative() { b } else { a };
    }
    a.max(b)
}

/// `Math.Min(double, double)`: NaN if either is NaN.
pub fn min_f64(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        return f64::NAN;
    }
    if a == b {
        return if a.is_sign_negative() { a } else { b };
    }
    a.min(b)
}

/// `Math.Floor`.
pub fn floor(v: f64) -> f64 {
    v.floor()
}

/// `Math.Ceiling`.
pub fn ceiling(v: f64) -> f64 {
    v.ceil()
}

/// `Math.Truncate`.
pub fn truncate(v: f64) -> f64 {
    v.trunc()
}

/// `Math.Pow` (IEEE `pow`: `Pow(x, 0)` is 1 even for NaN, as in .NET).
pub fn pow(x: f64, y: f64) -> f64 {
    x.powf(y)
}

/// `Math.Sqrt`: NaN for negatives.
pub fn sqrt(v: f64) -> f64 {
    v.sqrt()
}

/// `Math.Sign(double)`: `ArithmeticException` for NaN (reported as `OverflowException`'s base).
pub fn sign_f64(v: f64) -> DResult<i32> {
    if v.is_nan() {
        return Err(DotnetError::new(
            super::error::ExceptionKind::Overflow,
            "Function does not accept floating point Not-a-Number values.",
        ));
    }
    Ok(if v > 0.0 {
        1
    } else if v < 0.0 {
        -1
    } else {
        0
    })
}

/// C# `(int)x` on a double, unchecked: truncates; NaN is 0 and out-of-range saturates
/// (the .NET 9+ x64/Arm64 behaviour; earlier x64 runtimes gave `MinValue`).
pub fn cast_f64_to_int(v: f64, ty: IntType) -> i128 {
    let (lo, hi) = ty.range();
    if v.is_nan() {
        return 0;
    }
    (v.trunc() as i128).clamp(lo, hi)
}

/// C# `checked((int)x)` on a double: `OverflowException` when the truncated value does not fit.
pub fn checked_cast_f64_to_int(v: f64, ty: IntType) -> DResult<i128> {
    let (lo, hi) = ty.range();
    let t = v.trunc() as i128;
    if v.is_nan() || v.is_infinite() || t < lo || t > hi {
        return Err(DotnetError::overflow(
            "Arithmetic operation resulted in an overflow.",
        ));
    }
    Ok(t)
}
