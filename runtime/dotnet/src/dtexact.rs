//! `DateTime.ParseExact` (invariant culture, `DateTimeStyles.None`) against custom or standard formats.

use super::datetime::{DateTime, DateTimeKind, TICKS_PER_HOUR, TICKS_PER_MINUTE, TICKS_PER_SECOND};
use super::dtformat::{DAYS, MONTHS};
use super::error::{DResult, DotnetError};

/// The fields read so far.
#[derive(Default)]
struct Fields {
    year: Option<i64>,
    month: Option<i64>,
    day: Option<i64>,
    hour: i64,
    minute: i64,
    second: i64,
    fraction: i64,
    pm: Option<bool>,
    offset: Option<i64>,
}

/// The custom pattern for a standard format letter, and whether it implies UTC.
fn standard(c: char) -> Option<(&'static str, bool)> {
    Some(match c {
        'd' => ("MM/dd/yyyy", false),
        'D' => ("dddd, dd MMMM yyyy", false),
        'f' => ("dddd, dd MMMM yyyy HH:mm", false),
        'F' | 'U' => ("dddd, dd MMMM yyyy HH:mm:ss", false),
        'g' => ("MM/dd/yyyy HH:mm", false),
        'G' => ("MM/dd/yyyy HH:mm:ss", false),
        'o' | 'O' => ("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK", false),
        'r' | 'R' => ("ddd, dd MMM yyyy HH':'mm':'ss 'GMT'", true),
        's' => ("yyyy'-'MM'-'dd'T'HH':'mm':'ss", false),
        'u' => ("yyyy'-'MM'-'dd HH':'mm':'ss'Z'", true),
        _ => return None,
    })
}

/// `DateTime.ParseExact(s, format, CultureInfo.InvariantCulture)`.
pub fn parse_exact(s: &str, format: &str) -> DResult<DateTime> {
    let bad = || {
        DotnetError::format(format!(
            "String '{s}' was not recognized as a valid DateTime."
        ))
    };
    let (pattern, utc) = match format.chars().count() {
        0 => {
            return Err(DotnetError::format(
                "Input string was not in a correct format.",
            ))
        }
        1 => standard(format.chars().next().unwrap_or(' '))
            .ok_or_else(|| DotnetError::format("Input string was not in a correct format."))?,
        _ => (format, false),
    };
    let mut f = Fields::default();
    let input: Vec<char> = s.chars().collect();
    let pat: Vec<char> = pattern.chars().collect();
    let end = walk(&pat, &input, &mut f).ok_or_else(bad)?;
    if end != input.len() {
        return Err(bad());
    }
    if utc {
        f.offset = Some(0);
    }
    build(&f).ok_or_else(bad)
}

/// `DateTime.TryParseExact`.
pub fn try_parse_exact(s: &str, format: &str) -> Option<DateTime> {
    parse_exact(s, format).ok()
}

/// Reads between `min` and `max` ASCII digits at `pos`.
fn digits(input: &[char], pos: &mut usize, min: usize, max: usize) -> Option<i64> {
    let start = *pos;
    while *pos < input.len() && *pos - start < max && input[*pos].is_ascii_digit() {
        *pos += 1;
    }
    if *pos - start < min {
        return None;
    }
    input[start..*pos].iter().collect::<String>().parse().ok()
}

/// Matches one of `names` (full or, when `abbrev`, three letters) case-insensitively.
fn name(input: &[char], pos: &mut usize, names: &[&str], abbrev: bool) -> Option<i64> {
    for (i, n) in names.iter().enumerate() {
        let n = if abbrev { &n[..3] } else { n };
        let len = n.chars().count();
        let text: String = input.iter().skip(*pos).take(len).collect();
        if text.eq_ignore_ascii_case(n) {
            *pos += len;
            return Some(i as i64 + 1);
        }
    }
    None
}

