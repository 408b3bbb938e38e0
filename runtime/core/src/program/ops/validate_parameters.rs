//! `validate-parameters`: the request's path, query and header parameters checked against
//! the operation's declared parameters.

use super::validate_headers::{print_named, put_named, read_named};
use super::{Arg, OpData, Printer, Refs};
use crate::bundle::{put_arg, put_opt, put_opt_arg, BundleError, ProgramReader};
use crate::program::StrId;

/// `validate-parameters`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidateParameters {
    /// `specified-parameter-action`.
    pub specified_parameter_action: Arg,
    /// `unspecified-parameter-action`.
    pub unspecified_parameter_action: Arg,
    /// `errors-variable-name`.
    pub errors_variable_name: Option<StrId>,
    /// `headers`, `query`, `path` (in that order): their overrides.
    pub blocks: [ParamBlock; 3],
}

/// A `headers`, `query` or `path` child (all empty when absent).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParamBlock {
    /// Its `specified-parameter-action`.
    pub specified: Option<Arg>,
    /// Its `unspecified-parameter-action` (never for `path`).
    pub unspecified: Option<Arg>,
    /// Its `parameter` overrides.
    pub parameters: Vec<(StrId, Arg)>,
}

/// The child element names, in [`ValidateParameters::blocks`] order.
pub const PARAMETER_BLOCKS: [&str; 3] = ["headers", "query", "path"];

impl OpData for ValidateParameters {
    fn write(&self, w: &mut Vec<u8>) {
        put_arg(w, self.specified_parameter_action);
        put_arg(w, self.unspecified_parameter_action);
        put_opt(w, self.errors_variable_name);
        for b in &self.blocks {
            put_opt_arg(w, b.specified);
            put_opt_arg(w, b.unspecified);
            put_named(w, &b.parameters);
        }
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        let specified_parameter_action = r.arg("specified-parameter-action")?;
        let unspecified_parameter_action = r.arg("unspecified-parameter-action")?;
        let errors_variable_name = r.opt_str("errors-variable-name")?;
        let mut block = || -> Result<ParamBlock, BundleError> {
            Ok(ParamBlock {
                specified: r.opt_arg("a block's specified-parameter-action")?,
                unspecified: r.opt_arg("a block's unspecified-parameter-action")?,
                parameters: read_named(r, "parameter overrides")?,
            })
        };
        let blocks = [block()?, block()?, block()?];
        Ok(ValidateParameters {
            specified_parameter_action,
            unspecified_parameter_action,
            errors_variable_name,
            blocks,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        let mut s = format!(
            "{name} specified={} unspecified={}",
            p.arg(self.specified_parameter_action),
            p.arg(self.unspecified_parameter_action)
        );
        if let Some(v) = self.errors_variable_name {
            s.push_str(&format!(" errors-variable={}", p.s(v)));
        }
        for (b, block) in PARAMETER_BLOCKS.iter().zip(&self.blocks) {
            if block == &ParamBlock::default() {
                continue;
            }
            s.push_str(&format!(" {b}("));
            if let Some(a) = block.specified {
                s.push_str(&format!("specified={}", p.arg(a)));
            }
            if let Some(a) = block.unspecified {
                s.push_str(&format!(" unspecified={}", p.arg(a)));
            }
            s.push_str(&print_named(p, &block.parameters));
            s.push(')');
        }
        s
    }

    fn refs(&self, v: &mut dyn Refs) {
        v.arg(self.specified_parameter_action);
        v.arg(self.unspecified_parameter_action);
        for b in &self.blocks {
            b.specified.into_iter().for_each(|a| v.arg(a));
            b.unspecified.into_iter().for_each(|a| v.arg(a));
            b.parameters.iter().for_each(|(_, a)| v.arg(*a));
        }
    }
}
