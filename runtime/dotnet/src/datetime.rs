//! `System.DateTime` and `DateTimeOffset` as .NET ticks, with the proleptic Gregorian calendar.
//!
//! The gateway's local time zone is UTC: `DateTimeKind::Local` values hold UTC clock time,
//! `ToLocalTime`/`ToUniversalTime` only change the kind, and `zzz`/`K` print `+00:00`.

use super::error::{DResult, DotnetError};
use super::timespan::TimeSpan;

/// Ticks (100 ns) per millisecond.
pub const TICKS_PER_MS: i64 = 10_000;
/// Ticks per second.
pub const TICKS_PER_SECOND: i64 = 10_000_000;
/// Ticks per minute.
pub const TICKS_PER_MINUTE: i64 = 600_000_000;
/// Ticks per hour.
pub const TICKS_PER_HOUR: i64 = 36_000_000_000;
/// Ticks per day.
pub const TICKS_PER_DAY: i64 = 864_000_000_000;
/// `DateTime.MaxValue.Ticks`.
pub const MAX_TICKS: i64 = 3_155_378_975_999_999_999;
/// Ticks of 1970-01-01T00:00:00Z.
pub const UNIX_EPOCH_TICKS: i64 = 621_355_968_000_000_000;

const DAYS_TO_MONTH_365: [i32; 13] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
const DAYS_TO_MONTH_366: [i32; 13] = [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366];

/// `DateTimeKind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateTimeKind {
    /// No zone information.
    #[default]
    Unspecified,
    /// UTC.
    Utc,
    /// The machine's local zone (UTC on the gateway).
    Local,
}

/// `System.DayOfWeek`, Sunday = 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayOfWeek {
    /// 0.
    Sunday,
    /// 1.
    Monday,
    /// 2.
    Tuesday,
    /// 3.
    Wednesday,
    /// 4.
    Thursday,
    /// 5.
    Friday,
    /// 6.
    Saturday,
}

/// A `System.DateTime`: ticks since 0001-01-01T00:00:00 and a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DateTime {
    pub(crate) ticks: i64,
    pub(crate) kind: DateTimeKind,
}

/// `DateTime.IsLeapYear(year)`.
pub fn is_leap_year(year: i32) -> DResult<bool> {
    if !(1..=9999).contains(&year) {
        return Err(DotnetError::out_of_range(
            "year",
            "Year must be between 1 and 9999.",
        ));
    }
    Ok(year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))
}

/// `DateTime.DaysInMonth(year, month)`.
pub fn days_in_month(year: i32, month: i32) -> DResult<i32> {
    if !(1..=12).contains(&month) {
        return Err(DotnetError::out_of_range(
            "month",
            "Month must be between one and twelve.",
        ));
    }
    let table = if is_leap_year(year)? {
        &DAYS_TO_MONTH_366
    } else {
        &DAYS_TO_MONTH_365
    };
    Ok(table[month as usize] - table[month as usize - 1])
}

/// Days from 0001-01-01 to the first of `year`.
fn days_to_year(year: i32) -> i64 {
    let y = i64::from(year - 1);
    y * 365 + y / 4 - y / 100 + y / 400
}

/// The un-representable-value exception .NET throws from the constructors.
fn bad_ymd() -> DotnetError {
    DotnetError::out_of_range(
        "",
        "Year, Month, and Day parameters describe an un-representable DateTime.",
    )
}

impl DateTime {
    /// `DateTime.MinValue`.
    pub const MIN: DateTime = DateTime {
        ticks: 0,
        kind: DateTimeKind::Unspecified,
    };
    /// `DateTime.MaxValue`.
    pub const MAX: DateTime = DateTime {
        ticks: MAX_TICKS,
        kind: DateTimeKind::Unspecified,
    };

    /// `new DateTime(ticks, kind)`.
    pub fn from_ticks(ticks: i64, kind: DateTimeKind) -> DResult<Self> {
        if !(0..=MAX_TICKS).contains(&ticks) {
            return Err(DotnetError::out_of_range(
                "ticks",
                "Ticks must be between DateTime.MinValue.Ticks and DateTime.MaxValue.Ticks.",
            ));
        }
        Ok(Self { ticks, kind })
    }

    /// `new DateTime(year, month, day)`.
    pub fn from_date(year: i32, month: i32, day: i32, kind: DateTimeKind) -> DResult<Self> {
        if !(1..=9999).contains(&year) || !(1..=12).contains(&month) {
            return Err(bad_ymd());
        }
        if day < 1 || day > days_in_month(year, month)? {
            return Err(bad_ymd());
        }
        let table = if is_leap_year(year)? {
            &DAYS_TO_MONTH_366
        } else {
            &DAYS_TO_MONTH_365
        };
        let days = days_to_year(year) + i64::from(table[month as usize - 1] + day - 1);
        Ok(Self {
            ticks: days * TICKS_PER_DAY,
            kind,
        })
    }

