//! Catalogue tests against the outside world: the real policy corpus and `docs/policies.md`.

use std::path::{Path, PathBuf};

use gatehouse_grammar::catalogue::{catalogue, ChildKind, Content, ElementSpec, COMMON_ATTRIBUTES};

/// Known upstream element slips: `(wrong, documented)`.
const ELEMENT_SLIPS: &[(&str, &str)] = &[
    ("invoke-darp-binding", "invoke-dapr-binding"),
    ("publish-to-darp", "publish-to-dapr"),
];
/// Known upstream attribute slips: `(element, wrong, documented)`.
const ATTRIBUTE_SLIPS: &[(&str, &str, &str)] = &[
    ("publish-to-dapr", "pub-sub-name", "pubsub-name"),
    (
        "validate-status-code",
        "error-variable-name",
        "errors-variable-name",
    ),
];
/// `<any-xml/>` is a placeholder in the toolkit's InlinePolicy tests (arbitrary XML passed
/// through verbatim), not a policy; APIM rejects it like any unknown element.
const PLACEHOLDER_ELEMENTS: &[(&str, &str)] = &[("any-xml", "InlinePolicyTests")];

// ---------------------------------------------------------------------------------------
// A small masked scanner: enough XML to find element and attribute names in documents
// whose expressions are not XML-escaped.

