//! A case's backends as the gateway keeps them: pools pick their members and circuit
//! breakers trip and heal, all on the case's clock.
//!
//! The same [`Pool`] and [`Breaker`] the gateway runs are used, so a case that mocks one
//! pool member with 429s sees traffic move to the other member exactly as it would in
//! `gatehouse run`.

use gatehouse_runtime::engine::BackendFailure;
use gatehouse_runtime::program::{BackendId, BackendKind, Program};
use gatehouse_server::backend::breaker::{Breaker, Outcome, Rule};
use gatehouse_server::backend::pool::Pool;
use std::time::{Duration, Instant};

/// Every backend's breaker and every pool's member picker, for one case.
pub struct Fleet {
    /// The instant standing for `start_ms` on the case's clock.
    base: Instant,
    start_ms: u64,
    breakers: Vec<Breaker>,
    pools: Vec<Option<Pool>>,
    names: Vec<String>,
}

impl Fleet {
    /// Closed breakers and fresh pools for `program`'s backends, at `now_ms`.
    pub fn new(program: &Program, now_ms: u64) -> Fleet {
        let base = Instant::now();
        let mut fleet = Fleet {
            base,
            start_ms: now_ms,
            breakers: Vec::with_capacity(program.backends.len()),
            pools: Vec::with_capacity(program.backends.len()),
            names: Vec::with_capacity(program.backends.len()),
        };
        for b in &program.backends {
            let rules = b
                .breakers
                .iter()
                .map(|r| Rule::from_model(program, r))
                .collect();
            fleet.breakers.push(Breaker::new(rules, base));
            fleet.pools.push(match &b.kind {
                BackendKind::Pool(members) => Some(Pool::new(members)),
                BackendKind::Single => None,
            });
            fleet.names.push(program.str(b.name).to_string());
        }
        fleet
    }

    fn at(&self, now_ms: u64) -> Instant {
        self.base + Duration::from_millis(now_ms.saturating_sub(self.start_ms))
    }

    /// The backend that takes a call to `id` at `now_ms`: `id` itself, or the member its
    /// pool picks. `Err` when the circuit (or every member's) is open, as the gateway fails.
    pub fn admit(&self, id: BackendId, now_ms: u64) -> Result<BackendId, BackendFailure> {
        let now = self.at(now_ms);
        let member = match self.pools.get(id as usize).and_then(Option::as_ref) {
            Some(pool) => {
                let open =
                    |m: BackendId| self.breakers.get(m as usize).is_none_or(|b| b.is_open(now));
                let Some(m) = pool.pick(open) else {
                    let wait = pool
                        .members()
                        .filter_map(|m| self.breakers.get(m as usize)?.admit_wait(now))
                        .min()
                        .unwrap_or_default();
                    return Err(unavailable(self.name(id), wait));
                };
                m
            }
            None => id,
        };
        if let Some(b) = self.breakers.get(member as usize) {
            b.admit(now)
                .map_err(|wait| unavailable(self.name(member), wait))?;
        }
        Ok(member)
    }

    /// Records how a call admitted to `member` ended.
    pub fn record(&self, member: BackendId, now_ms: u64, outcome: Outcome<'_>) {
        if let Some(b) = self.breakers.get(member as usize) {
            b.record(self.at(now_ms), outcome);
        }
    }

    /// Whether `id` is a pool.
    pub fn is_pool(&self, id: BackendId) -> bool {
        matches!(self.pools.get(id as usize), Some(Some(_)))
    }

    /// The backend's name (`?` for an id the program does not declare).
    pub fn name(&self, id: BackendId) -> &str {
        self.names.get(id as usize).map_or("?", String::as_str)
    }
}

/// The failure the gateway reports for an open circuit, with its wait in whole seconds.
fn unavailable(name: &str, wait: Duration) -> BackendFailure {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    BackendFailure {
        reason: "BackendUnavailable",
        message: format!("Backend '{name}' is unavailable: its circuit breaker is open"),
        retry_after: Some(secs),
        status: None,
    }
}
