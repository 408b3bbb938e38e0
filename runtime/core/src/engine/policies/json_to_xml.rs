//! `json-to-xml`: the section's JSON body rewritten as XML (`convert.rs` holds APIM's
//! rules), when `apply` and `consider-accept-header` say so; `Content-Type` becomes
//! `application/xml`.

mod convert;

use convert::{to_xml, Failure, Options};

use super::super::exchange::Exchange;
use super::super::run::Next;
use super::body_format::{applies, set_content_type, utf8, Format};
use super::message::{held_body, replace_body};
use crate::program::{JsonToXml, Op, Program};
use crate::vm::Fault;
use bytes::Bytes;
use gatehouse_dotnet::jsonparse;
use std::sync::Arc;

/// The evaluated attributes.
struct Read {
    separator: Arc<str>,
    ns_prefix: Option<Arc<str>>,
    attr_block: Option<Arc<str>>,
}

fn read(x: &mut Exchange, program: &Program, j: &JsonToXml) -> Result<Read, Fault> {
    let mut opt = |a: Option<crate::program::Arg>| -> Result<Option<Arc<str>>, Fault> {
        a.map(|a| x.arg_text(program, &a)).transpose()
    };
    Ok(Read {
        separator: opt(j.namespace_separator)?.unwrap_or_else(|| Arc::from("_")),
        ns_prefix: opt(j.namespace_prefix)?.filter(|p| !p.is_empty()),
        attr_block: opt(j.attribute_block_name)?.filter(|p| !p.is_empty()),
    })
}

/// `json-to-xml`. No body (or an empty one) is left as it is; a body that is not UTF-8
/// JSON, nests deeper than Json.NET's 64 levels or converts to more than the engine's body
/// limit is an error of the policy.
pub(super) fn json_to_xml(x: &mut Exchange, program: &Program, op: &Op, j: &JsonToXml) -> Next {
    let go = applies(
        x,
        program,
        j.apply,
        j.consider_accept_header,
        Format::Json,
        Format::Xml,
    );
    let r = match go.and_then(|go| go.then(|| read(x, program, j)).transpose()) {
        Ok(Some(r)) => r,
        Ok(None) => return Next::Go,
        Err(e) => return Next::Error(x.fault_at(program, op, &e)),
    };
    let Some(body) = held_body(x).filter(|b| !b.is_empty()) else {
        return Next::Go;
    };
    let limit = x.ctx.sh.config.max_body;
    let converted = utf8(&body)
        .and_then(|text| {
            jsonparse::parse_with(text, j.parse_date)
                .map_err(|e| format!("The body is not valid JSON. {}", e.message))
        })
        .and_then(|json| {
            let o = Options {
                separator: &r.separator,
                ns_prefix: r.ns_prefix.as_deref(),
                attr_block: r.attr_block.as_deref(),
                limit,
            };
            to_xml(&json, &o).map_err(|f| match f {
                Failure::TooLarge => {
                    format!("The converted body would hold more than the limit of {limit} bytes.")
                }
                Failure::Invalid(m) => format!("The body cannot be converted to XML. {m}"),
            })
        });
    match converted {
        Ok(xml) => {
            replace_body(x, Bytes::from(xml));
            set_content_type(x, "application/xml");
            Next::Go
        }
        Err(msg) => Next::Error(x.error_at(program, op, "", msg)),
    }
}
