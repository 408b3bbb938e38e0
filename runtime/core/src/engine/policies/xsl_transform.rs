//! `xsl-transform`: the section's XML body through the stylesheet, with the parameters'
//! values as strings.

use super::super::exchange::Exchange;
use super::super::run::Next;
use super::message::{held_body, replace_body};
use crate::program::{Op, Program, XslTransform};
use bytes::Bytes;

/// `xsl-transform`. No body leaves the message as it is; a body that is not XML, refused
/// (a DTD, too large) or a failed transform is an error of the policy.
pub(super) fn xsl_transform(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    t: &XslTransform,
) -> Next {
    let mut params = Vec::with_capacity(t.parameters.len());
    for (name, value) in &t.parameters {
        match x.arg_text(program, value) {
            Ok(v) => params.push((program.str(*name).to_string(), v.to_string())),
            Err(e) => return Next::Error(x.fault_at(program, op, &e)),
        }
    }
    let Some(body) = held_body(x) else {
        return Next::Go;
    };
    let limits = x.ctx.sh.config.xslt;
    match t.stylesheet.transform(&body, &params, limits) {
        Ok(out) => {
            replace_body(x, Bytes::from(out));
            Next::Go
        }
        Err(e) => {
            Next::Error(x.error_at(program, op, "", format!("The XSL transform failed: {e}")))
        }
    }
}
