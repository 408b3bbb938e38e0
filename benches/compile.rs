//! Front-end throughput over the real corpus, against raw quick-xml on the same bytes.
//!
//! `front_end/scan` reads the markup and finds expression regions;
//! `front_end/parse` scans and parses every document (markup and expressions);
//! `front_end/check` adds the catalogue checks; `quick_xml/masked` reads the same bytes with
//! quick-xml after every expression region is masked out (so the input is well-formed enough
//! for it). All three report bytes per second of the original corpus. `project/…` checks a
//! generated APIOps project of 200 APIs × 10 operations end to end.

#![allow(missing_docs)] // criterion_group! generates undocumented items

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use gatehouse_compiler::{check_bytes, CheckOptions};
use gatehouse_grammar::syntax::parse_document;
use gatehouse_grammar::Limits;
use std::hint::black_box;
use std::path::PathBuf;

/// The same allocator as the `gatehouse` binary, so the figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn corpus() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/real");
    let files =
        gatehouse_compiler::files::policy_files(&dir).expect("the corpus at ../shared/corpus/real");
    files
        .into_iter()
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read_to_string(&p).expect("utf-8"),
            )
        })
        .collect()
}

/// The document with every expression region's interior replaced by `_`.
fn masked(src: &str) -> Vec<u8> {
    let mut out = src.as_bytes().to_vec();
    for e in parse_document(src, &Limits::default())
        .document
        .expressions()
    {
        let r = e.span.range();
        out[r.start + 2..r.end - 1].fill(b'_');
    }
    out
}

fn quick_xml_events(bytes: &[u8]) -> usize {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut buf = Vec::new();
    let mut n = 0;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(quick_xml::events::Event::Eof) | Err(_) => return n,
            Ok(quick_xml::events::Event::Start(e)) | Ok(quick_xml::events::Event::Empty(e)) => {
                n += e.attributes().filter_map(Result::ok).count() + 1;
            }
            Ok(_) => n += 1,
        }
        buf.clear();
    }
}

fn bench(c: &mut Criterion) {
    let files = corpus();
    let total: usize = files.iter().map(|(_, s)| s.len()).sum();
    let limits = Limits::default();
    let options = CheckOptions::default();
    let masked: Vec<Vec<u8>> = files.iter().map(|(_, s)| masked(s)).collect();

    let mut group = c.benchmark_group("corpus");
    group.throughput(Throughput::Bytes(total as u64));
    group.bench_function("quick_xml/masked", |b| {
        b.iter(|| {
            masked
                .iter()
                .map(|m| quick_xml_events(black_box(m)))
                .sum::<usize>()
        })
    });
    group.bench_function("front_end/scan", |b| {
        b.iter(|| {
            files
                .iter()
                .map(|(_, s)| gatehouse_grammar::scan::scan(black_box(s), &limits).1.len())
                .sum::<usize>()
        })
    });
    group.bench_function("front_end/parse", |b| {
        b.iter(|| {
            files
                .iter()
                .map(|(_, s)| parse_document(black_box(s), &limits).errors.len())
                .sum::<usize>()
        })
    });
    group.bench_function("front_end/check", |b| {
        b.iter(|| {
            files
                .iter()
                .map(|(p, s)| {
                    check_bytes(p, black_box(s.as_bytes().to_vec()), &options)
                        .diagnostics
                        .len()
                })
                .sum::<usize>()
        })
    });
    group.finish();
}

/// `gatehouse check` on a generated APIOps project of 200 APIs × 10 operations: loading,
/// parsing, every check and every effective pipeline.
fn project(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("gatehouse-bench-project-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    gatehouse_compiler::project::generate_large_project(&dir, 200, 10)
        .expect("generate the project");
    let options = CheckOptions::default();
    let report = gatehouse_compiler::check_project(&dir, &options);
    assert_eq!(report.project.apis.len(), 200);
    let errors: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == gatehouse_compiler::Severity::Error)
        .collect();
    assert!(
        errors.is_empty(),
        "the generated project should check clean: {errors:?}"
    );
    let mut group = c.benchmark_group("project");
    group.sample_size(10);
    group.bench_function("check_200_apis_x_10_operations", |b| {
        b.iter(|| {
            gatehouse_compiler::check_project(black_box(&dir), &options)
                .diagnostics
                .len()
        })
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench, project);
criterion_main!(benches);
