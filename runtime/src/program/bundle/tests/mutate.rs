//! Corrupted program bundles: every truncation, every single-byte change (before and behind
//! the checksum) and deterministic random inputs are refused or re-encode identically,
//! never panic.

use super::{encode_program, limits, reseal, sample};
use crate::program::encode::HEADER_LEN;
use crate::program::model::{Block, Op, OpKind, Program};
use crate::program::{decode_program, DecodeLimits};

/// A small valid bundle: the sample program cut down to a few entries of each table.
fn small() -> Vec<u8> {
    let mut p: Program = sample::program();
    p.blocks[0].ops.truncate(4);
    p.blocks.push(Block {
        ops: vec![Op {
            kind: OpKind::Call(0),
            loc: 0,
        }],
    });
    encode_program(&p)
}

const FLIPS: [u8; 3] = [0x01, 0x80, 0xFF];

#[test]
fn every_truncation_is_refused() {
    let bytes = small();
    for n in 0..bytes.len() {
        assert!(
            decode_program(&bytes[..n], &limits()).is_err(),
            "{n} of {} bytes accepted",
            bytes.len()
        );
    }
    assert!(decode_program(&bytes, &limits()).is_ok());
}

#[test]
fn every_single_byte_change_is_refused() {
    let bytes = small();
    for i in 0..bytes.len() {
        for x in FLIPS {
            let mut bad = bytes.clone();
            bad[i] ^= x;
            assert!(
                decode_program(&bad, &limits()).is_err(),
                "byte {i} xor {x:#x} accepted"
            );
        }
    }
}

/// Behind a recomputed checksum, the structural checks alone judge each change: some
/// changes are still valid programs (another string byte, another line number), which must
/// then re-encode to exactly the mutated bytes; most must be refused.
#[test]
fn single_byte_changes_behind_a_fixed_checksum() {
    let bytes = small();
    let payload = &bytes[HEADER_LEN..];
    let (mut refused, mut total) = (0, 0);
    for i in 0..payload.len() {
        for x in FLIPS {
            let mut bad = payload.to_vec();
            bad[i] ^= x;
            let b = reseal(&bytes, &bad);
            total += 1;
            match decode_program(&b, &limits()) {
                Err(_) => refused += 1,
                Ok(p) => assert_eq!(encode_program(&p), b, "byte {i} xor {x:#x}"),
            }
        }
        // Every truncation of the payload, behind a valid header.
        assert!(decode_program(&reseal(&bytes, &payload[..i]), &limits()).is_err());
    }
    assert!(refused * 2 > total, "{refused} of {total} refused");
}

/// xorshift64*: deterministic pseudo-random numbers without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// The stable-toolchain stand-in for `fuzz/fuzz_targets/bundle.rs`: random byte strings,
/// random payloads behind a valid header, and random multi-byte mutations, insertions and
/// deletions of a valid payload. Nothing panics; whatever is accepted re-encodes identically.
#[test]
fn random_inputs_never_panic() {
    let good = small();
    let payload = &good[HEADER_LEN..];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let tight = DecodeLimits {
        max_list: 64,
        max_entries: 256,
        ..limits()
    };
    let mut accepted = 0;
    for round in 0..6_000 {
        let bytes = match round % 3 {
            0 => {
                let len = rng.below(300);
                (0..len).map(|_| rng.next() as u8).collect()
            }
            1 => {
                let len = rng.below(300);
                let p: Vec<u8> = (0..len)
                    .map(|_| (rng.next() as u8) % if rng.below(2) == 0 { 4 } else { 255 })
                    .collect();
                reseal(&good, &p)
            }
            _ => {
                let mut p = payload.to_vec();
                for _ in 0..=rng.below(4) {
                    let i = rng.below(p.len());
                    match rng.below(4) {
                        0 => drop(p.remove(i)),
                        1 => p.insert(i, rng.next() as u8),
                        _ => p[i] = rng.next() as u8,
                    }
                }
                reseal(&good, &p)
            }
        };
        for l in [&limits(), &tight] {
            if let Ok(p) = decode_program(&bytes, l) {
                accepted += 1;
                assert_eq!(encode_program(&p), bytes, "round {round}");
            }
        }
    }
    assert!(
        accepted > 0,
        "no mutation survived: the test explores too little"
    );
}
