//! `System.DateTimeOffset` basics: a clock time with an offset, Unix-time conversions.

use super::datetime::{
    unrepresentable, DateTime, DateTimeKind, MAX_TICKS, TICKS_PER_MINUTE, TICKS_PER_MS,
    UNIX_EPOCH_TICKS,
};
use super::error::DResult;

/// A `System.DateTimeOffset`: a clock time and its offset from UTC in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTimeOffset {
    /// The clock time at the offset (kind Unspecified).
    pub clock: DateTime,
    /// The offset from UTC in minutes (−840..=840).
    pub offset_minutes: i32,
}

impl DateTimeOffset {
    /// `DateTimeOffset.UtcNow`.
    pub fn utc_now() -> Self {
        Self {
            clock: DateTime::utc_now().with_kind(DateTimeKind::Unspecified),
            offset_minutes: 0,
        }
    }

    /// `new DateTimeOffset(dateTime)`: UTC and Local (UTC here) get offset 0.
    pub fn from_datetime(dt: DateTime) -> Self {
        Self {
            clock: dt.with_kind(DateTimeKind::Unspecified),
            offset_minutes: 0,
        }
    }

    /// `DateTimeOffset.FromUnixTimeSeconds`.
    pub fn from_unix_seconds(seconds: i64) -> DResult<Self> {
        Ok(Self::from_datetime(DateTime::from_unix_seconds(seconds)?))
    }

    /// `DateTimeOffset.FromUnixTimeMilliseconds`.
    pub fn from_unix_milliseconds(ms: i64) -> DResult<Self> {
        let t = ms
            .checked_mul(TICKS_PER_MS)
            .and_then(|t| t.checked_add(UNIX_EPOCH_TICKS))
            .ok_or_else(unrepresentable)?;
        Ok(Self::from_datetime(
            DateTime::from_ticks(t, DateTimeKind::Utc).map_err(|_| unrepresentable())?,
        ))
    }

    /// `UtcDateTime`.
    pub fn utc_datetime(self) -> DateTime {
        let ticks = self.clock.ticks() - i64::from(self.offset_minutes) * TICKS_PER_MINUTE;
        DateTime {
            ticks: ticks.clamp(0, MAX_TICKS),
            kind: DateTimeKind::Utc,
        }
    }

    /// `ToUnixTimeSeconds()`.
    pub fn to_unix_seconds(self) -> i64 {
        self.utc_datetime().to_unix_seconds()
    }

    /// `ToUnixTimeMilliseconds()`.
    pub fn to_unix_milliseconds(self) -> i64 {
        self.utc_datetime().to_unix_milliseconds()
    }
}
