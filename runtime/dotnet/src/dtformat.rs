//! `DateTime.ToString(format)` and `DateTimeOffset.ToString(format)`, invariant culture.

use super::datetime::{DateTime, DateTimeKind, TICKS_PER_SECOND};
use super::error::{DResult, DotnetError};
use super::offset::DateTimeOffset;

/// Invariant day names, Sunday first.
pub const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
/// Invariant month names.
pub(crate) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The pattern an invariant standard format letter stands for, and whether it prints UTC.
fn expand_standard(c: char) -> Option<(&'static str, bool)> {
    Some(match c {
        'd' => ("MM/dd/yyyy", false),
        'D' => ("dddd, dd MMMM yyyy", false),
        'f' => ("dddd, dd MMMM yyyy HH:mm", false),
        'F' => ("dddd, dd MMMM yyyy HH:mm:ss", false),
        'g' => ("MM/dd/yyyy HH:mm", false),
        'G' => ("MM/dd/yyyy HH:mm:ss", false),
        'm' | 'M' => ("MMMM dd", false),
        'o' | 'O' => ("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK", false),
        'r' | 'R' => ("ddd, dd MMM yyyy HH':'mm':'ss 'GMT'", true),
        's' => ("yyyy'-'MM'-'dd'T'HH':'mm':'ss", false),
        't' => ("HH:mm", false),
        'T' => ("HH:mm:ss", false),
        'u' => ("yyyy'-'MM'-'dd HH':'mm':'ss'Z'", true),
        'U' => ("dddd, dd MMMM yyyy HH:mm:ss", true),
        'y' | 'Y' => ("yyyy MMMM", false),
        _ => return None,
    })
}

/// The value being formatted: a clock time and, for `DateTimeOffset`, its offset.
struct Subject {
    dt: DateTime,
    offset: Option<i32>,
}

/// `DateTime.ToString(format)`; an empty format is `G`.
pub fn format_datetime(dt: DateTime, format: &str) -> DResult<String> {
    let format = if format.is_empty() { "G" } else { format };
    let mut chars = format.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        let (pattern, utc) = expand_standard(c).ok_or_else(bad_format)?;
        let dt = if utc && c == 'U' {
            dt.with_kind(DateTimeKind::Utc)
        } else {
            dt
        };
        return custom(&Subject { dt, offset: None }, pattern);
    }
    custom(&Subject { dt, offset: None }, format)
}

/// `DateTimeOffset.ToString(format)`; the default is `MM/dd/yyyy HH:mm:ss zzz`,
/// and `r`, `u` print the UTC time.
pub fn format_offset(dto: DateTimeOffset, format: &str) -> DResult<String> {
    let mut chars = format.chars();
    if format.is_empty() {
        return custom(
            &Subject {
                dt: dto.clock,
                offset: Some(dto.offset_minutes),
            },
            "MM/dd/yyyy HH:mm:ss zzz",
        );
    }
    if let (Some(c), None) = (chars.next(), chars.next()) {
        let (pattern, utc) = expand_standard(c).ok_or_else(bad_format)?;
        if utc {
            return custom(
                &Subject {
                    dt: dto.utc_datetime(),
                    offset: Some(0),
                },
                pattern,
            );
        }
        return custom(
            &Subject {
                dt: dto.clock,
                offset: Some(dto.offset_minutes),
            },
            pattern,
        );
    }
    custom(
        &Subject {
            dt: dto.clock,
            offset: Some(dto.offset_minutes),
        },
        format,
    )
}

/// .NET's message for an invalid date format.
fn bad_format() -> DotnetError {
    DotnetError::format("Input string was not in a correct format.")
}

