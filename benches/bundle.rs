//! Loading (decoding and verifying) a program bundle, per 1,000 operations.
//!
//! `bundle/load_generated_1000_operations` builds the project of
//! `gatehouse_compiler::project::generate_large_project` (100 APIs × 10 operations) and loads
//! its bundle. A second program is built by hand, heavier in expressions: 20 APIs × 50 operations, each API with a shared inbound
//! block, each operation with its own policy (a header from an expression, a `choose` on a
//! condition, a variable, `forward-request`, an outbound header), every expression lowered
//! by the real compiler. `bundle/load_1000_operations` decodes and verifies it. The policy
//! XML the program stands for is generated alongside, and the bundle's size is printed
//! against it once.

#![allow(missing_docs)] // criterion_group! generates undocumented items

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use gatehouse_compiler::lower::lower_source;
use gatehouse_runtime::bundle::{decode_program, encode_program, DecodeLimits};
use gatehouse_runtime::program::Program;
use gatehouse_runtime::program::{
    Api, Arg, Block, Choose, CodeEntry, ExistsAction, ForwardRequest, HeaderOp, Loc, Op, OpKind,
    Operation, Pipeline, Scope, SetVariable,
};
use std::hint::black_box;

/// The same allocator as the `gatehouse` binary, so the figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const APIS: usize = 20;
const OPERATIONS: usize = 50;

/// Builds the program and the policy XML it stands for.
struct Builder {
    p: Program,
    xml: String,
}

impl Builder {
    fn s(&mut self, s: &str) -> u32 {
        if let Some(i) = self.p.strings.iter().position(|x| &**x == s) {
            return i as u32;
        }
        self.p.strings.push(s.into());
        (self.p.strings.len() - 1) as u32
    }

    fn loc(&mut self, file: u32, line: u32, scope: Scope, path: &str) -> u32 {
        let path = self.s(path);
        self.p.locs.push(Loc {
            file,
            line,
            column: 9,
            scope,
            path,
        });
        (self.p.locs.len() - 1) as u32
    }

    fn code(&mut self, expr: &str, loc: u32) -> u32 {
        let (code, _) = lower_source(expr, &|_| None).expect("the bench expressions lower");
        self.p.codes.push(CodeEntry { code, loc });
        (self.p.codes.len() - 1) as u32
    }

    fn block(&mut self, ops: Vec<Op>) -> u32 {
        self.p.blocks.push(Block { ops });
        (self.p.blocks.len() - 1) as u32
    }

    fn header(&mut self, name: &str, value: Arg) -> OpKind {
        let name = Arg::Lit(self.s(name));
        OpKind::SetHeader(HeaderOp {
            name,
            action: ExistsAction::Override,
            values: vec![value],
        })
    }

    fn api_block(&mut self, a: usize, file: u32) -> u32 {
        let cond = "@(context.Request.Headers.GetValueOrDefault(\"Authorization\", \"\").StartsWith(\"Bearer \"))";
        self.xml.push_str(&format!(
            "<policies>\n    <inbound>\n        <base />\n        <set-header name=\"x-api\" exists-action=\"override\">\n            <value>api-{a}</value>\n        </set-header>\n        <choose>\n            <when condition=\"{cond}\">\n                <set-variable name=\"authorized\" value=\"yes\" />\n            </when>\n        </choose>\n    </inbound>\n    <backend>\n        <base />\n    </backend>\n    <outbound>\n        <base />\n    </outbound>\n    <on-error>\n        <base />\n    </on-error>\n</policies>\n"
        ));
        let l = self.loc(file, 4, Scope::Api, "inbound/set-header[1]");
        let value = Arg::Lit(self.s(&format!("api-{a}")));
        let h = self.header("x-api", value);
        let l2 = self.loc(file, 7, Scope::Api, "inbound/choose[1]");
        let c = self.code(cond, l2);
        let l3 = self.loc(
            file,
            8,
            Scope::Api,
            "inbound/choose[1]/when[1]/set-variable[1]",
        );
        let name = self.s("authorized");
        let yes = Arg::Lit(self.s("yes"));
        let then = self.block(vec![Op {
            kind: OpKind::SetVariable(SetVariable { name, value: yes }),
            loc: l3,
        }]);
        let choose = OpKind::Choose(Choose {
            branches: vec![(c, then)],
            otherwise: None,
        });
        self.block(vec![
            Op { kind: h, loc: l },
            Op {
                kind: choose,
                loc: l2,
            },
        ])
    }

