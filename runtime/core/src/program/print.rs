//! `gatehouse explain`: a readable disassembly of a program — tables, pipelines, blocks.

use super::{Arg, BlockId, CodeId, Program, SECTION_NAMES};
mod tables;

use std::collections::BTreeSet;
use std::fmt::Write;

/// The program as text: the tables (subscriptions, backends and secrets by name only, never
/// a key or a secret value), each pipeline's four section blocks, then every block once
/// with its operations and their compiled expressions (string pool, then instructions).
/// Meant for built programs: secrets still read `{{name}}` until
/// [`Program::resolve_secrets`] runs, so explain a program before resolving it. `only` (API name, operation name)
/// limits the pipelines and blocks to that operation's.
pub fn explain(program: &Program, only: Option<(&str, &str)>) -> String {
    let mut out = String::new();
    let mut p = Printer {
        program,
        owners: vec![None; program.blocks.len()],
    };
    p.tables(&mut out);
    p.name_blocks();
    let mut roots = Vec::new();
    out.push_str("\npipelines:\n");
    for api in &program.apis {
        for op in &api.operations {
            let (a, o) = (program.str(api.name), program.str(op.name));
            if only.is_some_and(|(x, y)| x != a || y != o) {
                continue;
            }
            for &(product, id) in &op.pipelines {
                let Some(pipe) = program.pipelines.get(id as usize) else {
                    continue;
                };
                let via = p.product_name(product);
                let _ = write!(out, "  pipeline #{id} {a}/{o}{via}:");
                for (name, block) in SECTION_NAMES.iter().zip(pipe.sections) {
                    let _ = write!(out, " {name}=block {block}");
                    roots.push(block);
                }
                out.push('\n');
            }
        }
    }
    if let Some(pipe) = program
        .global
        .and_then(|g| program.pipelines.get(g as usize))
    {
        if only.is_none() {
            let _ = writeln!(
                out,
                "  global (no API or operation matched): on-error=block {}",
                pipe.sections[3]
            );
            roots.push(pipe.sections[3]);
        }
    }
    let blocks = match only {
        None => (0..program.blocks.len() as BlockId).collect(),
        Some(_) => p.reachable(&roots),
    };
    for id in blocks {
        p.block(&mut out, id);
    }
    out
}

/// The `explain` printer: the program and who owns each block; operations print
/// themselves through it ([`crate::program::OpData::print`]).
pub(crate) struct Printer<'p> {
    program: &'p Program,
    /// Per block, who owns it (`api orders`, `global`, …), from the first pipeline
    /// reaching it.
    owners: Vec<Option<String>>,
}

impl Printer<'_> {
    /// Names each block after the scope that wrote it, walking pipelines in order.
    fn name_blocks(&mut self) {
        let program = self.program;
        for api in &program.apis {
            for op in &api.operations {
                for &(product, id) in &op.pipelines {
                    let Some(pipe) = program.pipelines.get(id as usize) else {
                        continue;
                    };
                    let (a, o) = (program.str(api.name), program.str(op.name));
                    let prod = program
                        .products
                        .get(product as usize)
                        .map_or("", |p| program.str(p.name));
                    for root in pipe.sections {
                        for b in self.reachable(&[root]) {
                            if self.owners.get(b as usize).is_some_and(Option::is_none) {
                                let owner = self.owner(b, a, o, prod);
                                self.owners[b as usize] = Some(owner);
                            }
                        }
                    }
                }
            }
        }
    }

    fn owner(&self, b: BlockId, api: &str, op: &str, product: &str) -> String {
        let first = self
            .program
            .blocks
            .get(b as usize)
            .and_then(|x| x.ops.first());
        let Some(loc) = first.and_then(|op| self.program.loc(op.loc)) else {
            return "empty".to_string();
        };
        let path = self.s(loc.path);
        let within = path.rsplit_once('/').map_or(path, |(p, _)| p);
        let who = match loc.scope {
            super::Scope::Api => format!("api {api}"),
            super::Scope::Operation => format!("operation {api}/{op}"),
            super::Scope::Product => format!("product {product}"),
            super::Scope::Fragment => {
                let file = self.program.files.get(loc.file as usize).map_or("?", |f| f);
                format!("fragment {file}")
            }
            other => other.name().to_string(),
        };
        format!("{who}, {within}")
    }

    /// String `id` of the program.
    pub(crate) fn s(&self, id: u32) -> &str {
        self.program.str(id)
    }

    fn product_name(&self, product: u32) -> String {
        match self.program.products.get(product as usize) {
            Some(p) => format!(" via {}", self.s(p.name)),
            None => String::new(),
        }
    }

    fn api_name(&self, i: u32) -> &str {
        self.program
            .apis
            .get(i as usize)
            .map_or("?", |a| self.s(a.name))
    }

    /// Blocks reachable from `roots` through calls and `choose` branches, in id order.
    fn reachable(&self, roots: &[BlockId]) -> BTreeSet<BlockId> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<BlockId> = roots.to_vec();
        while let Some(id) = stack.pop() {
            if !seen.insert(id) {
                continue;
            }
            let Some(block) = self.program.blocks.get(id as usize) else {
                continue;
            };
            for op in &block.ops {
                op.kind.blocks(&mut |b| stack.push(b));
            }
        }
        seen
    }

    /// `block N (scope, path):` then one op a line, each op's expressions under it.
    fn block(&self, out: &mut String, id: BlockId) {
        let Some(block) = self.program.blocks.get(id as usize) else {
            return;
        };
        let label = match self.owners.get(id as usize) {
            Some(Some(owner)) => owner.clone(),
            _ => self.owner(id, "?", "?", "?"),
        };
        let _ = writeln!(out, "\nblock {id} ({label}):");
        for op in &block.ops {
            let _ = writeln!(
                out,
                "  {} ; {}",
                op.kind.print(self),
                self.program.describe_loc(op.loc)
            );
            op.kind.codes(&mut |code| self.code(out, code));
        }
    }

    /// An argument: a quoted literal or `expr#N`.
    pub(crate) fn arg(&self, a: Arg) -> String {
        match a {
            Arg::Lit(s) => format!("{:?}", self.s(s)),
            Arg::Expr(c) => format!("expr#{c}"),
        }
    }

    /// ` name=arg`, or nothing.
    pub(crate) fn opt(&self, name: &str, a: Option<Arg>) -> String {
        a.map_or(String::new(), |a| format!(" {name}={}", self.arg(a)))
    }

    /// ` label="string"`, or nothing.
    pub(crate) fn name(&self, label: &str, s: Option<u32>) -> String {
        s.map_or(String::new(), |s| format!(" {label}={:?}", self.s(s)))
    }

    fn code(&self, out: &mut String, id: CodeId) {
        let Some(entry) = self.program.code(id) else {
            return;
        };
        let _ = writeln!(
            out,
            "    expr#{id} ; {}",
            self.program.describe_loc(entry.loc)
        );
        let strings = &entry.code.strings;
        if !strings.is_empty() {
            let list: Vec<String> = strings.iter().map(|s| format!("{:?}", &**s)).collect();
            let _ = writeln!(out, "      strings: [{}]", list.join(", "));
        }
        for line in entry.code.disassemble().lines() {
            let _ = writeln!(out, "      {line}");
        }
    }
}
