//! An optional per-exchange probe (`gatehouse test`): the operations that ran, the blocks
//! entered, and a seeded random source. Off unless asked for: one branch per operation.

use super::exchange::Exchange;
use crate::program::{BlockId, LocId};

/// What a probed exchange recorded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Probe {
    /// The location ([`crate::program::Program::locs`]) of every operation that ran, in order.
    pub ran: Vec<LocId>,
    /// Every block entered through a `choose` branch, a shared scope or a fragment, in
    /// order, with how many operations had run then (so `ran[n - 1]` entered it).
    pub entered: Vec<(u32, BlockId)>,
}

impl Exchange {
    /// Records the operations this exchange runs and, with `seed`, draws `context.RequestId`,
    /// `Guid.NewGuid()` and `new Random()` seeds from a generator seeded with it instead of
    /// the OS. Call before the first [`Exchange::resume`].
    pub fn start_probe(&mut self, seed: Option<u64>) {
        self.probe = Some(Box::default());
        self.ctx.seed = seed;
    }

    /// What the probe recorded (`None` when [`Exchange::start_probe`] was not called).
    pub fn probe(&self) -> Option<&Probe> {
        self.probe.as_deref()
    }
}

/// The next 16 bytes of the splitmix64 generator whose state is `state`.
pub(crate) fn seeded_bytes(state: &mut u64) -> [u8; 16] {
    let mut out = [0u8; 16];
    for half in out.chunks_mut(8) {
        *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        half.copy_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    out
}