    fn operation(&mut self, a: usize, o: usize, shared: u32, empty: u32) -> Operation {
        let file_name = format!("apis/api-{a}/operations/op-{o}/policy.xml");
        let file = self.p.files.len() as u32;
        self.p.files.push(file_name.into());
        let hdr = format!("@(context.Request.Headers.GetValueOrDefault(\"x-request-id\", Guid.NewGuid().ToString()) + \"-{o}\")");
        let cond =
            format!("@(context.Request.Url.Query.GetValueOrDefault(\"mode\", \"\") == \"m{o}\")");
        let var = format!("@((int)context.Request.MatchedParameters.GetValueOrDefault(\"id\", \"0\").Length + {o})");
        self.xml.push_str(&format!(
            "<policies>\n    <inbound>\n        <base />\n        <set-header name=\"x-correlation\" exists-action=\"override\">\n            <value>{hdr}</value>\n        </set-header>\n        <choose>\n            <when condition=\"{cond}\">\n                <set-variable name=\"size\" value=\"{var}\" />\n            </when>\n        </choose>\n    </inbound>\n    <backend>\n        <forward-request timeout=\"30\" />\n    </backend>\n    <outbound>\n        <base />\n        <set-header name=\"x-op\" exists-action=\"override\">\n            <value>op-{o}</value>\n        </set-header>\n    </outbound>\n    <on-error>\n        <base />\n    </on-error>\n</policies>\n"
        ));
        let l1 = self.loc(file, 4, Scope::Operation, "inbound/set-header[1]");
        let c1 = self.code(&hdr, l1);
        let h1 = self.header("x-correlation", Arg::Expr(c1));
        let l2 = self.loc(file, 7, Scope::Operation, "inbound/choose[1]");
        let c2 = self.code(&cond, l2);
        let l3 = self.loc(
            file,
            8,
            Scope::Operation,
            "inbound/choose[1]/when[1]/set-variable[1]",
        );
        let c3 = self.code(&var, l3);
        let name = self.s("size");
        let then = self.block(vec![Op {
            kind: OpKind::SetVariable(SetVariable {
                name,
                value: Arg::Expr(c3),
            }),
            loc: l3,
        }]);
        let l0 = self.loc(file, 3, Scope::Operation, "inbound/base[1]");
        let inbound = self.block(vec![
            Op {
                kind: OpKind::Call(shared),
                loc: l0,
            },
            Op { kind: h1, loc: l1 },
            Op {
                kind: OpKind::Choose(Choose {
                    branches: vec![(c2, then)],
                    otherwise: None,
                }),
                loc: l2,
            },
        ]);
        let l4 = self.loc(file, 13, Scope::Operation, "backend/forward-request[1]");
        let forward = OpKind::ForwardRequest(ForwardRequest {
            timeout_ms: 30_000,
            ..ForwardRequest::default()
        });
        let backend = self.block(vec![Op {
            kind: forward,
            loc: l4,
        }]);
        let l5 = self.loc(file, 17, Scope::Operation, "outbound/set-header[1]");
        let value = Arg::Lit(self.s(&format!("op-{o}")));
        let h2 = self.header("x-op", value);
        let outbound = self.block(vec![Op { kind: h2, loc: l5 }]);
        self.p.pipelines.push(Pipeline {
            sections: [inbound, backend, outbound, empty],
        });
        Operation {
            name: self.s(&format!("op-{o}")),
            display_name: self.s(&format!("Operation {o}")),
            method: self.s("GET"),
            template: self.s(&format!("/items-{o}/{{id}}")),
            pipelines: vec![(u32::MAX, (self.p.pipelines.len() - 1) as u32)],
            examples: vec![],
            contract: Default::default(),
        }
    }
}

