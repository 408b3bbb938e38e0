//! `validate-content`: the size, content type and body of the section's message checked
//! against the operation's declared schemas (or a project schema named by `schema-id`).

use super::{Arg, OpData, Printer, Refs};
use crate::bundle::ProgramReader;
use crate::bundle::{many, put_arg, put_len, put_opt, put_opt_arg, put_var, BundleError};
use crate::program::StrId;

/// `validate-content`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidateContent {
    /// `unspecified-content-type-action`.
    pub unspecified_content_type_action: Arg,
    /// `max-size`, bytes.
    pub max_size: Arg,
    /// `size-exceeded-action`.
    pub size_exceeded_action: Arg,
    /// `errors-variable-name`.
    pub errors_variable_name: Option<StrId>,
    /// `content-type-map any-content-type-value`.
    pub any_content_type_value: Option<StrId>,
    /// `content-type-map missing-content-type-value`.
    pub missing_content_type_value: Option<StrId>,
    /// `content-type-map/type`, in order.
    pub type_map: Vec<TypeMapping>,
    /// `content` elements, in order.
    pub contents: Vec<ContentRule>,
}

/// One `content-type-map/type`: `from` (a content type) or `when` (a condition), and `to`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeMapping {
    /// `from`.
    pub from: Option<StrId>,
    /// `when`.
    pub when: Option<Arg>,
    /// `to`.
    pub to: StrId,
}

/// How a body is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValidateAs {
    /// JSON against a JSON Schema.
    Json = 0,
    /// Well-formed XML.
    Xml = 1,
    /// A well-formed SOAP envelope (1.1 or 1.2).
    Soap = 2,
}

/// One `content` element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContentRule {
    /// `type` (none: any content type no other element names).
    pub content_type: Option<StrId>,
    /// `validate-as`.
    pub validate_as: ValidateAs,
    /// The JSON Schema text `schema-id` (and `schema-ref`) select; none: the operation's.
    pub schema: Option<StrId>,
    /// `action`.
    pub action: Arg,
    /// `allow-additional-properties`.
    pub allow_additional_properties: Option<bool>,
}

impl OpData for ValidateContent {
    fn write(&self, w: &mut Vec<u8>) {
        put_arg(w, self.unspecified_content_type_action);
        put_arg(w, self.max_size);
        put_arg(w, self.size_exceeded_action);
        put_opt(w, self.errors_variable_name);
        put_opt(w, self.any_content_type_value);
        put_opt(w, self.missing_content_type_value);
        put_len(w, self.type_map.len());
        for t in &self.type_map {
            put_opt(w, t.from);
            put_opt_arg(w, t.when);
            put_var(w, t.to);
        }
        put_len(w, self.contents.len());
        for c in &self.contents {
            put_opt(w, c.content_type);
            w.push(c.validate_as as u8);
            put_opt(w, c.schema);
            put_arg(w, c.action);
            w.push(match c.allow_additional_properties {
                None => 0,
                Some(false) => 1,
                Some(true) => 2,
            });
        }
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        let unspecified_content_type_action = r.arg("unspecified-content-type-action")?;
        let max_size = r.arg("max-size")?;
        let size_exceeded_action = r.arg("size-exceeded-action")?;
        let errors_variable_name = r.opt_str("errors-variable-name")?;
        let any_content_type_value = r.opt_str("any-content-type-value")?;
        let missing_content_type_value = r.opt_str("missing-content-type-value")?;
        let n = r.list("content type mappings", 3)?;
        let type_map = many(n, || {
            Ok(TypeMapping {
                from: r.opt_str("a mapping's from")?,
                when: r.opt_arg("a mapping's when")?,
                to: r.str_id("a mapping's to")?,
            })
        })?;
        let n = r.list("content rules", 5)?;
        let contents = many(n, || {
            let content_type = r.opt_str("a content type")?;
            let validate_as = match r.tag("validate-as", 3)? {
                0 => ValidateAs::Json,
                1 => ValidateAs::Xml,
                _ => ValidateAs::Soap,
            };
            let schema = r.opt_str("a content schema")?;
            let action = r.arg("a content action")?;
            let allow_additional_properties = match r.tag("allow-additional-properties", 3)? {
                0 => None,
                1 => Some(false),
                _ => Some(true),
            };
            Ok(ContentRule {
                content_type,
                validate_as,
                schema,
                action,
                allow_additional_properties,
            })
        })?;
        Ok(ValidateContent {
            unspecified_content_type_action,
            max_size,
            size_exceeded_action,
            errors_variable_name,
            any_content_type_value,
            missing_content_type_value,
            type_map,
            contents,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        let mut s = format!(
            "{name} unspecified={} max-size={} size-exceeded={}",
            p.arg(self.unspecified_content_type_action),
            p.arg(self.max_size),
            p.arg(self.size_exceeded_action)
        );
        if let Some(v) = self.errors_variable_name {
            s.push_str(&format!(" errors-variable={}", p.s(v)));
        }
        if let Some(v) = self.any_content_type_value {
            s.push_str(&format!(" any-type={}", p.s(v)));
        }
        if let Some(v) = self.missing_content_type_value {
            s.push_str(&format!(" missing-type={}", p.s(v)));
        }
        for t in &self.type_map {
            let from = t
                .from
                .map_or_else(String::new, |f| format!("from={} ", p.s(f)));
            let when = t
                .when
                .map_or_else(String::new, |w| format!("when={} ", p.arg(w)));
            s.push_str(&format!(" type({from}{when}to={})", p.s(t.to)));
        }
        for c in &self.contents {
            let ty = c.content_type.map_or("*", |t| p.s(t));
            let schema = if c.schema.is_some() { " schema-id" } else { "" };
            s.push_str(&format!(
                " content({ty} as {:?}{schema} action={} additional={:?})",
                c.validate_as,
                p.arg(c.action),
                c.allow_additional_properties
            ));
        }
        s
    }

    fn refs(&self, v: &mut dyn Refs) {
        v.arg(self.unspecified_content_type_action);
        v.arg(self.max_size);
        v.arg(self.size_exceeded_action);
        for t in &self.type_map {
            if let Some(w) = t.when {
                v.arg(w);
            }
        }
        for c in &self.contents {
            v.arg(c.action);
        }
    }
}
