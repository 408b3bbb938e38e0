//! Round trips and refusals of program bundles.

#![allow(clippy::unwrap_used)]

mod deflate;
mod mutate;
mod sample;

use super::deflate::inflate;
use super::write_program::seal_payload;
use super::{decode_program, encode_program};
use crate::bundle::HEADER_LEN;
use crate::bundle::{crc32, decode, encode, DecodeLimits, FORMAT_VERSION};
use crate::program::*;

fn limits() -> DecodeLimits {
    DecodeLimits::default()
}

/// `p` encoded, then decoded; panics with the error if refused.
fn round(p: &Program) -> Program {
    let bytes = encode_program(p);
    decode_program(&bytes, &limits()).unwrap_or_else(|e| panic!("{e}"))
}

/// The message of the refusal of `p`.
fn refusal(p: &Program) -> String {
    match decode_program(&encode_program(p), &limits()) {
        Ok(_) => panic!("accepted"),
        Err(e) => e.message,
    }
}

/// The inflated payload (the section stream) of the program bundle `bytes`.
pub(super) fn raw(bytes: &[u8]) -> Vec<u8> {
    inflate(&bytes[HEADER_LEN..], &limits()).unwrap()
}

/// `bytes` with its stored (deflated) payload replaced by `payload` and the checksum
/// recomputed.
pub(super) fn reseal(bytes: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut b = bytes[..16].to_vec();
    b.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    b.extend_from_slice(&crc32(payload).to_le_bytes());
    b.extend_from_slice(payload);
    b
}

#[test]
fn the_sample_uses_every_operation_kind() {
    let p = sample::program();
    let mut names: Vec<&str> = p
        .blocks
        .iter()
        .flat_map(|b| b.ops.iter().map(|o| o.kind.policy_name()))
        .collect();
    names.sort_unstable();
    names.dedup();
    let mut want: Vec<&str> = EXECUTED_POLICIES
        .iter()
        .copied()
        .filter(|n| *n != "base")
        .collect();
    want.sort_unstable();
    assert_eq!(names, want);
}

#[test]
fn every_operation_kind_and_table_variant_round_trips() {
    let p = sample::program();
    assert_eq!(round(&p), p);
    let bytes = encode_program(&p);
    assert_eq!(
        encode_program(&round(&p)),
        bytes,
        "the encoding is canonical"
    );
}

#[test]
fn the_empty_program_round_trips() {
    let p = Program::default();
    assert_eq!(round(&p), p);
}

#[test]
fn secrets_stay_references_until_resolved() {
    let mut p = round(&sample::program());
    assert!(p.strings[1].contains("{{secret}}"));
    p.resolve_secrets(&|n| Some(format!("<{n}>"))).unwrap();
    assert!(p.strings[1].contains("<secret>"));
    assert_eq!(&*p.codes[2].code.strings[0], "<secret>");
}

#[test]
fn blocks_that_call_themselves_are_refused() {
    let mut p = sample::program();
    p.blocks[4].ops.push(Op {
        kind: OpKind::Call(4),
        loc: 0,
    });
    assert!(refusal(&p).contains("may not call themselves"));

    // Indirectly, through a choose branch: 1 → 2 → 5 → 1.
    let mut p = sample::program();
    p.blocks[5].ops.push(Op {
        kind: OpKind::Choose(Choose {
            branches: vec![],
            otherwise: Some(1),
        }),
        loc: 0,
    });
    assert!(refusal(&p).contains("may not call themselves"));
}

#[test]
fn deep_nesting_is_refused_over_the_limit() {
    let mut p = sample::program();
    let base = p.blocks.len() as u32;
    for i in 0..300 {
        p.blocks.push(Block {
            ops: vec![Op {
                kind: OpKind::Call(base + i + 1),
                loc: 0,
            }],
        });
    }
    p.blocks.push(Block::default());
    assert!(refusal(&p).contains("deep, over the limit of 256"));
    let roomy = DecodeLimits {
        max_block_depth: 301,
        ..limits()
    };
    let back = decode_program(&encode_program(&p), &roomy).unwrap();
    assert_eq!(back, p);
}

#[test]
fn pools_of_pools_are_refused() {
    let mut p = sample::program();
    if let BackendKind::Pool(m) = &mut p.backends[1].kind {
        m[1].backend = 1;
    }
    assert!(refusal(&p).contains("not a single backend"));
}

/// A change that makes a program invalid.
type Spoil = fn(&mut Program);

