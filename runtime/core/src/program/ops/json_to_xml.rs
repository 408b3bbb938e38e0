//! `json-to-xml`: converts the section's JSON body to XML.

use super::{Arg, OpData, Printer, Refs};
use crate::bundle::{put_arg, put_flags, put_opt_arg, BundleError, ProgramReader};

/// `json-to-xml` on the section's message body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JsonToXml {
    /// `apply`: `always` or `content-type-json`.
    pub apply: Arg,
    /// `consider-accept-header` (default `true`).
    pub consider_accept_header: Option<Arg>,
    /// `parse-date` (default `true`; no expressions): ISO dates rewritten in round-trip form.
    pub parse_date: bool,
    /// `namespace-separator` (default `_`).
    pub namespace_separator: Option<Arg>,
    /// `namespace-prefix`: properties starting with it declare namespaces.
    pub namespace_prefix: Option<Arg>,
    /// `attribute-block-name`: the object whose properties become attributes.
    pub attribute_block_name: Option<Arg>,
}

impl OpData for JsonToXml {
    fn write(&self, w: &mut Vec<u8>) {
        put_arg(w, self.apply);
        put_opt_arg(w, self.consider_accept_header);
        put_flags(w, &[self.parse_date]);
        put_opt_arg(w, self.namespace_separator);
        put_opt_arg(w, self.namespace_prefix);
        put_opt_arg(w, self.attribute_block_name);
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        let apply = r.arg("apply")?;
        let consider_accept_header = r.opt_arg("consider-accept-header")?;
        let [parse_date] = r.flags("parse-date")?;
        Ok(JsonToXml {
            apply,
            consider_accept_header,
            parse_date,
            namespace_separator: r.opt_arg("namespace-separator")?,
            namespace_prefix: r.opt_arg("namespace-prefix")?,
            attribute_block_name: r.opt_arg("attribute-block-name")?,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        format!(
            "{name} apply={}{} parse-date={}{}{}{}",
            p.arg(self.apply),
            p.opt("consider-accept-header", self.consider_accept_header),
            self.parse_date,
            p.opt("namespace-separator", self.namespace_separator),
            p.opt("namespace-prefix", self.namespace_prefix),
            p.opt("attribute-block-name", self.attribute_block_name),
        )
    }

    fn refs(&self, v: &mut dyn Refs) {
        v.arg(self.apply);
        for a in [
            self.consider_accept_header,
            self.namespace_separator,
            self.namespace_prefix,
            self.attribute_block_name,
        ]
        .into_iter()
        .flatten()
        {
            v.arg(a);
        }
    }
}
