//! DateTime, TimeSpan and DateTimeOffset tests (expected values from the .NET format docs' examples).

use crate::datetime::*;
use crate::dtexact::parse_exact;
use crate::dtformat::{format_datetime, format_offset};
use crate::dtparse::parse;
use crate::error::ExceptionKind;
use crate::offset::DateTimeOffset;
use crate::timespan::TimeSpan;

#[allow(clippy::too_many_arguments)]
fn dt(y: i32, mo: i32, d: i32, h: i32, mi: i32, s: i32, ms: i32, k: DateTimeKind) -> DateTime {
    DateTime::new(y, mo, d, h, mi, s, ms, k).unwrap_or(DateTime::MIN)
}
fn f(d: DateTime, fmt: &str) -> String {
    format_datetime(d, fmt).unwrap_or_else(|e| e.to_string())
}
const U: DateTimeKind = DateTimeKind::Unspecified;

#[test]
fn calendar() {
    assert_eq!(is_leap_year(2000), Ok(true));
    assert_eq!(is_leap_year(1900), Ok(false));
    assert_eq!(is_leap_year(2024), Ok(true));
    assert_eq!(
        is_leap_year(0).map_err(|e| e.kind),
        Err(ExceptionKind::ArgumentOutOfRange)
    );
    assert_eq!(days_in_month(2023, 2), Ok(28));
    assert_eq!(days_in_month(2024, 2), Ok(29));
    assert_eq!(
        days_in_month(2024, 13).map_err(|e| e.kind),
        Err(ExceptionKind::ArgumentOutOfRange)
    );
    let d = dt(2009, 6, 15, 13, 45, 30, 0, U);
    assert_eq!(d.ticks(), 633_806_703_300_000_000);
    assert_eq!(d.ymd(), (2009, 6, 15));
    assert_eq!(d.day_of_week(), DayOfWeek::Monday);
    assert_eq!(d.day_of_year(), 166);
    assert_eq!((d.hour(), d.minute(), d.second()), (13, 45, 30));
    assert_eq!(d.date().ticks() % TICKS_PER_DAY, 0);
    assert_eq!(d.time_of_day().to_string_c(), "13:45:30");
    assert_eq!(DateTime::MAX.ymd(), (9999, 12, 31));
    assert_eq!(DateTime::MIN.day_of_week(), DayOfWeek::Monday);
    assert_eq!(dt(2000, 12, 31, 0, 0, 0, 0, U).day_of_year(), 366);
    assert_eq!(dt(2024, 2, 29, 0, 0, 0, 0, U).ymd(), (2024, 2, 29));
    assert_eq!(
        DateTime::from_date(2023, 2, 29, U).map_err(|e| e.kind),
        Err(ExceptionKind::ArgumentOutOfRange)
    );
    assert_eq!(
        DateTime::from_unix_seconds(0).map(|d| d.ticks()),
        Ok(UNIX_EPOCH_TICKS)
    );
    assert_eq!(dt(1970, 1, 1, 0, 0, 0, 0, U).ticks(), UNIX_EPOCH_TICKS);
}

