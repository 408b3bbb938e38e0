//! Bundles: code round trips, a verifier that refuses corruption, and whole programs built
//! from the sample project and from every corpus document round-tripped.

use crate::support::{corpus_dir, root, xml_files};
use gatehouse_compiler::lower::lower_source;
use gatehouse_grammar::syntax::parse_document;
use gatehouse_grammar::Limits;
use gatehouse_runtime::bundle::{decode, encode, DecodeLimits, FORMAT_VERSION};
use gatehouse_runtime::bytecode::Code;

fn lower(expr: &str) -> Option<Code> {
    lower_source(expr, &|n| {
        (n == "greeting").then(|| "\"hello\"".to_string())
    })
    .ok()
    .map(|(c, _)| c)
}

fn round_trip(code: &Code) -> Result<(), String> {
    let bytes = encode(code);
    match decode(&bytes, &DecodeLimits::default()) {
        Ok(back) if back == *code => Ok(()),
        Ok(_) => Err("decoded code differs".into()),
        Err(e) => Err(e.to_string()),
    }
}

#[test]
fn every_eval_expression_round_trips() {
    let (mut lowered, mut failures) = (0, Vec::new());
    let exprs = crate::fuzz::expressions::eval_exprs();
    for e in &exprs {
        if let Some(code) = lower(e) {
            lowered += 1;
            if let Err(m) = round_trip(&code) {
                failures.push(format!("{e}: {m}\n{}", code.disassemble()));
            }
        }
    }
    assert!(lowered > 500, "only {lowered} of {} lowered", exprs.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_corpus_expression_that_lowers_round_trips() {
    let (mut lowered, mut failures) = (0, Vec::new());
    for path in xml_files(&corpus_dir()) {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let parsed = parse_document(&text, &Limits::default());
        for e in parsed.document.expressions() {
            if let Some(code) = lower(&e.code) {
                lowered += 1;
                if let Err(m) = round_trip(&code) {
                    failures.push(format!("{}: {}: {m}", path.display(), e.code));
                }
            }
        }
    }
    assert!(lowered > 300, "only {lowered} corpus expressions lowered");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A small bundle that uses every pool: constants, strings, a regex, a lambda, a shape, a
/// `try` handler, locals and jumps.
fn small() -> Vec<u8> {
    let src = r#"@{
        var n = 1.5m + 2L;
        var o = new { A = "x", B = 2.5 };
        try { n = n + 1; } catch (Exception) { n = 0; }
        var r = Regex.IsMatch("abc", "^a", RegexOptions.IgnoreCase);
        var xs = new[] { 1, 2, 3 }.Where(x => x > 1).Count();
        foreach (var x in new[] { 'a' }) { n = n + 1; }
        return $"{n:F1} {o.A} {r} {xs} {(n > 2 ? "big" : null) ?? "?"}";
    }"#;
    let code = lower(src).expect("the sample lowers");
    assert!(
        !code.regexes.is_empty() || !code.funcs.is_empty(),
        "{}",
        code.disassemble()
    );
    encode(&code)
}

#[test]
fn every_truncation_is_refused() {
    let bytes = small();
    for n in 0..bytes.len() {
        let cut = bytes.get(..n).unwrap_or_default();
        assert!(
            decode(cut, &DecodeLimits::default()).is_err(),
            "{n} bytes accepted"
        );
    }
    assert!(decode(&bytes, &DecodeLimits::default()).is_ok());
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(decode(&longer, &DecodeLimits::default()).is_err());
}

#[test]
fn every_single_byte_change_is_refused() {
    let bytes = small();
    let mut changes = 0;
    for i in 0..bytes.len() {
        for v in [bytes[i] ^ 0xFF, 0] {
            if v == bytes[i] {
                continue;
            }
            let mut bad = bytes.clone();
            bad[i] = v;
            changes += 1;
            assert!(
                decode(&bad, &DecodeLimits::default()).is_err(),
                "byte {i} set to {v:#x} accepted"
            );
        }
    }
    assert!(changes > bytes.len());
}

#[test]
fn other_versions_are_refused_with_both_versions_named() {
    let mut bytes = small();
    bytes[4..6].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
    let e = decode(&bytes, &DecodeLimits::default()).expect_err("refused");
    assert_eq!(e.offset, 4);
    assert!(e
        .message
        .contains(&format!("version {}", FORMAT_VERSION + 1)));
    assert!(e.message.contains(&format!("version {FORMAT_VERSION}")));
}

#[test]
fn limits_are_enforced() {
    let bytes = small();
    let tight = DecodeLimits {
        max_instrs: 3,
        ..DecodeLimits::default()
    };
    assert!(decode(&bytes, &tight).is_err());
    let tight = DecodeLimits {
        max_string_bytes: 1,
        ..DecodeLimits::default()
    };
    assert!(decode(&bytes, &tight).is_err());
    let tight = DecodeLimits {
        max_bytes: bytes.len() - 1,
        ..DecodeLimits::default()
    };
    assert!(decode(&bytes, &tight).is_err());
}

/// xorshift64*: deterministic pseudo-random bytes without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// Random bytes never panic the decoder; random payloads behind a valid header (so the
/// checksum passes and the section parser and verifier see them) neither.
#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let header = small();
    for round in 0..20_000 {
        let len = (rng.next() % 200) as usize;
        let mut payload: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        // Small counts are likelier to parse deep: bias some bytes towards zero.
        for b in payload.iter_mut() {
            if rng.next() % 3 == 0 {
                *b %= 4;
            }
        }
        let bytes = if round % 2 == 0 {
            payload
        } else {
            let mut b = header[..8 + 8].to_vec();
            b.extend_from_slice(&(payload.len() as u32).to_le_bytes());
            b.extend_from_slice(&gatehouse_runtime::bundle::crc32(&payload).to_le_bytes());
            b.extend_from_slice(&payload);
            b
        };
        let _ = decode(&bytes, &DecodeLimits::default());
    }
}

/// Mutations of a valid payload behind a recomputed checksum: the structural checks alone
/// refuse or accept them, without panicking, and what they accept re-encodes identically.
#[test]
fn mutated_payloads_with_fixed_checksums_never_panic() {
    let good = small();
    let mut rng = Rng(42);
    for _ in 0..20_000 {
        let mut payload = good[24..].to_vec();
        for _ in 0..=(rng.next() % 3) {
            let i = (rng.next() as usize) % payload.len();
            payload[i] = rng.next() as u8;
        }
        let mut b = good[..16].to_vec();
        b.extend_from_slice(&(payload.len() as u32).to_le_bytes());
        b.extend_from_slice(&gatehouse_runtime::bundle::crc32(&payload).to_le_bytes());
        b.extend_from_slice(&payload);
        if let Ok(code) = decode(&b, &DecodeLimits::default()) {
            assert_eq!(encode(&code), b, "accepted bytes re-encode identically");
        }
    }
}

/// Encodes `p`, decodes it back and compares; the bundle's size on success.
fn program_round_trip(p: &gatehouse_runtime::program::Program) -> Result<usize, String> {
    use gatehouse_runtime::bundle::{decode_program, encode_program};
    let bytes = encode_program(p);
    match decode_program(&bytes, &DecodeLimits::default()) {
        Ok(back) if back == *p => Ok(bytes.len()),
        Ok(_) => Err("decoded program differs".into()),
        Err(e) => Err(e.to_string()),
    }
}

/// Bytes of every `*.xml` under `dir`.
fn xml_bytes(dir: &std::path::Path) -> usize {
    xml_files(dir)
        .iter()
        .map(|f| std::fs::metadata(f).map_or(0, |m| m.len() as usize))
        .sum()
}

#[test]
fn the_sample_project_round_trips() {
    let dir = root().join("policies/sample");
    let report = gatehouse_compiler::build_project(&dir, &Default::default());
    let program = report.program.expect("the sample project builds");
    assert!(!program.apis.is_empty() && !program.codes.is_empty());
    let size = program_round_trip(&program).unwrap_or_else(|e| panic!("{e}"));
    let xml = xml_bytes(&dir);
    eprintln!("sample project: bundle {size} bytes, policy XML {xml} bytes");
    // A tiny project: the tables (APIs, operations, backends, products) are a large share.
    assert!(
        size * 2 <= xml,
        "bundle {size} bytes, policy XML {xml} bytes"
    );
}

/// Every corpus document, as the policy of a one-operation project, lowered (whatever it
/// could not lower is left out) and round-tripped.
#[test]
fn every_corpus_document_as_one_operation_round_trips() {
    let (mut ops, mut size, mut failures) = (0, 0, Vec::new());
    for path in xml_files(&corpus_dir()) {
        let report = gatehouse_compiler::build_project(&path, &Default::default());
        let program = gatehouse_compiler::program::lower_program(&report.project, &mut Vec::new());
        ops += program.blocks.iter().map(|b| b.ops.len()).sum::<usize>();
        match program_round_trip(&program) {
            Ok(n) => size += n,
            Err(m) => failures.push(format!("{}: {m}", path.display())),
        }
    }
    let xml = xml_bytes(&corpus_dir());
    eprintln!("corpus, one bundle a document: bundles {size} bytes, XML {xml} bytes");
    assert!(
        size * 100 <= xml * 50,
        "bundles {size} bytes, XML {xml} bytes"
    );
    assert!(ops > 300, "only {ops} operations lowered");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_generated_project_round_trips() {
    let dir = std::env::temp_dir().join(format!("gatehouse-bundle-gen-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    gatehouse_compiler::project::generate_large_project(&dir, 12, 5).expect("generate");
    let report = gatehouse_compiler::build_project(&dir, &Default::default());
    let xml = xml_bytes(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    let program = report.program.expect("the generated project builds");
    assert_eq!(program.apis.len(), 12);
    let size = program_round_trip(&program).unwrap_or_else(|e| panic!("{e}"));
    eprintln!("generated project (12 APIs x 5 operations): bundle {size} bytes, XML {xml} bytes");
    assert!(
        size * 2 <= xml,
        "bundle {size} bytes, policy XML {xml} bytes"
    );
}
