//! `xml-to-json`: the section's XML body rewritten as JSON (`convert.rs` holds the rules
//! of both kinds), when `apply` and `consider-accept-header` say so; `Content-Type`
//! becomes `application/json`.

mod convert;

use super::super::exchange::Exchange;
use super::super::run::Next;
use super::body_format::{applies, flag, set_content_type, utf8, Format};
use super::message::{held_body, replace_body};
use crate::program::{Op, Program, XmlToJson};
use crate::vm::Fault;
use bytes::Bytes;
use convert::{to_json, Options};
use gatehouse_dotnet::xml;

/// `XmlReader`'s refusal of a document type definition (`DtdProcessing.Prohibit`).
const DTD_PROHIBITED: &str = "For security reasons DTD is prohibited in this XML document.";

/// The evaluated attributes, when the conversion applies.
fn read(x: &mut Exchange, program: &Program, t: &XmlToJson) -> Result<Option<Options>, Fault> {
    if !applies(
        x,
        program,
        t.apply,
        t.consider_accept_header,
        Format::Xml,
        Format::Json,
    )? {
        return Ok(None);
    }
    let kind = x.arg_text(program, &t.kind)?;
    Ok(Some(Options {
        direct: kind.trim().eq_ignore_ascii_case("direct"),
        always_array: flag(x, program, t.always_array_child_elements, false)?,
        limit: x.ctx.sh.config.max_body,
    }))
}

/// `xml-to-json`. No body (or an empty one) is left as it is; a body that is not UTF-8
/// XML, declares a DTD, nests deeper than the parser's limit or converts to more than the
/// engine's body limit is an error of the policy (no entity is ever expanded).
pub(super) fn xml_to_json(x: &mut Exchange, program: &Program, op: &Op, t: &XmlToJson) -> Next {
    let o = match read(x, program, t) {
        Ok(Some(o)) => o,
        Ok(None) => return Next::Go,
        Err(e) => return Next::Error(x.fault_at(program, op, &e)),
    };
    let Some(body) = held_body(x).filter(|b| !b.is_empty()) else {
        return Next::Go;
    };
    let converted = utf8(&body)
        .and_then(|text| {
            xml::parse(text).map_err(|e| format!("The body is not well-formed XML. {e}"))
        })
        .and_then(|doc| {
            if doc.doctype {
                return Err(format!("The body is refused. {DTD_PROHIBITED}"));
            }
            to_json(&doc, &o).ok_or_else(|| {
                format!(
                    "The converted body would hold more than the limit of {} bytes.",
                    o.limit
                )
            })
        });
    match converted {
        Ok(json) => {
            replace_body(x, Bytes::from(json));
            set_content_type(x, "application/json");
            Next::Go
        }
        Err(msg) => Next::Error(x.error_at(program, op, "", msg)),
    }
}
