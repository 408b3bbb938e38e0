//! Corrupted program bundles: every truncation, every single-byte change (of the bundle, of
//! the inflated sections and of the deflate stream behind a fixed checksum) and deterministic
//! random inputs are refused or re-encode identically, never panic.

use super::super::write_program::seal_payload;
use super::{encode_program, limits, raw, reseal, sample};
use crate::bundle::HEADER_LEN;
use crate::bundle::{decode_program, DecodeLimits};
use crate::program::{Block, Op, OpKind, Program};

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

/// Behind a valid deflate stream and checksum (the changed sections re-sealed), the
/// structural checks alone judge each change: some changes are still valid programs
/// (another string byte, another line number), which must then re-encode to exactly the
/// mutated bytes; most must be refused.
#[test]
fn single_byte_changes_behind_a_fixed_checksum() {
    let bytes = small();
    let payload = raw(&bytes);
    let (mut refused, mut total) = (0, 0);
    for i in 0..payload.len() {
        for x in FLIPS {
            let mut bad = payload.clone();
            bad[i] ^= x;
            let b = seal_payload(&bad);
            total += 1;
            match decode_program(&b, &limits()) {
                Err(_) => refused += 1,
                Ok(p) => assert_eq!(encode_program(&p), b, "byte {i} xor {x:#x}"),
            }
        }
        // Every truncation of the sections, behind a valid header and stream.
        assert!(decode_program(&seal_payload(&payload[..i]), &limits()).is_err());
    }
    assert!(refused * 2 > total, "{refused} of {total} refused");
}

/// Changes of the deflate stream itself, behind a recomputed checksum: never a panic; what
/// is accepted is a valid program (that re-encodes and decodes to itself); every truncation
/// of the stream is refused.
#[test]
fn deflate_stream_changes_behind_a_fixed_checksum() {
    let bytes = small();
    let stored = &bytes[HEADER_LEN..];
    let mut refused = 0;
    for i in 0..stored.len() {
        for x in FLIPS {
            let mut bad = stored.to_vec();
            bad[i] ^= x;
            match decode_program(&reseal(&bytes, &bad), &limits()) {
                Err(_) => refused += 1,
                Ok(p) => {
                    let again = decode_program(&encode_program(&p), &limits());
                    assert_eq!(again.as_ref(), Ok(&p), "byte {i} xor {x:#x}");
                }
            }
        }
        assert!(decode_program(&reseal(&bytes, &stored[..i]), &limits()).is_err());
    }
    assert!(
        refused * 2 > stored.len() * FLIPS.len(),
        "{refused} refused"
    );
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
/// random section streams and random deflate streams behind a valid header, and random
/// multi-byte mutations, insertions and deletions of a valid section stream and of a valid
/// deflate stream. Nothing panics; whatever is accepted decodes again from its encoding, and
/// re-encodes identically when its deflate stream is the writer's.
#[test]
fn random_inputs_never_panic() {
    let good = small();
    let sections = raw(&good);
    let stored = &good[HEADER_LEN..];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let tight = DecodeLimits {
        max_list: 64,
        max_entries: 256,
        ..limits()
    };
    let mut accepted = 0;
    for round in 0..8_000 {
        let bytes = match round % 4 {
            0 => {
                let len = rng.below(300);
                let random: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
                if rng.below(2) == 0 {
                    random
                } else {
                    reseal(&good, &random)
                }
            }
            1 => {
                let len = rng.below(300);
                let p: Vec<u8> = (0..len)
                    .map(|_| (rng.next() as u8) % if rng.below(2) == 0 { 4 } else { 255 })
                    .collect();
                seal_payload(&p)
            }
            2 => seal_payload(&mutated(&mut rng, &sections)),
            _ => reseal(&good, &mutated(&mut rng, stored)),
        };
        for l in [&limits(), &tight] {
            if let Ok(p) = decode_program(&bytes, l) {
                accepted += 1;
                let again = encode_program(&p);
                assert_eq!(decode_program(&again, l).as_ref(), Ok(&p), "round {round}");
                if round % 4 != 3 {
                    assert_eq!(again, bytes, "round {round}");
                }
            }
        }
    }
    assert!(
        accepted > 0,
        "no mutation survived: the test explores too little"
    );
}

/// `bytes` with one to four random bytes removed, inserted or replaced.
fn mutated(rng: &mut Rng, bytes: &[u8]) -> Vec<u8> {
    let mut p = bytes.to_vec();
    for _ in 0..=rng.below(4) {
        let i = rng.below(p.len());
        match rng.below(4) {
            0 => drop(p.remove(i)),
            1 => p.insert(i, rng.next() as u8),
            _ => p[i] = rng.next() as u8,
        }
    }
    p
}
