//! `gatehouse run --record DIR`: every exchange served is written as a test case
//! (`DIR/NNNNNN-API-OPERATION.yaml`, keys and secrets redacted) for `gatehouse test`.

use gatehouse_runtime::engine::{Exchange, Gateway, RequestHead, Resume, Step};
use gatehouse_runtime::program::Program;
use gatehouse_server::{Engine, RequestRun};
use gatehouse_testing::record::Tape;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Most exchanges one process records; later ones are served but not written.
pub const MAX_RECORDED: u64 = 10_000;

/// Where recordings go, and how many were written.
#[derive(Debug)]
pub struct Recorder {
    dir: PathBuf,
    next: AtomicU64,
}

impl Recorder {
    /// Records into `dir` (created if missing).
    pub fn new(dir: PathBuf) -> Result<Arc<Recorder>, String> {
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        Ok(Arc::new(Recorder {
            dir,
            next: AtomicU64::new(1),
        }))
    }
}

/// The gateway, recording what it serves.
pub struct Recording {
    /// The gateway.
    pub gateway: Gateway,
    /// Where to.
    pub recorder: Arc<Recorder>,
}

impl Engine for Recording {
    type Run<'a> = Taping<'a>;

    fn start(&self, head: RequestHead) -> Taping<'_> {
        let tape = Tape::new(&head, now_ms());
        Taping {
            x: self.gateway.start(head),
            tape,
            rec: self,
        }
    }

    fn program(&self) -> &Program {
        &self.gateway.program
    }
}

/// One exchange, taped.
pub struct Taping<'a> {
    x: Exchange,
    tape: Tape,
    rec: &'a Recording,
}

impl RequestRun for Taping<'_> {
    fn resume(&mut self, input: Resume) -> Step {
        self.tape.input(&input);
        let step = self.x.resume(input);
        self.tape.step(&step);
        if let Step::Respond(r) = &step {
            self.write(r);
        }
        step
    }

    fn route(&self) -> (&str, &str) {
        (
            self.x.api_name().unwrap_or_default(),
            self.x.operation_name().unwrap_or_default(),
        )
    }

    fn failure(&self) -> Option<(&str, &str)> {
        self.x.last_error().map(|e| (&*e.source, &*e.reason))
    }

    fn websocket(&self) -> bool {
        self.x.websocket()
    }
}

impl Taping<'_> {
    fn write(&self, r: &gatehouse_runtime::engine::Response) {
        let rec = &self.rec.recorder;
        let n = rec.next.fetch_add(1, Ordering::Relaxed);
        if n > MAX_RECORDED {
            if n == MAX_RECORDED + 1 {
                tracing::warn!("--record: {MAX_RECORDED} exchanges recorded; not recording more");
            }
            return;
        }
        let (api, op) = self.route();
        let (api, op) = (
            if api.is_empty() { "unrouted" } else { api },
            if op.is_empty() { "-" } else { op },
        );
        let name = format!("recorded {n:06} {api}/{op}");
        let file = self
            .tape
            .case(self.rec.program(), &name, r, self.x.subscription_name());
        let text = format!(
            "# Recorded by `gatehouse run --record`: keys and secrets are REDACTED; edit the expectations.\n{}\n",
            serde_json::to_string_pretty(&file).unwrap_or_default()
        );
        let safe = |s: &str| {
            s.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect::<String>()
        };
        let path = rec
            .dir
            .join(format!("{n:06}-{}-{}.yaml", safe(api), safe(op)));
        if let Err(e) = std::fs::write(&path, text) {
            tracing::warn!(path = %path.display(), error = %e, "--record: cannot write");
        }
    }
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}
