//! Fuzz target `project`: mutated APIOps projects (information JSON files, YAML and JSON
//! OpenAPI specifications, policy files; files deleted, copied and renamed) written to a
//! temporary folder and given to `check_project` and `build_project`. Checks: no panic,
//! every diagnostic located inside its file, and every program built is accepted by the
//! bundle verifier and decodes to itself.

use super::mutate::{mutate, XML_TOKENS};
use super::{assert_clean, run, span_inside, Budget, Rng, Target};
use gatehouse_compiler::{build_project, check_project, CheckOptions};
use gatehouse_runtime::bundle::{decode_program, encode_program, DecodeLimits};
use std::path::{Path, PathBuf};

/// A project as files: relative paths (with `/`) and contents.
pub type Files = Vec<(String, Vec<u8>)>;

/// Tokens of JSON and YAML information files and specifications.
const DATA_TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "\"",
    "null",
    "true",
    "1e999",
    "-0",
    "\"\\u0000\"",
    "\"\\ud800\"",
    "\"properties\": {}",
    "\"path\": \"\"",
    "\"path\": \"orders/{id}\"",
    "\"serviceUrl\": \"http://[::1\"",
    "\"url\": \"{{x}}\"",
    "\"value\": \"{{x}}\"",
    "\"scope\": \"/apis/x\"",
    "\"protocols\": [1]",
    "\"type\": \"Pool\"",
    "\"subscriptionRequired\": \"yes\"",
    "paths:",
    "  /x/{a}/{a}:",
    "    get:",
    "      operationId: op",
    "openapi: 3.0.1",
    "swagger: \"2.0\"",
    "&a [1]",
    "*a",
    "!!binary",
    "---",
    "...",
    "? ",
    "- ",
    "|",
    ">",
    "#",
    "\t",
    "%YAML 1.2",
    "'",
    "{{",
];

/// Writes `files` as an archive: for each, `u32` path length, path, `u32` data length,
/// data (little-endian).
pub fn pack(files: &Files) -> Vec<u8> {
    let mut out = Vec::new();
    for (p, d) in files {
        out.extend_from_slice(&(p.len() as u32).to_le_bytes());
        out.extend_from_slice(p.as_bytes());
        out.extend_from_slice(&(d.len() as u32).to_le_bytes());
        out.extend_from_slice(d);
    }
    out
}

/// Reads an archive written by [`pack`] (a truncated tail is dropped).
pub fn unpack(mut b: &[u8]) -> Files {
    let mut out = Vec::new();
    let take = |b: &mut &[u8]| -> Option<Vec<u8>> {
        let n = u32::from_le_bytes(b.get(..4)?.try_into().ok()?) as usize;
        let v = b.get(4..4 + n)?.to_vec();
        *b = &b[4 + n..];
        Some(v)
    };
    while let (Some(p), Some(d)) = (take(&mut b), take(&mut b)) {
        out.push((String::from_utf8_lossy(&p).into_owned(), d));
    }
    out
}

/// Every file under `dir`, relative.
fn read_tree(dir: &Path, base: &Path, out: &mut Files) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            read_tree(&p, base, out);
        } else if let Ok(d) = std::fs::read(&p) {
            out.push((crate::support::relative(&p, base), d));
        }
    }
}

/// Seed projects: every folder of `policies/` with an `apis/` folder.
pub fn seeds() -> Vec<Files> {
    let root = crate::support::root().join("policies");
    let mut dirs = Vec::new();
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        if d.join("apis").is_dir() {
            dirs.push(d.clone());
        }
        if let Ok(entries) = std::fs::read_dir(&d) {
            for e in entries.flatten() {
                if e.path().is_dir() && e.file_name() != "apis" {
                    stack.push(e.path());
                }
            }
        }
    }
    dirs.sort();
    dirs.iter()
        .map(|d| {
            let mut files = Vec::new();
            read_tree(d, d, &mut files);
            files
        })
        .filter(|f| !f.is_empty())
        .collect()
}