/// Replaces `@(…)`/`@{…}` regions, comments, CDATA and processing instructions with spaces.
fn mask(src: &str) -> Vec<u8> {
    let b = src.as_bytes();
    let mut out = b.to_vec();
    let mut i = 0;
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for c in &mut out[from..to] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    };
    while i < b.len() {
        let rest = &b[i..];
        let skip_to = |pat: &[u8]| find(&b[i..], pat).map_or(b.len(), |p| i + p + pat.len());
        if rest.starts_with(b"<!--") {
            let end = skip_to(b"-->");
            blank(&mut out, i, end);
            i = end;
        } else if rest.starts_with(b"<![CDATA[") {
            let end = skip_to(b"]]>");
            blank(&mut out, i, end);
            i = end;
        } else if rest.starts_with(b"<?") || rest.starts_with(b"<!") {
            let end = skip_to(b">");
            blank(&mut out, i, end);
            i = end;
        } else if rest.starts_with(b"@(") || rest.starts_with(b"@{") {
            let close = if rest[1] == b'(' { b')' } else { b'}' };
            let end = skip_code(b, i + 2, close);
            blank(&mut out, i, end);
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Skips C# code up to and including the bracket `close` that balances the opening one
/// just before `i`. Aware of string, verbatim, interpolated and char literals and comments.
fn skip_code(b: &[u8], mut i: usize, close: u8) -> usize {
    let mut stack = vec![close];
    while i < b.len() {
        let c = b[i];
        match c {
            b'(' => stack.push(b')'),
            b'{' => stack.push(b'}'),
            b'[' => stack.push(b']'),
            b')' | b'}' | b']' => {
                if stack.last() == Some(&c) {
                    stack.pop();
                }
                if stack.is_empty() {
                    return i + 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = find(&b[i + 2..], b"*/").map_or(b.len(), |p| i + 2 + p + 2);
                continue;
            }
            b'\'' => {
                i += 1;
                while i < b.len() && b[i] != b'\'' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'"' | b'$' | b'@' => {
                // String prefixes: "", @"", $"", $@"", @$"".
                let mut j = i;
                let mut verbatim = false;
                let mut interpolated = false;
                while j < b.len() && (b[j] == b'$' || b[j] == b'@') {
                    verbatim |= b[j] == b'@';
                    interpolated |= b[j] == b'$';
                    j += 1;
                }
                if b.get(j) == Some(&b'"') {
                    i = skip_string(b, j + 1, verbatim, interpolated);
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    b.len()
}

/// Skips a string body starting after the opening quote; returns the index after the close.
fn skip_string(b: &[u8], mut i: usize, verbatim: bool, interpolated: bool) -> usize {
    while i < b.len() {
        match b[i] {
            b'\\' if !verbatim => i += 2,
            b'"' if verbatim && b.get(i + 1) == Some(&b'"') => i += 2,
            b'"' => return i + 1,
            b'{' if interpolated && b.get(i + 1) == Some(&b'{') => i += 2,
            b'{' if interpolated => i = skip_code(b, i + 1, b'}'),
            _ => i += 1,
        }
    }
    b.len()
}

#[derive(Debug)]
enum Tag {
    Open {
        name: String,
        attrs: Vec<String>,
        self_closing: bool,
    },
    Close(String),
}

/// Tags of a masked document, in order.
fn tags(masked: &[u8]) -> Vec<Tag> {
    let s = String::from_utf8_lossy(masked);
    let b = s.as_bytes();
    let is_name = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b':' | b'.');
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        let closing = b.get(i + 1) == Some(&b'/');
        let mut j = i + 1 + usize::from(closing);
        let start = j;
        while j < b.len() && is_name(b[j]) {
            j += 1;
        }
        if j == start || !b[start].is_ascii_alphabetic() {
            i += 1; // a stray `<` in text
            continue;
        }
        let name = s[start..j].to_owned();
        let mut attrs = Vec::new();
        let mut self_closing = false;
        loop {
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            match b.get(j) {
                None => break,
                Some(b'>') => {
                    j += 1;
                    break;
                }
                Some(b'/') => {
                    self_closing = true;
                    j += 1;
                }
                Some(_) => {
                    let a = j;
                    while j < b.len() && !b[j].is_ascii_whitespace() && !b"=/>".contains(&b[j]) {
                        j += 1;
                    }
                    attrs.push(s[a..j].to_owned());
                    while j < b.len() && b[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    if b.get(j) == Some(&b'=') {
                        j += 1;
                        while j < b.len() && b[j].is_ascii_whitespace() {
                            j += 1;
                        }
                        match b.get(j) {
                            Some(&q @ (b'"' | b'\'')) => {
                                j = find(&b[j + 1..], &[q]).map_or(b.len(), |p| j + 1 + p + 1);
                            }
                            _ => {
                                while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                                    j += 1;
                                }
                            }
                        }
                    }
                    if j == a {
                        j += 1;
                    }
                }
            }
        }
        out.push(if closing {
            Tag::Close(name)
        } else {
            Tag::Open {
                name,
                attrs,
                self_closing,
            }
        });
        i = j;
    }
    out
}

// ---------------------------------------------------------------------------------------
// Tree-aware coverage walk.

#[derive(Clone, Copy)]
enum Frame<'c> {
    /// Top of the document: `policies`, `fragment` (or, in defective files, statements).
    Root,
    /// Policy statements allowed here.
    Statements,
    /// Inside a catalogued element.
    Element {
        spec: &'c ElementSpec,
        is_policy: bool,
    },
    /// Opaque content (any-xml, or below an unknown element).
    Opaque,
}

#[derive(Default)]
struct Report {
    files: usize,
    elements: usize,
    unknown: Vec<String>,
    slips_seen: Vec<String>,
}

fn resolve_statement(name: &str) -> Option<Frame<'static>> {
    let cat = catalogue();
    if let Some(p) = cat.policy(name) {
        return Some(Frame::Element {
            spec: &p.element,
            is_policy: true,
        });
    }
    if name == "base" {
        return cat.structural(name).map(|s| Frame::Element {
            spec: &s.element,
            is_policy: false,
        });
    }
    None
}

fn enter(frame: Frame<'static>, name: &str) -> Option<Frame<'static>> {
    let cat = catalogue();
    match frame {
        Frame::Opaque => Some(Frame::Opaque),
        Frame::Root => match name {
            "policies" | "fragment" => cat.structural(name).map(|s| Frame::Element {
                spec: &s.element,
                is_policy: false,
            }),
            _ => resolve_statement(name),
        },
        Frame::Statements => resolve_statement(name),
        Frame::Element { spec, .. } => match &spec.child(name)?.kind {
            ChildKind::Element(e) => Some(Frame::Element {
                spec: e,
                is_policy: false,
            }),
            ChildKind::Policy(p) => cat.policy(p).map(|p| Frame::Element {
                spec: &p.element,
                is_policy: true,
            }),
        },
    }
}

/// The frame describing the *content* of an element.
fn content_frame(frame: Frame<'static>) -> Frame<'static> {
    match frame {
        Frame::Element { spec, .. } => match spec.content {
            Content::Policies => Frame::Statements,
            Content::AnyXml => Frame::Opaque,
            Content::Empty | Content::Text { .. } | Content::Elements | Content::ElementsOrText { .. } => frame,
        },
        other => other,
    }
}

fn walk(path: &Path, report: &mut Report) {
    let cat = catalogue();
    let text = std::fs::read_to_string(path).expect("corpus file is UTF-8");
    let rel = path.display().to_string();
    let mut stack: Vec<(String, Frame<'static>)> = vec![(String::new(), Frame::Root)];
    for tag in tags(&mask(text.trim_start_matches('\u{feff}'))) {
        match tag {
            Tag::Close(name) => {
                if let Some(pos) = stack.iter().rposition(|(n, _)| *n == name) {
                    if pos > 0 {
                        stack.truncate(pos);
                    }
                }
            }
            Tag::Open {
                name,
                attrs,
                self_closing,
            } => {
                let parent = stack.last().map_or(Frame::Root, |(_, f)| *f);
                let parent_name = stack.last().map(|(n, _)| n.clone()).unwrap_or_default();
                if matches!(parent, Frame::Opaque) {
                    if !self_closing {
                        stack.push((name, Frame::Opaque));
                    }
                    continue;
                }
                report.elements += 1;
                let frame = match enter(parent, &name) {
                    Some(f) => f,
                    None => {
                        if let Some((_, right)) = ELEMENT_SLIPS.iter().find(|(w, _)| *w == name) {
                            assert_eq!(cat.suggest_policy(&name), Some(*right), "{rel}");
                            report.slips_seen.push(name.clone());
                            resolve_statement(right).expect("slip target is catalogued")
                        } else if PLACEHOLDER_ELEMENTS
                            .iter()
                            .any(|(n, file)| *n == name && rel.contains(file))
                        {
                            report.slips_seen.push(name.clone());
                            Frame::Opaque
                        } else {
                            report
                                .unknown
                                .push(format!("{rel}: <{name}> in <{parent_name}>"));
                            Frame::Opaque
                        }
                    }
                };
                if let Frame::Element { spec, is_policy } = frame {
                    for a in &attrs {
                        let known = spec.attribute(a).is_some()
                            || spec.any_attributes
                            || (is_policy && COMMON_ATTRIBUTES.contains(&a.as_str()));
                        if known {
                            continue;
                        }
                        if let Some((_, _, right)) = ATTRIBUTE_SLIPS
                            .iter()
                            .find(|(e, w, _)| *e == spec.name && w == a)
                        {
                            assert_eq!(spec.suggest_attribute(a), Some(*right), "{rel}");
                            report.slips_seen.push(format!("{}@{a}", spec.name));
                        } else {
                            report.unknown.push(format!("{rel}: <{name} {a}=…>"));
                        }
                    }
                }
                if !self_closing {
                    stack.push((name, content_frame(frame)));
                }
            }
        }
    }
    report.files += 1;
}

fn xml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).expect("corpus directory is readable");
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            xml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "xml") {
            out.push(path);
        }
    }
}

#[test]
fn corpus_elements_and_attributes_are_catalogued() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/real");
    if !root.is_dir() {
        eprintln!("corpus not found at {}; skipping", root.display());
        return;
    }
    let mut files = Vec::new();
    xml_files(&root, &mut files);
    files.sort();
    let mut report = Report::default();
    for f in &files {
        walk(f, &mut report);
    }
    assert_eq!(report.files, 415, "corpus size changed");
    assert!(
        report.elements > 4000,
        "scanner found only {} elements",
        report.elements
    );
    assert!(
        report.unknown.is_empty(),
        "{} unknown names:\n{}",
        report.unknown.len(),
        report.unknown.join("\n")
    );
    for expected in [
        "invoke-darp-binding",
        "publish-to-darp",
        "publish-to-dapr@pub-sub-name",
        "validate-status-code@error-variable-name",
        "any-xml",
    ] {
        assert!(
            report.slips_seen.iter().any(|s| s == expected),
            "slip {expected} not seen"
        );
    }
}

#[test]
fn masking_handles_expressions() {
    let doc = r#"<when condition="@(h.ContainsKey("a") && x < 3)"><set-body>@{ var s = $"{d["k"]}</x>"; return s.As<JObject>(); }</set-body><!-- <bogus/> --></when>"#;
    let names: Vec<String> = tags(&mask(doc))
        .into_iter()
        .filter_map(|t| match t {
            Tag::Open { name, .. } => Some(name),
            Tag::Close(_) => None,
        })
        .collect();
    assert_eq!(names, ["when", "set-body"]);
}

#[test]
fn support_matrix_is_up_to_date() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/policies.md");
    let expected = catalogue().support_matrix_markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::create_dir_all(path.parent().expect("docs dir")).expect("create docs/");
        std::fs::write(&path, &expected).expect("write docs/policies.md");
        return;
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/policies.md is stale; regenerate with UPDATE_DOCS=1 cargo test -p gatehouse-grammar --test catalogue"
    );
}

#[test]
fn coverage_walk_reports_unknowns() {
    let doc = r#"<policies><inbound><set-headr name="x"/><set-header name="a" bogus="1"><value>v</value><valu/></set-header>
        <choose><when condition="@(x < 1)"><otherwise/></when></choose><set-body><anything at="all"/></set-body></inbound></policies>"#;
    let path = std::env::temp_dir().join(format!("gatehouse-catalogue-{}.xml", std::process::id()));
    std::fs::write(&path, doc).expect("write temp file");
    let mut report = Report::default();
    walk(&path, &mut report);
    std::fs::remove_file(&path).expect("remove temp file");
    let found: Vec<&str> = report
        .unknown
        .iter()
        .map(|u| u.rsplit(": ").next().unwrap_or(""))
        .collect();
    assert_eq!(
        found,
        [
            "<set-headr> in <inbound>",
            "<set-header bogus=…>",
            "<valu> in <set-header>",
            "<otherwise> in <when>"
        ]
    );
}
