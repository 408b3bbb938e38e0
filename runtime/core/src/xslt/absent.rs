//! A build without the `xslt` feature: no stylesheet compiles, so `build` refuses
//! `xsl-transform` (and a bundle holding one does not load).

use super::XsltLimits;

/// No stylesheet exists in this build.
#[derive(Clone, Debug)]
pub struct Stylesheet(());

/// Always the error saying the engine is missing.
pub fn compile(_source: &str) -> Result<Stylesheet, String> {
    Err("this gatehouse was built without its XSLT engine (the `xslt` feature)".into())
}

impl Stylesheet {
    /// Never called: no stylesheet can be made.
    pub fn transform(
        &self,
        _input: &[u8],
        _params: &[(String, String)],
        _limits: XsltLimits,
    ) -> Result<Vec<u8>, String> {
        Err("no XSLT engine".into())
    }
}