#[test]
fn out_of_range_indices_are_refused() {
    let cases: Vec<(Spoil, &str)> = vec![
        (|p| p.blocks[0].ops[0].loc = 99, "location"),
        (
            |p| p.blocks[1].ops[0].kind = OpKind::Call(99),
            "called block",
        ),
        (
            |p| p.blocks[0].ops[5].kind = OpKind::SetMethod(SetMethod(Arg::Expr(3))),
            "code 3",
        ),
        (
            |p| p.blocks[0].ops[5].kind = OpKind::SetMethod(SetMethod(Arg::Lit(46))),
            "string 46",
        ),
        (|p| p.pipelines[0].sections[2] = 7, "pipeline section"),
        (|p| p.apis[0].operations[0].pipelines[0].1 = 2, "pipeline"),
        (|p| p.apis[0].operations[0].pipelines[1].0 = 2, "product"),
        (|p| p.products[0].apis[1] = 2, "API 2"),
        (
            |p| p.subscriptions[1].scope = SubscriptionScope::Product(2),
            "product",
        ),
        (
            |p| p.subscriptions[2].scope = SubscriptionScope::Api(2),
            "API",
        ),
        (|p| p.codes[0].loc = 6, "location"),
        (|p| p.locs[0].file = 2, "file"),
        (|p| p.locs[0].path = 46, "policy path"),
        (
            |p| p.backends[0].credentials.certificates[0] = 46,
            "certificates",
        ),
        (
            |p| {
                if let BackendKind::Pool(m) = &mut p.backends[1].kind {
                    m[0].backend = 3;
                }
            },
            "pool member",
        ),
        (
            |p| p.backends[0].breakers[0].status_ranges[0] = (600, 500),
            "status range",
        ),
    ];
    for (i, (spoil, what)) in cases.into_iter().enumerate() {
        let mut p = sample::program();
        spoil(&mut p);
        let m = refusal(&p);
        assert!(m.contains(what), "case {i}: {m}");
    }
}

#[test]
fn a_code_that_fails_the_code_verifier_is_refused() {
    let mut p = sample::program();
    p.codes[1].code.instrs[1] = crate::bytecode::Instr::Pop;
    assert!(refusal(&p).contains("control runs past the last instruction"));
}

#[test]
fn other_versions_are_refused_with_both_versions_named() {
    let mut bytes = encode_program(&sample::program());
    bytes[4..6].copy_from_slice(&1u16.to_le_bytes());
    let e = decode_program(&bytes, &limits()).unwrap_err();
    assert_eq!(e.offset, 4);
    assert!(e.message.contains("format version 1;"), "{}", e.message);
    assert!(e
        .message
        .contains(&format!("format version {FORMAT_VERSION} only")));
}

#[test]
fn code_and_program_bundles_are_not_mistaken_for_each_other() {
    let program = encode_program(&sample::program());
    let code = encode(&sample::code("x", true));
    let e = decode(&program, &limits()).unwrap_err();
    assert_eq!(e.offset, 6);
    assert!(e.message.contains("whole gateway program"), "{}", e.message);
    let e = decode_program(&code, &limits()).unwrap_err();
    assert!(
        e.message.contains("single compiled expression"),
        "{}",
        e.message
    );
}

#[test]
fn trailing_bytes_and_missing_sections_are_refused() {
    let bytes = encode_program(&sample::program());
    let mut payload = raw(&bytes);
    payload.push(0);
    let e = decode_program(&seal_payload(&payload), &limits()).unwrap_err();
    assert!(e.message.contains("trailing"), "{}", e.message);
    assert!(e.message.contains("inflated payload"), "{}", e.message);
    // The empty program: eleven sections of three bytes (id, length 1, count 0), the
    // pipelines' one byte more (no global pipeline).
    let empty = encode_program(&Program::default());
    let payload = raw(&empty);
    assert_eq!(payload.len(), 34);
    let e = decode_program(&seal_payload(&payload[..3]), &limits()).unwrap_err();
    assert!(e.message.contains("a section id"), "{}", e.message);
    assert_eq!(e.offset, 3, "an offset in the inflated payload");
    let mut swapped = payload.to_vec();
    swapped.swap(0, 3);
    let e = decode_program(&seal_payload(&swapped), &limits()).unwrap_err();
    assert!(
        e.message.contains("expected section strings"),
        "{}",
        e.message
    );
}

