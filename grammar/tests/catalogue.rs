//! The catalogue against the outside world: `docs/policies.md` is generated from it.
//!
//! (Coverage of the real corpus is tested end to end in the root package's
//! `tests/corpus.rs`, through the scanner and the catalogue checks.)

use gatehouse_grammar::catalogue::catalogue;
use std::path::Path;

#[test]
fn support_matrix_is_up_to_date() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/policies.md");
    let expected = catalogue().support_matrix_markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &expected).expect("write docs/policies.md");
        return;
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/policies.md is stale; regenerate with UPDATE_DOCS=1 cargo test -p gatehouse-grammar --test catalogue"
    );
}
