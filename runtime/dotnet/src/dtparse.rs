//! `DateTime.Parse`/`TryParse`/`ParseExact` (invariant culture) for the common ISO 8601, RFC 1123 and
//! invariant forms. A parsed zone (`Z`, `GMT`, `+01:00`) converts the time to UTC with kind `Local`,
//! as .NET converts to local time and the gateway's local zone is UTC.

use super::datetime::{DateTime, DateTimeKind, TICKS_PER_HOUR, TICKS_PER_MINUTE, TICKS_PER_SECOND};
use super::dtformat::{DAYS, MONTHS};
use super::error::{DResult, DotnetError};

/// The exception for unparsable date text.
fn bad(s: &str) -> DotnetError {
    DotnetError::format(format!(
        "String '{s}' was not recognized as a valid DateTime."
    ))
}

/// A lexical token of a date string.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(i64, usize),
    Word(String),
    Punct(char),
}

/// Splits into digit runs, letter runs and single punctuation; whitespace separates.
fn lex(s: &str) -> Vec<Tok> {
    let c: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let start = i;
        if c[i].is_ascii_digit() {
            while i < c.len() && c[i].is_ascii_digit() {
                i += 1;
            }
            let text: String = c[start..i].iter().collect();
            out.push(Tok::Num(text.parse().unwrap_or(i64::MAX), i - start));
        } else if c[i].is_alphabetic() {
            while i < c.len() && c[i].is_alphabetic() {
                i += 1;
            }
            out.push(Tok::Word(
                c[start..i].iter().collect::<String>().to_ascii_lowercase(),
            ));
        } else {
            if !c[i].is_whitespace() {
                out.push(Tok::Punct(c[i]));
            }
            i += 1;
        }
    }
    out
}

/// The month (1–12) a full or three-letter invariant name stands for.
fn month_of(w: &str) -> Option<i32> {
    MONTHS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(w) || (w.len() == 3 && m[..3].eq_ignore_ascii_case(w)))
        .map(|p| p as i32 + 1)
}

/// True for a full or three-letter invariant day name.
fn is_day_name(w: &str) -> bool {
    DAYS.iter()
        .any(|d| d.eq_ignore_ascii_case(w) || (w.len() == 3 && d[..3].eq_ignore_ascii_case(w)))
}

/// What the lexer-driven parser collected.
#[derive(Default)]
struct Parts {
    nums: Vec<(i64, usize)>,
    month_name: Option<i32>,
    time: Option<i64>,
    pm: Option<bool>,
    offset: Option<i64>,
}

/// `DateTime.Parse(s)`; a time without a date takes `today`'s date, as .NET uses `DateTime.Now`.
pub fn parse(s: &str, today: DateTime) -> DResult<DateTime> {
    let toks = lex(s);
    let p = collect(&toks, s)?;
    let (y, m, d) = date_of(&p, today).ok_or_else(|| bad(s))?;
    let mut time = p.time.unwrap_or(0);
    if let Some(pm) = p.pm {
        let h = time / TICKS_PER_HOUR;
        if h > 12 {
            return Err(bad(s));
        }
        if pm && h < 12 {
            time += 12 * TICKS_PER_HOUR;
        } else if !pm && h == 12 {
            time -= 12 * TICKS_PER_HOUR;
        }
    }
    let date = DateTime::from_date(y, m, d, DateTimeKind::Unspecified).map_err(|_| bad(s))?;
    let local = date.add_ticks(time).map_err(|_| bad(s))?;
    match p.offset {
        Some(off) => local
            .add_ticks(-off)
            .map(|t| t.with_kind(DateTimeKind::Local))
            .map_err(|_| bad(s)),
        None => Ok(local),
    }
}

/// `DateTime.TryParse`.
pub fn try_parse(s: &str, today: DateTime) -> Option<DateTime> {
    parse(s, today).ok()
}

