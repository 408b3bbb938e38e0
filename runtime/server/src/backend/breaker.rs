//! Circuit breakers: a small state machine per backend (closed → open → half-open → closed).
//!
//! Each rule counts failures in a fixed window of `interval`; a rule trips when the window
//! holds `count` failures, or when failures reach `percentage` of at least `min_calls`
//! calls. A tripped breaker stays open for the trip duration (or the backend's
//! `Retry-After` when the rule accepts it), then lets one probe call through (half-open):
//! a probe that succeeds closes the circuit, one that fails opens it again. Time is passed
//! in by the caller, so the machine is tested with an injected clock.

use gatehouse_runtime::program::{self, Program};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How one backend call ended, as a breaker sees it.
#[derive(Clone, Copy, Debug)]
pub enum Outcome<'a> {
    /// The backend answered with this status and, maybe, a `Retry-After` in seconds.
    Status(u16, Option<Duration>),
    /// The call failed with this APIM error reason (`Timeout`, `BackendConnectionFailure`).
    Error(&'a str),
}

/// One circuit-breaker rule with its strings resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// Trip after this many failures in the window.
    pub count: Option<u32>,
    /// Or when this percentage of the window's calls failed.
    pub percentage: Option<u32>,
    /// Fewest calls in the window before `percentage` is judged.
    pub min_calls: u32,
    /// The counting window.
    pub interval: Duration,
    /// Status ranges that count as failures (inclusive).
    pub status_ranges: Vec<(u16, u16)>,
    /// Error reasons that count as failures.
    pub error_reasons: Vec<String>,
    /// How long the circuit stays open.
    pub trip: Duration,
    /// Honour the failing response's `Retry-After` instead of `trip`.
    pub accept_retry_after: bool,
}

/// Default for [`Rule::min_calls`]: a percentage over fewer calls says little.
pub const DEFAULT_MIN_CALLS: u32 = 10;

impl Rule {
    /// The rule `b` of `program`, with its reason strings resolved.
    pub fn from_model(program: &Program, b: &program::Breaker) -> Rule {
        Rule {
            count: b.count,
            percentage: b.percentage,
            min_calls: DEFAULT_MIN_CALLS,
            interval: Duration::from_millis(b.interval_ms.max(1)),
            status_ranges: b.status_ranges.clone(),
            error_reasons: b
                .error_reasons
                .iter()
                .map(|r| program.str(*r).to_string())
                .collect(),
            trip: Duration::from_millis(b.trip_ms),
            accept_retry_after: b.accept_retry_after,
        }
    }

    /// Whether `outcome` counts as a failure for this rule.
    pub fn is_failure(&self, outcome: Outcome<'_>) -> bool {
        match outcome {
            Outcome::Status(s, _) => self
                .status_ranges
                .iter()
                .any(|&(lo, hi)| lo <= s && s <= hi),
            Outcome::Error(reason) => {
                // A rule without error reasons still counts failed connections: a backend
                // that cannot be reached is the first thing a breaker is for.
                self.error_reasons.is_empty() || self.error_reasons.iter().any(|r| r == reason)
            }
        }
    }

    fn trips(&self, w: &Window) -> bool {
        let by_count = self.count.is_some_and(|c| c > 0 && w.failures >= c);
        let by_pct = self.percentage.is_some_and(|p| {
            w.calls >= self.min_calls.max(1)
                && u64::from(w.failures) * 100 >= u64::from(p) * u64::from(w.calls)
        });
        by_count || by_pct
    }
}

/// The calls and failures of one rule's current window.
#[derive(Clone, Copy, Debug)]
struct Window {
    start: Instant,
    calls: u32,
    failures: u32,
}

/// The breaker's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Calls flow; failures are counted.
    Closed,
    /// Calls are refused until the instant.
    Open(Instant),
    /// One probe call is allowed; `true` while it is in flight.
    HalfOpen(bool),
}

#[derive(Debug)]
struct Inner {
    state: State,
    windows: Vec<Window>,
}

/// The circuit breaker of one backend.
#[derive(Debug)]
pub struct Breaker {
    rules: Vec<Rule>,
    inner: Mutex<Inner>,
}