#[test]
fn arithmetic() {
    let d = dt(2024, 1, 31, 10, 0, 0, 0, U);
    assert_eq!(d.add_months(1).map(|x| x.ymd()), Ok((2024, 2, 29)));
    assert_eq!(d.add_months(13).map(|x| x.ymd()), Ok((2025, 2, 28)));
    assert_eq!(d.add_months(-2).map(|x| x.ymd()), Ok((2023, 11, 30)));
    assert_eq!(d.add_months(1).map(|x| x.hour()), Ok(10));
    assert_eq!(
        dt(2024, 2, 29, 0, 0, 0, 0, U).add_years(1).map(|x| x.ymd()),
        Ok((2025, 2, 28))
    );
    assert_eq!(
        d.add_days(1.5).map(|x| (x.ymd(), x.hour())),
        Ok(((2024, 2, 1), 22))
    );
    assert_eq!(d.add_hours(-10.0).map(|x| x.hour()), Ok(0));
    assert_eq!(d.add_seconds(3600.0).map(|x| x.hour()), Ok(11));
    assert_eq!(
        d.add_milliseconds(1.5).map(|x| x.ticks() - d.ticks()),
        Ok(15_000)
    );
    assert_eq!(
        DateTime::MAX.add_seconds(1.0).map_err(|e| e.kind),
        Err(ExceptionKind::ArgumentOutOfRange)
    );
    assert_eq!(
        DateTime::MIN.add_days(-1.0).map_err(|e| e.kind),
        Err(ExceptionKind::ArgumentOutOfRange)
    );
    let e = dt(2024, 3, 1, 0, 0, 0, 0, U);
    assert_eq!(e.subtract(d).to_string_c(), "29.14:00:00");
    assert_eq!(d.subtract(e).to_string_c(), "-29.14:00:00");
    assert_eq!(e.subtract(d).total_days(), 29.583333333333332);
    assert_eq!(
        e.subtract_span(TimeSpan::from_ticks(TICKS_PER_DAY))
            .map(|x| x.ymd()),
        Ok((2024, 2, 29))
    );
    assert_eq!(
        dt(2021, 1, 1, 0, 0, 0, 0, DateTimeKind::Utc).to_unix_seconds(),
        1_609_459_200
    );
}

#[test]
fn standard_formats() {
    let d = dt(2009, 6, 15, 13, 45, 30, 0, U);
    assert_eq!(f(d, ""), "06/15/2009 13:45:30");
    assert_eq!(f(d, "d"), "06/15/2009");
    assert_eq!(f(d, "D"), "Monday, 15 June 2009");
    assert_eq!(f(d, "f"), "Monday, 15 June 2009 13:45");
    assert_eq!(f(d, "F"), "Monday, 15 June 2009 13:45:30");
    assert_eq!(f(d, "g"), "06/15/2009 13:45");
    assert_eq!(f(d, "G"), "06/15/2009 13:45:30");
    assert_eq!(f(d, "M"), "June 15");
    assert_eq!(f(d, "m"), "June 15");
    assert_eq!(f(d, "o"), "2009-06-15T13:45:30.0000000");
    assert_eq!(
        f(d.with_kind(DateTimeKind::Utc), "O"),
        "2009-06-15T13:45:30.0000000Z"
    );
    assert_eq!(
        f(d.with_kind(DateTimeKind::Local), "o"),
        "2009-06-15T13:45:30.0000000+00:00"
    );
    assert_eq!(f(d, "R"), "Mon, 15 Jun 2009 13:45:30 GMT");
    assert_eq!(f(d, "r"), "Mon, 15 Jun 2009 13:45:30 GMT");
    assert_eq!(f(d, "s"), "2009-06-15T13:45:30");
    assert_eq!(f(d, "t"), "13:45");
    assert_eq!(f(d, "T"), "13:45:30");
    assert_eq!(f(d, "u"), "2009-06-15 13:45:30Z");
    assert_eq!(f(d, "U"), "Monday, 15 June 2009 13:45:30");
    assert_eq!(f(d, "Y"), "2009 June");
    assert_eq!(f(d, "y"), "2009 June");
    assert!(f(d, "Q").starts_with("System.FormatException"));
    let p = dt(2009, 6, 15, 13, 45, 30, 0, U)
        .add_ticks(1_234_567)
        .unwrap_or(DateTime::MIN);
    assert_eq!(f(p, "o"), "2009-06-15T13:45:30.1234567");
}

