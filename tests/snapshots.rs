//! insta snapshots of the feature corpus under `policies/features/`: the printed tree of
//! every valid document, the rendered diagnostics of every invalid one.

use crate::support::{relative, root, top_level_xml, xml_files};
use gatehouse_compiler::diagnostic::{render_human, Style};
use gatehouse_compiler::{check_bytes, check_bytes_as, CheckOptions, DocKind};
use gatehouse_grammar::syntax::{dump_document, print_document};

/// The document kind named by an optional second line `<!-- scope: api -->`; loose otherwise.
fn scope_line(bytes: &[u8]) -> DocKind {
    let text = String::from_utf8_lossy(bytes);
    text.lines()
        .nth(1)
        .and_then(|l| l.trim().strip_prefix("<!-- scope: "))
        .and_then(|l| l.strip_suffix(" -->"))
        .map(|name| DocKind::parse(name).unwrap_or_else(|| panic!("unknown scope `{name}`")))
        .unwrap_or(DocKind::Loose)
}

fn snapshot_name(rel: &str) -> String {
    rel.trim_end_matches(".xml").replace('/', "__")
}

#[test]
fn valid_features_print_their_trees() {
    let base = root().join("policies/features/valid");
    let files = xml_files(&base);
    assert!(
        files.len() >= 20,
        "expected a feature corpus, found {} files",
        files.len()
    );
    for path in files {
        let rel = relative(&path, &base);
        let report = check_bytes(
            &rel,
            std::fs::read(&path).expect("read"),
            &CheckOptions::default(),
        );
        // Policies gatehouse does not execute are warned about; nothing else may be.
        let found: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.code != "gatehouse::policy::not-executed")
            .cloned()
            .collect();
        let rendered = render_human(&found, Style::Plain);
        assert!(found.is_empty(), "{rel} should be clean:\n{rendered}");
        let doc = &report.parsed.document;
        let snapshot = format!(
            "{}\n---- printed ----\n{}",
            dump_document(doc),
            print_document(doc)
        );
        insta::with_settings!({ snapshot_path => "snapshots/valid", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(snapshot_name(&rel), snapshot);
        });
    }
}

#[test]
fn invalid_features_render_their_diagnostics() {
    let base = root().join("policies/invalid");
    let files = top_level_xml(&base);
    assert!(
        files.len() >= 15,
        "expected an invalid-feature corpus, found {} files",
        files.len()
    );
    for path in files {
        let rel = relative(&path, &base);
        let bytes = std::fs::read(&path).expect("read");
        let kind = scope_line(&bytes);
        // Lossy: some documents are deliberately not UTF-8 (`syntax::invalid-utf8`).
        let expected = String::from_utf8_lossy(&bytes).into_owned();
        let report = check_bytes_as(&rel, bytes, kind, &CheckOptions::default());
        assert!(!report.diagnostics.is_empty(), "{rel} should have findings");
        let code = expected
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("<!-- expect: "))
            .and_then(|l| l.strip_suffix(" -->"));
        let code =
            code.unwrap_or_else(|| panic!("{rel}: first line must be `<!-- expect: CODE -->`"));
        assert!(
            report.diagnostics.iter().any(|d| d.code == code),
            "{rel}: expected {code}"
        );
        insta::with_settings!({ snapshot_path => "snapshots/invalid", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(snapshot_name(&rel), render_human(&report.diagnostics, Style::Plain));
        });
    }
}