#[test]
fn every_limit_is_enforced() {
    let p = sample::program();
    let bytes = encode_program(&p);
    let tight: Vec<(DecodeLimits, &str)> = vec![
        (
            DecodeLimits {
                max_entries: 45,
                ..limits()
            },
            "strings",
        ),
        (
            DecodeLimits {
                max_codes: 2,
                ..limits()
            },
            "codes",
        ),
        (
            DecodeLimits {
                max_blocks: 6,
                ..limits()
            },
            "blocks",
        ),
        (
            DecodeLimits {
                max_ops: 20,
                ..limits()
            },
            "operations",
        ),
        (
            DecodeLimits {
                max_list: 1,
                ..limits()
            },
            "over the limit of 1",
        ),
        (
            DecodeLimits {
                max_block_depth: 2,
                ..limits()
            },
            "nest",
        ),
        (
            DecodeLimits {
                max_string_bytes: 100,
                ..limits()
            },
            "strings total",
        ),
        (
            DecodeLimits {
                max_bytes: bytes.len() - 1,
                ..limits()
            },
            "bytes",
        ),
        (
            DecodeLimits {
                max_bytes: bytes.len(),
                ..limits()
            },
            "inflates to over the limit",
        ),
        (
            DecodeLimits {
                max_consts: 8,
                ..limits()
            },
            "constants",
        ),
    ];
    for (l, what) in tight {
        let e = decode_program(&bytes, &l).unwrap_err();
        assert!(e.message.contains(what), "{what}: {}", e.message);
    }
}

#[test]
fn crc32_matches_the_bytewise_definition() {
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    let bytes: Vec<u8> = (0..1000u32).map(|i| (i * 7 + i / 3) as u8).collect();
    let bytewise = |b: &[u8]| {
        let mut c = !0u32;
        for &x in b {
            c ^= u32::from(x);
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
        }
        !c
    };
    for n in [0, 1, 7, 8, 9, 15, 16, 17, 999, 1000] {
        assert_eq!(crc32(&bytes[..n]), bytewise(&bytes[..n]), "{n} bytes");
    }
}

#[test]
fn front_coded_strings_split_characters_and_stay_canonical() {
    let p = Program {
        strings: ["", "é", "è", "èa", "è", "abc", "abc", "ab", "abd"]
            .into_iter()
            .map(Into::into)
            .collect(),
        ..Program::default()
    };
    assert_eq!(round(&p), p);
    // Strings section: id 1, length, count 9, then (shared, length, bytes) entries; the
    // third entry ("è" after "é") shares one byte. Claim zero instead: refused as not the
    // longest shared prefix.
    let bytes = encode_program(&p);
    let mut payload = raw(&bytes);
    let third = 3 + 2 + 2 + 2;
    assert_eq!(&payload[third..third + 3], &[1, 1, 0xA8]);
    payload.splice(third..third + 3, [0, 2, 0xC3, 0xA8]);
    payload[1] += 1;
    let e = decode_program(&seal_payload(&payload), &limits()).unwrap_err();
    assert!(e.message.contains("not the longest"), "{}", e.message);
}

#[test]
fn a_repeated_long_prefix_counts_against_the_string_limit() {
    let long = "x".repeat(1000);
    let p = Program {
        strings: (0..100)
            .map(|i| format!("{long}{}", i % 10).into())
            .collect(),
        ..Program::default()
    };
    let bytes = encode_program(&p);
    assert!(bytes.len() < 2000, "{} bytes", bytes.len());
    let tight = DecodeLimits {
        max_string_bytes: 50_000,
        ..limits()
    };
    let e = decode_program(&bytes, &tight).unwrap_err();
    assert!(e.message.contains("strings total"), "{}", e.message);
    assert_eq!(decode_program(&bytes, &limits()).unwrap(), p);
}

/// A `choose` of 60,000 branches: the block-graph check is linear in its edges (a quadratic
/// walk would take tens of seconds here).
#[test]
fn a_wide_choose_is_checked_quickly() {
    let mut p = sample::program();
    p.blocks[4].ops.push(Op {
        kind: OpKind::Choose(Choose {
            branches: vec![(0, 5); 60_000],
            otherwise: Some(2),
        }),
        loc: 0,
    });
    let bytes = encode_program(&p);
    let t = std::time::Instant::now();
    assert_eq!(decode_program(&bytes, &limits()).unwrap(), p);
    assert!(t.elapsed().as_secs() < 3, "{:?}", t.elapsed());
}

#[test]
fn jumps_may_not_cross_into_or_out_of_a_function() {
    use crate::bytecode::Instr;
    // 0 Jump(3) skips the lambda at 1..3; 3 Str; 4 Return.
    let mut p = sample::program();
    p.codes[0].code.instrs[2] = Instr::Jump(4);
    assert!(
        refusal(&p).contains("leaves its function"),
        "{}",
        refusal(&p)
    );
    let mut p = sample::program();
    p.codes[0].code.instrs[0] = Instr::Jump(2);
    assert!(refusal(&p).contains("leaves its function") || refusal(&p).contains("jump past"));
    let mut p = sample::program();
    p.codes[0].code.instrs[0] = Instr::Nop;
    assert!(
        refusal(&p).contains("not a jump past its body"),
        "{}",
        refusal(&p)
    );
}