/// A path made safe to write under the project folder: no `..`, no absolute parts, no NUL.
fn safe(path: &str) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for part in path.split('/') {
        if part.is_empty() || part == "." || part == ".." || part.contains(['\0', '\\', ':']) {
            continue;
        }
        out.push(part.chars().take(100).collect::<String>());
    }
    (!out.as_os_str().is_empty()).then_some(out)
}

/// Writes `files` into a fresh `dir`.
fn write(dir: &Path, files: &Files) {
    let _ = std::fs::remove_dir_all(dir);
    let _ = std::fs::create_dir_all(dir);
    for (p, d) in files {
        if let Some(rel) = safe(p) {
            let path = dir.join(rel);
            if let Some(parent) = path.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            let _ = std::fs::write(path, d);
        }
    }
}

/// The folder inputs are written to.
fn work_dir() -> PathBuf {
    std::env::temp_dir().join(format!("gatehouse-fuzz-project-{}", std::process::id()))
}

/// Runs one input (an archive).
pub fn check(input: &[u8]) -> Result<(), String> {
    let dir = work_dir();
    write(&dir, &unpack(input));
    let options = CheckOptions::default();
    let report = check_project(&dir, &options);
    for d in &report.diagnostics {
        span_inside(&d.code, d.span.start, d.span.end, &d.file.text)?;
    }
    let built = build_project(&dir, &options);
    for d in &built.diagnostics {
        span_inside(&d.code, d.span.start, d.span.end, &d.file.text)?;
    }
    if let Some(p) = built.program {
        let bytes = encode_program(&p);
        match decode_program(&bytes, &DecodeLimits::default()) {
            Ok(q) if q == p => {}
            Ok(_) => return Err("a built program decodes to a different program".into()),
            Err(e) => return Err(format!("the verifier refuses a built program: {e}")),
        }
    }
    Ok(())
}

/// Path segments worth renaming to.
const NAMES: &[&str] = &[
    "x",
    "orders",
    "a b",
    "ünï",
    "CON",
    "policy.xml",
    "apiInformation.json",
    "specification.yaml",
    "specification.json",
    "operations",
    "named values",
    "policy fragments",
    "products",
    "backends",
    "apis",
    "subscriptions",
    "",
];

/// One mutated project.
fn generate(seeds: &[Vec<(String, Vec<u8>)>], rng: &mut Rng) -> Vec<u8> {
    let mut files = rng.pick(seeds).clone();
    for _ in 0..rng.range(1, 3) {
        if files.is_empty() {
            break;
        }
        let i = rng.below(files.len());
        match rng.below(10) {
            // Mutate a file's contents, with tokens that fit its kind.
            0..=5 => {
                let others: Vec<Vec<u8>> = files.iter().map(|(_, d)| d.clone()).collect();
                let tokens = if files[i].0.ends_with(".xml") {
                    XML_TOKENS
                } else {
                    DATA_TOKENS
                };
                files[i].1 = mutate(&files[i].1, &others, tokens, rng, 256 << 10);
            }
            // Delete a file.
            6 => {
                files.remove(i);
            }
            // Copy a file (a folder's worth of declarations under another name).
            7 => {
                let (p, d) = files[i].clone();
                let mut parts: Vec<&str> = p.split('/').collect();
                let k = rng.below(parts.len());
                parts[k] = *rng.pick(NAMES);
                files.push((parts.join("/"), d));
            }
            // Add a file from another seed project.
            8 => {
                let other = rng.pick(seeds);
                if !other.is_empty() {
                    files.push(other[rng.below(other.len())].clone());
                }
            }
            // Empty a file.
            _ => files[i].1.clear(),
        }
    }
    pack(&files)
}

#[test]
fn project() {
    let seeds = seeds();
    assert!(!seeds.is_empty(), "no seed projects");
    let mut generate = |rng: &mut Rng| generate(&seeds, rng);
    let report = run(Target {
        name: "project",
        budget: Budget::of(1_500),
        generate: &mut generate,
        check: &check,
    });
    let _ = std::fs::remove_dir_all(work_dir());
    assert_clean("project", &report);
}