/// Walks the tokens, taking out the time, AM/PM, zone, month name and date numbers.
fn collect(t: &[Tok], s: &str) -> DResult<Parts> {
    let mut p = Parts::default();
    let mut i = 0;
    while i < t.len() {
        match &t[i] {
            Tok::Num(h, _) if t.get(i + 1) == Some(&Tok::Punct(':')) && p.time.is_none() => {
                let (ticks, next) = time_at(t, i, *h).ok_or_else(|| bad(s))?;
                p.time = Some(ticks);
                i = next;
                continue;
            }
            Tok::Num(v, n) => p.nums.push((*v, *n)),
            Tok::Word(w) if w == "am" || w == "pm" => p.pm = Some(w == "pm"),
            Tok::Word(w) if w == "z" || w == "gmt" || w == "utc" => {
                p.offset = Some(p.offset.unwrap_or(0))
            }
            Tok::Word(w) if w == "t" || is_day_name(w) => {}
            Tok::Word(w) => p.month_name = Some(month_of(w).ok_or_else(|| bad(s))?),
            Tok::Punct(c @ ('+' | '-')) if p.time.is_some() => {
                let (off, next) = offset_at(t, i + 1).ok_or_else(|| bad(s))?;
                p.offset = Some(if *c == '-' { -off } else { off });
                i = next;
                continue;
            }
            Tok::Punct('/' | '-' | '.' | ',') => {}
            Tok::Punct(_) => return Err(bad(s)),
        }
        i += 1;
    }
    Ok(p)
}

/// Parses `h:mm[:ss[.fffffff]]` starting at token `i`; returns ticks and the next index.
fn time_at(t: &[Tok], i: usize, h: i64) -> Option<(i64, usize)> {
    let Some(Tok::Num(m, _)) = t.get(i + 2) else {
        return None;
    };
    let mut ticks = h * TICKS_PER_HOUR + m * TICKS_PER_MINUTE;
    let mut next = i + 3;
    if t.get(next) == Some(&Tok::Punct(':')) {
        let Some(Tok::Num(sec, _)) = t.get(next + 1) else {
            return None;
        };
        if *sec > 59 {
            return None;
        }
        ticks += sec * TICKS_PER_SECOND;
        next += 2;
        if t.get(next) == Some(&Tok::Punct('.')) {
            if let Some(Tok::Num(f, n)) = t.get(next + 1) {
                ticks += fraction_ticks(*f, *n);
                next += 2;
            }
        }
    }
    (h < 24 && *m < 60).then_some((ticks, next))
}

/// Ticks of a fraction with `n` digits (digits past the seventh are dropped).
fn fraction_ticks(f: i64, n: usize) -> i64 {
    if n >= 7 {
        f / 10i64.pow((n - 7).min(18) as u32)
    } else {
        f * 10i64.pow((7 - n) as u32)
    }
}

/// Parses `hh[:mm]` or `hhmm` of an offset; returns ticks and the next index.
fn offset_at(t: &[Tok], i: usize) -> Option<(i64, usize)> {
    let Some(Tok::Num(v, n)) = t.get(i) else {
        return None;
    };
    let (h, mut m, mut next) = if *n == 4 {
        (v / 100, v % 100, i + 1)
    } else {
        (*v, 0, i + 1)
    };
    if *n <= 2 && t.get(i + 1) == Some(&Tok::Punct(':')) {
        if let Some(Tok::Num(mm, _)) = t.get(i + 2) {
            m = *mm;
            next = i + 3;
        }
    }
    (h <= 14 && m < 60).then_some((h * TICKS_PER_HOUR + m * TICKS_PER_MINUTE, next))
}

/// Orders the date numbers: `y-M-d` when the first has 4 digits, else invariant `M/d/y`.
fn date_of(p: &Parts, today: DateTime) -> Option<(i32, i32, i32)> {
    let n: Vec<i64> = p.nums.iter().map(|x| x.0).collect();
    let year_of = |i: usize| -> i64 {
        let (v, len) = p.nums[i];
        if len <= 2 {
            if v < 50 {
                2000 + v
            } else {
                1900 + v
            }
        } else {
            v
        }
    };
    let (y, m, d) = match (p.month_name, n.len()) {
        (Some(m), 2) if p.nums[0].1 == 4 => (n[0], i64::from(m), n[1]),
        (Some(m), 2) => (year_of(1), i64::from(m), n[0]),
        (Some(m), 1) => (i64::from(today.year()), i64::from(m), n[0]),
        (None, 3) if p.nums[0].1 >= 3 => (n[0], n[1], n[2]),
        (None, 3) => (year_of(2), n[0], n[1]),
        (None, 2) => (i64::from(today.year()), n[0], n[1]),
        (None, 0) if p.time.is_some() => {
            let (y, m, d) = today.ymd();
            (i64::from(y), i64::from(m), i64::from(d))
        }
        _ => return None,
    };
    let ok = (1..=9999).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d);
    ok.then_some((y as i32, m as i32, d as i32))
}