/// Walks the pattern over the input; returns the input position reached.
fn walk(pat: &[char], input: &[char], f: &mut Fields) -> Option<usize> {
    let (mut i, mut pos) = (0usize, 0usize);
    while i < pat.len() {
        let c = pat[i];
        let run = pat[i..].iter().take_while(|&&x| x == c).count();
        let mut step = run;
        match c {
            'y' if run <= 2 => {
                let y = digits(input, &mut pos, run, 2)?;
                f.year = Some(if y < 50 { 2000 + y } else { 1900 + y });
            }
            'y' => f.year = Some(digits(input, &mut pos, run.min(4), run.max(4))?),
            'M' if run >= 3 => f.month = Some(name(input, &mut pos, &MONTHS, run == 3)?),
            'M' => f.month = Some(digits(input, &mut pos, run, 2)?),
            'd' if run >= 3 => {
                name(input, &mut pos, &DAYS, run == 3)?;
            }
            'd' => f.day = Some(digits(input, &mut pos, run, 2)?),
            'H' | 'h' => f.hour = digits(input, &mut pos, run.min(2), 2)?,
            'm' => f.minute = digits(input, &mut pos, run.min(2), 2)?,
            's' => f.second = digits(input, &mut pos, run.min(2), 2)?,
            'f' | 'F' => {
                let start = pos;
                let v = digits(input, &mut pos, if c == 'f' { run } else { 0 }, run).unwrap_or(0);
                f.fraction = v * 10i64.pow((7 - (pos - start).min(7)) as u32);
            }
            't' => {
                let text: String = input
                    .iter()
                    .skip(pos)
                    .take(run.min(2))
                    .collect::<String>()
                    .to_ascii_uppercase();
                f.pm = Some(match text.as_str() {
                    "AM" | "A" => false,
                    "PM" | "P" => true,
                    _ => return None,
                });
                pos += run.min(2);
            }
            'z' | 'K' => {
                step = if c == 'K' { 1 } else { run };
                zone(input, &mut pos, f, c == 'K')?;
            }
            '\'' | '"' => {
                let end = pat[i + 1..].iter().position(|&x| x == c)?;
                for &lit in &pat[i + 1..i + 1 + end] {
                    expect(input, &mut pos, lit)?;
                }
                step = end + 2;
            }
            '%' => step = 1,
            '\\' => {
                expect(input, &mut pos, *pat.get(i + 1)?)?;
                step = 2;
            }
            _ => {
                step = 1;
                expect(input, &mut pos, c)?;
            }
        }
        i += step;
    }
    Some(pos)
}

/// Consumes the literal `c`.
fn expect(input: &[char], pos: &mut usize, c: char) -> Option<()> {
    (input.get(*pos) == Some(&c)).then(|| *pos += 1)
}

/// Reads `Z` (for `K`) or `±hh[:mm]`.
fn zone(input: &[char], pos: &mut usize, f: &mut Fields, k: bool) -> Option<()> {
    match input.get(*pos) {
        Some('Z') if k => {
            *pos += 1;
            f.offset = Some(0);
        }
        Some(&sign @ ('+' | '-')) => {
            *pos += 1;
            let h = digits(input, pos, 1, 2)?;
            let m = if input.get(*pos) == Some(&':') {
                *pos += 1;
                digits(input, pos, 2, 2)?
            } else {
                0
            };
            let off = h * TICKS_PER_HOUR + m * TICKS_PER_MINUTE;
            f.offset = Some(if sign == '-' { -off } else { off });
        }
        _ if k => {}
        _ => return None,
    }
    Some(())
}

/// Builds the `DateTime` from the fields read.
fn build(f: &Fields) -> Option<DateTime> {
    let mut hour = f.hour;
    match f.pm {
        Some(true) if hour < 12 => hour += 12,
        Some(false) if hour == 12 => hour = 0,
        _ => {}
    }
    if hour > 23 || f.minute > 59 || f.second > 59 {
        return None;
    }
    let (y, m, d) = (
        f.year.unwrap_or(1),
        f.month.unwrap_or(1),
        f.day.unwrap_or(1),
    );
    let date = DateTime::from_date(
        i32::try_from(y).ok()?,
        i32::try_from(m).ok()?,
        i32::try_from(d).ok()?,
        DateTimeKind::Unspecified,
    )
    .ok()?;
    let t = date
        .add_ticks(
            hour * TICKS_PER_HOUR
                + f.minute * TICKS_PER_MINUTE
                + f.second * TICKS_PER_SECOND
                + f.fraction,
        )
        .ok()?;
    match f.offset {
        Some(off) => t
            .add_ticks(-off)
            .ok()
            .map(|t| t.with_kind(DateTimeKind::Local)),
        None => Some(t),
    }
}
