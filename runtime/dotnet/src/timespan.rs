//! `System.TimeSpan`: ticks, the `From*`/`Total*` members, `ToString` (`c`, `g`, `G`, custom) and `Parse`.

use super::datetime::{
    TICKS_PER_DAY, TICKS_PER_HOUR, TICKS_PER_MINUTE, TICKS_PER_MS, TICKS_PER_SECOND,
};
use super::error::{DResult, DotnetError};

/// A `System.TimeSpan`: a signed count of 100 ns ticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TimeSpan(i64);

/// The overflow .NET reports for a too-long span.
fn too_long() -> DotnetError {
    DotnetError::overflow("TimeSpan overflowed because the duration is too long.")
}

impl TimeSpan {
    /// `TimeSpan.Zero`.
    pub const ZERO: TimeSpan = TimeSpan(0);

    /// `new TimeSpan(ticks)`.
    pub fn from_ticks(ticks: i64) -> Self {
        Self(ticks)
    }

    /// `new TimeSpan(days, hours, minutes, seconds, milliseconds)`.
    pub fn new(days: i32, hours: i32, minutes: i32, seconds: i32, ms: i32) -> DResult<Self> {
        let ms_total = (i64::from(days) * 3600 * 24
            + i64::from(hours) * 3600
            + i64::from(minutes) * 60
            + i64::from(seconds))
            * 1000
            + i64::from(ms);
        ms_total.checked_mul(TICKS_PER_MS).map(Self).ok_or_else(|| {
            DotnetError::out_of_range("", "TimeSpan overflowed because the duration is too long.")
        })
    }

    /// `TimeSpan.FromTicks`-style scaling of a double (.NET Core 3.0+: no millisecond rounding).
    fn interval(value: f64, scale: i64) -> DResult<Self> {
        if value.is_nan() {
            return Err(DotnetError::argument(
                "TimeSpan does not accept floating point Not-a-Number values.",
            ));
        }
        let ticks = value * scale as f64;
        if !(-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&ticks) {
            return Err(too_long());
        }
        Ok(Self(ticks as i64))
    }

    /// `TimeSpan.FromDays(double)`.
    pub fn from_days(v: f64) -> DResult<Self> {
        Self::interval(v, TICKS_PER_DAY)
    }

    /// `TimeSpan.FromHours(double)`.
    pub fn from_hours(v: f64) -> DResult<Self> {
        Self::interval(v, TICKS_PER_HOUR)
    }

    /// `TimeSpan.FromMinutes(double)`.
    pub fn from_minutes(v: f64) -> DResult<Self> {
        Self::interval(v, TICKS_PER_MINUTE)
    }

    /// `TimeSpan.FromSeconds(double)`.
    pub fn from_seconds(v: f64) -> DResult<Self> {
        Self::interval(v, TICKS_PER_SECOND)
    }

    /// `TimeSpan.FromMilliseconds(double)`.
    pub fn from_milliseconds(v: f64) -> DResult<Self> {
        Self::interval(v, TICKS_PER_MS)
    }

    /// `Ticks`.
    pub fn ticks(self) -> i64 {
        self.0
    }

    /// `Days` (truncated toward zero).
    pub fn days(self) -> i32 {
        (self.0 / TICKS_PER_DAY) as i32
    }

    /// `Hours` component.
    pub fn hours(self) -> i32 {
        (self.0 / TICKS_PER_HOUR % 24) as i32
    }

    /// `Minutes` component.
    pub fn minutes(self) -> i32 {
        (self.0 / TICKS_PER_MINUTE % 60) as i32
    }

    /// `Seconds` component.
    pub fn seconds(self) -> i32 {
        (self.0 / TICKS_PER_SECOND % 60) as i32
    }

    /// `Milliseconds` component.
    pub fn milliseconds(self) -> i32 {
        (self.0 / TICKS_PER_MS % 1000) as i32
    }

    /// `TotalDays`.
    pub fn total_days(self) -> f64 {
        self.0 as f64 / TICKS_PER_DAY as f64
    }