impl Breaker {
    /// A closed breaker with `rules` (none: it never opens).
    pub fn new(rules: Vec<Rule>, now: Instant) -> Breaker {
        let windows = rules
            .iter()
            .map(|_| Window {
                start: now,
                calls: 0,
                failures: 0,
            })
            .collect();
        Breaker {
            rules,
            inner: Mutex::new(Inner {
                state: State::Closed,
                windows,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The state at `now` (an expired open circuit reads as half-open).
    pub fn state(&self, now: Instant) -> State {
        let mut inner = self.lock();
        settle(&mut inner, now);
        inner.state
    }

    /// Whether calls are refused at `now` (open, or half-open with its probe in flight).
    pub fn is_open(&self, now: Instant) -> bool {
        !matches!(self.state(now), State::Closed | State::HalfOpen(false))
    }

    /// Asks to make a call at `now`: `Ok` lets it through (the half-open probe included),
    /// `Err` gives how long until the circuit may be tried again.
    pub fn admit(&self, now: Instant) -> Result<(), Duration> {
        if self.rules.is_empty() {
            return Ok(());
        }
        let mut inner = self.lock();
        settle(&mut inner, now);
        match inner.state {
            State::Closed => Ok(()),
            State::Open(until) => Err(until.saturating_duration_since(now)),
            State::HalfOpen(true) => Err(Duration::ZERO),
            State::HalfOpen(false) => {
                inner.state = State::HalfOpen(true);
                Ok(())
            }
        }
    }

    /// How long until a call may be tried, without taking the half-open probe: `None`
    /// when one may be tried now.
    pub fn admit_wait(&self, now: Instant) -> Option<Duration> {
        match self.state(now) {
            State::Open(until) => Some(until.saturating_duration_since(now)),
            State::HalfOpen(true) => Some(Duration::ZERO),
            State::Closed | State::HalfOpen(false) => None,
        }
    }

    /// Ends an admitted call without recording an outcome (it failed on the client's
    /// side): a half-open probe may be taken again.
    pub fn release(&self, now: Instant) {
        let mut inner = self.lock();
        settle(&mut inner, now);
        if inner.state == State::HalfOpen(true) {
            inner.state = State::HalfOpen(false);
        }
    }

    /// Records how an admitted call ended.
    pub fn record(&self, now: Instant, outcome: Outcome<'_>) {
        if self.rules.is_empty() {
            return;
        }
        let mut inner = self.lock();
        settle(&mut inner, now);
        let failed: Vec<bool> = self.rules.iter().map(|r| r.is_failure(outcome)).collect();
        if let State::HalfOpen(_) = inner.state {
            match self.rules.iter().zip(&failed).find(|(_, f)| **f) {
                Some((rule, _)) => inner.state = State::Open(now + trip_for(rule, outcome)),
                None => close(&mut inner, now),
            }
            return;
        }
        if let State::Open(_) = inner.state {
            return;
        }
        for (i, rule) in self.rules.iter().enumerate() {
            let w = &mut inner.windows[i];
            if now.saturating_duration_since(w.start) >= rule.interval {
                *w = Window {
                    start: now,
                    calls: 0,
                    failures: 0,
                };
            }
            w.calls = w.calls.saturating_add(1);
            if failed[i] {
                w.failures = w.failures.saturating_add(1);
            }
            if failed[i] && rule.trips(w) {
                let until = now + trip_for(rule, outcome);
                inner.state = State::Open(until);
                return;
            }
        }
    }
}

/// Moves an expired open circuit to half-open.
fn settle(inner: &mut Inner, now: Instant) {
    if let State::Open(until) = inner.state {
        if now >= until {
            inner.state = State::HalfOpen(false);
        }
    }
}

/// Closes the circuit and starts fresh windows.
fn close(inner: &mut Inner, now: Instant) {
    inner.state = State::Closed;
    for w in &mut inner.windows {
        *w = Window {
            start: now,
            calls: 0,
            failures: 0,
        };
    }
}

/// How long `rule` keeps the circuit open after `outcome`.
fn trip_for(rule: &Rule, outcome: Outcome<'_>) -> Duration {
    match outcome {
        Outcome::Status(_, Some(after)) if rule.accept_retry_after => after,
        _ => rule.trip,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn rule() -> Rule {
        Rule {
            count: Some(3),
            percentage: None,
            min_calls: DEFAULT_MIN_CALLS,
            interval: Duration::from_secs(10),
            status_ranges: vec![(500, 599)],
            error_reasons: vec!["Timeout".into()],
            trip: Duration::from_secs(30),
            accept_retry_after: false,
        }
    }

    #[test]
    fn trips_after_count_failures_and_half_opens_after_trip() {
        let t0 = Instant::now();
        let b = Breaker::new(vec![rule()], t0);
        for i in 0..2 {
            b.record(t0 + Duration::from_secs(i), Outcome::Status(503, None));
        }
        b.record(t0, Outcome::Status(200, None));
        assert_eq!(b.state(t0), State::Closed);
        b.record(t0 + Duration::from_secs(2), Outcome::Error("Timeout"));
        let opened = t0 + Duration::from_secs(2);
        assert_eq!(
            b.state(opened),
            State::Open(opened + Duration::from_secs(30))
        );
        assert_eq!(
            b.admit(opened + Duration::from_secs(10)),
            Err(Duration::from_secs(20))
        );
        let later = opened + Duration::from_secs(30);
        assert_eq!(b.state(later), State::HalfOpen(false));
        assert!(b.admit(later).is_ok());
        assert!(b.admit(later).is_err(), "only one probe at a time");
        b.record(later, Outcome::Status(200, None));
        assert_eq!(b.state(later), State::Closed);
    }

    #[test]
    fn a_failed_probe_reopens() {
        let t0 = Instant::now();
        let mut r = rule();
        r.count = Some(1);
        let b = Breaker::new(vec![r], t0);
        b.record(t0, Outcome::Status(500, None));
        let later = t0 + Duration::from_secs(31);
        assert!(b.admit(later).is_ok());
        b.record(later, Outcome::Error("Timeout"));
        assert_eq!(b.state(later), State::Open(later + Duration::from_secs(30)));
    }

    #[test]
    fn failures_outside_the_window_do_not_add_up() {
        let t0 = Instant::now();
        let b = Breaker::new(vec![rule()], t0);
        for i in 0..6 {
            b.record(t0 + Duration::from_secs(i * 6), Outcome::Status(500, None));
        }
        assert_eq!(b.state(t0 + Duration::from_secs(36)), State::Closed);
    }

    #[test]
    fn unlisted_statuses_and_reasons_do_not_count() {
        let t0 = Instant::now();
        let b = Breaker::new(vec![rule()], t0);
        for _ in 0..5 {
            b.record(t0, Outcome::Status(404, None));
            b.record(t0, Outcome::Error("BackendConnectionFailure"));
        }
        assert_eq!(b.state(t0), State::Closed);
    }

    #[test]
    fn percentage_needs_min_calls() {
        let t0 = Instant::now();
        let mut r = rule();
        r.count = None;
        r.percentage = Some(50);
        r.min_calls = 4;
        let b = Breaker::new(vec![r], t0);
        b.record(t0, Outcome::Status(500, None));
        b.record(t0, Outcome::Status(500, None));
        assert_eq!(b.state(t0), State::Closed, "2 calls < min_calls");
        b.record(t0, Outcome::Status(200, None));
        b.record(t0, Outcome::Status(500, None));
        assert!(b.is_open(t0), "3 of 4 failed");
    }

    #[test]
    fn retry_after_sets_the_trip_when_accepted() {
        let t0 = Instant::now();
        let mut r = rule();
        r.count = Some(1);
        r.accept_retry_after = true;
        let b = Breaker::new(vec![r], t0);
        b.record(t0, Outcome::Status(503, Some(Duration::from_secs(5))));
        assert_eq!(b.state(t0), State::Open(t0 + Duration::from_secs(5)));
        assert!(!b.is_open(t0 + Duration::from_secs(5)));
    }

    #[test]
    fn no_rules_never_opens() {
        let t0 = Instant::now();
        let b = Breaker::new(vec![], t0);
        for _ in 0..100 {
            b.record(t0, Outcome::Error("Timeout"));
        }
        assert!(b.admit(t0).is_ok());
    }
}
