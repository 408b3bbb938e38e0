//! `set-header` (and `set-query-parameter`, which has the same payload): a name, an
//! `exists-action` and values.

use super::{Arg, OpData, Printer, Refs};
use crate::bundle::{many, put_arg, put_len, BundleError, ProgramReader};

/// `exists-action` of `set-header` / `set-query-parameter`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum ExistsAction {
    /// Replace existing values (default).
    Override = 0,
    /// Leave an existing entry alone.
    Skip = 1,
    /// Add to existing values.
    Append = 2,
    /// Remove the entry.
    Delete = 3,
}

/// A header or query-parameter operation.
#[derive(Clone, Debug, PartialEq)]
pub struct HeaderOp {
    /// The name.
    pub name: Arg,
    /// What to do when it exists.
    pub action: ExistsAction,
    /// The `<value>` children, in order.
    pub values: Vec<Arg>,
}

impl ExistsAction {
    /// Every action, in tag order.
    const ALL: [ExistsAction; 4] = [
        ExistsAction::Override,
        ExistsAction::Skip,
        ExistsAction::Append,
        ExistsAction::Delete,
    ];

    /// The attribute value.
    pub fn name(self) -> &'static str {
        match self {
            ExistsAction::Override => "override",
            ExistsAction::Skip => "skip",
            ExistsAction::Append => "append",
            ExistsAction::Delete => "delete",
        }
    }
}

impl HeaderOp {
    /// `name=… action=… values=[…]`, as `explain` shows it (also inside `return-response`).
    pub(crate) fn describe(&self, p: &Printer<'_>) -> String {
        let values: Vec<String> = self.values.iter().map(|&v| p.arg(v)).collect();
        format!(
            "name={} action={} values=[{}]",
            p.arg(self.name),
            self.action.name(),
            values.join(", ")
        )
    }
}

impl OpData for HeaderOp {
    fn write(&self, w: &mut Vec<u8>) {
        put_arg(w, self.name);
        w.push(self.action as u8);
        put_len(w, self.values.len());
        self.values.iter().for_each(|v| put_arg(w, *v));
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        let name = r.arg("a name")?;
        let all = ExistsAction::ALL;
        let action = all[r.tag("exists-action", all.len() as u8)? as usize];
        let n = r.list("values", 1)?;
        let values = many(n, || r.arg("a value"))?;
        Ok(HeaderOp {
            name,
            action,
            values,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        format!("{name} {}", self.describe(p))
    }

    fn refs(&self, v: &mut dyn Refs) {
        v.arg(self.name);
        self.values.iter().for_each(|a| v.arg(*a));
    }
}
