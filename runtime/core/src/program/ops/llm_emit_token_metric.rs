//! `llm-emit-token-metric` and `azure-openai-emit-token-metric`: the namespace and
//! dimensions of the Total, Prompt and Completion Tokens metrics.

use super::emit_metric::{dimension_refs, print_dimensions, put_dimensions, read_dimensions};
use super::{Dimension, OpData, Printer, Refs};
use crate::bundle::{put_var, BundleError, ProgramReader};
use crate::program::StrId;

/// `llm-emit-token-metric` / `azure-openai-emit-token-metric`.
#[derive(Clone, Debug, PartialEq)]
pub struct TokenMetric {
    /// `namespace` (default `API Management`).
    pub namespace: StrId,
    /// The dimensions.
    pub dimensions: Vec<Dimension>,
}

impl OpData for TokenMetric {
    fn write(&self, w: &mut Vec<u8>) {
        put_var(w, self.namespace);
        put_dimensions(w, &self.dimensions);
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        Ok(TokenMetric {
            namespace: r.str_id("a metric namespace")?,
            dimensions: read_dimensions(r)?,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        format!(
            "{name} namespace={:?} {}",
            p.s(self.namespace),
            print_dimensions(p, &self.dimensions)
        )
    }

    fn refs(&self, v: &mut dyn Refs) {
        v.string(self.namespace);
        dimension_refs(v, &self.dimensions);
    }
}
