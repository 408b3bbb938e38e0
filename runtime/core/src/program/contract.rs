//! An operation's contract from its OpenAPI specification: declared parameters, request
//! bodies and responses with their JSON Schemas, which the validation policies
//! (`validate-content`, `validate-parameters`, `validate-headers`, `validate-status-code`)
//! check messages against. Schemas are self-contained JSON Schema texts (normalised from
//! OpenAPI by the compiler) compiled once when a gateway loads the program.

use super::StrId;
use crate::bundle::{many, put_len, put_opt, put_var, BundleError, ProgramReader};

/// What an operation declares.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Contract {
    /// Path, query and header parameters of the request.
    pub parameters: Vec<ParamSpec>,
    /// Request bodies by media type.
    pub request: Vec<BodySpec>,
    /// Responses by status (0 for `default`).
    pub responses: Vec<ResponseSpec>,
}

/// Where a parameter goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamIn {
    /// A `{name}` of the URL template.
    Path = 0,
    /// A query parameter.
    Query = 1,
    /// A header.
    Header = 2,
}

/// A declared parameter or response header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamSpec {
    /// Its name.
    pub name: StrId,
    /// Where it goes.
    pub location: ParamIn,
    /// Whether it must be present.
    pub required: bool,
    /// Its JSON Schema text, when declared.
    pub schema: Option<StrId>,
}

/// A declared body of one media type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BodySpec {
    /// The media type, e.g. `application/json`.
    pub content_type: StrId,
    /// Its JSON Schema text, when declared.
    pub schema: Option<StrId>,
}

/// A declared response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseSpec {
    /// Status code, 0 for `default`.
    pub status: u16,
    /// Bodies by media type.
    pub bodies: Vec<BodySpec>,
    /// Declared headers.
    pub headers: Vec<ParamSpec>,
}

impl Contract {
    /// Every schema text the contract holds.
    pub fn schemas(&self, out: &mut Vec<StrId>) {
        out.extend(self.parameters.iter().filter_map(|p| p.schema));
        out.extend(self.request.iter().filter_map(|b| b.schema));
        for r in &self.responses {
            out.extend(r.bodies.iter().filter_map(|b| b.schema));
            out.extend(r.headers.iter().filter_map(|h| h.schema));
        }
    }

    /// The response declared for `status`: exactly, else `default`.
    pub fn response(&self, status: u16) -> Option<&ResponseSpec> {
        let exact = self.responses.iter().find(|r| r.status == status);
        exact.or_else(|| self.responses.iter().find(|r| r.status == 0))
    }

    /// Writes the contract into a program bundle.
    pub(crate) fn write(&self, w: &mut Vec<u8>) {
        put_len(w, self.parameters.len());
        self.parameters.iter().for_each(|p| put_param(w, p));
        put_len(w, self.request.len());
        self.request.iter().for_each(|b| put_body(w, b));
        put_len(w, self.responses.len());
        for r in &self.responses {
            put_var(w, r.status);
            put_len(w, r.bodies.len());
            r.bodies.iter().for_each(|b| put_body(w, b));
            put_len(w, r.headers.len());
            r.headers.iter().for_each(|h| put_param(w, h));
        }
    }

    /// Reads a contract back, checking every string index.
    pub(crate) fn read(r: &mut ProgramReader<'_, '_>) -> Result<Contract, BundleError> {
        let n = r.list("declared parameters", 3)?;
        let parameters = many(n, || read_param(r))?;
        let n = r.list("request bodies", 2)?;
        let request = many(n, || read_body(r))?;
        let n = r.list("declared responses", 3)?;
        let responses = many(n, || {
            let status = r.r.var_u16("a declared status")?;
            let n = r.list("response bodies", 2)?;
            let bodies = many(n, || read_body(r))?;
            let n = r.list("response headers", 3)?;
            let headers = many(n, || read_param(r))?;
            Ok(ResponseSpec {
                status,
                bodies,
                headers,
            })
        })?;
        Ok(Contract {
            parameters,
            request,
            responses,
        })
    }
}

fn put_param(w: &mut Vec<u8>, p: &ParamSpec) {
    put_var(w, p.name);
    w.push(p.location as u8 | (u8::from(p.required) << 2));
    put_opt(w, p.schema);
}

fn put_body(w: &mut Vec<u8>, b: &BodySpec) {
    put_var(w, b.content_type);
    put_opt(w, b.schema);
}

fn read_param(r: &mut ProgramReader<'_, '_>) -> Result<ParamSpec, BundleError> {
    let name = r.str_id("a parameter name")?;
    let at = r.r.pos;
    let bits = r.r.u8("a parameter's place")?;
    let location = match bits & 3 {
        0 => ParamIn::Path,
        1 => ParamIn::Query,
        2 => ParamIn::Header,
        _ => return Err(BundleError::new(at, "a parameter place is not 0..=2")),
    };
    if bits >> 3 != 0 {
        return Err(BundleError::new(at, "unknown parameter flags"));
    }
    Ok(ParamSpec {
        name,
        location,
        required: bits & 4 != 0,
        schema: r.opt_str("a parameter schema")?,
    })
}

fn read_body(r: &mut ProgramReader<'_, '_>) -> Result<BodySpec, BundleError> {
    Ok(BodySpec {
        content_type: r.str_id("a body media type")?,
        schema: r.opt_str("a body schema")?,
    })
}
