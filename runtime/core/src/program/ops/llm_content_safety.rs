//! `llm-content-safety`: the Content Safety backend, prompt shields, the harm categories
//! with their thresholds and output type, and the blocklists a prompt is checked against.

use super::{Arg, OpData, Printer, Refs};
use crate::bundle::{many, put_arg, put_len, put_opt_arg, BundleError, ProgramReader};

/// A harm category of Azure AI Content Safety (`category name`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum HarmCategory {
    /// `Hate`.
    Hate = 0,
    /// `SelfHarm`.
    SelfHarm = 1,
    /// `Sexual`.
    Sexual = 2,
    /// `Violence`.
    Violence = 3,
}

/// Every category, in tag order.
const CATEGORIES: [HarmCategory; 4] = [
    HarmCategory::Hate,
    HarmCategory::SelfHarm,
    HarmCategory::Sexual,
    HarmCategory::Violence,
];

impl HarmCategory {
    /// The category written `name` (the service's spelling).
    pub fn named(name: &str) -> Option<HarmCategory> {
        CATEGORIES.into_iter().find(|c| c.name() == name)
    }

    /// The service's name of the category.
    pub fn name(self) -> &'static str {
        match self {
            HarmCategory::Hate => "Hate",
            HarmCategory::SelfHarm => "SelfHarm",
            HarmCategory::Sexual => "Sexual",
            HarmCategory::Violence => "Violence",
        }
    }
}

/// `categories output-type`: the severity scale the service answers on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum OutputType {
    /// `FourSeverityLevels` (0, 2, 4, 6), the default.
    FourSeverityLevels = 0,
    /// `EightSeverityLevels` (0 to 7).
    EightSeverityLevels = 1,
}

impl OutputType {
    /// The type written `name`.
    pub fn named(name: &str) -> Option<OutputType> {
        match name {
            "FourSeverityLevels" => Some(OutputType::FourSeverityLevels),
            "EightSeverityLevels" => Some(OutputType::EightSeverityLevels),
            _ => None,
        }
    }
}

/// `llm-content-safety`.
#[derive(Clone, Debug, PartialEq)]
pub struct ContentSafety {
    /// `backend-id`: the Content Safety backend.
    pub backend_id: Arg,
    /// `shield-prompt` (default `false`).
    pub shield_prompt: Option<Arg>,
    /// `categories output-type` (default `FourSeverityLevels`).
    pub output_type: OutputType,
    /// `category` elements: a severity at or over the threshold blocks.
    pub categories: Vec<(HarmCategory, u8)>,
    /// `blocklists` > `id`: a match in one blocks.
    pub blocklists: Vec<Arg>,
}

impl OpData for ContentSafety {
    fn write(&self, w: &mut Vec<u8>) {
        put_arg(w, self.backend_id);
        put_opt_arg(w, self.shield_prompt);
        w.push(self.output_type as u8);
        put_len(w, self.categories.len());
        for (c, t) in &self.categories {
            w.push(*c as u8);
            w.push(*t);
        }
        put_len(w, self.blocklists.len());
        for b in &self.blocklists {
            put_arg(w, *b);
        }
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        let backend_id = r.arg("a content safety backend")?;
        let shield_prompt = r.opt_arg("shield-prompt")?;
        let output_type = match r.tag("output type", 2)? {
            0 => OutputType::FourSeverityLevels,
            _ => OutputType::EightSeverityLevels,
        };
        let n = r.list("categories", 2)?;
        let categories = many(n, || {
            let c = CATEGORIES[r.tag("harm category", CATEGORIES.len() as u8)? as usize];
            Ok((c, r.tag("category threshold", 8)?))
        })?;
        let n = r.list("blocklists", 1)?;
        let blocklists = many(n, || r.arg("a blocklist"))?;
        Ok(ContentSafety {
            backend_id,
            shield_prompt,
            output_type,
            categories,
            blocklists,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        let mut s = format!("{name} backend-id={}", p.arg(self.backend_id));
        s.push_str(&p.opt("shield-prompt", self.shield_prompt));
        s.push_str(&format!(" output-type={:?}", self.output_type));
        for (c, t) in &self.categories {
            s.push_str(&format!(" {}>={t}", c.name()));
        }
        for b in &self.blocklists {
            s.push_str(&format!(" blocklist={}", p.arg(*b)));
        }
        s
    }

    fn refs(&self, v: &mut dyn Refs) {
        v.arg(self.backend_id);
        self.shield_prompt.into_iter().for_each(|a| v.arg(a));
        self.blocklists.iter().for_each(|a| v.arg(*a));
    }
}
