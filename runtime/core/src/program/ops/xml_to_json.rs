//! `xml-to-json`: converts the section's XML body to JSON.

use super::{Arg, OpData, Printer, Refs};
use crate::bundle::{put_arg, put_opt_arg, BundleError, ProgramReader};

/// `xml-to-json` on the section's message body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct XmlToJson {
    /// `kind`: `direct` or `javascript-friendly`.
    pub kind: Arg,
    /// `apply`: `always` or `content-type-xml`.
    pub apply: Arg,
    /// `consider-accept-header` (default `true`).
    pub consider_accept_header: Option<Arg>,
    /// `always-array-child-elements` (default `false`).
    pub always_array_child_elements: Option<Arg>,
}

impl OpData for XmlToJson {
    fn write(&self, w: &mut Vec<u8>) {
        put_arg(w, self.kind);
        put_arg(w, self.apply);
        put_opt_arg(w, self.consider_accept_header);
        put_opt_arg(w, self.always_array_child_elements);
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        Ok(XmlToJson {
            kind: r.arg("kind")?,
            apply: r.arg("apply")?,
            consider_accept_header: r.opt_arg("consider-accept-header")?,
            always_array_child_elements: r.opt_arg("always-array-child-elements")?,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        format!(
            "{name} kind={} apply={}{}{}",
            p.arg(self.kind),
            p.arg(self.apply),
            p.opt("consider-accept-header", self.consider_accept_header),
            p.opt(
                "always-array-child-elements",
                self.always_array_child_elements
            ),
        )
    }

    fn refs(&self, v: &mut dyn Refs) {
        v.arg(self.kind);
        v.arg(self.apply);
        for a in [
            self.consider_accept_header,
            self.always_array_child_elements,
        ]
        .into_iter()
        .flatten()
        {
            v.arg(a);
        }
    }
}
