//! `validate-graphql-request`: the request's GraphQL document checked for size, depth and
//! validity against the API's schema, and its fields authorised by path.

use super::{Arg, OpData, Printer, Refs};
use crate::bundle::{many, put_arg, put_len, put_opt_arg, put_var, BundleError, ProgramReader};
use crate::program::StrId;

/// `validate-graphql-request`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidateGraphqlRequest {
    /// `error-variable-name`: where the errors are also stored.
    pub error_variable_name: Option<Arg>,
    /// `max-size`: the largest request payload, bytes.
    pub max_size: Arg,
    /// `max-depth` (default 6).
    pub max_depth: Option<Arg>,
    /// `authorize` > `rule`: path (`/Type/field`, `/__*`) and `action` (default `allow`).
    pub rules: Vec<(StrId, Option<Arg>)>,
}

impl OpData for ValidateGraphqlRequest {
    fn write(&self, w: &mut Vec<u8>) {
        put_opt_arg(w, self.error_variable_name);
        put_arg(w, self.max_size);
        put_opt_arg(w, self.max_depth);
        put_len(w, self.rules.len());
        for (path, action) in &self.rules {
            put_var(w, *path);
            put_opt_arg(w, *action);
        }
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        let error_variable_name = r.opt_arg("error-variable-name")?;
        let max_size = r.arg("max-size")?;
        let max_depth = r.opt_arg("max-depth")?;
        let n = r.list("authorization rules", 2)?;
        let rules = many(n, || {
            Ok((r.str_id("a rule's path")?, r.opt_arg("a rule's action")?))
        })?;
        Ok(ValidateGraphqlRequest {
            error_variable_name,
            max_size,
            max_depth,
            rules,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        let mut s = format!("{name} max-size={}", p.arg(self.max_size));
        if let Some(d) = self.max_depth {
            s.push_str(&format!(" max-depth={}", p.arg(d)));
        }
        if let Some(v) = self.error_variable_name {
            s.push_str(&format!(" error-variable={}", p.arg(v)));
        }
        for (path, action) in &self.rules {
            let action = action.map_or("allow".to_string(), |a| p.arg(a));
            s.push_str(&format!(" {}={action}", p.s(*path)));
        }
        s
    }

    fn refs(&self, v: &mut dyn Refs) {
        for a in [
            self.error_variable_name,
            Some(self.max_size),
            self.max_depth,
        ]
        .into_iter()
        .flatten()
        {
            v.arg(a);
        }
        self.rules
            .iter()
            .filter_map(|(_, a)| *a)
            .for_each(|a| v.arg(a));
    }
}
