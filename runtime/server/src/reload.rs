//! Reload: rebuild the program (SIGHUP, or a change under the watched folder) and swap it
//! in atomically; requests in flight finish on the program they started with. A failed
//! rebuild keeps the old program and logs why.

use super::shutdown::Shutdown;
use super::{Engine, Loaded, Shared};
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Builds a fresh program (supplied by the CLI: compile the project, resolve secrets).
pub type Rebuild<E> = Arc<dyn Fn() -> Result<Loaded<E>, String> + Send + Sync>;

/// Rebuilds with `rebuild` and swaps the result in; on failure keeps the current program.
pub async fn reload<E: Engine>(shared: &Shared<E>, rebuild: &Rebuild<E>) -> bool {
    let job = rebuild.clone();
    let built = match tokio::task::spawn_blocking(move || job()).await {
        Ok(r) => r,
        Err(e) => Err(format!("the rebuild panicked: {e}")),
    };
    match built {
        Ok(loaded) => {
            // The new program's token keys are fetched before it serves.
            if let Some(keys) = loaded.engine.key_cache() {
                super::keys::warm(keys, &loaded.backends).await;
            }
            shared.current.store(Arc::new(loaded));
            shared.metrics.reload(true);
            tracing::info!("program reloaded");
            true
        }
        Err(why) => {
            shared.metrics.reload(false);
            // One message whatever failed (diagnostics, a secret, a certificate): the
            // one-line reason, and the details, if any, in their own field.
            let (reason, details) = why.split_once('\n').unwrap_or((why.as_str(), ""));
            tracing::error!(
                reason,
                details = details.trim(),
                "reload failed; still serving the previous program"
            );
            false
        }
    }
}

/// Reloads on every SIGHUP until `shutdown`.
#[cfg(unix)]
pub async fn on_sighup<E: Engine>(shared: Arc<Shared<E>>, rebuild: Rebuild<E>, shutdown: Shutdown) {
    use tokio::signal::unix::{signal, SignalKind};
    let Ok(mut hup) = signal(SignalKind::hangup()) else {
        tracing::warn!("cannot listen for SIGHUP");
        return;
    };
    loop {
        tokio::select! {
            _ = hup.recv() => { reload(&shared, &rebuild).await; }
            _ = shutdown.wait() => return,
        }
    }
}

/// Polls `root` every `interval` and reloads when a file under it changes.
pub async fn watch<E: Engine>(
    shared: Arc<Shared<E>>,
    rebuild: Rebuild<E>,
    root: PathBuf,
    interval: Duration,
    shutdown: Shutdown,
) {
    let mut last = fingerprint(&root);
    loop {
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = shutdown.wait() => return,
        }
        let now = fingerprint(&root);
        if now != last {
            last = now;
            tracing::info!(path = %root.display(), "change detected; reloading");
            reload(&shared, &rebuild).await;
        }
    }
}

/// A hash of the path, size and modification time of every file under `root`.
pub fn fingerprint(root: &Path) -> u64 {
    let mut entries = Vec::new();
    collect(root, &mut entries, 0);
    entries.sort();
    let mut h = DefaultHasher::new();
    entries.hash(&mut h);
    h.finish()
}

/// Deepest folder nesting the watcher walks.
const MAX_DEPTH: usize = 32;

fn collect(dir: &Path, out: &mut Vec<(PathBuf, u64, u128)>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let Ok(meta) = std::fs::metadata(dir) else {
        return;
    };
    if meta.is_file() {
        let mtime = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        out.push((dir.to_path_buf(), meta.len(), mtime));
        return;
    }
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in read.flatten() {
        collect(&entry.path(), out, depth + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_changes_with_content() {
        let dir = std::env::temp_dir().join(format!("gatehouse-fp-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub")).expect("mkdir");
        std::fs::write(dir.join("sub/a.xml"), "one").expect("write");
        let a = fingerprint(&dir);
        assert_eq!(a, fingerprint(&dir));
        std::fs::write(dir.join("sub/a.xml"), "three").expect("write");
        let b = fingerprint(&dir);
        assert_ne!(a, b);
        std::fs::write(dir.join("b.xml"), "x").expect("write");
        assert_ne!(b, fingerprint(&dir));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
