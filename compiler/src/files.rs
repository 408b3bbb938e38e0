//! Finding the policy files named on the command line.

use std::io;
use std::path::{Path, PathBuf};

/// The policy files under `path`: the file itself, or every `*.xml` below a folder,
/// sorted so output is stable.
pub fn policy_files(path: &Path) -> io::Result<Vec<PathBuf>> {
    let meta = std::fs::metadata(path)?;
    if meta.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut pending = vec![path.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let p = entry.path();
            let kind = entry.file_type()?;
            if kind.is_dir() {
                pending.push(p);
            } else if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("xml")) {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}
