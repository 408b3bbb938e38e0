//! The real-world corpus: every non-defective file is accepted, every defect is located.

use crate::support::{corpus_dir, relative, xml_files};
use gatehouse_compiler::{check_bytes, CheckOptions, Diagnostic, FileReport, Severity};
use gatehouse_grammar::syntax::{dump_document, parse_document, print_document, Document};
use gatehouse_grammar::Limits;

/// A known upstream defect: files whose path contains `path`, rejected with `code` on the
/// line containing `needle`, with help mentioning `help`.
struct Defect {
    path: &'static str,
    needle: &'static str,
    code: &'static str,
    help: &'static str,
}

const DEFECTS: &[Defect] = &[
    Defect {
        path: "aca-backend-pool-load-balancing-with-retry-tracked.xml",
        needle: "['updatedRetryEpoch']",
        code: "gatehouse::syntax::invalid-char-literal",
        help: "\"",
    },
    Defect {
        path: "Sample of  X-CSRF solution pattern.xml",
        needle: "<rewrite-uri",
        code: "gatehouse::snippet",
        help: "<policies>",
    },
    Defect {
        path: "InvokeDarpBindingTests/",
        needle: "invoke-darp-binding",
        code: "gatehouse::unknown-policy",
        help: "invoke-dapr-binding",
    },
    Defect {
        path: "PublishToDarpTests/",
        needle: "publish-to-darp",
        code: "gatehouse::unknown-policy",
        help: "publish-to-dapr",
    },
    Defect {
        path: "InlinePolicyTests/001.xml",
        needle: "<any-xml",
        code: "gatehouse::unknown-policy",
        help: "docs/policies.md",
    },
    Defect {
        path: "ValidateStatusCodeTests/003.xml",
        needle: "error-variable-name",
        code: "gatehouse::unknown-attribute",
        help: "errors-variable-name",
    },
];

/// Files APIM's documentation says are wrong but which come from Microsoft's own samples
/// or policy toolkit: unrendered placeholders, enum values the docs do not list, sections
/// the docs do not list, `<base/>` nested in `choose`. gatehouse warns (the file is still
/// accepted: no error), on the line at fault.
const SUSPECTS: &[Defect] = &[
    // An unrendered template placeholder: `retry count` must be an integer.
    Defect {
        path: "inference-api-policy-with-retry-tracked.xml",
        needle: "RETRY_COUNT",
        code: "gatehouse::invalid-attribute-value",
        help: "from 1 to 50",
    },
    // `status-code action` is `ignore`, `prevent` or `detect`; `allow` is not an APIM value.
    Defect {
        path: "ValidateStatusCodeTests/004.xml",
        needle: r#"action="allow""#,
        code: "gatehouse::invalid-attribute-value",
        help: "`ignore`",
    },
    Defect {
        path: "ValidateStatusCodeTests/005.xml",
        needle: r#"action="allow""#,
        code: "gatehouse::invalid-attribute-value",
        help: "`ignore`",
    },
    // Toolkit test placeholders: category names and output types are fixed enums in APIM.
    Defect {
        path: "LlmContentSafetyTests/004.xml",
        needle: "category1",
        code: "gatehouse::invalid-attribute-value",
        help: "`Hate`",
    },
    Defect {
        path: "LlmContentSafetyTests/006.xml",
        needle: "category1",
        code: "gatehouse::invalid-attribute-value",
        help: "`Hate`",
    },
    Defect {
        path: "LlmContentSafetyTests/007.xml",
        needle: "category1",
        code: "gatehouse::invalid-attribute-value",
        help: "`Hate`",
    },
    Defect {
        path: "LlmContentSafetyTests/008.xml",
        needle: "outputType",
        code: "gatehouse::invalid-attribute-value",
        help: "`FourSeverityLevels`",
    },
    Defect {
        path: "LlmContentSafetyTests/010.xml",
        needle: "category1",
        code: "gatehouse::invalid-attribute-value",
        help: "`Hate`",
    },
    // Toolkit test placeholder: a proxy URL must be absolute (`http://host:port`).
    Defect {
        path: "ProxyTests/001.xml",
        needle: "proxy.example",
        code: "gatehouse::invalid-attribute-value",
        help: "https://proxy.example",
    },
    Defect {
        path: "SendOneWayRequestTests/013.xml",
        needle: "proxy.example",
        code: "gatehouse::invalid-attribute-value",
        help: "https://proxy.example",
    },
    Defect {
        path: "SendRequestTests/015.xml",
        needle: "proxy.example",
        code: "gatehouse::invalid-attribute-value",
        help: "https://proxy.example",
    },
    // `<base/>` is replaced by the parent's section; it belongs directly in a section, not in `choose` branches.
    Defect {
        path: "ChooseTests/001.xml",
        needle: "<base",
        code: "gatehouse::nested-base",
        help: "direct child",
    },
    Defect {
        path: "ChooseTests/002.xml",
        needle: "<base",
        code: "gatehouse::nested-base",
        help: "direct child",
    },
    Defect {
        path: "ChooseTests/003.xml",
        needle: "<base",
        code: "gatehouse::nested-base",
        help: "direct child",
    },
    // Toolkit tests that place a policy in every section; the docs allow fewer sections.
    Defect {
        path: "AuthenticatiionManagedIdentityTests/001.xml",
        needle: "authentication-managed-identity",
        code: "gatehouse::policy-section-undocumented",
        help: "`<inbound>`",
    },
    Defect {
        path: "JsonToXmlTests/001.xml",
        needle: "<json-to-xml",
        code: "gatehouse::policy-section-undocumented",
        help: "the docs allow it only in",
    },
    Defect {
        path: "SetBackendServiceTests/001.xml",
        needle: "<set-backend-service",
        code: "gatehouse::policy-section-undocumented",
        help: "the docs allow it only in",
    },
    Defect {
        path: "SetMethodTests/001.xml",
        needle: "<set-method",
        code: "gatehouse::policy-section-undocumented",
        help: "the docs allow it only in",
    },
    Defect {
        path: "WaitTests/001.xml",
        needle: "<wait",
        code: "gatehouse::policy-section-undocumented",
        help: "the docs allow it only in",
    },
    Defect {
        path: "XmlToJsonTests/001.xml",
        needle: "<xml-to-json",
        code: "gatehouse::policy-section-undocumented",
        help: "the docs allow it only in",
    },
    Defect {
        path: "XslTransformTests/001.xml",
        needle: "<xsl-transform",
        code: "gatehouse::policy-section-undocumented",
        help: "the docs allow it only in",
    },
];

