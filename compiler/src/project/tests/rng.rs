//! The deterministic generator (xorshift64*) of the mutation tests, so that failures
//! reproduce. Shared by these project tests and the top-level `tests/robustness.rs`, which
//! includes this file by path.

/// xorshift64* state, always started from the same seed.
pub(crate) struct Rng(u64);

impl Rng {
    /// The generator at its fixed seed.
    pub(crate) fn new() -> Self {
        Rng(0x9e37_79b9_7f4a_7c15)
    }

    /// A number in `0..n` (`0` when `n` is 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1) as u64) as usize
    }
}
