//! The test-file format (`tests/**/*.yaml`): cases, steps and requests, decoded from YAML
//! with a located diagnostic for every mistake. `docs/testing.md` documents it and
//! `docs/test-schema.json` describes it for editors.

mod dec;
mod expect;
mod world;

pub use expect::{BackendExpect, BodyExpect, Expect, Matcher, TraceExpect};
pub use world::{Counter, Failure, MockReply, Mocks, Token, World};

use crate::diag::Diag;
use crate::yaml::{self, Pos};
use dec::Dec;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Largest test file read, bytes.
pub const MAX_FILE_BYTES: u64 = 4 << 20;
/// Most cases one file may hold, and most steps one case may hold.
pub const MAX_CASES: usize = 10_000;

/// One test file.
#[derive(Clone, Debug)]
pub struct TestFile {
    /// The path shown in diagnostics and reports.
    pub path: String,
    /// The file's text (for diagnostics' excerpts).
    pub text: String,
    /// The cases.
    pub cases: Vec<Case>,
}

/// One case: a world and one or more requests sent through it in order.
#[derive(Clone, Debug)]
pub struct Case {
    /// Its name (unique in its file).
    pub name: String,
    /// Where it is written.
    pub pos: Pos,
    /// Mocks, clock, seed, named values, secrets, tokens, counters.
    pub world: World,
    /// The requests and what each must produce.
    pub steps: Vec<Step>,
}

/// One request of a case and its expectations.
#[derive(Clone, Debug)]
pub struct Step {
    /// Where it is written.
    pub pos: Pos,
    /// Milliseconds the clock moves before the request.
    pub advance_ms: u64,
    /// The request.
    pub request: Request,
    /// What it must produce.
    pub expect: Expect,
}

/// The client's request.
#[derive(Clone, Debug, Default)]
pub struct Request {
    /// Method.
    pub method: String,
    /// Path and query (`/orders/42?x=1`) or a whole URL.
    pub url: Option<String>,
    /// `API/OPERATION` the URL is made from (with `params`), or checked against.
    pub operation: Option<(String, String)>,
    /// Template parameters for an operation's URL.
    pub params: BTreeMap<String, String>,
    /// Query parameters appended to the URL.
    pub query: Vec<(String, String)>,
    /// Headers (values may hold `${token:NAME}`).
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
    /// The client's address.
    pub client_ip: Option<String>,
    /// The client's certificate (PEM, leaf first), as if presented in the TLS handshake.
    pub client_certificate: Option<Vec<u8>>,
    /// A subscription's name: its primary key is sent.
    pub subscription: Option<String>,
    /// A product's name: the key of its first active subscription is sent.
    pub product: Option<String>,
    /// A subscription key sent as given.
    pub subscription_key: Option<String>,
    /// A token of the world sent as `Authorization: Bearer …`.
    pub bearer: Option<String>,
    /// Where `request` is written.
    pub pos: Pos,
}

/// Reads and decodes every `*.yaml`/`*.yml` file under `root` (or `root` itself).
pub fn load(root: &Path) -> (Vec<TestFile>, Vec<Diag>) {
    let mut paths = Vec::new();
    collect(root, &mut paths, 0);
    paths.sort();
    let mut files = Vec::new();
    let mut diags = Vec::new();
    for p in paths {
        match load_file(&p) {
            Ok(f) => files.push(f),
            Err(d) => diags.extend(d),
        }
    }
    (files, diags)
}

fn collect(p: &Path, out: &mut Vec<PathBuf>, depth: u32) {
    if p.is_file() {
        out.push(p.to_path_buf());
        return;
    }
    let Ok(rd) = std::fs::read_dir(p) else { return };
    if depth > 32 {
        return;
    }
    for e in rd.flatten() {
        let path = e.path();
        if path.is_dir() {
            collect(&path, out, depth + 1);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        ) {
            out.push(path);
        }
    }
}

/// Reads and decodes one test file.
pub fn load_file(path: &Path) -> Result<TestFile, Vec<Diag>> {
    let shown = path.to_string_lossy().into_owned();
    let at0 = Pos { line: 0, col: 0 };
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if size > MAX_FILE_BYTES {
        let msg = format!("the file is larger than {MAX_FILE_BYTES} bytes");
        return Err(vec![Diag::new(&shown, at0, msg)]);
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| vec![Diag::new(&shown, at0, format!("cannot read the file: {e}"))])?;
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    parse_text(&shown, &text, &base)
}

/// Decodes test-file `text` shown as `path`; `base` is where `body-file` paths start.
pub fn parse_text(path: &str, text: &str, base: &Path) -> Result<TestFile, Vec<Diag>> {
    let root = yaml::parse(text).map_err(|(pos, m)| vec![Diag::new(path, pos, m)])?;
    let mut d = Dec::new(path, base);
    let cases = d.file(&root);
    if d.diags.is_empty() {
        Ok(TestFile {
            path: path.to_string(),
            text: text.to_string(),
            cases,
        })
    } else {
        Err(d.diags)
    }
}