    /// `TotalHours`.
    pub fn total_hours(self) -> f64 {
        self.0 as f64 / TICKS_PER_HOUR as f64
    }

    /// `TotalMinutes`.
    pub fn total_minutes(self) -> f64 {
        self.0 as f64 / TICKS_PER_MINUTE as f64
    }

    /// `TotalSeconds`.
    pub fn total_seconds(self) -> f64 {
        self.0 as f64 / TICKS_PER_SECOND as f64
    }

    /// `TotalMilliseconds`.
    pub fn total_milliseconds(self) -> f64 {
        self.0 as f64 / TICKS_PER_MS as f64
    }

    /// `Add` (`OverflowException` on overflow).
    pub fn add_span(self, other: TimeSpan) -> DResult<Self> {
        self.0.checked_add(other.0).map(Self).ok_or_else(too_long)
    }

    /// `Subtract`.
    pub fn subtract(self, other: TimeSpan) -> DResult<Self> {
        self.0.checked_sub(other.0).map(Self).ok_or_else(too_long)
    }

    /// `Negate()` / unary minus.
    pub fn negate(self) -> DResult<Self> {
        self.0.checked_neg().map(Self).ok_or_else(|| {
            DotnetError::overflow(
                "Negating the minimum value of a twos complement number is invalid.",
            )
        })
    }

    /// `Duration()`: the absolute value.
    pub fn duration(self) -> DResult<Self> {
        if self.0 < 0 {
            self.negate()
        } else {
            Ok(self)
        }
    }

    /// The magnitude split into (days, hours, minutes, seconds, fraction ticks).
    fn parts(self) -> (u64, u64, u64, u64, u64) {
        let t = self.0.unsigned_abs();
        let d = TICKS_PER_DAY as u64;
        let (h, m, s) = (
            TICKS_PER_HOUR as u64,
            TICKS_PER_MINUTE as u64,
            TICKS_PER_SECOND as u64,
        );
        (t / d, t % d / h, t % h / m, t % m / s, t % s)
    }

    /// `ToString()` / `ToString("c")`: `[-][d.]hh:mm:ss[.fffffff]`.
    pub fn to_string_c(self) -> String {
        let (d, h, m, s, f) = self.parts();
        let sign = if self.0 < 0 { "-" } else { "" };
        let days = if d > 0 {
            format!("{d}.")
        } else {
            String::new()
        };
        let frac = if f > 0 {
            format!(".{f:07}")
        } else {
            String::new()
        };
        format!("{sign}{days}{h:02}:{m:02}:{s:02}{frac}")
    }

    /// `ToString(format)` for `c`/`t`/`T`, `g`, `G` and custom formats.
    pub fn format(self, format: &str) -> DResult<String> {
        let (d, h, m, s, f) = self.parts();
        let sign = if self.0 < 0 { "-" } else { "" };
        match format {
            "" | "c" | "t" | "T" => Ok(self.to_string_c()),
            "g" => {
                let days = if d > 0 {
                    format!("{d}:")
                } else {
                    String::new()
                };
                let frac = if f > 0 {
                    format!(".{}", format!("{f:07}").trim_end_matches('0'))
                } else {
                    String::new()
                };
                Ok(format!("{sign}{days}{h}:{m:02}:{s:02}{frac}"))
            }
            "G" => Ok(format!("{sign}{d}:{h:02}:{m:02}:{s:02}.{f:07}")),
            _ => self.format_custom(format),
        }
    }

