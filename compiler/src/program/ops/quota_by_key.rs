//! `quota-by-key`: calls per renewal period per key, windows from `first-period-start`,
//! increments. `bandwidth` is not executed: `build` refuses it.

use super::rate_limit::count;
use super::{Lowering, Reported};
use crate::diagnostic::codes;
use crate::program::{Builder, ScopeEnv, Site, NOT_EXECUTED};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{OpKind, QuotaByKey};

/// `quota-by-key`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "quota-by-key",
    attributes: &[
        "calls",
        "counter-key",
        "increment-condition",
        "increment-count",
        "renewal-period",
        "first-period-start",
    ],
    lower: |b, env, site, e| quota_by_key(b, env, site, e).map(OpKind::QuotaByKey),
};

/// APIM's default `first-period-start`.
const DEFAULT_START: &str = "0001-01-01T00:00:00Z";

/// Seconds since the Unix epoch of `yyyy-MM-ddTHH:mm:ssZ` (years 1–9999).
pub(super) fn epoch_seconds(text: &str) -> Option<i64> {
    let b = text.trim().as_bytes();
    if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' {
        return None;
    }
    if b[16] != b':' || !matches!(b[19], b'Z' | b'z') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let s = std::str::from_utf8(b.get(r)?).ok()?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hh, mm, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days_in = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if y < 1 || !(1..=12).contains(&m) || d < 1 || d > days_in[(m - 1) as usize] {
        return None;
    }
    if hh > 23 || mm > 59 || ss > 59 {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let (yy, mo) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = yy.div_euclid(400);
    let yoe = yy - era * 400;
    let doy = (153 * mo + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hh * 3_600 + mm * 60 + ss)
}

fn quota_by_key(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<QuotaByKey, Reported> {
    if let Some(a) = e.attributes.iter().find(|a| &*a.name.text == "bandwidth") {
        let message = "gatehouse does not execute the `bandwidth` attribute of `quota-by-key`";
        b.error(
            site.file,
            NOT_EXECUTED,
            message.to_string(),
            a.span,
            "not executed",
        );
        return Err(Reported);
    }
    let calls = count(b, env, site, e, "calls")?.ok_or(Reported)?;
    let renewal_period = count(b, env, site, e, "renewal-period")?.ok_or(Reported)?;
    let start = b.text_attr(env, site, e, "first-period-start")?;
    let start = start.as_deref().unwrap_or(DEFAULT_START);
    let Some(secs) = epoch_seconds(start) else {
        let at = e
            .attribute("first-period-start")
            .map_or(e.start_tag, |a| a.span);
        let message = format!("`first-period-start` must be yyyy-MM-ddTHH:mm:ssZ, not `{start}`");
        b.error(
            site.file,
            codes::INVALID_ATTRIBUTE_VALUE,
            message,
            at,
            "not a UTC date and time",
        );
        return Err(Reported);
    };
    let period_ms = i128::from(renewal_period) * 1000;
    let anchor_ms = if period_ms == 0 {
        0
    } else {
        u64::try_from((i128::from(secs) * 1000).rem_euclid(period_ms)).map_err(|_| Reported)?
    };
    Ok(QuotaByKey {
        calls,
        renewal_period,
        anchor_ms,
        counter_key: b.attr(env, site, e, "counter-key")?.ok_or(Reported)?,
        increment_condition: b.condition(env, site, e, "increment-condition")?,
        increment_count: b.attr(env, site, e, "increment-count")?,
    })
}

#[cfg(test)]
mod tests {
    use super::epoch_seconds;

    #[test]
    fn first_period_starts_read_as_utc_seconds() {
        assert_eq!(epoch_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(epoch_seconds("2024-02-29T12:30:05Z"), Some(1_709_209_805));
        assert_eq!(epoch_seconds("0001-01-01T00:00:00Z"), Some(-62_135_596_800));
        assert_eq!(epoch_seconds("2023-02-29T00:00:00Z"), None);
        assert_eq!(epoch_seconds("2024-01-01 00:00:00Z"), None);
        assert_eq!(epoch_seconds("2024-01-01T24:00:00Z"), None);
    }
}
