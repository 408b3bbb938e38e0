//! The data-driven evaluation suite: every case in `tests/eval/*.toml`, through the library API.
//!
//! A case is `{ expr, expect, type?, request? }`, `{ expr, fault, request? }` or
//! `{ expr, error }`: `expect` is the value's .NET `ToString()`, `type` its .NET type name,
//! `fault` the short fault kind (`NullReference`, `InvalidCast`, …), `error` the code of the
//! compile error C# (and `check`) reports, `request` a JSON request description. The clock is
//! fixed at 2024-05-06T07:08:09Z unless the request sets `now`. All failures are reported at once.

use crate::support::root;
use gatehouse_compiler::lower::lower_source;
use gatehouse_runtime::dotnet::datetime::{DateTime, DateTimeKind};
use gatehouse_runtime::host::RequestHost;
use gatehouse_runtime::vm::{eval, VmLimits};

fn host(request: Option<&str>) -> Result<RequestHost, String> {
    let mut h = match request {
        Some(json) => RequestHost::from_json(json).map_err(|e| format!("bad request: {e}"))?,
        None => RequestHost::new(Default::default()),
    };
    if h.spec.now.is_none() {
        h.spec.now = DateTime::new(2024, 5, 6, 7, 8, 9, 0, DateTimeKind::Utc).ok();
    }
    Ok(h)
}

/// Runs one case; `Err` describes the mismatch.
fn run(case: &toml::Table) -> Result<(), String> {
    let get = |k: &str| case.get(k).and_then(|v| v.as_str());
    let expr = get("expr").ok_or("case without expr")?;
    let mut h = host(get("request"))?;
    let lowered = lower_source(expr, &|n| {
        (n == "greeting").then(|| "\"hello\"".to_string())
    });
    let (code, _) = match (lowered, get("error")) {
        (Ok(_), Some(want)) => return Err(format!("want compile error {want}, it compiled")),
        (Err(e), Some(want)) if e.code == want => return Ok(()),
        (Err(e), _) => return Err(format!("lowering failed: {} {}", e.code, e.message)),
        (Ok(c), None) => c,
    };
    match (eval(&code, &mut h, &VmLimits::default()), get("fault")) {
        (Ok(done), None) => {
            let (text, ty) = (done.text(), done.type_name());
            if let Some(want) = get("expect") {
                if text != want {
                    return Err(format!("got {text:?}, want {want:?}"));
                }
            }
            match get("type") {
                Some(want) if want != ty => Err(format!("got type {ty}, want {want}")),
                _ => Ok(()),
            }
        }
        (Ok(done), Some(f)) => Err(format!("want fault {f}, got value {:?}", done.text())),
        (Err(fault), Some(f)) if fault.kind.short() == f => Ok(()),
        (Err(fault), _) => Err(format!("fault {:?}: {}", fault.kind, fault.message)),
    }
}

#[test]
fn evaluation_cases() {
    let dir = root().join("tests/eval");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/eval")
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    let (mut total, mut failures) = (0, Vec::new());
    for f in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "toml"))
    {
        let text = std::fs::read_to_string(f).expect("read cases");
        let table: toml::Table = text
            .parse()
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let cases = table
            .get("case")
            .and_then(|c| c.as_array())
            .cloned()
            .unwrap_or_default();
        for (i, c) in cases.iter().enumerate() {
            total += 1;
            let Some(c) = c.as_table() else { continue };
            if let Err(e) = run(c) {
                let name = f
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                failures.push(format!(
                    "{name}#{i}: {:?}: {e}",
                    c.get("expr").and_then(|v| v.as_str()).unwrap_or("")
                ));
            }
        }
    }
    assert!(total >= 250, "only {total} cases");
    assert!(
        failures.is_empty(),
        "{} of {total} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
