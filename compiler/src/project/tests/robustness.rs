//! Mutated sample projects never panic the loader, and every breakage is reported, located.

use super::rng::Rng;
use super::{copy_dir, load_dir, sample_dir, TempDir};
use crate::project::Loaded;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// What a mutation does to a file.
enum Change {
    /// New contents.
    Bytes(Vec<u8>),
    /// The file is deleted.
    Remove,
    /// The file is replaced by an empty folder.
    Folder,
}

/// A mutation: its name, the change, and whether the project must then be reported broken.
struct Mutation {
    name: String,
    change: Change,
    must_fail: bool,
}

fn m(name: impl Into<String>, change: Change, must_fail: bool) -> Mutation {
    Mutation {
        name: name.into(),
        change,
        must_fail,
    }
}

/// The mutations of one file.
fn mutations(path: &Path, bytes: &[u8], rng: &mut Rng) -> Vec<Mutation> {
    let json = path.extension().is_some_and(|e| e == "json");
    // An empty policy document parses; the checker reports its missing root, not the loader.
    let xml = path.extension().is_some_and(|e| e == "xml");
    let len = bytes.len();
    let mut out = Vec::new();
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    for at in [0, 1, len / 4, len / 2, len * 3 / 4, end] {
        // A JSON file cut before its closing brace is always broken.
        let broken = (json && at <= end) || (at == 0 && !xml);
        out.push(m(
            format!("truncate at {at}"),
            Change::Bytes(bytes[..at].to_vec()),
            broken,
        ));
    }
    for _ in 0..4 {
        let at = rng.below(len);
        let mut v = bytes.to_vec();
        v.remove(at.min(len.saturating_sub(1)));
        out.push(m(format!("delete byte {at}"), Change::Bytes(v), false));
        let at = rng.below(len);
        let mut v = bytes.to_vec();
        v.insert(at, bytes.get(at).copied().unwrap_or(b' '));
        out.push(m(format!("duplicate byte {at}"), Change::Bytes(v), false));
    }
    for text in ["{", "[]", "null", ""] {
        let broken = !(xml && text.is_empty());
        out.push(m(
            format!("replace with {text:?}"),
            Change::Bytes(text.as_bytes().to_vec()),
            broken,
        ));
    }
    let random: Vec<u8> = (0..64)
        .map(|_| rng.below(256) as u8)
        .chain([0xff])
        .collect();
    out.push(m("random bytes", Change::Bytes(random), true));
    let mut bad = bytes.to_vec();
    bad.insert(len / 2, 0xff);
    out.push(m("invalid UTF-8", Change::Bytes(bad), true));
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    out.push(m("deep nesting", Change::Bytes(deep.into_bytes()), true));
    out.push(m("remove", Change::Remove, false));
    out.push(m("folder instead of file", Change::Folder, true));
    out
}

/// Every file under `dir`, relative.
fn files(dir: &Path, base: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read_dir").flatten() {
        let path = entry.path();
        // `tests/` holds `gatehouse test` cases, which the project loader does not read.
        if path.is_dir() && path.file_name().is_some_and(|n| n == "tests") {
            continue;
        }
        if path.is_dir() {
            files(&path, base, out);
        } else {
            out.push(path.strip_prefix(base).expect("under base").to_path_buf());
        }
    }
}

/// Every diagnostic is in a file that exists (or, for a missing file, whose folder
/// exists), with a span inside its text.
fn check_located(loaded: &Loaded, what: &str) {
    for d in &loaded.diagnostics {
        let path = Path::new(&d.file.path);
        let exists = path.exists() || path.parent().is_some_and(Path::exists);
        assert!(
            exists,
            "{what}: diagnostic in a nonexistent place {}",
            d.file.path
        );
        let in_file = d.span.start <= d.span.end && d.span.end as usize <= d.file.text.len();
        assert!(
            in_file,
            "{what}: span {:?} outside {} ({} bytes)",
            d.span,
            d.file.path,
            d.file.text.len()
        );
    }
}

fn apply(path: &Path, change: &Change) {
    let _ = std::fs::remove_file(path);
    match change {
        Change::Bytes(b) => std::fs::write(path, b).expect("write"),
        Change::Remove => {}
        Change::Folder => std::fs::create_dir(path).expect("mkdir"),
    }
}

#[test]
fn mutated_sample_files_never_panic_and_are_reported() {
    let dir = TempDir::new("mutate");
    copy_dir(&sample_dir(), dir.path());
    let mut all = Vec::new();
    files(dir.path(), dir.path(), &mut all);
    all.sort();
    assert!(all.len() >= 18);
    let mut rng = Rng::new();
    let mut count = 0;
    for rel in &all {
        let path = dir.path().join(rel);
        let original = std::fs::read(&path).expect("read");
        for mutation in mutations(&path, &original, &mut rng) {
            let what = format!("{} / {}", rel.display(), mutation.name);
            apply(&path, &mutation.change);
            let loaded = catch_unwind(AssertUnwindSafe(|| load_dir(dir.path())))
                .unwrap_or_else(|_| panic!("{what}: load panicked"));
            check_located(&loaded, &what);
            if mutation.must_fail {
                assert!(!loaded.diagnostics.is_empty(), "{what}: no diagnostic");
            }
            let _ = std::fs::remove_dir(&path);
            std::fs::write(&path, &original).expect("restore");
            count += 1;
        }
    }
    assert!(count > 300, "{count} mutations");
    assert!(
        load_dir(dir.path()).diagnostics.is_empty(),
        "restored project is clean"
    );
}