    /// Custom `TimeSpan` formats: `d… h hh m mm s ss f… F…`, quotes and `\` escapes;
    /// any other character is a `FormatException`, as in .NET.
    fn format_custom(self, format: &str) -> DResult<String> {
        let (d, h, m, s, f) = self.parts();
        let chars: Vec<char> = format.chars().collect();
        let mut out = String::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let run = chars[i..].iter().take_while(|&&x| x == c).count();
            match c {
                'd' if run <= 8 => out.push_str(&format!("{d:0run$}")),
                'h' if run <= 2 => out.push_str(&format!("{h:0run$}")),
                'm' if run <= 2 => out.push_str(&format!("{m:0run$}")),
                's' if run <= 2 => out.push_str(&format!("{s:0run$}")),
                'f' if run <= 7 => out.push_str(&format!("{f:07}")[..run]),
                'F' if run <= 7 => out.push_str(format!("{f:07}")[..run].trim_end_matches('0')),
                '%' if run == 1 && i + 1 < chars.len() && chars[i + 1] != '%' => {}
                '\\' => {
                    let next = chars.get(i + 1).ok_or_else(bad_format)?;
                    out.push(*next);
                    i += 2;
                    continue;
                }
                '\'' | '"' => {
                    let end = chars[i + 1..]
                        .iter()
                        .position(|&x| x == c)
                        .ok_or_else(bad_format)?;
                    out.extend(&chars[i + 1..i + 1 + end]);
                    i += end + 2;
                    continue;
                }
                _ => return Err(bad_format()),
            }
            i += if c == '%' { 1 } else { run };
        }
        Ok(out)
    }

    /// `TimeSpan.Parse(s)` (invariant): `[ws][-]{ d | [d.]hh:mm[:ss[.fffffff]] | d:hh:mm:ss[.f] }[ws]`.
    pub fn parse(s: &str) -> DResult<Self> {
        let t = s.trim();
        let (neg, body) = t.strip_prefix('-').map_or((false, t), |b| (true, b));
        let bad = || {
            DotnetError::format(format!(
                "String '{s}' was not recognized as a valid TimeSpan."
            ))
        };
        let num = |p: &str| -> DResult<i64> {
            if p.is_empty() || p.len() > 10 || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            p.parse::<i64>().map_err(|_| bad())
        };
        let parts: Vec<&str> = body.split(':').collect();
        let (days, rest): (i64, Vec<&str>) = match parts.len() {
            1 => {
                return Self::signed(
                    num(parts[0])?
                        .checked_mul(TICKS_PER_DAY)
                        .ok_or_else(too_long)?,
                    neg,
                )
            }
            2 | 3 => match parts[0].split_once('.') {
                Some((d, h)) => (num(d)?, [&[h][..], &parts[1..]].concat()),
                None => (0, parts),
            },
            4 => (num(parts[0])?, parts[1..].to_vec()),
            _ => return Err(bad()),
        };
        let (sec, frac) = match rest.get(2) {
            Some(p) => p.split_once('.').map_or((*p, ""), |(a, b)| (a, b)),
            None => ("0", ""),
        };
        let (h, m, sec) = (num(rest[0])?, num(rest[1])?, num(sec)?);
        if h > 23
            || m > 59
            || sec > 59
            || frac.len() > 7
            || (!frac.is_empty() && !frac.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(DotnetError::overflow(format!("The TimeSpan string '{s}' could not be parsed because at least one of the numeric components is out of range or contains too many digits.")));
        }
        let frac_ticks = if frac.is_empty() {
            0
        } else {
            num(&format!("{frac:0<7}"))?
        };
        let ticks = days
            .checked_mul(TICKS_PER_DAY)
            .and_then(|t| {
                t.checked_add(
                    h * TICKS_PER_HOUR + m * TICKS_PER_MINUTE + sec * TICKS_PER_SECOND + frac_ticks,
                )
            })
            .ok_or_else(too_long)?;
        Self::signed(ticks, neg)
    }

    /// Applies the parsed sign.
    fn signed(ticks: i64, neg: bool) -> DResult<Self> {
        Ok(Self(if neg { -ticks } else { ticks }))
    }

    /// `TimeSpan.TryParse`.
    pub fn try_parse(s: &str) -> Option<Self> {
        Self::parse(s).ok()
    }
}

/// The `FormatException` for a bad custom `TimeSpan` format.
fn bad_format() -> DotnetError {
    DotnetError::format("Input string was not in a correct format.")
}