/// Formats with a custom pattern.
fn custom(sub: &Subject, format: &str) -> DResult<String> {
    let f: Vec<char> = format.chars().collect();
    let dt = sub.dt;
    let (y, mo, d) = dt.ymd();
    let mut out = String::new();
    let mut i = 0;
    while i < f.len() {
        let c = f[i];
        let run = f[i..].iter().take_while(|&&x| x == c).count();
        let mut step = run;
        match c {
            'd' => match run {
                1 | 2 => out.push_str(&format!("{d:0run$}")),
                3 => out.push_str(&DAYS[dt.day_of_week() as usize][..3]),
                _ => out.push_str(DAYS[dt.day_of_week() as usize]),
            },
            'M' => match run {
                1 | 2 => out.push_str(&format!("{mo:0run$}")),
                3 => out.push_str(&MONTHS[mo as usize - 1][..3]),
                _ => out.push_str(MONTHS[mo as usize - 1]),
            },
            'y' => match run {
                1 => out.push_str(&(y % 100).to_string()),
                2 => out.push_str(&format!("{:02}", y % 100)),
                _ => out.push_str(&format!("{y:0run$}")),
            },
            'h' => {
                let h12 = if dt.hour() % 12 == 0 {
                    12
                } else {
                    dt.hour() % 12
                };
                out.push_str(&format!("{h12:0w$}", w = run.min(2)));
            }
            'H' => out.push_str(&format!("{:0w$}", dt.hour(), w = run.min(2))),
            'm' => out.push_str(&format!("{:0w$}", dt.minute(), w = run.min(2))),
            's' => out.push_str(&format!("{:0w$}", dt.second(), w = run.min(2))),
            'f' | 'F' => {
                if run > 7 {
                    return Err(bad_format());
                }
                let frac = format!("{:07}", dt.ticks() % TICKS_PER_SECOND);
                let digits = &frac[..run];
                if c == 'f' {
                    out.push_str(digits);
                } else {
                    let trimmed = digits.trim_end_matches('0');
                    if trimmed.is_empty() && out.ends_with('.') {
                        out.pop();
                    }
                    out.push_str(trimmed);
                }
            }
            't' => {
                let ampm = if dt.hour() < 12 { "AM" } else { "PM" };
                out.push_str(if run == 1 { &ampm[..1] } else { ampm });
            }
            'g' => out.push_str("A.D."),
            'z' => out.push_str(&zone(sub.offset.unwrap_or(0), run)),
            'K' => {
                step = 1;
                out.push_str(&kind_suffix(sub));
            }
            ':' | '/' => {
                step = 1;
                out.push(c);
            }
            '\'' | '"' => {
                let end = f[i + 1..].iter().position(|&x| x == c).ok_or_else(|| {
                    DotnetError::format(format!(
                        "Cannot find a matching quote character for the character '{c}'."
                    ))
                })?;
                out.extend(&f[i + 1..i + 1 + end]);
                step = end + 2;
            }
            '%' => {
                step = 1;
                if matches!(f.get(i + 1), None | Some('%')) {
                    return Err(bad_format());
                }
            }
            '\\' => {
                let next = f.get(i + 1).ok_or_else(bad_format)?;
                out.push(*next);
                step = 2;
            }
            _ => {
                step = 1;
                out.push(c);
            }
        }
        i += step;
    }
    Ok(out)
}

/// `z`, `zz`, `zzz` for an offset in minutes.
fn zone(offset: i32, run: usize) -> String {
    let sign = if offset < 0 { '-' } else { '+' };
    let (h, m) = (offset.abs() / 60, offset.abs() % 60);
    match run {
        1 => format!("{sign}{h}"),
        2 => format!("{sign}{h:02}"),
        _ => format!("{sign}{h:02}:{m:02}"),
    }
}

/// `K`: `Z` for UTC, the offset for Local and `DateTimeOffset`, nothing for Unspecified.
fn kind_suffix(sub: &Subject) -> String {
    if let Some(off) = sub.offset {
        return zone(off, 3);
    }
    match sub.dt.kind() {
        DateTimeKind::Utc => "Z".into(),
        DateTimeKind::Local => "+00:00".into(),
        DateTimeKind::Unspecified => String::new(),
    }
}
