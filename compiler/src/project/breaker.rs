//! Circuit breaker rules of a backend (`circuitBreaker.rules`), checked as APIM documents them.

use super::duration::parse_duration;
use super::fields::Fields;
use super::model::BreakerRule;
use super::report::warning;
use crate::diagnostic::codes;
use crate::Diagnostic;
use std::time::Duration;

const RULES: &str = "/properties/circuitBreaker/rules";
/// Most status code ranges in a failure condition.
const MAX_RANGES: usize = 10;
/// Most error reasons in a failure condition.
const MAX_REASONS: usize = 10;
/// Longest error reason.
const MAX_REASON_LEN: usize = 200;

/// Reads the breaker rules; warns about rules past the first, which APIM does not support.
pub(crate) fn read_breaker(f: &mut Fields) -> Vec<BreakerRule> {
    if f.get("/properties/circuitBreaker").is_none() {
        return Vec::new();
    }
    f.object("/properties/circuitBreaker");
    let rules = f.array(RULES);
    if rules.len() > 1 {
        let at = format!("{RULES}/1");
        let d = Diagnostic::error(
            f.file,
            codes::MULTIPLE_BREAKER_RULES,
            format!(
                "this backend has {} circuit breaker rules; APIM supports one",
                rules.len()
            ),
            f.span(&at),
            "second rule",
        )
        .with_help("merge the rules into one: APIM currently accepts a single rule per backend");
        f.push(warning(d));
    }
    (0..rules.len())
        .filter_map(|i| read_rule(f, &format!("{RULES}/{i}")))
        .collect()
}

/// One rule: a failure condition, a trip duration, `acceptRetryAfter`.
fn read_rule(f: &mut Fields, at: &str) -> Option<BreakerRule> {
    f.object(at)?;
    let fc = format!("{at}/failureCondition");
    if f.get(&fc).is_none() {
        let help = "add \"failureCondition\": {\"count\": 3, \"interval\": \"PT1M\", \"statusCodeRanges\": [{\"min\": 500, \"max\": 599}]}";
        f.missing(at, "failureCondition", help);
        return None;
    }
    f.object(&fc)?;
    let count = f.integer(&format!("{fc}/count"), 1, i64::MAX);
    let percentage = f.integer(&format!("{fc}/percentage"), 1, 100);
    let has_threshold =
        f.get(&format!("{fc}/count")).is_some() || f.get(&format!("{fc}/percentage")).is_some();
    if !has_threshold {
        let help = "say when the breaker trips: \"count\" (failures) or \"percentage\" (of calls)";
        f.missing(&fc, "count", help);
    }
    let interval = duration(f, &fc, "interval");
    let trip_duration = duration(f, at, "tripDuration");
    Some(BreakerRule {
        name: f.string(&format!("{at}/name")).unwrap_or_default(),
        count: count.and_then(|n| u64::try_from(n).ok()),
        percentage: percentage.and_then(|n| u64::try_from(n).ok()),
        interval: interval.unwrap_or_default(),
        status_ranges: status_ranges(f, &format!("{fc}/statusCodeRanges")),
        error_reasons: error_reasons(f, &format!("{fc}/errorReasons")),
        trip_duration: trip_duration.unwrap_or_default(),
        accept_retry_after: f.boolean(&format!("{at}/acceptRetryAfter"), false),
    })
}

/// A required ISO-8601 duration field.
fn duration(f: &mut Fields, parent: &str, key: &str) -> Option<Duration> {
    let help = format!("give \"{key}\" as an ISO-8601 duration, e.g. \"PT1M\" or \"PT30S\"");
    let text = f.required_string(parent, key, &help)?;
    let parsed = parse_duration(&text);
    if parsed.is_none() {
        let pointer = format!("{parent}/{key}");
        f.error(
            codes::INVALID_FIELD,
            &pointer,
            format!("`{text}` is not an ISO-8601 duration"),
            &format!("{help}; years and months are not accepted"),
        );
    }
    parsed
}

/// `statusCodeRanges`: at most 10 `{min, max}` pairs within 200–599, `min <= max`.
fn status_ranges(f: &mut Fields, pointer: &str) -> Vec<(u16, u16)> {
    let items = f.array(pointer);
    if items.len() > MAX_RANGES {
        f.invalid(
            &format!("{pointer}/{MAX_RANGES}"),
            "left out: at most 10 ranges are allowed",
        );
    }
    let mut out = Vec::new();
    for i in 0..items.len().min(MAX_RANGES) {
        let at = format!("{pointer}/{i}");
        if f.object(&at).is_none() {
            continue;
        }
        let help = "a status code range is {\"min\": 500, \"max\": 599}";
        let min = f
            .get(&format!("{at}/min"))
            .map(|_| f.integer(&format!("{at}/min"), 200, 599));
        let max = f
            .get(&format!("{at}/max"))
            .map(|_| f.integer(&format!("{at}/max"), 200, 599));
        match (min, max) {
            (Some(Some(lo)), Some(Some(hi))) if lo <= hi => {
                out.push((
                    u16::try_from(lo).unwrap_or(200),
                    u16::try_from(hi).unwrap_or(599),
                ));
            }
            (Some(Some(_)), Some(Some(_))) => f.error(
                codes::INVALID_FIELD,
                &at,
                "the range's `min` is greater than its `max`".into(),
                "swap `min` and `max`",
            ),
            (None, _) => f.missing(&at, "min", help),
            (_, None) => f.missing(&at, "max", help),
            _ => {}
        }
    }
    out
}

/// `errorReasons`: at most 10 strings of at most 200 characters.
fn error_reasons(f: &mut Fields, pointer: &str) -> Vec<String> {
    let reasons = f.strings(pointer);
    if reasons.len() > MAX_REASONS {
        f.invalid(
            &format!("{pointer}/{MAX_REASONS}"),
            "left out: at most 10 error reasons are allowed",
        );
    }
    for (i, r) in reasons.iter().enumerate() {
        if r.is_empty() || r.chars().count() > MAX_REASON_LEN {
            f.invalid(&format!("{pointer}/{i}"), "a reason of 1 to 200 characters");
        }
    }
    reasons.into_iter().take(MAX_REASONS).collect()
}
