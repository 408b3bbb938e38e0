//! What the runner needs to know about a program's operations: each one's policy name
//! and source key, and each `choose` with the blocks of its branches.

use gatehouse_runtime::program::{Arg, BlockId, LocId, OpKind, Program};
use std::collections::HashMap;
use std::sync::Arc;

/// A statement's place in the sources: file, line, column.
pub type Key = (Arc<str>, u32, u32);

/// One operation as written.
#[derive(Clone, Debug)]
pub struct OpInfo {
    /// Its place.
    pub key: Key,
    /// The policy's name (`set-header`; `base` or `include-fragment` for shared blocks).
    pub policy: &'static str,
    /// Its path in its document (`inbound/choose[1]/when[1]/set-header[1]`).
    pub path: Arc<str>,
    /// What it names, when literal: a `set-header`'s header, a `set-variable`'s variable.
    pub subject: Option<Arc<str>>,
}

/// A `choose` as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChooseInfo {
    /// How many `when`s.
    pub whens: u32,
}

/// The operations of a program, indexed for the probe's records.
#[derive(Debug, Default)]
pub struct Tables {
    /// By location id.
    pub ops: HashMap<LocId, OpInfo>,
    /// The `choose`s by place.
    pub chooses: HashMap<Key, ChooseInfo>,
    /// Each branch block: its `choose` and branch (the `otherwise` is branch `whens`).
    pub branch_of: HashMap<BlockId, (Key, u32)>,
}

impl Tables {
    /// Indexes `program`.
    pub fn new(program: &Program) -> Tables {
        let mut t = Tables::default();
        for block in &program.blocks {
            for op in &block.ops {
                let Some(loc) = program.loc(op.loc) else {
                    continue;
                };
                let file: Arc<str> = program
                    .files
                    .get(loc.file as usize)
                    .cloned()
                    .unwrap_or_else(|| "?".into());
                // APIM's default global policy, which the compiler supplies when the project
                // has none, is not a file of the project: nothing to cover there.
                if file.starts_with('(') {
                    continue;
                }
                let key: Key = (file, loc.line, loc.column);
                let policy = match &op.kind {
                    OpKind::Call(_) => call_name(program.str(loc.path)),
                    k => k.policy_name(),
                };
                if let OpKind::Choose(c) = &op.kind {
                    let whens = c.branches.len() as u32;
                    t.chooses.insert(key.clone(), ChooseInfo { whens });
                    for (i, (_, b)) in c.branches.iter().enumerate() {
                        t.branch_of.insert(*b, (key.clone(), i as u32));
                    }
                    if let Some(b) = c.otherwise {
                        t.branch_of.insert(b, (key.clone(), whens));
                    }
                }
                let path: Arc<str> = program.str(loc.path).into();
                let subject = match &op.kind {
                    OpKind::SetHeader(h) => match h.name {
                        Arg::Lit(s) => Some(program.str(s).into()),
                        Arg::Expr(_) => None,
                    },
                    OpKind::SetVariable(v) => Some(program.str(v.name).into()),
                    _ => None,
                };
                t.ops.insert(
                    op.loc,
                    OpInfo {
                        key,
                        policy,
                        path,
                        subject,
                    },
                );
            }
        }
        t
    }

    /// The `(choose, branch)` each `choose` that ran in a probe took, in order.
    pub fn branches_taken(&self, probe: &gatehouse_runtime::engine::Probe) -> Vec<(Key, u32)> {
        let mut out = Vec::new();
        for (i, loc) in probe.ran.iter().enumerate() {
            let Some(info) = self.ops.get(loc) else {
                continue;
            };
            let Some(ch) = self.chooses.get(&info.key) else {
                continue;
            };
            let after = i as u32 + 1;
            let taken = probe
                .entered
                .iter()
                .find(|(n, _)| *n == after)
                .and_then(|(_, b)| self.branch_of.get(b))
                .filter(|(k, _)| *k == info.key)
                .map_or(ch.whens, |(_, b)| *b);
            out.push((info.key.clone(), taken));
        }
        out
    }
}

/// A shared block's statement: `<base/>` or `<include-fragment>`, from its path.
fn call_name(path: &str) -> &'static str {
    if path
        .rsplit('/')
        .next()
        .is_some_and(|p| p.starts_with("include-fragment"))
    {
        "include-fragment"
    } else {
        "base"
    }
}
