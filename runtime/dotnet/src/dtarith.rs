//! `DateTime` arithmetic: `AddTicks`, `Add*(double)`, `AddMonths`/`AddYears` (day clamped), `Subtract`.

use super::datetime::{
    days_in_month, unrepresentable, DateTime, MAX_TICKS, TICKS_PER_DAY, TICKS_PER_HOUR,
    TICKS_PER_MINUTE, TICKS_PER_MS, TICKS_PER_SECOND,
};
use super::error::{DResult, DotnetError};
use super::timespan::TimeSpan;

impl DateTime {
    /// `AddTicks`: `ArgumentOutOfRangeException` past the calendar's ends.
    pub fn add_ticks(self, ticks: i64) -> DResult<Self> {
        match self.ticks.checked_add(ticks) {
            Some(t) if (0..=MAX_TICKS).contains(&t) => Ok(Self {
                ticks: t,
                kind: self.kind,
            }),
            _ => Err(unrepresentable()),
        }
    }

    /// `Add(TimeSpan)`.
    pub fn add_span(self, span: TimeSpan) -> DResult<Self> {
        self.add_ticks(span.ticks())
    }

    /// The .NET 7+ `AddUnits`: integral and fractional parts scaled separately, truncated to ticks.
    fn add_units(self, value: f64, ticks_per_unit: i64) -> DResult<Self> {
        let max_units = (MAX_TICKS / ticks_per_unit) as f64;
        if value.is_nan() || value.abs() > max_units {
            return Err(DotnetError::out_of_range(
                "value",
                "Value to add was out of range.",
            ));
        }
        let integral = value.trunc();
        let ticks = (integral as i64) * ticks_per_unit
            + ((value - integral) * ticks_per_unit as f64) as i64;
        self.add_ticks(ticks)
    }

    /// `AddDays(double)`.
    pub fn add_days(self, v: f64) -> DResult<Self> {
        self.add_units(v, TICKS_PER_DAY)
    }

    /// `AddHours(double)`.
    pub fn add_hours(self, v: f64) -> DResult<Self> {
        self.add_units(v, TICKS_PER_HOUR)
    }

    /// `AddMinutes(double)`.
    pub fn add_minutes(self, v: f64) -> DResult<Self> {
        self.add_units(v, TICKS_PER_MINUTE)
    }

    /// `AddSeconds(double)`.
    pub fn add_seconds(self, v: f64) -> DResult<Self> {
        self.add_units(v, TICKS_PER_SECOND)
    }

    /// `AddMilliseconds(double)`.
    pub fn add_milliseconds(self, v: f64) -> DResult<Self> {
        self.add_units(v, TICKS_PER_MS)
    }

    /// `AddMonths(int)`: the day is clamped to the target month's length.
    pub fn add_months(self, months: i32) -> DResult<Self> {
        if !(-120_000..=120_000).contains(&months) {
            return Err(DotnetError::out_of_range(
                "months",
                "Months value must be between +/-120000.",
            ));
        }
        let (y, m, d) = self.ymd();
        let total = i64::from(y) * 12 + i64::from(m - 1) + i64::from(months);
        let (ny, nm) = (total.div_euclid(12), total.rem_euclid(12) + 1);
        if !(1..=9999).contains(&ny) {
            return Err(DotnetError::out_of_range(
                "months",
                "The added or subtracted value results in an un-representable DateTime.",
            ));
        }
        let (ny, nm) = (ny as i32, nm as i32);
        let nd = d.min(days_in_month(ny, nm)?);
        let date = Self::from_date(ny, nm, nd, self.kind)?;
        Ok(Self {
            ticks: date.ticks + self.ticks % TICKS_PER_DAY,
            kind: self.kind,
        })
    }

    /// `AddYears(int)`: 29 February becomes 28 February in a common year.
    pub fn add_years(self, years: i32) -> DResult<Self> {
        if !(-10_000..=10_000).contains(&years) {
            return Err(DotnetError::out_of_range(
                "years",
                "Years value must be between +/-10000.",
            ));
        }
        self.add_months(years * 12)
    }

    /// `Subtract(DateTime)` / `a - b`.
    pub fn subtract(self, other: DateTime) -> TimeSpan {
        TimeSpan::from_ticks(self.ticks - other.ticks)
    }

    /// `Subtract(TimeSpan)`.
    pub fn subtract_span(self, span: TimeSpan) -> DResult<Self> {
        self.add_ticks(span.ticks().checked_neg().ok_or_else(unrepresentable)?)
    }
}