fn check(path: &std::path::Path) -> FileReport {
    let bytes = std::fs::read(path).expect("corpus file");
    check_bytes(&path.display().to_string(), bytes, &CheckOptions::default())
}

fn errors(report: &FileReport) -> Vec<&Diagnostic> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect()
}

#[test]
fn corpus_has_all_files() {
    assert_eq!(
        xml_files(&corpus_dir()).len(),
        415,
        "the corpus README promises 415 documents"
    );
}

#[test]
fn every_non_defective_file_is_accepted() {
    let base = corpus_dir();
    let mut failures = Vec::new();
    for path in xml_files(&base) {
        let rel = relative(&path, &base);
        if DEFECTS.iter().any(|d| rel.contains(d.path)) {
            continue;
        }
        let report = check(&path);
        for d in errors(&report) {
            let at = d.file.line_col(d.span.start as usize);
            failures.push(format!(
                "{rel}:{}:{}: {} {}",
                at.line, at.column, d.code, d.message
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} errors:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Asserts that every file matching an entry of `list` gets a diagnostic of `severity`
/// with the entry's code and help, on the line containing its needle; returns how many
/// files matched.
fn assert_located(list: &[Defect], severity: Severity) -> usize {
    let base = corpus_dir();
    let mut seen = 0;
    for path in xml_files(&base) {
        let rel = relative(&path, &base);
        let Some(defect) = list.iter().find(|d| rel.contains(d.path)) else {
            continue;
        };
        seen += 1;
        let report = check(&path);
        let text = &report.file.text;
        let found = report
            .diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .any(|d| {
                let line = d.file.line_col(d.span.start as usize).line;
                let line_text = text.lines().nth(line - 1).unwrap_or("");
                d.code == defect.code
                    && line_text.contains(defect.needle)
                    && d.help.as_deref().is_some_and(|h| h.contains(defect.help))
            });
        let got: Vec<String> = report
            .diagnostics
            .iter()
            .map(|d| format!("{:?} {} {} {:?}", d.severity, d.code, d.message, d.help))
            .collect();
        assert!(
            found,
            "{rel}: expected {:?} {} on the line with `{}`; got {got:#?}",
            severity, defect.code, defect.needle
        );
    }
    seen
}

#[test]
fn every_defect_is_rejected_on_its_line() {
    let seen = assert_located(DEFECTS, Severity::Error);
    assert_eq!(
        seen, 18,
        "the defective files of the corpus README, plus InlinePolicyTests/001.xml"
    );
}

#[test]
fn every_suspect_is_warned_on_its_line() {
    let seen = assert_located(SUSPECTS, Severity::Warning);
    assert_eq!(seen, SUSPECTS.len(), "each suspect entry names one file");
}

/// Every expression region in the tree, with whether it parsed.
fn expressions(doc: &Document) -> Vec<(String, bool)> {
    doc.expressions()
        .into_iter()
        .map(|e| (e.code.to_string(), e.syntax.is_some()))
        .collect()
}

#[test]
fn every_expression_parses_into_a_tree() {
    let base = corpus_dir();
    let (mut total, mut unparsed) = (0, Vec::new());
    for path in xml_files(&base) {
        let rel = relative(&path, &base);
        if rel.contains(DEFECTS[0].path) {
            continue;
        }
        let report = check(&path);
        for (code, parsed) in expressions(&report.parsed.document) {
            total += 1;
            if !parsed {
                unparsed.push(format!(
                    "{rel}: {}",
                    code.chars().take(80).collect::<String>()
                ));
            }
        }
    }
    // grep finds 701 `@(` and 120 `@{` in the corpus; 16 of them sit in XML comments and
    // 6 inside other expressions' string literals, which leaves 799 regions.
    assert_eq!(total, 799, "expression regions found in the corpus");
    assert!(
        unparsed.is_empty(),
        "{} unparsed:\n{}",
        unparsed.len(),
        unparsed.join("\n")
    );
}

#[test]
fn every_file_round_trips_through_the_printer() {
    let base = corpus_dir();
    let limits = Limits::default();
    let mut failures = Vec::new();
    for path in xml_files(&base) {
        let rel = relative(&path, &base);
        let text = std::fs::read_to_string(&path).expect("utf-8 corpus file");
        let first = parse_document(&text, &limits);
        let printed = print_document(&first.document);
        let second = parse_document(&printed, &limits);
        if dump_document(&first.document) != dump_document(&second.document) {
            failures.push(format!("{rel}: tree differs after printing"));
        }
        if first.errors.is_empty() && !second.errors.is_empty() {
            failures.push(format!(
                "{rel}: printed form has errors: {:?}",
                second.errors
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
