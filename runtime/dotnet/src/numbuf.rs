//! .NET's `NumberBuffer`: a sign, decimal digits and a scale, and its rounding rules.

use rust_decimal::Decimal;

/// Which .NET type the digits came from; it decides the rounding and negative-zero rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// An integral type: exact digits.
    Integer,
    /// `System.Decimal`: exact digits that keep the trailing zeros of the scale.
    Decimal,
    /// `double`/`float`: `-0` survives rounding.
    Float,
}

/// How to round the digit buffer at a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Round {
    /// .NET's `RoundNumber`: a dropped first digit `>= 5` rounds up.
    HalfUp,
    /// IEEE ties-to-even on exact digits (.NET Core 3.0+ Dragon4 for standard formats).
    HalfEven,
}

/// The value `0.d1d2d3… × 10^scale` with a sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NumBuf {
    /// The sign (kept for `-0` of floats).
    pub neg: bool,
    /// ASCII digits, no leading zeros; empty for zero.
    pub digits: Vec<u8>,
    /// The decimal exponent: the number of integral digits.
    pub scale: i32,
    /// The source type.
    pub kind: Kind,
}

impl NumBuf {
    /// The digits of an integer.
    pub fn from_int(v: i128) -> Self {
        let digits: Vec<u8> = if v == 0 {
            Vec::new()
        } else {
            v.unsigned_abs().to_string().into_bytes()
        };
        let scale = digits.len() as i32;
        Self {
            neg: v < 0,
            digits,
            scale,
            kind: Kind::Integer,
        }
    }

    /// The digits of a decimal, trailing zeros of its scale kept.
    pub fn from_decimal(d: Decimal) -> Self {
        let m = d.mantissa();
        let digits: Vec<u8> = if m == 0 {
            Vec::new()
        } else {
            m.unsigned_abs().to_string().into_bytes()
        };
        let scale = digits.len() as i32 - d.scale() as i32;
        Self {
            neg: d.is_sign_negative() && m != 0,
            digits,
            scale,
            kind: Kind::Decimal,
        }
    }

    /// Shortest round-trip digits of a finite double (or float widened exactly, when `single`).
    pub fn shortest(v: f64, single: bool) -> Self {
        let text = if single {
            format!("{:e}", (v as f32).abs())
        } else {
            format!("{:e}", v.abs())
        };
        Self::from_sci(&text, v.is_sign_negative())
    }

    /// The exact decimal expansion of a finite double.
    pub fn exact(v: f64) -> Self {
        Self::from_sci(&format!("{:.800e}", v.abs()), v.is_sign_negative())
    }

    /// Parses Rust's `d.ddde±x` output.
    fn from_sci(text: &str, neg: bool) -> Self {
        let (mant, exp) = text.split_once('e').unwrap_or((text, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let mut digits: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
        while digits.last() == Some(&b'0') {
            digits.pop();
        }
        if digits.is_empty() {
            return Self {
                neg,
                digits,
                scale: 0,
                kind: Kind::Float,
            };
        }
        Self {
            neg,
            digits,
            scale: exp + 1,
            kind: Kind::Float,
        }
    }

    /// True when the value is zero.
    pub fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }

    /// Rounds to `pos` digits (counted from the first digit), then drops trailing zeros.
    pub fn round(&mut self, pos: i32, mode: Round) {
        let len = self.digits.len() as i32;
        let mut i = pos.clamp(0, len) as usize;
        if pos >= 0 && pos < len && self.rounds_up(i, mode) {
            while i > 0 && self.digits[i - 1] == b'9' {
                i -= 1;
            }
            if i > 0 {
                self.digits[i - 1] += 1;
            } else {
                self.scale += 1;
                self.digits.clear();
                self.digits.push(b'1');
                i = 1;
            }
        }
        while i > 0 && self.digits[i - 1] == b'0' {
            i -= 1;
        }
        self.digits.truncate(i);
        if i == 0 {
            if self.kind != Kind::Float {
                self.neg = false;
            }
            self.scale = 0;
        }
    }

    /// Whether dropping the digits from `i` on rounds the kept part up.
    fn rounds_up(&self, i: usize, mode: Round) -> bool {
        let d = self.digits[i];
        match mode {
            Round::HalfUp => d >= b'5',
            Round::HalfEven => {
                if d != b'5' {
                    return d > b'5';
                }
                let rest_zero = self.digits[i + 1..].iter().all(|&c| c == b'0');
                let prev_odd = i > 0 && (self.digits[i - 1] - b'0') % 2 == 1;
                !rest_zero || prev_odd
            }
        }
    }

    /// The digit at `i`, `'0'` past the end.
    pub fn digit(&self, i: usize) -> u8 {
        self.digits.get(i).copied().unwrap_or(b'0')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(b: &NumBuf) -> (String, i32) {
        (String::from_utf8_lossy(&b.digits).into_owned(), b.scale)
    }

    #[test]
    fn digits_and_rounding() {
        assert_eq!(s(&NumBuf::from_int(-1200)), ("1200".into(), 4));
        assert_eq!(
            s(&NumBuf::shortest(0.1 + 0.2, false)),
            ("30000000000000004".into(), 0)
        );
        assert_eq!(s(&NumBuf::shortest(1e16, false)), ("1".into(), 17));
        assert_eq!(s(&NumBuf::shortest(1e-5, false)), ("1".into(), -4));
        let mut b = NumBuf::exact(2.5);
        b.round(1, Round::HalfEven);
        assert_eq!(s(&b), ("2".into(), 1));
        let mut b = NumBuf::exact(3.5);
        b.round(1, Round::HalfEven);
        assert_eq!(s(&b), ("4".into(), 1));
        let mut b = NumBuf::from_int(995);
        b.round(2, Round::HalfUp);
        assert_eq!(s(&b), ("1".into(), 4));
        let d: Decimal = "1.50".parse().unwrap_or_default();
        assert_eq!(s(&NumBuf::from_decimal(d)), ("150".into(), 1));
    }
}
