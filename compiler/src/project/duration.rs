//! ISO-8601 durations as APIM writes them (`PT1H`, `PT30S`, `P1D`, `PT1M30S`).

use std::time::Duration;

/// Parses `P[nW][nD][T[nH][nM][n[.f]S]]`.
///
/// Years and months are rejected: their length depends on the calendar. At least one part
/// must be present, a `T` must be followed by a time part, parts appear in order at most
/// once, and only the seconds may have a fraction. Returns `None` on anything else
/// (including overflow).
pub fn parse_duration(text: &str) -> Option<Duration> {
    let rest = text.strip_prefix('P')?;
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) if !t.is_empty() => (d, Some(t)),
        Some(_) => return None,
        None => (rest, None),
    };
    if date.is_empty() && time.is_none() {
        return None;
    }
    let mut total = parts(date, &[('W', 7 * 86_400), ('D', 86_400)])?;
    if let Some(time) = time {
        total = total.checked_add(parts(time, &[('H', 3600), ('M', 60), ('S', 1)])?)?;
    }
    Some(total)
}

/// Sums `number unit` pairs, units in the given order, each at most once.
fn parts(mut text: &str, units: &[(char, u64)]) -> Option<Duration> {
    let mut total = Duration::ZERO;
    let mut next_unit = 0;
    while !text.is_empty() {
        let end = text.find(|c: char| !c.is_ascii_digit() && c != '.')?;
        let (number, rest) = text.split_at(end);
        let unit = rest.chars().next()?;
        let index = units[next_unit..].iter().position(|&(u, _)| u == unit)? + next_unit;
        next_unit = index + 1;
        let seconds = units[index].1;
        total = total.checked_add(amount(number, seconds, unit == 'S')?)?;
        text = &rest[1..];
    }
    Some(total)
}

/// `number` units of `seconds` each; a fraction only when `fraction_ok`.
fn amount(number: &str, seconds: u64, fraction_ok: bool) -> Option<Duration> {
    let (whole, fraction) = match number.split_once('.') {
        Some((w, f)) if fraction_ok && !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) => {
            (w, Some(f))
        }
        Some(_) => return None,
        None => (number, None),
    };
    if whole.is_empty() {
        return None;
    }
    let secs = whole.parse::<u64>().ok()?.checked_mul(seconds)?;
    let nanos = fraction.map_or(0, |f| {
        let digits: String = f.chars().chain("000000000".chars()).take(9).collect();
        digits.parse::<u32>().unwrap_or(0)
    });
    Some(Duration::new(secs, nanos))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apim_forms() {
        let s = Duration::from_secs;
        assert_eq!(parse_duration("PT1H"), Some(s(3600)));
        assert_eq!(parse_duration("PT30S"), Some(s(30)));
        assert_eq!(parse_duration("P1D"), Some(s(86_400)));
        assert_eq!(parse_duration("PT1M30S"), Some(s(90)));
        assert_eq!(parse_duration("P1DT2H"), Some(s(93_600)));
        assert_eq!(parse_duration("P2W"), Some(s(14 * 86_400)));
        assert_eq!(parse_duration("PT0S"), Some(s(0)));
        assert_eq!(parse_duration("PT1.5S"), Some(Duration::from_millis(1500)));
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "P",
            "PT",
            "1H",
            "PT1",
            "PTH",
            "P1H",
            "PT1D",
            "PT1S1M",
            "PT1H1H",
            "P1Y",
            "P1M",
            "pt1h",
            "PT1.5M",
            "PT.5S",
            "PT1.S",
            "PT-1S",
            "P1DT",
            "PT1H ",
            "PT99999999999999999999S",
        ] {
            assert_eq!(parse_duration(bad), None, "{bad:?}");
        }
        assert_eq!(parse_duration("P18446744073709551615W"), None);
    }
}
