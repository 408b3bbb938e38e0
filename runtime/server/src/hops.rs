//! Request loops: every call the gateway sends carries its loop marker, a
//! `Gatehouse-Loop: <instance>; hops=<n>` line, `n` counting how many times the request has
//! already passed through this gateway process. A request that comes back (through the
//! gateway itself or through any external hop that keeps the header) has its count read
//! and the line removed before policies run; a call that would pass through more than
//! the configured number of times is not sent: it fails with `BackendConnectionFailure`
//! and status 508, so a self-chained API ends with an error instead of recursing.

use gatehouse_runtime::engine::BackendFailure;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};

/// The marker's header.
pub const HEADER: HeaderName = HeaderName::from_static("gatehouse-loop");

/// This process's marker: a random instance id and the request's hop count.
#[derive(Clone, Copy, Debug)]
pub struct Hops {
    /// This gateway process.
    pub instance: u64,
    /// How many times the request being served has passed through it before.
    pub seen: u32,
}

impl Hops {
    /// Reads (and removes) this instance's marker line from a received request's
    /// headers; other instances' lines are kept.
    pub fn take(instance: u64, headers: &mut HeaderMap) -> Hops {
        let mut seen = 0;
        if headers.contains_key(&HEADER) {
            let prefix = format!("{instance:016x};");
            let mut kept = Vec::new();
            for v in headers.get_all(&HEADER) {
                let text = v.to_str().unwrap_or_default();
                match text.strip_prefix(&prefix) {
                    Some(rest) => {
                        let n = rest.trim().strip_prefix("hops=").unwrap_or_default();
                        seen = seen.max(n.parse::<u32>().unwrap_or(u32::MAX));
                    }
                    None => kept.push(v.clone()),
                }
            }
            headers.remove(&HEADER);
            for v in kept {
                headers.append(HEADER, v);
            }
        }
        Hops { instance, seen }
    }

    /// Marks an outgoing call, or refuses it when the request has passed through this
    /// gateway `max` times already.
    pub fn mark(&self, headers: &mut HeaderMap, max: u32) -> Result<(), BackendFailure> {
        let hops = self.seen.saturating_add(1);
        if hops > max {
            return Err(BackendFailure {
                reason: "BackendConnectionFailure",
                message: format!(
                    "Request loop: this request already passed through this gateway {} times (limit {max}); the call was not sent",
                    self.seen
                ),
                retry_after: None,
                status: Some(StatusCode::LOOP_DETECTED),
            });
        }
        let line = format!("{:016x}; hops={hops}", self.instance);
        if let Ok(v) = HeaderValue::from_str(&line) {
            let others: Vec<HeaderValue> = headers.get_all(&HEADER).iter().cloned().collect();
            headers.remove(&HEADER);
            for o in others {
                headers.append(HEADER, o);
            }
            headers.append(HEADER, v);
        }
        Ok(())
    }
}

/// A random instance id for this process.
pub fn instance_id() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.write_u32(std::process::id());
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_count_goes_up_by_one_per_pass_and_stops_at_the_limit() {
        let mut h = HeaderMap::new();
        h.append(HEADER, HeaderValue::from_static("00000000000000aa; hops=3"));
        let hops = Hops::take(7, &mut h);
        assert_eq!(hops.seen, 0, "another instance's line does not count");
        let mut out = h.clone();
        hops.mark(&mut out, 2).expect("sent");
        let lines: Vec<_> = out.get_all(&HEADER).iter().collect();
        assert_eq!(
            lines,
            ["00000000000000aa; hops=3", "0000000000000007; hops=1"]
        );
        let back = Hops::take(7, &mut out);
        assert_eq!(back.seen, 1);
        assert_eq!(out.get_all(&HEADER).iter().count(), 1);
        back.mark(&mut out, 2).expect("second pass");
        let third = Hops::take(7, &mut out);
        let e = third.mark(&mut out, 2).expect_err("past the limit");
        assert_eq!(e.status, Some(StatusCode::LOOP_DETECTED));
        assert_eq!(e.reason, "BackendConnectionFailure");
    }
}
