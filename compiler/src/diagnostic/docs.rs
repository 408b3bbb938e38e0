//! `docs/diagnostics.md`, generated from the diagnostics catalogue.

use super::codes::{anchor, CodeDoc, CODES};
use std::fmt::Write;

const INTRO: &str = "# Diagnostics

<!-- Generated from compiler/src/diagnostic/codes.rs; regenerate with
     UPDATE_DOCS=1 cargo test -p gatehouse-compiler --test diagnostics -->

Every finding of `gatehouse check` has a stable code, `gatehouse::NAME`. This page lists
them all with the severity they are reported with, a short wrong example and the fix.

* **error**: the document is wrong; `check` exits with 1 and `build` stops.
* **warning**: probably a mistake, or something gatehouse cannot vouch for; `check` exits
  with 1 only under `--deny-warnings`.

## Silencing warnings

A comment anywhere in a policy file silences the warnings it names, for that whole file:

```xml
<!-- gatehouse-disable missing-base, unreachable-policy -->
```

Codes may be written with or without the `gatehouse::` prefix, separated by commas or
spaces. Errors cannot be silenced.

## Index

";

/// Renders the whole page.
pub fn diagnostics_markdown() -> String {
    let mut out = String::from(INTRO);
    out.push_str("| Code | Severity | Meaning |\n|---|---|---|\n");
    for c in CODES {
        let _ = writeln!(
            out,
            "| [`{}`](#{}) | {} | {} |",
            c.code,
            anchor(c.code),
            c.severity.as_str(),
            c.summary
        );
    }
    out.push_str("\n## Codes\n");
    for c in CODES {
        entry(&mut out, c);
    }
    out
}

fn entry(out: &mut String, c: &CodeDoc) {
    let _ = write!(
        out,
        "\n<a id=\"{}\"></a>\n\n### `gatehouse::{}`\n\n**{}**: {}.\n\n",
        anchor(c.code),
        c.code,
        c.severity.as_str(),
        c.summary
    );
    if c.example.starts_with('<') || c.example.starts_with('@') {
        let _ = write!(out, "```xml\n{}\n```\n\n", c.example);
    } else {
        let _ = write!(out, "Example: {}\n\n", c.example);
    }
    let _ = writeln!(out, "Fix: {}", c.fix);
}