#[test]
fn custom_formats() {
    let d = dt(2009, 6, 1, 7, 5, 3, 70, DateTimeKind::Utc);
    assert_eq!(f(d, "yyyy-MM-ddTHH:mm:ssZ"), "2009-06-01T07:05:03Z");
    assert_eq!(f(d, "yyyyMMddTHHmmssZ"), "20090601T070503Z");
    assert_eq!(f(d, "yyyyMMdd"), "20090601");
    assert_eq!(
        f(d, "yyyy-MM-dd'T'HH:mm:ss.fffK"),
        "2009-06-01T07:05:03.070Z"
    );
    assert_eq!(f(d, "%d"), "1");
    assert_eq!(f(d, "%M"), "6");
    assert_eq!(f(d, "%y"), "9");
    assert_eq!(f(d, "yy"), "09");
    assert_eq!(f(d, "yyyyy"), "02009");
    assert_eq!(f(d, "dd MMM yyyy"), "01 Jun 2009");
    assert_eq!(f(d, "ddd, MMMM d"), "Mon, June 1");
    assert_eq!(f(d, "h:mm tt"), "7:05 AM");
    assert_eq!(f(dt(2009, 6, 1, 0, 5, 0, 0, U), "hh:mm t"), "12:05 A");
    assert_eq!(f(dt(2009, 6, 1, 19, 5, 0, 0, U), "hh tt"), "07 PM");
    assert_eq!(f(d, "HH:mm:ss.FFF"), "07:05:03.07");
    assert_eq!(f(dt(2009, 6, 1, 7, 5, 3, 0, U), "HH:mm:ss.FFF"), "07:05:03");
    assert_eq!(f(d, "fffffff"), "0700000");
    assert_eq!(f(d, "zzz"), "+00:00");
    assert_eq!(f(d, "zz"), "+00");
    assert_eq!(f(d, "\\h\\h HH"), "hh 07");
    assert_eq!(f(d, "\"day\" d"), "day 1");
    assert_eq!(f(d, "g"), "06/01/2009 07:05");
    assert_eq!(f(d, "gg"), "A.D.");
    assert_eq!(f(dt(2009, 6, 1, 0, 0, 0, 0, U), "%K"), "");
    assert!(f(d, "K").starts_with("System.FormatException"));
    assert!(f(d, "'open").starts_with("System.FormatException"));
}

#[test]
fn parsing() {
    let today = dt(2020, 5, 5, 0, 0, 0, 0, U);
    let p =
        |s: &str| parse(s, today).map(|d| (d.ymd(), d.hour(), d.minute(), d.second(), d.kind()));
    assert_eq!(p("2009-06-15"), Ok(((2009, 6, 15), 0, 0, 0, U)));
    assert_eq!(p("2009-06-15T13:45:30"), Ok(((2009, 6, 15), 13, 45, 30, U)));
    assert_eq!(
        p("2009-06-15T13:45:30Z"),
        Ok(((2009, 6, 15), 13, 45, 30, DateTimeKind::Local))
    );
    assert_eq!(
        p("2009-06-15T13:45:30+02:00"),
        Ok(((2009, 6, 15), 11, 45, 30, DateTimeKind::Local))
    );
    assert_eq!(
        p("2009-06-15T13:45:30-0130"),
        Ok(((2009, 6, 15), 15, 15, 30, DateTimeKind::Local))
    );
    assert_eq!(
        p("Mon, 15 Jun 2009 13:45:30 GMT"),
        Ok(((2009, 6, 15), 13, 45, 30, DateTimeKind::Local))
    );
    assert_eq!(p("06/15/2009 13:45:30"), Ok(((2009, 6, 15), 13, 45, 30, U)));
    assert_eq!(
        p("6/15/2009 1:45:30 PM"),
        Ok(((2009, 6, 15), 13, 45, 30, U))
    );
    assert_eq!(p("6/15/2009 12:00 AM"), Ok(((2009, 6, 15), 0, 0, 0, U)));
    assert_eq!(p("June 15, 2009"), Ok(((2009, 6, 15), 0, 0, 0, U)));
    assert_eq!(p("15 June 2009"), Ok(((2009, 6, 15), 0, 0, 0, U)));
    assert_eq!(p("2009/06/15"), Ok(((2009, 6, 15), 0, 0, 0, U)));
    assert_eq!(p("13:45"), Ok(((2020, 5, 5), 13, 45, 0, U)));
    assert_eq!(
        parse("2009-06-15T13:45:30.1234567", today).map(|d| d.ticks() % TICKS_PER_SECOND),
        Ok(1_234_567)
    );
    assert_eq!(
        p("not a date").map_err(|e| e.kind),
        Err(ExceptionKind::Format)
    );
    assert_eq!(
        p("2009-02-30").map_err(|e| e.message),
        Err("String '2009-02-30' was not recognized as a valid DateTime.".into())
    );
    assert_eq!(p("25:00").map_err(|e| e.kind), Err(ExceptionKind::Format));
}

