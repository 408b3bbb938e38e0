//! `trace`: a source, a severity, a message and metadata.

use super::{Arg, OpData, Printer, Refs};
use crate::bundle::{many, put_arg, put_len, put_var, BundleError, ProgramReader};
use crate::program::StrId;

/// `trace` severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
#[allow(missing_docs)]
pub enum Severity {
    Verbose = 0,
    Information = 1,
    Error = 2,
}

/// `trace`.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceOp {
    /// `source`.
    pub source: Arg,
    /// `severity`.
    pub severity: Severity,
    /// `<message>`.
    pub message: Arg,
    /// `<metadata name value>` pairs.
    pub metadata: Vec<(StrId, Arg)>,
}

/// Every severity, in tag order.
const SEVERITIES: [Severity; 3] = [Severity::Verbose, Severity::Information, Severity::Error];

impl OpData for TraceOp {
    fn write(&self, w: &mut Vec<u8>) {
        put_arg(w, self.source);
        w.push(self.severity as u8);
        put_arg(w, self.message);
        put_len(w, self.metadata.len());
        for (name, value) in &self.metadata {
            put_var(w, *name);
            put_arg(w, *value);
        }
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        let source = r.arg("a trace source")?;
        let severity = SEVERITIES[r.tag("severity", SEVERITIES.len() as u8)? as usize];
        let message = r.arg("a trace message")?;
        let n = r.list("metadata", 2)?;
        let metadata = many(n, || {
            Ok((r.str_id("a metadata name")?, r.arg("a metadata value")?))
        })?;
        Ok(TraceOp {
            source,
            severity,
            message,
            metadata,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        let meta: Vec<String> = self
            .metadata
            .iter()
            .map(|(k, v)| format!("{:?}={}", p.s(*k), p.arg(*v)))
            .collect();
        format!(
            "{name} source={} severity={:?} message={} metadata=[{}]",
            p.arg(self.source),
            self.severity,
            p.arg(self.message),
            meta.join(", ")
        )
    }

    fn refs(&self, v: &mut dyn Refs) {
        v.arg(self.source);
        v.arg(self.message);
        for (k, a) in &self.metadata {
            v.string(*k);
            v.arg(*a);
        }
    }
}
