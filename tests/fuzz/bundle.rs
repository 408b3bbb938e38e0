//! Fuzz target `bundle`: mutated bundles through the verifying loaders (`decode_program`,
//! `decode`). Seeds are real bundles (the sample project and corpus documents built, eval
//! expressions lowered); mutations work on the inflated sections and the header is
//! re-sealed (length, CRC-32) so the structural verifier is reached. Checks: no panic, and
//! whatever is accepted re-encodes deterministically to a bundle that decodes to itself.

use super::inflate::{inflate, store};
use super::mutate::mutate;
use super::{assert_clean, run, Budget, Rng, Target};
use gatehouse_compiler::lower::lower_source;
use gatehouse_compiler::{build_project, CheckOptions};
use gatehouse_runtime::bundle::{
    crc32, decode, decode_program, encode, encode_program, DecodeLimits,
};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// Bundles accepted, and the refusals by message (digits dropped), to see how deep the
/// mutated inputs reach.
static STATS: Mutex<(u64, Option<BTreeMap<String, u64>>)> = Mutex::new((0, None));

/// Counts one result.
fn count(result: Result<(), String>) {
    if let Ok(mut s) = STATS.lock() {
        match result {
            Ok(()) => s.0 += 1,
            Err(m) => {
                let key: String = m.chars().filter(|c| !c.is_ascii_digit()).take(60).collect();
                *s.1.get_or_insert_with(BTreeMap::new)
                    .entry(key)
                    .or_default() += 1;
            }
        }
    }
}

/// The header's length.
const HEADER: usize = 24;

/// Limits of the loaders under test (a smaller output bound than the default, as in the
/// cargo-fuzz target).
fn limits() -> DecodeLimits {
    DecodeLimits {
        max_bytes: 1 << 20,
        ..DecodeLimits::default()
    }
}

/// Runs one input.
pub fn check(input: &[u8]) -> Result<(), String> {
    let limits = limits();
    let decoded = decode_program(input, &limits);
    count(decoded.as_ref().map(|_| ()).map_err(|e| e.message.clone()));
    if let Ok(p) = decoded {
        let again = encode_program(&p);
        match decode_program(&again, &limits) {
            Ok(q) if q == p => {}
            Ok(_) => return Err("an accepted program re-encodes to a different program".into()),
            Err(e) => return Err(format!("an accepted program's re-encoding is refused: {e}")),
        }
        if encode_program(&p) != again {
            return Err("encode_program is not deterministic".into());
        }
    }
    if let Ok(c) = decode(input, &limits) {
        let again = encode(&c);
        match decode(&again, &limits) {
            Ok(d) if d == c => {}
            Ok(_) => return Err("accepted code re-encodes to different code".into()),
            Err(e) => return Err(format!("accepted code's re-encoding is refused: {e}")),
        }
    }
    Ok(())
}

/// A seed: its header and its payload, inflated for program bundles.
struct Seed {
    header: Vec<u8>,
    raw: Vec<u8>,
    program: bool,
    bytes: Vec<u8>,
}

/// `header` with `payload` behind it and the length and CRC-32 fields set to match.
fn seal(header: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut out = header[..HEADER].to_vec();
    let len = u32::try_from(payload.len()).unwrap_or(u32::MAX);
    out[16..20].copy_from_slice(&len.to_le_bytes());
    out[20..24].copy_from_slice(&crc32(payload).to_le_bytes());
    out.extend_from_slice(payload);
    out
}

/// Programs built from the sample project and up to `docs` corpus documents, and code
/// bundles of the eval expressions.
fn seeds(docs: usize) -> Vec<Seed> {
    let root = crate::support::root();
    let mut paths = vec![root.join("policies/sample")];
    let corpus = crate::support::corpus_dir();
    if corpus.is_dir() {
        let files = crate::support::xml_files(&corpus);
        let step = (files.len() / docs.max(1)).max(1);
        paths.extend(files.into_iter().step_by(step).take(docs));
    }
    let mut bundles = Vec::new();
    for p in paths {
        if let Some(program) = build_project(&p, &CheckOptions::default()).program {
            bundles.push(encode_program(&program));
        }
    }
    for e in super::expressions::eval_exprs().iter().step_by(4) {
        if let Ok((code, _)) = lower_source(e, &|_| None) {
            bundles.push(encode(&code));
        }
    }
    bundles
        .into_iter()
        .filter(|b| b.len() >= HEADER)
        .filter_map(|b| {
            let program = b[6] == 1;
            let raw = if program {
                inflate(&b[HEADER..], 64 << 20)?
            } else {
                b[HEADER..].to_vec()
            };
            Some(Seed {
                header: b[..HEADER].to_vec(),
                raw,
                program,
                bytes: b,
            })
        })
        .collect()
}

