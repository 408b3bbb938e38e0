//! `set-body`: the new body of the section's message, or a Liquid template rendering it.

use super::{Arg, OpData, Printer, Refs};
use crate::bundle::{put_arg, put_str, BundleError, ProgramReader};
use crate::liquid::{compile, LiquidTemplate};
use std::sync::Arc;

/// `set-body` on the section's message.
#[derive(Clone, Debug, PartialEq)]
pub struct SetBody {
    /// The new body (for a template, its source text).
    pub value: Arg,
    /// `template="liquid"`: the compiled template.
    pub liquid: Option<LiquidBody>,
}

/// A `set-body template="liquid"`: the template, compiled when the program is built or
/// loaded (never per request).
#[derive(Clone, Debug)]
pub struct LiquidBody {
    /// The template text.
    pub source: Arc<str>,
    /// `xsi-nil="blank"` (the default): XML `xsi:nil` elements bind as `""`, else nil.
    pub nil_blank: bool,
    /// The compiled template.
    pub template: LiquidTemplate,
}

impl PartialEq for LiquidBody {
    fn eq(&self, o: &LiquidBody) -> bool {
        self.source == o.source && self.nil_blank == o.nil_blank
    }
}

impl LiquidBody {
    /// Compiles `source` (the error is LiquidBody's message).
    pub fn new(source: &str, nil_blank: bool) -> Result<LiquidBody, String> {
        Ok(LiquidBody {
            source: Arc::from(source),
            nil_blank,
            template: compile(source)?,
        })
    }
}

impl OpData for SetBody {
    fn write(&self, w: &mut Vec<u8>) {
        put_arg(w, self.value);
        match &self.liquid {
            None => w.push(0),
            Some(l) => {
                w.push(if l.nil_blank { 1 } else { 2 });
                put_str(w, &l.source);
            }
        }
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        let value = r.arg("a body")?;
        let at = r.r.pos;
        let liquid = match r.r.u8("a template mode")? {
            0 => None,
            m @ (1 | 2) => {
                let source = r.r.str(r.limits)?;
                let l = LiquidBody::new(&source, m == 1)
                    .map_err(|e| BundleError::new(at, format!("a LiquidBody template: {e}")))?;
                Some(l)
            }
            m => {
                return Err(BundleError::new(
                    at,
                    format!("template mode {m} is unknown"),
                ))
            }
        };
        Ok(SetBody { value, liquid })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        match &self.liquid {
            None => format!("{name} {}", p.arg(self.value)),
            Some(l) => format!(
                "{name} liquid xsi-nil={} {}",
                if l.nil_blank { "blank" } else { "null" },
                p.arg(self.value)
            ),
        }
    }

    fn refs(&self, v: &mut dyn Refs) {
        v.arg(self.value);
    }
}
