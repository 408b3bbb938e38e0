//! Coverage: which policy statements and which `choose` branches ran, per file and in
//! total; printed, and written as LCOV so CI services show it on the XML files.

use crate::tables::{Key, Tables};
use gatehouse_runtime::engine::Probe;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Hits of every statement and branch of the programs run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Statement → (policy name, times run).
    pub statements: BTreeMap<Key, (&'static str, u64)>,
    /// (`choose`, branch) → times taken; branch `whens` is `otherwise` (or no branch).
    pub branches: BTreeMap<(Key, u32), u64>,
}

/// Covered and total counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Statements run.
    pub statements_hit: usize,
    /// Statements.
    pub statements: usize,
    /// Branches taken.
    pub branches_hit: usize,
    /// Branches.
    pub branches: usize,
}

impl Counts {
    fn pct(hit: usize, all: usize) -> f64 {
        if all == 0 {
            100.0
        } else {
            hit as f64 * 100.0 / all as f64
        }
    }

    /// Statement coverage, percent.
    pub fn statement_pct(&self) -> f64 {
        Counts::pct(self.statements_hit, self.statements)
    }

    /// Branch coverage, percent.
    pub fn branch_pct(&self) -> f64 {
        Counts::pct(self.branches_hit, self.branches)
    }
}

impl Coverage {
    /// Registers every statement and branch of a program (none run yet).
    pub fn add_program(&mut self, t: &Tables) {
        for op in t.ops.values() {
            self.statements
                .entry(op.key.clone())
                .or_insert((op.policy, 0));
        }
        for (k, c) in &t.chooses {
            for b in 0..=c.whens {
                self.branches.entry((k.clone(), b)).or_insert(0);
            }
        }
    }

    /// Counts what `probe` recorded.
    pub fn add_probe(&mut self, t: &Tables, probe: &Probe) {
        for loc in &probe.ran {
            if let Some(op) = t.ops.get(loc) {
                self.statements
                    .entry(op.key.clone())
                    .or_insert((op.policy, 0))
                    .1 += 1;
            }
        }
        for b in t.branches_taken(probe) {
            *self.branches.entry(b).or_insert(0) += 1;
        }
    }

    /// Adds another coverage's hits.
    pub fn merge(&mut self, other: &Coverage) {
        for (k, (p, n)) in &other.statements {
            self.statements.entry(k.clone()).or_insert((p, 0)).1 += n;
        }
        for (k, n) in &other.branches {
            *self.branches.entry(k.clone()).or_insert(0) += n;
        }
    }

    /// Counts per file, in file order.
    pub fn per_file(&self) -> BTreeMap<Arc<str>, Counts> {
        let mut out: BTreeMap<Arc<str>, Counts> = BTreeMap::new();
        for (k, (_, n)) in &self.statements {
            let c = out.entry(k.0.clone()).or_default();
            c.statements += 1;
            c.statements_hit += usize::from(*n > 0);
        }
        for ((k, _), n) in &self.branches {
            let c = out.entry(k.0.clone()).or_default();
            c.branches += 1;
            c.branches_hit += usize::from(*n > 0);
        }
        out
    }

    /// Counts of all files.
    pub fn total(&self) -> Counts {
        self.per_file()
            .values()
            .fold(Counts::default(), |a, c| Counts {
                statements_hit: a.statements_hit + c.statements_hit,
                statements: a.statements + c.statements,
                branches_hit: a.branches_hit + c.branches_hit,
                branches: a.branches + c.branches,
            })
    }

    /// The statements and branches never run, as `file:line:col policy` / `file:line:col choose branch N`.
    pub fn missed(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .statements
            .iter()
            .filter(|(_, (_, n))| *n == 0)
            .map(|((f, l, c), (p, _))| format!("{f}:{l}:{c} {p}"))
            .collect();
        out.extend(
            self.branches
                .iter()
                .filter(|(_, n)| **n == 0)
                .map(|(((f, l, c), b), _)| format!("{f}:{l}:{c} choose branch {}", b + 1)),
        );
        out
    }

    /// The table printed after a run.
    pub fn render(&self) -> String {
        let mut out = String::from("coverage (statements, choose branches):\n");
        for (file, c) in self.per_file() {
            out.push_str(&format!(
                "  {file:<48} {:>3}/{:<3} {:>6.1}%   {:>3}/{:<3} {:>6.1}%\n",
                c.statements_hit,
                c.statements,
                c.statement_pct(),
                c.branches_hit,
                c.branches,
                c.branch_pct()
            ));
        }
        let t = self.total();
        out.push_str(&format!(
            "  {:<48} {:>3}/{:<3} {:>6.1}%   {:>3}/{:<3} {:>6.1}%\n",
            "total",
            t.statements_hit,
            t.statements,
            t.statement_pct(),
            t.branches_hit,
            t.branches,
            t.branch_pct()
        ));
        for m in self.missed() {
            out.push_str(&format!("  not run: {m}\n"));
        }
        out
    }

    /// LCOV: one record per policy file; `prefix` is joined before each file's path.
    pub fn lcov(&self, prefix: &str) -> String {
        let mut out = String::new();
        for (file, c) in self.per_file() {
            out.push_str(&format!("TN:\nSF:{}\n", join(prefix, &file)));
            let mut lines: BTreeMap<u32, u64> = BTreeMap::new();
            for ((f, l, _), (_, n)) in &self.statements {
                if *f == file {
                    let e = lines.entry(*l).or_insert(u64::MAX);
                    *e = (*e).min(*n);
                }
            }
            let mut chooses: Vec<&Key> = self
                .branches
                .keys()
                .filter(|(k, _)| k.0 == file)
                .map(|(k, _)| k)
                .collect();
            chooses.dedup();
            for ((k, b), n) in self.branches.iter().filter(|((k, _), _)| k.0 == file) {
                let block = chooses.iter().position(|c| *c == k).unwrap_or(0);
                let taken = if *n == 0 {
                    "-".to_string()
                } else {
                    n.to_string()
                };
                out.push_str(&format!("BRDA:{},{block},{b},{taken}\n", k.1));
            }
            out.push_str(&format!("BRF:{}\nBRH:{}\n", c.branches, c.branches_hit));
            for (l, n) in &lines {
                out.push_str(&format!("DA:{l},{n}\n"));
            }
            let hit = lines.values().filter(|n| **n > 0).count();
            out.push_str(&format!("LF:{}\nLH:{hit}\nend_of_record\n", lines.len()));
        }
        out
    }
}

fn join(prefix: &str, file: &str) -> String {
    if prefix.is_empty() {
        file.to_string()
    } else {
        format!("{}/{file}", prefix.trim_end_matches('/'))
    }
}