#[test]
fn parse_exact_formats() {
    let p = |s: &str, f: &str| {
        parse_exact(s, f).map(|d| (d.ymd(), d.hour(), d.minute(), d.second(), d.kind()))
    };
    assert_eq!(p("20090615", "yyyyMMdd"), Ok(((2009, 6, 15), 0, 0, 0, U)));
    assert_eq!(
        p("2009-06-15T13:45:30Z", "yyyy-MM-ddTHH:mm:ssZ"),
        Ok(((2009, 6, 15), 13, 45, 30, U))
    );
    assert_eq!(
        p("2009-06-15T13:45:30.0000000Z", "o"),
        Ok(((2009, 6, 15), 13, 45, 30, DateTimeKind::Local))
    );
    assert_eq!(
        p("Mon, 15 Jun 2009 13:45:30 GMT", "r"),
        Ok(((2009, 6, 15), 13, 45, 30, DateTimeKind::Local))
    );
    assert_eq!(
        p("2009-06-15 13:45:30Z", "u"),
        Ok(((2009, 6, 15), 13, 45, 30, DateTimeKind::Local))
    );
    assert_eq!(
        p("15/06/09 01:02 PM", "dd/MM/yy hh:mm tt"),
        Ok(((2009, 6, 15), 13, 2, 0, U))
    );
    assert_eq!(
        p("2009-06-15T13:45:30+01:00", "yyyy-MM-dd'T'HH:mm:sszzz"),
        Ok(((2009, 6, 15), 12, 45, 30, DateTimeKind::Local))
    );
    assert_eq!(
        p("2009-06-15", "yyyyMMdd").map_err(|e| e.kind),
        Err(ExceptionKind::Format)
    );
    assert_eq!(
        p("20090615x", "yyyyMMdd").map_err(|e| e.kind),
        Err(ExceptionKind::Format)
    );
    assert_eq!(
        p("20091315", "yyyyMMdd").map_err(|e| e.kind),
        Err(ExceptionKind::Format)
    );
}

#[test]
fn offsets() {
    let o = DateTimeOffset::from_unix_seconds(1_000_000_000)
        .unwrap_or(DateTimeOffset::from_datetime(DateTime::MIN));
    assert_eq!(
        format_offset(o, "o").unwrap_or_default(),
        "2001-09-09T01:46:40.0000000+00:00"
    );
    assert_eq!(
        format_offset(o, "").unwrap_or_default(),
        "09/09/2001 01:46:40 +00:00"
    );
    assert_eq!(
        format_offset(o, "r").unwrap_or_default(),
        "Sun, 09 Sep 2001 01:46:40 GMT"
    );
    assert_eq!(o.to_unix_seconds(), 1_000_000_000);
    assert_eq!(o.to_unix_milliseconds(), 1_000_000_000_000);
    let shifted = DateTimeOffset {
        clock: o.clock,
        offset_minutes: 120,
    };
    assert_eq!(
        format_offset(shifted, "o").unwrap_or_default(),
        "2001-09-09T01:46:40.0000000+02:00"
    );
    assert_eq!(
        format_offset(shifted, "u").unwrap_or_default(),
        "2001-09-08 23:46:40Z"
    );
    assert_eq!(shifted.to_unix_seconds(), 1_000_000_000 - 7200);
    assert_eq!(
        DateTimeOffset::from_unix_milliseconds(-1).map(|o| o.to_unix_milliseconds()),
        Ok(-1)
    );
    assert_eq!(
        DateTime::from_unix_seconds(i64::MAX).map_err(|e| e.kind),
        Err(ExceptionKind::ArgumentOutOfRange)
    );
    assert!(DateTime::utc_now().year() >= 2024);
}