/// 20 APIs × 50 operations and the policy XML they stand for.
fn program() -> (Program, String) {
    let mut b = Builder {
        p: Program::default(),
        xml: String::new(),
    };
    let empty = b.block(vec![]);
    for a in 0..APIS {
        let file = b.p.files.len() as u32;
        b.p.files.push(format!("apis/api-{a}/policy.xml").into());
        let shared = b.api_block(a, file);
        let operations = (0..OPERATIONS)
            .map(|o| b.operation(a, o, shared, empty))
            .collect();
        let api = Api {
            name: b.s(&format!("api-{a}")),
            display_name: b.s(&format!("API {a}")),
            path: b.s(&format!("api-{a}")),
            hosts: vec![],
            service_url: Some(b.s("https://backend.example.com")),
            subscription_required: true,
            key_header: b.s("Ocp-Apim-Subscription-Key"),
            key_query: b.s("subscription-key"),
            revision: b.s("1"),
            is_current: true,
            version: None,
            versioning: None,
            operations,
        };
        b.p.apis.push(api);
    }
    (b.p, b.xml)
}

fn bench(c: &mut Criterion) {
    let (p, xml) = program();
    let bytes = encode_program(&p);
    let limits = DecodeLimits::default();
    assert_eq!(decode_program(&bytes, &limits).expect("valid"), p);
    eprintln!(
        "bundle: {} operations, {} codes: {} bytes; policy XML {} bytes; ratio {:.2}",
        APIS * OPERATIONS,
        p.codes.len(),
        bytes.len(),
        xml.len(),
        bytes.len() as f64 / xml.len() as f64
    );
    cpu_time_per_load(&bytes, &limits);
    let mut group = c.benchmark_group("bundle");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("load_handbuilt_1000_operations", |b| {
        b.iter(|| decode_program(black_box(&bytes), &limits).map(|p| p.blocks.len()))
    });
    group.bench_function("encode_handbuilt_1000_operations", |b| {
        b.iter(|| encode_program(black_box(&p)).len())
    });
    let generated = generated();
    group.throughput(Throughput::Bytes(generated.len() as u64));
    group.bench_function("load_generated_1000_operations", |b| {
        b.iter(|| decode_program(black_box(&generated), &limits).map(|p| p.blocks.len()))
    });
    group.finish();
}

/// The bundle of the generated project of 100 APIs × 10 operations.
fn generated() -> Vec<u8> {
    let dir = std::env::temp_dir().join(format!("gatehouse-bench-bundle-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    gatehouse_compiler::project::generate_large_project(&dir, 100, 10)
        .expect("generate the project");
    let report = gatehouse_compiler::build_project(&dir, &Default::default());
    let p = report.program.expect("the generated project builds");
    let operations: usize = p.apis.iter().map(|a| a.operations.len()).sum();
    assert_eq!(operations, 1000);
    let bytes = encode_program(&p);
    let xml: u64 = gatehouse_compiler::files::policy_files(&dir)
        .expect("the generated files")
        .iter()
        .map(|f| std::fs::metadata(f).map_or(0, |m| m.len()))
        .sum();
    eprintln!(
        "bundle (generated): {operations} operations, {} codes: {} bytes; policy XML {xml} bytes; ratio {:.2}",
        p.codes.len(),
        bytes.len(),
        bytes.len() as f64 / xml as f64
    );
    cpu_time_per_load(&bytes, &DecodeLimits::default());
    let _ = std::fs::remove_dir_all(&dir);
    bytes
}

/// This thread's time on a CPU so far (Linux), so the figure can be told apart from time
/// spent waiting for a core on a busy machine.
fn thread_cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

/// Prints wall and on-CPU time of one load, averaged over 200.
fn cpu_time_per_load(bytes: &[u8], limits: &DecodeLimits) {
    let (wall, cpu) = (std::time::Instant::now(), thread_cpu_ns());
    for _ in 0..200 {
        black_box(decode_program(black_box(bytes), limits).map(|p| p.blocks.len())).ok();
    }
    let wall = wall.elapsed().as_secs_f64() * 1e3 / 200.0;
    match (cpu, thread_cpu_ns()) {
        (Some(a), Some(b)) => eprintln!(
            "bundle: load {wall:.3} ms wall, {:.3} ms on CPU, per 1,000 operations",
            (b - a) as f64 / 1e6 / 200.0
        ),
        _ => eprintln!("bundle: load {wall:.3} ms wall per 1,000 operations"),
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