    /// `new DateTime(year, month, day, hour, minute, second, millisecond, kind)`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        y: i32,
        mo: i32,
        d: i32,
        h: i32,
        mi: i32,
        s: i32,
        ms: i32,
        kind: DateTimeKind,
    ) -> DResult<Self> {
        let date = Self::from_date(y, mo, d, kind)?;
        if !(0..24).contains(&h) || !(0..60).contains(&mi) || !(0..60).contains(&s) {
            return Err(DotnetError::out_of_range(
                "",
                "Hour, Minute, and Second parameters describe an un-representable DateTime.",
            ));
        }
        if !(0..1000).contains(&ms) {
            return Err(DotnetError::out_of_range(
                "millisecond",
                "Valid values are between 0 and 999, inclusive.",
            ));
        }
        let t = i64::from(h) * TICKS_PER_HOUR
            + i64::from(mi) * TICKS_PER_MINUTE
            + i64::from(s) * TICKS_PER_SECOND;
        Ok(Self {
            ticks: date.ticks + t + i64::from(ms) * TICKS_PER_MS,
            kind,
        })
    }

    /// `DateTime.UnixEpoch` plus `seconds` (UTC), as `DateTimeOffset.FromUnixTimeSeconds(s).UtcDateTime`.
    pub fn from_unix_seconds(seconds: i64) -> DResult<Self> {
        let ticks = seconds
            .checked_mul(TICKS_PER_SECOND)
            .and_then(|t| t.checked_add(UNIX_EPOCH_TICKS));
        ticks.map_or(Err(unrepresentable()), |t| {
            Self::from_ticks(t, DateTimeKind::Utc).map_err(|_| unrepresentable())
        })
    }

    /// `DateTime.UtcNow` read from the system clock.
    pub fn utc_now() -> Self {
        let since = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let ticks = UNIX_EPOCH_TICKS + (since.as_nanos() / 100) as i64;
        Self {
            ticks: ticks.min(MAX_TICKS),
            kind: DateTimeKind::Utc,
        }
    }

    /// `Ticks`.
    pub fn ticks(self) -> i64 {
        self.ticks
    }

    /// `Kind`.
    pub fn kind(self) -> DateTimeKind {
        self.kind
    }

    /// `DateTime.SpecifyKind(this, kind)`; also `ToUniversalTime`/`ToLocalTime` on the UTC gateway.
    pub fn with_kind(self, kind: DateTimeKind) -> Self {
        Self {
            ticks: self.ticks,
            kind,
        }
    }

    /// (year, month, day) of the date part.
    pub fn ymd(self) -> (i32, i32, i32) {
        let mut n = self.ticks / TICKS_PER_DAY;
        let y400 = n / 146_097;
        n -= y400 * 146_097;
        let y100 = (n / 36_524).min(3);
        n -= y100 * 36_524;
        let y4 = n / 1461;
        n -= y4 * 1461;
        let y1 = (n / 365).min(3);
        n -= y1 * 365;
        let year = (y400 * 400 + y100 * 100 + y4 * 4 + y1 + 1) as i32;
        let leap = y1 == 3 && (y4 != 24 || y100 == 3);
        let table = if leap {
            &DAYS_TO_MONTH_366
        } else {
            &DAYS_TO_MONTH_365
        };
        let mut m = 1;
        while i64::from(table[m]) <= n {
            m += 1;
        }
        (year, m as i32, (n - i64::from(table[m - 1]) + 1) as i32)
    }

    /// `Year`.
    pub fn year(self) -> i32 {
        self.ymd().0
    }

    /// `Month`.
    pub fn month(self) -> i32 {
        self.ymd().1
    }

    /// `Day`.
    pub fn day(self) -> i32 {
        self.ymd().2
    }

    /// `Hour`.
    pub fn hour(self) -> i32 {
        (self.ticks / TICKS_PER_HOUR % 24) as i32
    }

    /// `Minute`.
    pub fn minute(self) -> i32 {
        (self.ticks / TICKS_PER_MINUTE % 60) as i32
    }

    /// `Second`.
    pub fn second(self) -> i32 {
        (self.ticks / TICKS_PER_SECOND % 60) as i32
    }

    /// `Millisecond`.
    pub fn millisecond(self) -> i32 {
        (self.ticks / TICKS_PER_MS % 1000) as i32
    }

    /// `DayOfWeek` (0001-01-01 was a Monday).
    pub fn day_of_week(self) -> DayOfWeek {
        use DayOfWeek::*;
        [
            Sunday, Monday, Tuesday, Wednesday, Thursday, Friday, Saturday,
        ][((self.ticks / TICKS_PER_DAY + 1) % 7) as usize]
    }

    /// `DayOfYear` (1-based).
    pub fn day_of_year(self) -> i32 {
        let (y, _, _) = self.ymd();
        (self.ticks / TICKS_PER_DAY - days_to_year(y)) as i32 + 1
    }

    /// `Date`: midnight of the same day, same kind.
    pub fn date(self) -> Self {
        Self {
            ticks: self.ticks - self.ticks % TICKS_PER_DAY,
            kind: self.kind,
        }
    }

    /// `TimeOfDay`.
    pub fn time_of_day(self) -> TimeSpan {
        TimeSpan::from_ticks(self.ticks % TICKS_PER_DAY)
    }

    /// Seconds since the Unix epoch (the kind is ignored: all times are UTC on the gateway).
    pub fn to_unix_seconds(self) -> i64 {
        (self.ticks - UNIX_EPOCH_TICKS).div_euclid(TICKS_PER_SECOND)
    }

    /// Milliseconds since the Unix epoch.
    pub fn to_unix_milliseconds(self) -> i64 {
        (self.ticks - UNIX_EPOCH_TICKS).div_euclid(TICKS_PER_MS)
    }
}

/// The exception for a result outside `MinValue..=MaxValue`.
pub(crate) fn unrepresentable() -> DotnetError {
    DotnetError::out_of_range(
        "value",
        "The added or subtracted value results in an un-representable DateTime.",
    )
}