/// A LEB128 varint.
fn put_var(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads a LEB128 varint at `*at`.
fn get_var(b: &[u8], at: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let c = *b.get(*at)?;
        *at += 1;
        v |= u64::from(c & 0x7f) << shift;
        if c & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

/// The framed sections of an inflated program payload: `(id, body)`.
fn sections(raw: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < raw.len() {
        let id = raw[at];
        at += 1;
        let Some(n) = get_var(raw, &mut at) else {
            break;
        };
        let Some(body) = raw.get(at..at + n as usize) else {
            break;
        };
        out.push((id, body.to_vec()));
        at += n as usize;
    }
    out
}

/// One mutated bundle.
fn generate(seeds: &[Seed], raws: &[Vec<u8>], rng: &mut Rng) -> Vec<u8> {
    let programs: Vec<&Seed> = seeds.iter().filter(|s| s.program).collect();
    let s = if rng.one_in(5) || programs.is_empty() {
        &seeds[rng.below(seeds.len())]
    } else {
        programs[rng.below(programs.len())]
    };
    match rng.below(20) {
        // One section's body mutated and framed again with its right length: every
        // section's reader and the cross-section checks are reached, not only the first.
        0..=10 if s.program => {
            let mut secs = sections(&s.raw);
            if !secs.is_empty() {
                let i = rng.below(secs.len());
                let same: Vec<Vec<u8>> = seeds
                    .iter()
                    .filter(|o| o.program)
                    .flat_map(|o| sections(&o.raw))
                    .filter(|(id, _)| *id == secs[i].0)
                    .map(|(_, b)| b)
                    .collect();
                secs[i].1 = mutate(&secs[i].1, &same, &[], rng, 4 << 20);
                if rng.one_in(8) {
                    let j = rng.below(secs.len());
                    secs.swap(i, j);
                }
            }
            let mut raw = Vec::new();
            for (id, body) in secs {
                raw.push(id);
                put_var(&mut raw, body.len() as u64);
                raw.extend_from_slice(&body);
            }
            seal(&s.header, &store(&raw))
        }
        // The sections mutated as a whole, stored, re-sealed.
        0..=13 => {
            let raw = mutate(&s.raw, raws, &[], rng, 4 << 20);
            let payload = if s.program { store(&raw) } else { raw };
            seal(&s.header, &payload)
        }
        // The stored payload mutated and re-sealed: reaches the inflater.
        14..=17 => {
            let stored = mutate(&s.bytes[HEADER..], &[], &[], rng, 4 << 20);
            seal(&s.header, &stored)
        }
        // Anything, header included.
        _ => mutate(&s.bytes, &[], &[], rng, 4 << 20),
    }
}

#[test]
fn bundle() {
    let seeds = seeds(24);
    assert!(seeds.iter().any(|s| s.program), "no program bundle seeds");
    for s in &seeds {
        // The inflater and the stored re-encoding are exact: unmutated seeds load.
        if s.program {
            let b = seal(&s.header, &store(&s.raw));
            assert!(
                decode_program(&b, &limits()).is_ok(),
                "a re-stored seed loads"
            );
        } else {
            assert!(decode(&s.bytes, &limits()).is_ok(), "a code seed loads");
        }
    }
    let raws: Vec<Vec<u8>> = seeds.iter().map(|s| s.raw.clone()).collect();
    let mut generate = |rng: &mut Rng| generate(&seeds, &raws, rng);
    let report = run(Target {
        name: "bundle",
        budget: Budget::of(30_000),
        generate: &mut generate,
        check: &check,
    });
    if let Ok(s) = STATS.lock() {
        let mut refusals: Vec<(u64, String)> =
            s.1.iter().flatten().map(|(k, v)| (*v, k.clone())).collect();
        refusals.sort_by(|a, b| b.cmp(a));
        println!(
            "fuzz bundle: {} program bundles accepted; most frequent refusals:",
            s.0
        );
        for (n, m) in refusals.iter().take(12) {
            println!("  {n:>7}  {m}");
        }
    }
    assert_clean("bundle", &report);
}
