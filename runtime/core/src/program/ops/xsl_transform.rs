//! `xsl-transform`: a stylesheet compiled when the program is built or loaded, and its
//! `parameter`s (a name and a literal or expression value each).

use super::{Arg, OpData, Printer, Refs};
use crate::bundle::{many, put_arg, put_len, put_str, put_var, BundleError, ProgramReader};
use crate::program::StrId;
use crate::xslt::{compile, Stylesheet};
use std::sync::Arc;

/// `xsl-transform` on the section's message body.
#[derive(Clone, Debug)]
pub struct XslTransform {
    /// The `xsl:stylesheet` element as written.
    pub source: Arc<str>,
    /// The compiled stylesheet.
    pub stylesheet: Stylesheet,
    /// `<parameter name="…">value</parameter>`, passed as strings.
    pub parameters: Vec<(StrId, Arg)>,
}

impl PartialEq for XslTransform {
    fn eq(&self, o: &XslTransform) -> bool {
        self.source == o.source && self.parameters == o.parameters
    }
}

impl XslTransform {
    /// Compiles `source` (the error is libxslt's message).
    pub fn new(source: &str, parameters: Vec<(StrId, Arg)>) -> Result<XslTransform, String> {
        Ok(XslTransform {
            source: Arc::from(source),
            stylesheet: compile(source)?,
            parameters,
        })
    }
}

impl OpData for XslTransform {
    fn write(&self, w: &mut Vec<u8>) {
        put_str(w, &self.source);
        put_len(w, self.parameters.len());
        for (name, value) in &self.parameters {
            put_var(w, *name);
            put_arg(w, *value);
        }
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        let at = r.r.pos;
        let source = r.r.str(r.limits)?;
        let n = r.list("parameters", 2)?;
        let parameters = many(n, || {
            Ok((r.str_id("a parameter name")?, r.arg("a parameter value")?))
        })?;
        XslTransform::new(&source, parameters)
            .map_err(|e| BundleError::new(at, format!("an XSLT stylesheet: {e}")))
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        let params: String = self
            .parameters
            .iter()
            .map(|(k, v)| format!(" {}={}", p.s(*k), p.arg(*v)))
            .collect();
        format!("{name} stylesheet({} bytes){params}", self.source.len())
    }

    fn refs(&self, v: &mut dyn Refs) {
        for (k, a) in &self.parameters {
            v.string(*k);
            v.arg(*a);
        }
    }
}
