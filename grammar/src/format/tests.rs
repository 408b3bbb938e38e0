//! `format_document`: idempotent and tree-preserving on every real document, and the
//! layout itself on a few small ones.

use super::format_document;
use crate::syntax::{dump_document, parse_document, Document, Node};
use crate::Limits;
use std::path::{Path, PathBuf};

fn xml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            xml_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "xml") {
            out.push(p);
        }
    }
}

/// Drops whitespace-only text, the one thing the layout may change.
fn strip_blank(nodes: &mut Vec<Node>) {
    nodes.retain(|n| !matches!(n, Node::Text(v) if v.is_blank()));
    for n in nodes {
        if let Node::Element(e) = n {
            strip_blank(&mut e.children);
        }
    }
}

fn tree(src: &str) -> String {
    let mut doc: Document = parse_document(src, &Limits::default()).document;
    strip_blank(&mut doc.nodes);
    dump_document(&doc)
}

/// Every expression region, comment and attribute value as written in the file.
fn written(src: &str) -> Vec<String> {
    let doc = parse_document(src, &Limits::default()).document;
    let mut out = Vec::new();
    collect_written(src, &doc.nodes, &mut out);
    out
}

fn collect_written(src: &str, nodes: &[Node], out: &mut Vec<String>) {
    for n in nodes {
        match n {
            Node::Element(e) => {
                for a in &e.attributes {
                    out.push(src[a.value.span.start as usize..a.value.span.end as usize].into());
                }
                collect_written(src, &e.children, out);
            }
            Node::Text(v) | Node::CData(v) => {
                if let Some(x) = v.expression() {
                    out.push(src[x.span.start as usize..x.span.end as usize].into());
                }
            }
            Node::Comment(c) | Node::ProcessingInstruction(c) => out.push(c.text.to_string()),
        }
    }
}

/// Checks one document; `false` when it has syntax errors (and so is refused).
fn check_document(path: &Path, src: &str) -> bool {
    let Ok(once) = format_document(src, &Limits::default()) else {
        return false;
    };
    let twice = format_document(&once, &Limits::default())
        .unwrap_or_else(|e| panic!("{}: formatted text does not parse: {e:?}", path.display()));
    assert_eq!(once, twice, "{}: not idempotent", path.display());
    assert_eq!(tree(src), tree(&once), "{}: tree changed", path.display());
    assert_eq!(
        written(src),
        written(&once),
        "{}: text changed",
        path.display()
    );
    true
}

fn check_all(dir: &Path) -> (usize, usize) {
    let mut files = Vec::new();
    xml_files(dir, &mut files);
    files.sort();
    let mut formatted = 0;
    for path in &files {
        let Ok(src) = std::fs::read_to_string(path) else {
            continue;
        };
        formatted += usize::from(check_document(path, &src));
    }
    (files.len(), formatted)
}

#[test]
fn idempotent_and_tree_preserving_on_the_real_corpus() {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/corpus/real"
    ));
    let (files, formatted) = check_all(&dir);
    assert!(
        files > 400,
        "the corpus at {} has {files} documents",
        dir.display()
    );
    // The few refused documents have syntax errors `check` reports.
    assert!(
        formatted * 10 >= files * 9,
        "only {formatted} of {files} formatted"
    );
}

#[test]
fn idempotent_and_tree_preserving_on_the_repository_policies() {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../policies"));
    let (files, formatted) = check_all(&dir);
    assert!(files > 100 && formatted > 50, "{formatted} of {files}");
}

fn fmt(src: &str) -> String {
    format_document(src, &Limits::default()).expect("formats")
}

#[test]
fn lays_out_sections_and_policies() {
    let src = r#"<?xml version="1.0"?>
<policies>
  <inbound><base/>
     <!-- route by header -->
  <choose><when condition='@(context.Request.Headers.GetValueOrDefault("x","") == "a" && true)'>
  <set-header   name="x"    exists-action="override"><value>@("a")</value></set-header></when></choose>
  </inbound>
  <backend>
  </backend>
  <outbound><set-body>{
  "raw": <b>kept</b>
}</set-body></outbound>
  <on-error></on-error>
</policies>"#;
    insta::assert_snapshot!(fmt(src));
}

#[test]
fn keeps_opaque_and_unknown_markup_as_written() {
    let src = "<policies><inbound><xsl-transform><xsl:stylesheet version=\"1.0\">\n<xsl:template match=\"/\"><a/></xsl:template>\n</xsl:stylesheet></xsl-transform>\n<my-policy><x>  <y/></x></my-policy><set-body><![CDATA[ <a> & ]]></set-body></inbound></policies>";
    insta::assert_snapshot!(fmt(src));
}

#[test]
fn keeps_multi_line_blocks_and_entities_byte_for_byte() {
    let src = "<policies>\n<inbound>\n<set-variable name=\"v\" value=\"@{\n  var a = &quot;x&quot;;\n        return a;\n}\" />\n</inbound>\n</policies>\n";
    let out = fmt(src);
    assert!(
        out.contains("value=\"@{\n  var a = &quot;x&quot;;\n        return a;\n}\""),
        "{out}"
    );
    insta::assert_snapshot!(out);
}

#[test]
fn refuses_documents_with_syntax_errors() {
    let result = format_document("<policies><inbound>", &Limits::default());
    assert!(result.is_err_and(|errors| !errors.is_empty()));
}