#[test]
fn timespans() {
    let t = TimeSpan::new(1, 2, 3, 4, 5).unwrap_or_default();
    assert_eq!(t.to_string_c(), "1.02:03:04.0050000");
    assert_eq!(t.format("g"), Ok("1:2:03:04.005".into()));
    assert_eq!(t.format("G"), Ok("1:02:03:04.0050000".into()));
    assert_eq!(
        TimeSpan::new(0, 0, 30, 0, 0).map(|t| t.to_string_c()),
        Ok("00:30:00".into())
    );
    assert_eq!(
        TimeSpan::from_ticks(-TICKS_PER_HOUR).to_string_c(),
        "-01:00:00"
    );
    assert_eq!(
        TimeSpan::from_seconds(90.5).map(|t| t.to_string_c()),
        Ok("00:01:30.5000000".into())
    );
    assert_eq!(
        TimeSpan::from_minutes(1.5).map(|t| t.total_seconds()),
        Ok(90.0)
    );
    assert_eq!(
        TimeSpan::from_hours(36.0).map(|t| (t.days(), t.hours())),
        Ok((1, 12))
    );
    assert_eq!(TimeSpan::from_days(0.5).map(|t| t.total_hours()), Ok(12.0));
    assert_eq!(
        TimeSpan::from_milliseconds(1.0).map(|t| t.ticks()),
        Ok(10_000)
    );
    assert_eq!(
        TimeSpan::from_seconds(f64::NAN).map_err(|e| e.kind),
        Err(ExceptionKind::Argument)
    );
    assert_eq!(
        TimeSpan::from_days(1e20).map_err(|e| e.kind),
        Err(ExceptionKind::Overflow)
    );
    assert_eq!(t.format("hh\\:mm\\:ss"), Ok("02:03:04".into()));
    assert_eq!(t.format("%d"), Ok("1".into()));
    assert_eq!(t.format("dd\\.hh"), Ok("01.02".into()));
    assert_eq!(t.format("fff"), Ok("005".into()));
    assert_eq!(
        t.format("hh:mm").map_err(|e| e.kind),
        Err(ExceptionKind::Format)
    );
    let p = |s: &str| TimeSpan::parse(s).map(|t| t.to_string_c());
    assert_eq!(p("6"), Ok("6.00:00:00".into()));
    assert_eq!(p("6:12"), Ok("06:12:00".into()));
    assert_eq!(p("6:12:14"), Ok("06:12:14".into()));
    assert_eq!(p("6:12:14:45"), Ok("6.12:14:45".into()));
    assert_eq!(p("6.12:14:45"), Ok("6.12:14:45".into()));
    assert_eq!(p("6:12:14:45.3448"), Ok("6.12:14:45.3448000".into()));
    assert_eq!(p("-1:00:00"), Ok("-01:00:00".into()));
    assert_eq!(
        p("6:34:14:45").map_err(|e| e.kind),
        Err(ExceptionKind::Overflow)
    );
    assert_eq!(p("abc").map_err(|e| e.kind), Err(ExceptionKind::Format));
    assert_eq!(t.add_span(t).map(|x| x.days()), Ok(2));
    assert_eq!(
        TimeSpan::from_ticks(i64::MIN).negate().map_err(|e| e.kind),
        Err(ExceptionKind::Overflow)
    );
    assert_eq!(
        TimeSpan::from_ticks(-5).duration(),
        Ok(TimeSpan::from_ticks(5))
    );
}
