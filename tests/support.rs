//! Shared helpers: locating the corpus and the feature policies, walking folders.

use std::path::{Path, PathBuf};

/// The repository root (the root package's manifest directory).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/corpus/real`, the read-only real-world corpus.
pub fn corpus_dir() -> PathBuf {
    root().join("../shared/corpus/real")
}

/// Every `*.xml` under `dir`, sorted.
pub fn xml_files(dir: &Path) -> Vec<PathBuf> {
    gatehouse_compiler::files::policy_files(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
}

/// The path of `file` relative to `base`, with `/` separators.
pub fn relative(file: &Path, base: &Path) -> String {
    file.strip_prefix(base)
        .unwrap_or(file)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The `*.xml` files directly in `dir` (not in its subfolders), sorted.
pub fn top_level_xml(dir: &Path) -> Vec<PathBuf> {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "xml"))
        .collect();
    files.sort();
    files
}
